/**
 * The private directory of one shell call (docs/shell-contract.md, "How a script runs"): the
 * script (`call.ps1`) and, when the call needs them, the PFX (`cert.pfx`), its password
 * (`secret.psd1`) and the remoting credential (`credential.psd1`). Secrets are never on a command
 * line, in the script's text or in a log; the data files are read with `Import-PowerShellDataFile`
 * (which evaluates no code). Text files are UTF-8 with a BOM: Windows PowerShell 5.1 reads a
 * BOM-less file in the ANSI code page, which would misread a non-ASCII path or password.
 *
 * The directory is owner-only (files/owner-only.ts: 0700/0600 on POSIX, an ACL granting the current
 * user alone on Windows; files `wx`), and removed when the call is over, waiting out a file an
 * antivirus scanner holds (files/held-files.ts). A hard cancel (two Ctrl-C during an import) skips
 * that removal: each directory's name carries the pid of the process that made it, and the first
 * call of a run removes the directories an earlier run left, only ours: our prefix, our user, made
 * before this run started, by a process that no longer exists.
 */
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentHost, type HostPlatform } from '../files/host-platform';
import { createPrivateDirectory, removePath, writePrivateFile, type RemoveOptions } from '../files/owner-only';
import { singleQuoted } from './scripts';

/** Every call directory's name starts so, then the pid of the process, `-`, and mkdtemp's suffix. */
export const CALL_DIRECTORY_PREFIX = 'sfb-oauth-cert-call-';
// Older versions named the import's directory `sfb-oauth-cert-XXXXXX` (mkdtemp), no pid.
const LEGACY_NAME = /^sfb-oauth-cert-[A-Za-z0-9]{6}$/;
const LEGACY_FILES = new Set(['cert.pfx', 'secret.psd1']);
const NAME = new RegExp(`^${CALL_DIRECTORY_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);

/** One call's directory: where its files go. */
export interface CallDirectory {
  readonly path: string;
  /** Writes a text file (UTF-8 with a BOM) or bytes, owner-only, never over an existing file. */
  write(name: string, content: string | Buffer): Promise<string>;
}

/** A PowerShell data file of string entries, e.g. `@{ Password = '...' }`; UTF-8 BOM added on write. */
export function dataFile(entries: Readonly<Record<string, string>>): string {
  return `@{ ${Object.entries(entries)
    .map(([key, value]) => `${key} = ${singleQuoted(value)}`)
    .join('; ')} }\r\n`;
}

const WHAT = 'the private directory of a shell call (its script, and the PFX, password or credential it needed)';

/** What a sweep needs to know of the world (injected in tests). */
export interface SweepContext {
  /** The directory holding call directories (os.tmpdir()). */
  readonly base: string;
  /** When this run started (ms): only directories modified before it are candidates. */
  readonly startedAt: number;
  /** Whether a process with this pid exists. */
  readonly isAlive: (pid: number) => boolean;
  /** Our user id (POSIX); undefined on Windows, where the directory's ACL is ours by creation. */
  readonly uid?: number;
}

/** Whether a pid names a running process (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the call directories an earlier, cancelled run left; returns their names. */
export async function sweepLeftovers(context: SweepContext): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(context.base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    const legacy = LEGACY_NAME.test(name);
    if (pid === undefined && !legacy) continue;
    const path = join(context.base, name);
    try {
      const info = await stat(path);
      if (!info.isDirectory() || info.mtimeMs >= context.startedAt) continue;
      if (context.uid !== undefined && info.uid !== context.uid) continue;
      if (pid !== undefined && (Number(pid) === process.pid || context.isAlive(Number(pid)))) continue;
      // A legacy name carries no pid: it is ours only if it holds nothing but an import's files.
      if (legacy && !(await readdir(path)).every((file) => LEGACY_FILES.has(file))) continue;
      await removePath(path, { what: `${WHAT} left by an earlier run` });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to read: leave it.
    }
  }
  return removed;
}

const processStartedAt = Date.now() - process.uptime() * 1000;
let sweep: Promise<unknown> | undefined;

/** The first call of a run sweeps what earlier runs left; later calls wait for that sweep only. */
function sweepOnce(base: string): Promise<unknown> {
  sweep ??= sweepLeftovers({ base, startedAt: processStartedAt, isAlive: processExists, ...(typeof process.getuid === 'function' ? { uid: process.getuid() } : {}) });
  return sweep;
}

/** Where call directories go and the machine's seams (injected in tests). */
export interface CallDirectorySeams {
  /** @default os.tmpdir() */
  readonly base?: string;
  readonly host?: HostPlatform;
  /** The deletion (a test injects one that fails as a held file does). */
  readonly rm?: RemoveOptions['rm'];
}

/**
 * Makes a call directory, runs `use`, and removes the directory whatever the outcome. A removal
 * that fails after `use` succeeded is thrown (FILE_IN_USE naming the directory); after `use`
 * failed, `use`'s error is.
 */
export async function withCallDirectory<T>(use: (directory: CallDirectory) => Promise<T>, seams: CallDirectorySeams = {}): Promise<T> {
  const base = seams.base ?? tmpdir();
  const host = seams.host ?? currentHost();
  await sweepOnce(base);
  const path = await createPrivateDirectory(`${CALL_DIRECTORY_PREFIX}${process.pid}-`, host, base);
  const directory: CallDirectory = {
    path,
    async write(name, content) {
      const file = join(path, name);
      await writePrivateFile(file, typeof content === 'string' ? `\uFEFF${content}` : content);
      return file;
    },
  };
  let result: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    result = { ok: true, value: await use(directory) };
  } catch (error) {
    result = { ok: false, error };
  }
  const removal = removePath(path, { what: WHAT, host, ...(seams.rm ? { rm: seams.rm } : {}) });
  if (!result.ok) {
    await removal.catch(() => undefined);
    throw result.error;
  }
  await removal;
  return result.value;
}
