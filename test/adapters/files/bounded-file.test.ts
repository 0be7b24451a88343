/**
 * The bounded file reader: special files and huge files are refused from their stat, unread; a FIFO
 * never blocks; at most limit + 1 bytes are ever read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileProblemMessage, readBoundedFile } from '../../../provider/adapters/files/bounded-file';
import { runChild } from './run-child';

const scratch = mkdtempSync(join(tmpdir(), 'sfb-bounded-'));
const LIMIT = 1024;

describe('readBoundedFile', () => {
  it('reads a regular file up to the limit, and through a symbolic link', () => {
    const path = join(scratch, 'exact.bin');
    writeFileSync(path, Buffer.alloc(LIMIT, 7));
    expect(readBoundedFile(path, LIMIT)).toEqual({ ok: true, bytes: Buffer.alloc(LIMIT, 7) });
    symlinkSync(path, join(scratch, 'link.bin'));
    expect(readBoundedFile(join(scratch, 'link.bin'), LIMIT)).toEqual({ ok: true, bytes: Buffer.alloc(LIMIT, 7) });
  });

  it('reads an empty file as no bytes', () => {
    writeFileSync(join(scratch, 'empty.bin'), '');
    expect(readBoundedFile(join(scratch, 'empty.bin'), LIMIT)).toEqual({ ok: true, bytes: Buffer.alloc(0) });
  });

  it.each([
    ['one byte over the limit', () => { const p = join(scratch, 'over.bin'); writeFileSync(p, Buffer.alloc(LIMIT + 1)); return p; }, { kind: 'too-large', size: LIMIT + 1, limit: LIMIT }],
    ['a directory', () => { const p = join(scratch, 'dir'); mkdirSync(p); return p; }, { kind: 'directory' }],
    ['a missing file', () => join(scratch, 'nope.bin'), { kind: 'missing', errno: 'ENOENT' }],
    ['a path through a regular file', () => join(scratch, 'exact.bin', 'x'), { kind: 'missing', errno: 'ENOTDIR' }],
    ['/dev/zero, which never ends', () => '/dev/zero', { kind: 'not-regular', type: 'character device' }],
    ['/dev/null', () => '/dev/null', { kind: 'not-regular', type: 'character device' }],
  ])('refuses %s', (_row, pathOf, problem) => {
    expect(readBoundedFile(pathOf(), LIMIT)).toEqual({ ok: false, problem });
  });

  it('refuses a sparse 1.9 GB file from its size, without reading it', () => {
    const path = join(scratch, 'sparse.bin');
    writeFileSync(path, '');
    truncateSync(path, 1_900_000_000); // sparse: no disk used
    expect(statSync(path).blocks).toBe(0);
    const started = process.hrtime.bigint();
    expect(readBoundedFile(path, LIMIT)).toEqual({ ok: false, problem: { kind: 'too-large', size: 1_900_000_000, limit: LIMIT } });
    // Reading 1.9 GB of zeros takes seconds; a stat takes microseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
  });

  it('reads no more than limit + 1 bytes of a file whose size it cannot know in advance', () => {
    // procfs files report size 0 and have content: the read itself must stop at the limit.
    const read = readBoundedFile('/proc/self/maps', 16);
    expect(read).toEqual({ ok: false, problem: { kind: 'too-large', size: 17, limit: 16 } });
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(scratch, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const run = await runChild(
      `const { readBoundedFile } = require('./provider/adapters/files/bounded-file');
       console.log(JSON.stringify(readBoundedFile(${JSON.stringify(fifo)}, 1024)));`,
      20_000,
    );
    expect(run.timedOut).toBe(false);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, problem: { kind: 'not-regular', type: 'FIFO (named pipe)' } });
  });
});

describe('fileProblemMessage', () => {
  it.each([
    [{ kind: 'directory' } as const, 'Cannot read the password file "p": it is a directory (EISDIR); give the path of the file itself.'],
    [{ kind: 'not-regular', type: 'FIFO (named pipe)' } as const, 'Cannot read the password file "p": it is a FIFO (named pipe), not a regular file; give the path of a regular file'],
    [{ kind: 'too-large', size: 70_000, limit: 65_536 } as const, 'Cannot read the password file "p": it is 70,000 bytes, above the 65,536-byte limit for a password file; check that it is the right file.'],
    [{ kind: 'too-large', size: 65_537, limit: 65_536 } as const, 'it is more than 65,536 bytes, above the 65,536-byte limit'],
    [{ kind: 'missing', errno: 'ENOENT' } as const, `Cannot read the password file "p": it does not exist (ENOENT); check the path (a relative path starts from ${process.cwd()}).`],
    [{ kind: 'denied', errno: 'EACCES' } as const, 'Cannot read the password file "p": permission denied (EACCES); check the file\'s permissions and owner.'],
  ])('words %o', (problem, sentence) => {
    expect(fileProblemMessage('password file', 'p', problem)).toContain(sentence);
  });
});
