/**
 * The local store's lock, against real processes: a holder in another process makes writers
 * wait and then fail with STORE_LOCKED; a holder that died is taken over; concurrent writers in
 * several processes lose no version.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createLocalStore, type LocalStoreOptions, localStorePaths } from '../../provider/adapters/local-store';
import { type LockInspection, lockStaleReason, UNREADABLE_LOCK_GRACE_MS } from '../../provider/adapters/local-store/lock';
import { isSfbError, type SfbError } from '../../provider/domain/errors';
import type { CertificatePayload, CertificateStore } from '../../provider/ports/certificate-store';

const PASSPHRASE = 'lock-test-passphrase-0d7c1e';
const NAME = 'sfb/oauth-token-issuer';
const REPO = path.resolve(__dirname, '..', '..');
const STORE_MODULE = path.join(REPO, 'provider', 'adapters', 'local-store', 'index.ts');
const LOCK_MODULE = path.join(REPO, 'provider', 'adapters', 'local-store', 'lock.ts');

function id(label: string): string {
  return `version-${label}-`.padEnd(36, '0');
}

function aPayload(seed: string): CertificatePayload {
  return {
    pfxBase64: createHash('sha512').update(seed).digest('base64'),
    password: `pw-${seed}`,
    thumbprint: createHash('sha1').update(seed).digest('hex').toUpperCase(),
  };
}

const directories: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();

async function aDirectory(): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'sfb-local-store-lock-'));
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  await Promise.all([...children].map((child) => stop(child, 'SIGKILL')));
});

afterAll(async () => {
  await Promise.all(directories.map((directory) => fs.rm(directory, { recursive: true, force: true })));
});

function aStore(directory: string, options: Partial<LocalStoreOptions> = {}): CertificateStore {
  return createLocalStore({ directory, passphrase: PASSPHRASE, ...options });
}

function put(store: CertificateStore, label: string): ReturnType<CertificateStore['putVersion']> {
  return store.putVersion({ name: NAME, versionId: id(label), payload: aPayload(label), stage: 'current' });
}

async function expectLocked(promise: Promise<unknown>): Promise<SfbError> {
  await expect(promise).rejects.toMatchObject({ code: 'STORE_LOCKED', retryable: true });
  const error: unknown = await promise.catch((e: unknown) => e);
  if (!isSfbError(error)) throw new Error(`expected an SfbError, got ${String(error)}`);
  expect(error.message).not.toContain(PASSPHRASE);
  return error;
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** Runs TypeScript in a child process through ts-node, so children use the real modules. */
function spawnTs(script: string, env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: REPO,
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves when the child prints `line`; rejects if it exits first (with its stderr). */
function waitForLine(child: ChildProcessWithoutNullStreams, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').includes(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${String(code)} before printing "${line}": ${stderr}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Kills a child and waits until it is reaped (a zombie still answers kill(pid, 0)). */
async function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** Another process that takes the store's lock on `lockFile` through the real lock module and holds it. */
async function aLockHolder(lockFile: string): Promise<{ pid: number; release(): Promise<void>; crash(): Promise<void> }> {
  const child = spawnTs(`
    const { withLock } = require(${JSON.stringify(LOCK_MODULE)});
    withLock({ lockFile: ${JSON.stringify(lockFile)}, secretName: 'held', timeoutMs: 10000 }, () => {
      process.stdout.write('locked\\n');
      return new Promise((resolve) => process.stdin.once('data', resolve));
    }).then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
  `);
  await waitForLine(child, 'locked');
  return {
    pid: child.pid ?? 0,
    release: async () => {
      child.stdin.write('go\n');
      expect(await exited(child)).toBe(0);
    },
    crash: () => stop(child, 'SIGKILL'),
  };
}

/** The pid of a process that has exited and been reaped. */
async function aDeadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

async function writeLock(lockFile: string, content: string, ageMs = 0): Promise<void> {
  await fs.mkdir(path.dirname(lockFile), { recursive: true });
  await fs.writeFile(lockFile, content);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await fs.utimes(lockFile, then, then);
  }
}

function ownerJson(pid: number, hostname = os.hostname()): string {
  return JSON.stringify({ pid, hostname, createdAt: '2030-01-01T00:00:00.000Z', token: 'someone-else' });
}

// ---------------------------------------------------------------------------------------------

describe('lockStaleReason', () => {
  const owned = (pid: number, hostname: string): LockInspection => ({
    kind: 'owned',
    owner: { pid, hostname, createdAt: '2030-01-01T00:00:00.000Z', token: 't' },
    raw: '',
    mtimeMs: 0,
  });
  const facts = { hostname: 'here', nowMs: 100_000, isProcessAlive: (pid: number) => pid === 42 };

  it.each<{ row: string; lock: LockInspection; stale: boolean }>([
    { row: 'a dead pid on this host', lock: owned(7, 'here'), stale: true },
    { row: 'a live pid on this host', lock: owned(42, 'here'), stale: false },
    { row: 'a pid on another host, which cannot be checked', lock: owned(7, 'elsewhere'), stale: false },
    { row: 'an unreadable lock younger than the grace period', lock: { kind: 'unreadable', raw: '', mtimeMs: 100_000 - UNREADABLE_LOCK_GRACE_MS + 1 }, stale: false },
    { row: 'an unreadable lock older than the grace period', lock: { kind: 'unreadable', raw: '', mtimeMs: 100_000 - UNREADABLE_LOCK_GRACE_MS }, stale: true },
    { row: 'no lock at all', lock: { kind: 'absent' }, stale: false },
  ])('$row: stale is $stale', ({ lock, stale }) => {
    expect(lockStaleReason(lock, facts) !== undefined).toBe(stale);
  });
});

describe('a lock held by another process', () => {
  async function aLockedSecret(): Promise<{ directory: string; lockFile: string; bytes: Buffer; holder: Awaited<ReturnType<typeof aLockHolder>> }> {
    const directory = await aDirectory();
    const store = aStore(directory);
    await put(store, 'A');
    await store.putVersion({ name: NAME, versionId: id('B'), payload: aPayload('B'), stage: 'pending' });
    const { secretFile, lockFile } = localStorePaths(directory, NAME);
    const bytes = await fs.readFile(secretFile);
    return { directory, lockFile, bytes, holder: await aLockHolder(lockFile) };
  }

  it.each<{ op: string; run: (store: CertificateStore) => Promise<unknown> }>([
    { op: 'putVersion', run: (store) => put(store, 'C') },
    { op: 'moveStage', run: (store) => store.moveStage(NAME, 'current', id('B')) },
    { op: 'scheduleDeletion', run: (store) => store.scheduleDeletion(NAME, 7) },
    { op: 'restore', run: (store) => store.restore(NAME) },
  ])('makes $op wait for the configured time, then fail with STORE_LOCKED naming the lock file', async ({ run }) => {
    const { directory, lockFile, bytes, holder } = await aLockedSecret();
    const store = aStore(directory, { lockTimeoutMs: 300 });

    const started = Date.now();
    const error = await expectLocked(run(store));
    const waited = Date.now() - started;

    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(3000);
    expect(error.message).toContain(`The lock file ${lockFile} of secret "${NAME}" is held by process ${holder.pid} on host ${os.hostname()}`);
    expect(error.message).toContain(`delete ${lockFile} and retry`);
    expect(await fs.readFile(localStorePaths(directory, NAME).secretFile)).toEqual(bytes);
  }, 15_000);

  it('does not block reads', async () => {
    const { directory } = await aLockedSecret();
    const store = aStore(directory, { lockTimeoutMs: 0 });
    expect(await store.getVersion(NAME, id('A'))).toEqual(aPayload('A'));
    expect((await store.describe(NAME))?.versions).toHaveLength(2);
  }, 15_000);

  it('lets a writer through once the holder releases it', async () => {
    const { directory, holder } = await aLockedSecret();
    const store = aStore(directory, { lockTimeoutMs: 10_000 });

    const write = put(store, 'C');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.release();
    const written = await write;

    expect(written.versions.map((v) => v.versionId)).toEqual([id('A'), id('B'), id('C')]);
  }, 15_000);

  it('is taken over once the holder has crashed, and released afterwards', async () => {
    const { directory, lockFile, holder } = await aLockedSecret();
    await holder.crash();
    expect(fsSync.existsSync(lockFile)).toBe(true);

    // No waiting at all: the takeover must not depend on the timeout.
    await put(aStore(directory, { lockTimeoutMs: 0 }), 'C');

    expect(fsSync.existsSync(lockFile)).toBe(false);
    expect((await aStore(directory).describe(NAME))?.versions).toHaveLength(3);
  }, 15_000);
});

describe('a lock file found on disk', () => {
  it.each<{ row: string; content: () => Promise<string>; ageMs?: number; takenOver: boolean }>([
    { row: 'naming a dead pid on this host', content: async () => ownerJson(await aDeadPid()), takenOver: true },
    { row: 'naming a live pid on this host (the test runner)', content: async () => ownerJson(process.ppid), takenOver: false },
    { row: 'naming a dead pid on another host', content: async () => ownerJson(await aDeadPid(), 'another-host.example'), takenOver: false },
    { row: 'empty and fresh (its writer may be mid-write)', content: async () => '', takenOver: false },
    { row: 'empty and old', content: async () => '', ageMs: UNREADABLE_LOCK_GRACE_MS + 60_000, takenOver: true },
    { row: 'garbled and old', content: async () => '{"pid": 12', ageMs: UNREADABLE_LOCK_GRACE_MS + 60_000, takenOver: true },
    { row: 'naming pid 0 (a process group, never trusted)', content: async () => ownerJson(0), takenOver: false },
  ])('$row: taken over is $takenOver', async ({ content, ageMs, takenOver }) => {
    const directory = await aDirectory();
    const { lockFile } = localStorePaths(directory, NAME);
    const lock = await content();
    await writeLock(lockFile, lock, ageMs);
    const store = aStore(directory, { lockTimeoutMs: 0 });

    if (takenOver) {
      await put(store, 'A');
      expect(fsSync.existsSync(lockFile)).toBe(false);
    } else {
      const error = await expectLocked(put(store, 'A'));
      expect(error.message).toContain(lockFile);
      expect(await fs.readFile(lockFile, 'utf8')).toBe(lock);
      expect(await store.describe(NAME)).toBeUndefined();
    }
  });

  it('describes an unreadable lock as such', async () => {
    const directory = await aDirectory();
    const { lockFile } = localStorePaths(directory, NAME);
    await writeLock(lockFile, '');
    const error = await expectLocked(put(aStore(directory, { lockTimeoutMs: 50 }), 'A'));
    expect(error.message).toContain(`The lock file ${lockFile} of secret "${NAME}" exists but names no readable owner`);
  });
});

describe('writers in one process', () => {
  it('are released after a failed operation', async () => {
    const directory = await aDirectory();
    const store = aStore(directory, { lockTimeoutMs: 0 });
    await put(store, 'A');
    await expect(store.putVersion({ name: NAME, versionId: id('A'), payload: aPayload('other'), stage: 'current' })).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
    });
    expect(fsSync.existsSync(localStorePaths(directory, NAME).lockFile)).toBe(false);
    await put(store, 'B');
  });

  it('queue instead of failing against their own lock, and lose no version', async () => {
    const directory = await aDirectory();
    // Two instances (two key rings) over one directory, no lock timeout: only the in-process
    // queue can make every write succeed.
    const stores = [aStore(directory, { lockTimeoutMs: 0 }), aStore(directory, { lockTimeoutMs: 0 })];
    const labelsToWrite = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

    await Promise.all(labelsToWrite.map((label, index) => put(stores[index % 2] as CertificateStore, label)));

    const secret = await aStore(directory).describe(NAME);
    expect(secret?.versions.map((v) => v.versionId).sort()).toEqual(labelsToWrite.map(id).sort());
    expect(secret?.versions.filter((v) => v.stages.includes('current'))).toHaveLength(1);
    expect(secret?.versions.filter((v) => v.stages.includes('previous'))).toHaveLength(1);
  });
});

describe('writers in several processes', () => {
  it('lose no version, even starting from a stale lock', async () => {
    const directory = await aDirectory();
    const { lockFile } = localStorePaths(directory, NAME);
    await writeLock(lockFile, ownerJson(await aDeadPid()));
    const go = path.join(directory, 'go');
    const writers = [
      ['P1', 'P2', 'P3'],
      ['Q1', 'Q2', 'Q3'],
      ['R1', 'R2', 'R3'],
    ];

    const processes = writers.map((labels) =>
      spawnTs(
        `
        const fs = require('node:fs');
        const crypto = require('node:crypto');
        const { createLocalStore } = require(${JSON.stringify(STORE_MODULE)});
        const store = createLocalStore({
          directory: ${JSON.stringify(directory)},
          passphrase: process.env.SFB_TEST_PASSPHRASE,
          lockTimeoutMs: 30000,
        });
        const payload = (seed) => ({
          pfxBase64: crypto.createHash('sha512').update(seed).digest('base64'),
          password: 'pw-' + seed,
          thumbprint: crypto.createHash('sha1').update(seed).digest('hex').toUpperCase(),
        });
        process.stdout.write('ready\\n');
        (async () => {
          while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
          for (const label of ${JSON.stringify(labels)}) {
            await store.putVersion({ name: ${JSON.stringify(NAME)}, versionId: ('version-' + label + '-').padEnd(36, '0'), payload: payload(label), stage: 'current' });
          }
        })().then(() => process.exit(0), (error) => { console.error(error.code, error.message); process.exit(1); });
        `,
        { SFB_TEST_PASSPHRASE: PASSPHRASE },
      ),
    );
    await Promise.all(processes.map((child) => waitForLine(child, 'ready')));
    await fs.writeFile(go, '');

    expect(await Promise.all(processes.map(exited))).toEqual([0, 0, 0]);

    const store = aStore(directory);
    const secret = await store.describe(NAME);
    const all = writers.flat();
    expect(secret?.versions.map((v) => v.versionId).sort()).toEqual(all.map(id).sort());
    for (const label of all) expect(await store.getVersion(NAME, id(label))).toEqual(aPayload(label));
    expect(fsSync.existsSync(lockFile)).toBe(false);
  }, 60_000);
});
