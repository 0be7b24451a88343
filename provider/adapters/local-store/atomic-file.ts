/**
 * File-system steps of the local store, each translating Node's errors into ours. A secret file
 * is only ever replaced by rename, so a reader sees the old file or the new one, never a mix, and
 * a crash leaves at most an orphaned temporary file, which the next writer removes.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';
import { TEMP_SUFFIX } from './names';

/** Mode of secret, temporary and lock files: owner read/write only. */
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

/** Whether `directory` exists (a missing store directory means "no secrets", not an error). */
export async function directoryExists(directory: string): Promise<boolean> {
  try {
    return (await fs.stat(directory)).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw fileSystemError(error, 'inspect', directory);
  }
}

/** Creates the store directory (and missing parents) with mode 0700. Leaves an existing one alone. */
export async function ensureDirectory(directory: string): Promise<void> {
  try {
    const created = await fs.mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    // mkdir's mode is filtered by the umask; a umask that strips owner bits would lock us out,
    // and one that is looser than 077 cannot add bits. chmod makes the result exact.
    if (created !== undefined) await fs.chmod(directory, DIRECTORY_MODE);
  } catch (error) {
    throw fileSystemError(error, 'create the store directory', directory);
  }
  if (!(await directoryExists(directory))) {
    throw new SfbError(
      'STORE_UNAVAILABLE',
      `The local store directory ${directory} exists but is not a directory. Point the store at a directory, or move the file that is in the way.`,
    );
  }
}

/**
 * Replaces `file` with `data`: write a temporary file in the same directory (rename is atomic
 * only within one file system), fsync it so the rename cannot expose an empty file after a power
 * loss, rename it over `file`, then fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`;
  try {
    const handle = await fs.open(temp, 'wx', FILE_MODE);
    try {
      await handle.chmod(FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw fileSystemError(error, 'write', file);
  }
  await syncDirectory(path.dirname(file));
}

/** Deletes `file` (absent is fine) and makes the deletion durable. */
export async function removeFile(file: string): Promise<void> {
  try {
    await fs.rm(file, { force: true });
  } catch (error) {
    throw fileSystemError(error, 'delete', file);
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Removes temporary files a crashed writer left next to `file`. Only call it under the lock:
 * writers create temporary files only while holding it, so any found then is an orphan.
 */
export async function removeOrphanedTempFiles(file: string): Promise<void> {
  const directory = path.dirname(file);
  const pattern = new RegExp(`^${escapeRegExp(path.basename(file))}\\.[0-9a-f]{16}${escapeRegExp(TEMP_SUFFIX)}$`);
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

async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames itself.
  if (process.platform === 'win32') return;
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
