/**
 * File-system steps of the local store, each translating Node's errors into ours. A secret file
 * is only ever replaced by rename, so a reader sees the old file or the new one, never a mix, and
 * a crash leaves at most an orphaned temporary file, which the next writer removes.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';

import { SfbError } from '../../domain/errors';
import { readBroadWriteGrants } from '../files/directory-acl';
import { isHeldFileError, patienceText, retryWhileHeld } from '../files/held-files';
import { currentHost, type HostPlatform } from '../files/host-platform';
import { currentUserSid, restrictToOwner } from '../files/owner-only';

/** Mode of secret and temporary files: owner read/write only. */
export const FILE_MODE = 0o600;
/** Mode of a store directory the store creates. */
export const DIRECTORY_MODE = 0o700;

/** The file's bytes, or `undefined` when it does not exist. */
export async function readFileIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw fileSystemError(error, 'read', file);
  }
}

/** What is at the store directory's path. */
export type DirectoryState = 'missing' | 'empty' | 'present';

/**
 * Looks at the store directory before the store trusts it: a missing one is reported as such
 * (callers decide whether that means "no secret" or a lost store); a path that is not a
 * directory, and a directory anyone may write to, are refused.
 */
export async function inspectDirectory(directory: string, host: HostPlatform): Promise<DirectoryState> {
  let stat: Stats;
  try {
    // stat, not lstat: a symlinked store is fine, and the target's permissions are what count.
    stat = await fs.stat(directory);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    if (errorCode(error) === 'ENOTDIR') throw notADirectory(directory);
    throw fileSystemError(error, 'inspect', directory);
  }
  if (!stat.isDirectory()) throw notADirectory(directory);
  // Anyone who can write the directory can replace or roll back the encrypted files (the
  // passphrase stops forgery, not a swap for an older file) and plant lock directories. Windows
  // has no such mode bits: its ACL says the same (directory-acl.ts).
  if (host.platform === 'win32') await refuseBroadlyWritable(directory, host);
  else if ((stat.mode & 0o002) !== 0) {
    throw new SfbError(
      'STORE_INSECURE',
      `The local store directory ${directory} is writable by every user (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}${stat.mode & 0o1000 ? ', sticky' : ''}), so anyone on this machine could replace or roll back its encrypted certificate files; the store refuses to use it. Run \`chmod 700 ${directory}\` (if it is a symlink, on the directory it points to), or point the store at a directory only the deploying user can write.`,
    );
  }
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch (error) {
    throw fileSystemError(error, 'list', directory);
  }
  return entries.length === 0 ? 'empty' : 'present';
}

/**
 * Creates the store directory (and missing parents) with mode 0700, or on Windows an ACL that
 * grants the deploying user alone (owner-only.ts), then inspects it.
 */
export async function ensureDirectory(directory: string, host: HostPlatform): Promise<void> {
  let created: string | undefined;
  try {
    created = await fs.mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    // mkdir's mode is filtered by the umask; a umask that strips owner bits would lock us out,
    // and one that is looser than 077 cannot add bits. chmod makes the result exact.
    if (created !== undefined && host.platform !== 'win32') await fs.chmod(directory, DIRECTORY_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOTDIR') throw notADirectory(directory);
    throw fileSystemError(error, 'create the store directory', directory);
  }
  // Windows ignores the mode: a directory made under a drive's root would inherit write access
  // for every authenticated user, and be refused by the inspection below.
  if (created !== undefined && host.platform === 'win32') await restrictToOwner(directory, host);
  await inspectDirectory(directory, host);
}

/** Throws STORE_INSECURE when the directory's ACL lets Everyone, Users or Authenticated Users write it. */
async function refuseBroadlyWritable(directory: string, host: HostPlatform): Promise<void> {
  const reading = await readBroadWriteGrants(directory, host);
  const fix = `Run \`icacls "${directory}" /inheritance:r /grant:r *${await currentUserSid(host)}:(OI)(CI)F\` (it grants the deploying user alone, as chmod 700 does), or point the store at a directory under that user's profile.`;
  if (!reading.ok) {
    throw new SfbError(
      'STORE_INSECURE',
      `The local store could not read who may write its directory ${directory}: ${reading.why}; the store refuses a directory it cannot check. ${fix}`,
    );
  }
  if (reading.grants.length === 0) return;
  const groups = [...new Set(reading.grants.map((grant) => grant.group))].join(', ');
  throw new SfbError(
    'STORE_INSECURE',
    `The local store directory ${directory} lets ${groups} write to it (ACL entries ${reading.grants.map((grant) => grant.ace).join(' ')}), so any user on this machine could replace or roll back its encrypted certificate files; the store refuses to use it. ${fix}`,
  );
}

function notADirectory(directory: string): SfbError {
  return new SfbError(
    'STORE_UNAVAILABLE',
    `The local store directory ${directory} exists but is not a directory (it, or a directory above it, is a file). Point the store at a directory, or move the file that is in the way.`,
  );
}

/**
 * Replaces `file` with `data`, but only if it still holds `expected` (its bytes when this writer
 * read it under the lock; `undefined`: it did not exist). Under a working lock it always does;
 * the check catches the one case the lock library cannot (two waiters reclaiming a stale lock
 * at once, moxystudio/node-proper-lockfile#121) and any writer that ignores the lock, narrowing
 * a lost update to the moment between this read and the rename. write-file-atomic writes a
 * temporary file beside `file`, fsyncs it and renames it over `file`; it does not fsync the
 * directory, so the rename is made durable here.
 */
export async function replaceIfUnchanged(
  file: string,
  expected: Buffer | undefined,
  data: Buffer,
  host: HostPlatform = currentHost(),
  write: (file: string, data: Buffer) => Promise<void> = writeAtomically,
): Promise<void> {
  const actual = await readFileIfExists(file);
  const unchanged = actual === undefined || expected === undefined ? actual === expected : actual.equals(expected);
  if (!unchanged) {
    throw new SfbError(
      'STORE_LOCKED',
      `The local store file ${file} changed while this writer held its lock (another writer took the lock over, or wrote without it); nothing was written. Retry: the next attempt reads the new contents.`,
      true,
    );
  }
  try {
    // On Windows the rename over `file` fails with EPERM or EBUSY while an antivirus scanner or
    // a backup agent holds it. Neither library retries that: write-file-atomic 7.0.1 calls Node's
    // fs.rename, and graceful-fs's win32 rename retry (polyfills.js) gives up at once when the
    // destination exists, which is always the case here. So the whole write is retried: each
    // attempt writes a fresh temporary file, and a failed one removes its own.
    await retryWhileHeld(async () => {
      try {
        await write(file, data);
      } catch (error) {
        // Only the rename waits: a refused open of the temporary file is a permission problem.
        throw (error as { syscall?: unknown }).syscall === 'rename' ? error : new NotWaitedOut(error);
      }
    }, host);
  } catch (error) {
    if (error instanceof NotWaitedOut) throw fileSystemError(error.original, 'write', file);
    if (host.platform === 'win32' && isHeldFileError(error, host.platform)) throw heldFileError(error, file, 'replace', 'the new version was written beside it, so the directory is writable');
    throw fileSystemError(error, 'write', file);
  }
  await syncDirectory(path.dirname(file), host);
}

function writeAtomically(file: string, data: Buffer): Promise<void> {
  return writeFileAtomicLib(file, data, { mode: FILE_MODE, fsync: true });
}

/** A failure {@link retryWhileHeld} must not wait out, carried past it. */
class NotWaitedOut extends Error {
  constructor(readonly original: unknown) {
    super('not waited out');
  }
}

/** FILE_IN_USE: another process held `file` past the retries. */
function heldFileError(error: unknown, file: string, action: string, evidence?: string): SfbError {
  return new SfbError(
    'FILE_IN_USE',
    `The local store could not ${action} ${file} (${errorCode(error) ?? 'unknown error'}) for ${patienceText()}${evidence === undefined ? '' : `, although ${evidence}`}: another process holds the file open, usually an antivirus scanner, a backup or indexing service, or an editor. Nothing was changed. Exclude the store directory ${path.dirname(file)} from real-time scanning (or close the program that has the file open), then retry.`,
    true,
  );
}

/** Deletes `file` (absent is fine) and makes the deletion durable. */
export async function removeFile(file: string, host: HostPlatform): Promise<void> {
  try {
    await retryWhileHeld(() => fs.rm(file, { force: true }), host);
  } catch (error) {
    if (host.platform === 'win32' && isHeldFileError(error, host.platform)) throw heldFileError(error, file, 'delete');
    throw fileSystemError(error, 'delete', file);
  }
  await syncDirectory(path.dirname(file), host);
}

/**
 * Removes temporary files a crashed writer left next to `file` (write-file-atomic names them
 * `<file>.<decimal number>` and removes them itself unless the process is killed). Only call it
 * under the lock: writers create temporary files only while holding it, so any found then is an
 * orphan.
 */
export async function removeOrphanedTempFiles(file: string): Promise<void> {
  const directory = path.dirname(file);
  const pattern = new RegExp(`^${escapeRegExp(path.basename(file))}\\.\\d+$`);
  let entries: string[];
  try {
    entries = await fs.readdir(directory);
  } catch (error) {
    throw fileSystemError(error, 'list', directory);
  }
  for (const entry of entries.filter((name) => pattern.test(name))) {
    await fs.rm(path.join(directory, entry), { force: true }).catch(() => undefined);
  }
}

async function syncDirectory(directory: string, host: HostPlatform): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames itself.
  if (host.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems (certain network and FUSE mounts) do not support fsync on a directory;
    // the rename has happened, so durability is the best that mount offers.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EBADF'].includes(errorCode(error) ?? '')) {
      throw fileSystemError(error, 'flush', directory);
    }
  } finally {
    await handle?.close();
  }
}

/** The `code` of a Node system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Translates a Node file-system error: permissions become STORE_ACCESS_DENIED, transient
 * exhaustion becomes a retryable STORE_UNAVAILABLE, anything else a permanent one.
 */
export function fileSystemError(error: unknown, action: string, target: string): SfbError {
  const code = errorCode(error) ?? 'unknown error';
  if (code === 'EACCES' || code === 'EPERM') {
    return new SfbError(
      'STORE_ACCESS_DENIED',
      `The local store could not ${action} ${target}: permission denied (${code}). Give the user running the deployment read and write access to the store directory, or point the store at a directory it owns.`,
    );
  }
  const retryable = ['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ETIMEDOUT'].includes(code);
  return new SfbError(
    'STORE_UNAVAILABLE',
    `The local store could not ${action} ${target} (${code}). ${retryable ? 'This is usually transient: retry.' : 'Check that the store directory is on a writable local disk with free space, then retry.'}`,
    retryable,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
