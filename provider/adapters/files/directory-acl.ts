/**
 * Who may write a directory on Windows, the counterpart of the POSIX "world-writable" mode bit
 * (pipeline agents are often Windows machines). A directory created at a drive's root inherits from
 * it, by Windows' default ACL, Modify for Authenticated Users and "create files/folders" for
 * BUILTIN\Users: any local account can then swap a store's files.
 *
 * The ACL is read with `icacls <dir> /save <file>` (icacls documentation, Microsoft Learn
 * "icacls": "stores the DACLs for the files and folders that match the name into aclfile"),
 * which writes each DACL as an SDDL string: SIDs and rights in a form that does not depend on the
 * display language, where icacls' own listing prints localised account names ("Jeder",
 * "VORDEFINIERT\Benutzer"). The file's layout (UTF-16 LE, a line with the name, then a line
 * `D:<flags>(ACE)(ACE)...`) is assumed from how /save files are described and restored; it has
 * not been read on a real Windows agent here, so anything else is refused, never passed.
 * SDDL grammar: Microsoft Learn "Security Descriptor String Format" and "ACE Strings".
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { decodeText } from './text-file';
import type { HostPlatform } from './host-platform';
import { systemProgram } from './host-platform';
import { createPrivateDirectory, removePath } from './owner-only';

/** One access-control entry that lets a broad group write. */
export interface BroadWriteGrant {
  /** The group, as Windows names it in English. */
  readonly group: string;
  /** The entry as SDDL, e.g. `(A;OICIID;0x1301bf;;;AU)`. */
  readonly ace: string;
}

/** What the DACL says, or why it could not be read. */
export type DaclReading = { readonly ok: true; readonly grants: readonly BroadWriteGrant[] } | { readonly ok: false; readonly why: string };

/** The groups every local or domain user belongs to: SDDL abbreviation and full SID. */
const BROAD_GROUPS: ReadonlyArray<{ readonly group: string; readonly ids: readonly string[] }> = [
  { group: 'Everyone', ids: ['WD', 'S-1-1-0'] },
  { group: 'BUILTIN\\Users', ids: ['BU', 'S-1-5-32-545'] },
  { group: 'NT AUTHORITY\\Authenticated Users', ids: ['AU', 'S-1-5-11'] },
];

/**
 * The rights of an SDDL ACE string, as access-mask bits (ACE Strings, "rights"). The directory
 * service names are what Windows prints for the file bits they share a value with: DC is
 * FILE_ADD_FILE (0x2), LC FILE_ADD_SUBDIRECTORY (0x4), DT FILE_DELETE_CHILD (0x40).
 */
const RIGHTS: Readonly<Record<string, number>> = {
  GA: 0x10000000, GR: 0x80000000, GW: 0x40000000, GX: 0x20000000,
  RC: 0x20000, SD: 0x10000, WD: 0x40000, WO: 0x80000,
  CC: 0x1, DC: 0x2, LC: 0x4, SW: 0x8, RP: 0x10, WP: 0x20, DT: 0x40, LO: 0x80, CR: 0x100,
  FA: 0x1f01ff, FR: 0x120089, FW: 0x120116, FX: 0x1200a0,
};

/**
 * Bits that let someone replace or roll back a file in the directory, or plant one: add a file
 * or a folder, delete a child or the directory, change its ACL or owner, generic all or write.
 */
const WRITE_BITS = 0x2 | 0x4 | 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000;

/** ACE types that allow (plain and callback); deny entries never widen access. */
const ALLOW_TYPES = new Set(['A', 'XA']);

/**
 * The entries of an SDDL DACL that let Everyone, Users or Authenticated Users write, whatever
 * their inheritance flags (an inherit-only entry reaches the files written later). A null DACL
 * (`D:NO_ACCESS_CONTROL`) grants everyone everything. Rights this table does not know count as
 * write: the check errs towards refusing.
 */
export function broadWriteGrants(dacl: string): DaclReading {
  const match = /^D:([A-Z_]*)((?:\([^()]*\))*)$/.exec(dacl.trim());
  if (match === null) return { ok: false, why: `it is not an SDDL DACL ("${dacl.trim().slice(0, 120)}")` };
  if ((match[1] ?? '').includes('NO_ACCESS_CONTROL')) return { ok: true, grants: [{ group: 'Everyone', ace: 'D:NO_ACCESS_CONTROL (no ACL at all)' }] };
  const grants: BroadWriteGrant[] = [];
  for (const ace of (match[2] ?? '').match(/\([^()]*\)/g) ?? []) {
    const [type = '', , rights = '', , , sid = ''] = ace.slice(1, -1).split(';');
    const group = BROAD_GROUPS.find((candidate) => candidate.ids.includes(sid.toUpperCase()))?.group;
    if (group !== undefined && ALLOW_TYPES.has(type) && (maskOf(rights) & WRITE_BITS) !== 0) grants.push({ group, ace });
  }
  return { ok: true, grants };
}

function maskOf(rights: string): number {
  if (/^0x[0-9a-f]+$/i.test(rights)) return Number.parseInt(rights.slice(2), 16);
  let mask = 0;
  for (const code of rights.match(/../g) ?? []) {
    const bits = RIGHTS[code];
    if (bits === undefined) return WRITE_BITS;
    mask |= bits;
  }
  return mask;
}

/** The name icacls writes its /save file under, inside a private directory of ours. */
const ACL_FILE = 'dacl.txt';

/**
 * Reads the DACL of `directory` through `icacls /save` into a private directory (so no other
 * user can swap the file between icacls and this read), and returns its broad write grants.
 */
export async function readBroadWriteGrants(directory: string, host: HostPlatform): Promise<DaclReading> {
  const scratch = await createPrivateDirectory('sfb-oauth-cert-acl-', host);
  try {
    const aclFile = path.join(scratch, ACL_FILE);
    const icacls = systemProgram(host, 'icacls.exe');
    const args = [directory, '/save', aclFile];
    const result = await host.run(icacls, args);
    if (result.exitCode !== 0) {
      const said = (result.stderr.trim() || result.stdout.trim()).replace(/\s+/g, ' ').slice(0, 300);
      return { ok: false, why: `\`icacls ${args.join(' ')}\` ${result.failure !== undefined ? `could not run (${result.failure})` : `exited with status ${result.exitCode}${said === '' ? '' : `: "${said}"`}`}` };
    }
    const bytes = await fs.readFile(aclFile).catch(() => undefined);
    if (bytes === undefined) return { ok: false, why: `\`icacls ${args.join(' ')}\` wrote no ACL file` };
    const text = aclFileText(bytes);
    const dacl = text.split(/\r?\n/).find((line) => /^D:[A-Z_]*(\(|$)/.test(line.trim()) && !line.includes('\\'));
    return dacl === undefined ? { ok: false, why: `the file \`icacls /save\` wrote holds no DACL line` } : broadWriteGrants(dacl);
  } finally {
    await removePath(scratch, { what: 'the scratch directory of an ACL check', host }).catch(() => undefined);
  }
}

/** icacls writes UTF-16 LE (with or without a BOM); SDDL is ASCII, so a zero second byte tells. */
function aclFileText(bytes: Buffer): string {
  const decoded = decodeText(bytes);
  if (decoded.ok && decoded.encoding !== 'utf-8') return decoded.text;
  if (bytes.length >= 2 && bytes[1] === 0 && bytes.length % 2 === 0) return bytes.toString('utf16le');
  return bytes.toString('utf8');
}
