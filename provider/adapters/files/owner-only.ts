/**
 * Directories and files only the user running the provider can read: the way secrets (the PFX, its
 * password, a remoting credential) reach another program, on POSIX and on Windows (pipeline agents
 * are often Windows machines).
 *
 * On POSIX the mode bits do it: mkdtemp makes the directory 0700, files are written 0600.
 * Windows ignores those modes, so a directory in `%TEMP%` inherits the ACL of its parent, which
 * on common agents (a service account's `C:\Windows\Temp`, a `C:\agent\_temp`) lets other local
 * users read it. There the directory's inherited entries are removed and one entry is granted to
 * the current user's SID (from `whoami /user`), inherited by every file and folder created in it:
 * `icacls <dir> /inheritance:r /grant:r *<SID>:(OI)(CI)F` (icacls documentation, Microsoft Learn
 * "icacls": `/inheritance:r` removes all inherited ACEs, `/grant:r` replaces the explicit grants,
 * `*` marks a SID). Files are created afterwards, inside it, with `wx` (never an existing file),
 * so they inherit that single entry from the moment they exist.
 *
 * Every Windows branch goes through an injected {@link HostPlatform}, so tests on Linux assert
 * the exact commands.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';
import { errnoOf, isHeldFileError, patienceText, retryWhileHeld } from './held-files';
import { currentHost, type HostPlatform, systemProgram } from './host-platform';

/** Mode of a private directory on POSIX. */
export const PRIVATE_DIRECTORY_MODE = 0o700;
/** Mode of a private file on POSIX. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates a fresh directory `<parent>/<prefix><random>` only the current user can read and
 * write, and returns its path. On failure nothing is left behind and PRIVATE_FILES_FAILED is
 * thrown: no secret may be written into a directory others can read.
 */
export async function createPrivateDirectory(prefix: string, host: HostPlatform = currentHost(), parent: string = tmpdir()): Promise<string> {
  let directory: string;
  try {
    // mkdtemp(3) creates the directory with mode 0700 whatever the umask.
    directory = await fs.mkdtemp(path.join(parent, prefix));
  } catch (error) {
    throw new SfbError(
      'PRIVATE_FILES_FAILED',
      `Could not create a private directory in ${parent} (${errnoOf(error) ?? String(error)}), so no secret was written. Check that the temporary directory (TMPDIR, or TEMP on Windows) exists and is writable by the user running the deployment.`,
    );
  }
  try {
    await restrictToOwner(directory, host);
  } catch (error) {
    await fs.rm(directory, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  return directory;
}

/**
 * Makes the existing directory `directory` readable and writable by the current user only,
 * also for what is later created in it. On POSIX: mode 0700. On Windows: the ACL above.
 * Throws PRIVATE_FILES_FAILED.
 */
export async function restrictToOwner(directory: string, host: HostPlatform = currentHost()): Promise<void> {
  if (host.platform !== 'win32') {
    try {
      await fs.chmod(directory, PRIVATE_DIRECTORY_MODE);
    } catch (error) {
      throw new SfbError(
        'PRIVATE_FILES_FAILED',
        `Could not make ${directory} private (chmod 700 failed: ${errnoOf(error) ?? String(error)}). Check that the user running the deployment owns it.`,
      );
    }
    return;
  }
  const sid = await currentUserSid(host);
  const icacls = systemProgram(host, 'icacls.exe');
  const args = [directory, '/inheritance:r', '/grant:r', `*${sid}:(OI)(CI)F`];
  const result = await host.run(icacls, args);
  if (result.exitCode !== 0) {
    throw new SfbError(
      'PRIVATE_FILES_FAILED',
      `Could not make ${directory} readable by the current user only: \`icacls ${args.join(' ')}\` ${outcomeText(result)}. Check that the user running the deployment owns the directory and may change its permissions.`,
    );
  }
}

/** Writes a new file in a private directory (never replacing one: `wx`), mode 0600 on POSIX. */
export async function writePrivateFile(file: string, data: string | Buffer): Promise<void> {
  // On Windows the file inherits the directory's single entry; the mode is for POSIX.
  await fs.writeFile(file, data, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
}

/** Options of {@link removePath}. */
export interface RemoveOptions {
  /** What the path holds, for the message, e.g. "the private directory holding the PFX and its password". */
  readonly what: string;
  readonly host?: HostPlatform;
  /** The deletion itself; a test injects one that fails as a held file does. @default fs.rm */
  readonly rm?: (target: string, options: { recursive: true; force: true }) => Promise<void>;
}

/**
 * Removes `target` and everything in it (absent is fine), waiting out a file another process
 * holds ({@link retryWhileHeld}). Throws FILE_IN_USE when one is still held after the retries,
 * PRIVATE_FILES_FAILED on any other failure; either message names the path to delete by hand.
 */
export async function removePath(target: string, options: RemoveOptions): Promise<void> {
  const host = options.host ?? currentHost();
  const rm = options.rm ?? ((where, how) => fs.rm(where, how));
  try {
    await retryWhileHeld(() => rm(target, { recursive: true, force: true }), host);
  } catch (error) {
    const code = errnoOf(error) ?? String(error);
    if (isHeldFileError(error, host.platform)) {
      const parent = (host.platform === 'win32' ? path.win32 : path.posix).dirname(target);
      throw new SfbError(
        'FILE_IN_USE',
        `Could not delete ${options.what}, ${target}: another process still held a file in it open (${code}) after ${patienceText()} of retries, usually an antivirus scanner, a backup or indexing service, or an editor. Delete ${target} once that process lets go (on Windows, exclude ${parent} from real-time scanning if it repeats).`,
        true,
      );
    }
    throw new SfbError(
      'PRIVATE_FILES_FAILED',
      `Could not delete ${options.what}, ${target} (${code}). Delete it by hand; check that the user running the deployment owns it.`,
    );
  }
}

const sidCache = new WeakMap<HostPlatform, Promise<string>>();

/**
 * The SID of the user this process runs as, from `whoami /user /fo csv /nh`, whose one line is
 * `"<domain>\<user>","<SID>"` (whoami documentation, Microsoft Learn "whoami"). The SID rather
 * than the name: names are localised and may be ambiguous across domains, a SID is not. Asked
 * once per host.
 */
export function currentUserSid(host: HostPlatform): Promise<string> {
  let sid = sidCache.get(host);
  if (sid === undefined) {
    sid = readCurrentUserSid(host);
    sidCache.set(host, sid);
    // A failure is not cached: the next call asks again.
    sid.catch(() => sidCache.delete(host));
  }
  return sid;
}

const SID_AT_END_OF_CSV_LINE = /"(S-1-\d+(?:-\d+)+)"\s*$/;

async function readCurrentUserSid(host: HostPlatform): Promise<string> {
  const whoami = systemProgram(host, 'whoami.exe');
  const args = ['/user', '/fo', 'csv', '/nh'];
  const result = await host.run(whoami, args);
  const sid = result.exitCode === 0 ? SID_AT_END_OF_CSV_LINE.exec(result.stdout.trim())?.[1] : undefined;
  if (sid === undefined) {
    throw new SfbError(
      'PRIVATE_FILES_FAILED',
      `Could not find the current user's SID, needed to make a directory only that user can read: \`${whoami} ${args.join(' ')}\` ${outcomeText(result)}. Run the deployment as a regular Windows user account, with ${whoami} present.`,
    );
  }
  return sid;
}

/** What a failed system program did, for messages (its output names paths and accounts, never a secret). */
function outcomeText(result: { exitCode: number | null; stdout: string; stderr: string; failure?: string }): string {
  if (result.failure !== undefined) return `could not run (${result.failure})`;
  const said = (result.stderr.trim() || result.stdout.trim()).replace(/\s+/g, ' ').slice(0, 300);
  return `${result.exitCode === 0 ? 'printed' : `exited with status ${result.exitCode}`}${said === '' ? ' and printed nothing' : `: "${said}"`}`;
}
