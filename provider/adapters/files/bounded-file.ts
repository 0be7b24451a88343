/**
 * Reads a small file the user names (a PFX, a password file) without trusting the path. Without
 * these checks, `validate /dev/zero` grew to 6 GB, a FIFO blocked forever, a 1.9 GB file was read
 * whole before being refused, and `pfxFromFile` on 100 MiB aborted Node. So: stat first and refuse
 * what is not a regular file or is over the limit, without opening it; open with O_NONBLOCK (a FIFO
 * swapped in after the stat cannot block the open), check the open file again with fstat, and read
 * at most limit + 1 bytes whatever the size claims (procfs files report 0, a file may grow
 * meanwhile). The one place that reads such files: the CLI's <file> and --password-file, and
 * pfxFromFile.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** Why a file was not read. `size` is what stat reported, or at least limit + 1 when it grew. */
export type FileProblem =
  | { readonly kind: 'missing'; readonly errno: string }
  | { readonly kind: 'directory' }
  | { readonly kind: 'not-regular'; readonly type: string }
  | { readonly kind: 'too-large'; readonly size: number; readonly limit: number }
  | { readonly kind: 'denied'; readonly errno: string }
  | { readonly kind: 'failed'; readonly errno: string };

export type BoundedRead = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: FileProblem };

const CHUNK = 64 * 1024;

function typeOf(stats: Stats): string {
  if (stats.isFIFO()) return 'FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  return 'special file';
}

function kindOf(stats: Stats, limit: number): FileProblem | undefined {
  if (stats.isDirectory()) return { kind: 'directory' };
  if (!stats.isFile()) return { kind: 'not-regular', type: typeOf(stats) };
  if (stats.size > limit) return { kind: 'too-large', size: stats.size, limit };
  return undefined;
}

function problemOf(error: unknown): FileProblem {
  const errno = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'unknown error';
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return { kind: 'missing', errno };
  if (errno === 'EISDIR') return { kind: 'directory' };
  if (errno === 'EACCES' || errno === 'EPERM') return { kind: 'denied', errno };
  return { kind: 'failed', errno };
}

/** Reads the regular file at `path` if it holds at most `limit` bytes; never blocks on special files. */
export function readBoundedFile(path: string, limit: number): BoundedRead {
  let fd: number;
  try {
    const refused = kindOf(statSync(path), limit);
    if (refused) return { ok: false, problem: refused };
    // O_NONBLOCK: should the path have become a FIFO since the stat, open returns at once.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
  try {
    const refused = kindOf(fstatSync(fd), limit);
    if (refused) return { ok: false, problem: refused };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) return { ok: false, problem: { kind: 'too-large', size: total, limit } };
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  } finally {
    closeSync(fd);
  }
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The sentence for a problem: `Cannot read the <what> "<path>": <why>; <fix>.` (`what` e.g.
 * "PFX file", "password file"; `kind` names the file in the size limit, e.g. "a PFX").
 */
export function fileProblemMessage(what: string, path: string, problem: FileProblem): string {
  const start = `Cannot read the ${what} "${path}": `;
  switch (problem.kind) {
    case 'missing':
      return `${start}it does not exist (${problem.errno}); check the path (a relative path starts from ${process.cwd()}).`;
    case 'directory':
      return `${start}it is a directory (EISDIR); give the path of the file itself.`;
    case 'not-regular':
      return `${start}it is a ${problem.type}, not a regular file; give the path of a regular file (pipes and devices are not read, so a wrong path can neither block nor fill memory).`;
    case 'too-large':
      return `${start}it is ${problem.size === problem.limit + 1 ? `more than ${count(problem.limit)}` : count(problem.size)} bytes, above the ${count(problem.limit)}-byte limit for a ${what}; check that it is the right file.`;
    case 'denied':
      return `${start}permission denied (${problem.errno}); check the file's permissions and owner.`;
    case 'failed':
      return `${start}${problem.errno}; check the path and the file system.`;
  }
}
