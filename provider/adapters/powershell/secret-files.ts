/**
 * The PFX and its password on their way to `Import-CsCertificate` (docs/skype-emulator.md,
 * "Import and assign"): never on a command line, in the script or in a log. They are written to a
 * fresh directory only the deploying user can read (owner-only.ts: mode 0700, or on Windows an
 * ACL granting that user alone) as `cert.pfx` and `secret.psd1`, a PowerShell data file the
 * script reads with `Import-PowerShellDataFile` (which evaluates no code), and the directory is
 * removed when the call is over, whatever its outcome, waiting out an antivirus scan that holds
 * a file (owner-only.ts `removePath`).
 */
import { join } from 'node:path';

import { createPrivateDirectory, removePath, writePrivateFile } from '../files/owner-only';
import { currentHost, type HostPlatform } from '../files/host-platform';

export interface SecretPaths {
  readonly pfxPath: string;
  /** Absent when the PFX has no password: the script then passes no `-Password`. */
  readonly dataFilePath?: string;
}

// PowerShell reads ' and the typographic quotes ‘ ’ ‚ ‛ all as a single quote; doubling each
// keeps it inside a single-quoted string, where nothing else is special.
const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** A PowerShell single-quoted string literal of `value`. */
export function singleQuoted(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

/** The data file's text: one hashtable, one key; UTF-8 with a BOM for Windows PowerShell 5.1. */
export function passwordDataFile(password: string): string {
  return `\uFEFF@{ Password = ${singleQuoted(password)} }\r\n`;
}

/**
 * Writes the secret files, runs `use`, and removes them. Should the removal fail after `use`
 * succeeded, its error (FILE_IN_USE, naming the directory) is thrown; after `use` failed,
 * `use`'s error is.
 */
export async function withSecretFiles<T>(
  pfx: Buffer,
  password: string | null,
  use: (paths: SecretPaths) => Promise<T>,
  host: HostPlatform = currentHost(),
): Promise<T> {
  const dir = await createPrivateDirectory('sfb-oauth-cert-', host);
  let result: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    const pfxPath = join(dir, 'cert.pfx');
    // `wx`: never follow or reuse a file someone placed there.
    await writePrivateFile(pfxPath, pfx);
    let dataFilePath: string | undefined;
    if (password !== null) {
      dataFilePath = join(dir, 'secret.psd1');
      await writePrivateFile(dataFilePath, passwordDataFile(password));
    }
    result = { ok: true, value: await use({ pfxPath, ...(dataFilePath ? { dataFilePath } : {}) }) };
  } catch (error) {
    result = { ok: false, error };
  }
  const removal = removePath(dir, { what: 'the private directory holding the PFX and its password', host });
  if (!result.ok) {
    await removal.catch(() => undefined);
    throw result.error;
  }
  await removal;
  return result.value;
}
