/**
 * The local store's lock (proper-lockfile: a lock directory with an mtime heartbeat) against
 * real processes. Every assertion is about the order of events (who held the lock, who waited,
 * who wrote), never about how long something took: timings on a shared CI machine prove nothing.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import lockfileModule from 'proper-lockfile';

import { createLocalStore, type LocalStoreConfig, localStorePaths, STALE_LOCK_MS } from '../../provider/adapters/local-store';
import { withLock } from '../../provider/adapters/local-store/lock';
import { isSfbError, type SfbError } from '../../provider/domain/errors';
import type { CertificateStore } from '../../provider/ports/certificate-store';
import { aPayload, aVersionId } from '../builders/store-payloads';
import { temporaryDirectories } from '../support/temporary-directories';

const PASSPHRASE = 'lock-test-passphrase-0d7c1e';
const NAME = 'sfb/oauth-token-issuer';
const REPO = path.resolve(__dirname, '..', '..');
const STORE_MODULE = path.join(REPO, 'provider', 'adapters', 'local-store', 'index.ts');
const LOCK_MODULE = path.join(REPO, 'provider', 'adapters', 'local-store', 'lock.ts');

const aDirectory = temporaryDirectories('sfb-local-store-lock-');
const children = new Set<ChildProcessWithoutNullStreams>();

afterEach(async () => {
  await Promise.all([...children].map((child) => stop(child, 'SIGKILL')));
});

function aStore(directory: string, options: Partial<LocalStoreConfig> = {}): CertificateStore {
  return createLocalStore({ directory, passphrase: PASSPHRASE, ...options });
}

function put(store: CertificateStore, label: string): ReturnType<CertificateStore['putVersion']> {
  return store.putVersion({ name: NAME, versionId: aVersionId(label), payload: aPayload(label), stage: 'current' });
}

async function expectLocked(promise: Promise<unknown>): Promise<SfbError> {
  await expect(promise).rejects.toMatchObject({ code: 'STORE_LOCKED', retryable: true });
  const error: unknown = await promise.catch((e: unknown) => e);
  if (!isSfbError(error)) throw new Error(`expected an SfbError, got ${String(error)}`);
  expect(error.message).not.toContain(PASSPHRASE);
  return error;
}

/** Sets a lock's mtime into the past, as if its holder had stopped refreshing it that long ago. */
async function age(lockFile: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await fs.utimes(lockFile, then, then);
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

async function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  await done;
}

/** Another process that takes the store's lock on a secret through the real lock module and holds it. */
async function aLockHolder(directory: string): Promise<{ release(): Promise<void>; crash(): Promise<void> }> {
  const { secretFile, lockFile } = localStorePaths(directory, NAME);
  const child = spawnTs(`
    const { withLock } = require(${JSON.stringify(LOCK_MODULE)});
    withLock({ file: ${JSON.stringify(secretFile)}, lockFile: ${JSON.stringify(lockFile)}, secretName: 'held', timeoutMs: 10000 }, () => {
      process.stdout.write('locked\\n');
      return new Promise((resolve) => process.stdin.once('data', resolve));
    }).then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
  `);
  await waitForLine(child, 'locked');
  return {
    release: async () => {
      child.stdin.write('go\n');
      expect(await exited(child)).toBe(0);
    },
    crash: () => stop(child, 'SIGKILL'),
  };
}

/** Resolves once proper-lockfile has refused this process a lock `times` times (it is waiting). */
function refusals(times: number): { seen: Promise<void>; restore(): void } {
  const original = lockfileModule.lock.bind(lockfileModule);
  let refused = 0;
  let resolveSeen!: () => void;
  const seen = new Promise<void>((resolve) => {
    resolveSeen = resolve;
  });
  const spy = jest.spyOn(lockfileModule, 'lock').mockImplementation(async (...args: Parameters<typeof lockfileModule.lock>) => {
    try {
      return await original(...args);
    } catch (error) {
      if ((error as { code?: string }).code === 'ELOCKED' && ++refused >= times) resolveSeen();
      throw error;
    }
  });
  return { seen, restore: () => spy.mockRestore() };
}

// ---------------------------------------------------------------------------------------------

describe('a lock held by another process', () => {
  async function aLockedSecret(): Promise<{ directory: string; lockFile: string; bytes: Buffer; holder: Awaited<ReturnType<typeof aLockHolder>> }> {
    const directory = await aDirectory();
    const store = aStore(directory);
    await put(store, 'A');
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload('B'), stage: 'pending' });
    const { secretFile, lockFile } = localStorePaths(directory, NAME);
    const bytes = await fs.readFile(secretFile);
    return { directory, lockFile, bytes, holder: await aLockHolder(directory) };
  }

  it.each<{ op: string; run: (store: CertificateStore) => Promise<unknown> }>([
    { op: 'putVersion', run: (store) => put(store, 'C') },
    { op: 'moveStage', run: (store) => store.moveStage(NAME, 'current', aVersionId('B')) },
    { op: 'scheduleDeletion', run: (store) => store.scheduleDeletion(NAME, 7) },
    { op: 'restore', run: (store) => store.restore(NAME) },
    { op: 'claim', run: (store) => store.claim(NAME, { owner: 'org/project/stack' }) },
  ])('makes $op fail with STORE_LOCKED naming the lock, while the holder still holds it, writing nothing', async ({ run }) => {
    const { directory, lockFile, bytes, holder } = await aLockedSecret();
    const store = aStore(directory, { lockTimeoutMs: 200 });

    const error = await expectLocked(run(store));

    expect(error.message).toMatch(
      new RegExp(`^The lock ${lockFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} of secret "${NAME}" is held by another writer \\(its holder refreshes it every 5 s, last refreshed at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\); gave up after waiting \\d+\\.\\d s\\.`),
    );
    expect(error.message).toContain('taken over 10 s later, whichever host or container held it; there is nothing to delete by hand.');
    expect(await fs.readFile(localStorePaths(directory, NAME).secretFile)).toEqual(bytes);
    // The failure came first; the holder still holds its lock and releases it cleanly.
    expect(fsSync.existsSync(lockFile)).toBe(true);
    await holder.release();
    expect(fsSync.existsSync(lockFile)).toBe(false);
  }, 20_000);

  it('does not block reads', async () => {
    const { directory } = await aLockedSecret();
    const store = aStore(directory, { lockTimeoutMs: 0 });
    expect(await store.getVersion(NAME, aVersionId('A'))).toEqual(aPayload('A'));
    expect((await store.describe(NAME))?.versions).toHaveLength(2);
  }, 20_000);

  it('lets a waiting writer through once the holder releases it, and not before', async () => {
    const { directory, holder } = await aLockedSecret();
    const events: string[] = [];
    const refused = refusals(2);
    try {
      const write = put(aStore(directory, { lockTimeoutMs: 60_000 }), 'C').then(() => events.push('written'));
      await refused.seen;
      events.push('refused twice while held');
      await holder.release();
      events.push('released');
      await write;
    } finally {
      refused.restore();
    }
    expect(events).toEqual(['refused twice while held', 'released', 'written']);
    expect((await aStore(directory).describe(NAME))?.versions.map((v) => v.versionId)).toEqual([aVersionId('A'), aVersionId('B'), aVersionId('C')]);
  }, 20_000);

  it('is respected after its holder crashed until it goes stale, then taken over without trusting any pid', async () => {
    const { directory, lockFile, holder } = await aLockedSecret();
    await holder.crash();
    expect(fsSync.existsSync(lockFile)).toBe(true);

    // Fresh: another container (same host name, other pid namespace) may be alive behind it.
    await expectLocked(put(aStore(directory, { lockTimeoutMs: 0 }), 'C'));
    // Its heartbeat stopped: once it is older than the stale time, it is a dead holder's.
    await age(lockFile, STALE_LOCK_MS + 1000);
    await put(aStore(directory, { lockTimeoutMs: 0 }), 'C');

    expect(fsSync.existsSync(lockFile)).toBe(false);
    expect((await aStore(directory).describe(NAME))?.versions).toHaveLength(3);
  }, 20_000);
});

describe('a lock found on disk', () => {
  it.each<{ row: string; agedMs: number; takenOver: boolean }>([
    { row: 'refreshed just now (a live holder, whatever its host or pid)', agedMs: 0, takenOver: false },
    { row: 'refreshed just within the stale time', agedMs: STALE_LOCK_MS - 2000, takenOver: false },
    { row: 'not refreshed for longer than the stale time', agedMs: STALE_LOCK_MS + 1000, takenOver: true },
  ])('$row: taken over is $takenOver', async ({ agedMs, takenOver }) => {
    const directory = await aDirectory();
    const { lockFile } = localStorePaths(directory, NAME);
    await fs.mkdir(lockFile);
    if (agedMs > 0) await age(lockFile, agedMs);
    const store = aStore(directory, { lockTimeoutMs: 0 });

    if (takenOver) {
      await put(store, 'A');
      expect(fsSync.existsSync(lockFile)).toBe(false);
    } else {
      await expectLocked(put(store, 'A'));
      expect(fsSync.existsSync(lockFile)).toBe(true);
      expect(await store.describe(NAME)).toBeUndefined();
    }
  });
});

describe('a lock that stops being ours', () => {
  it('makes the holder refuse to commit: STORE_LOCKED, nothing written', async () => {
    const directory = await aDirectory();
    const { secretFile, lockFile } = localStorePaths(directory, NAME);
    const events: string[] = [];
    const run = withLock({ file: secretFile, lockFile, secretName: NAME, timeoutMs: 0 }, async (lease) => {
      events.push('locked');
      // Someone removes our lock (a waiter that judged it stale): the heartbeat notices.
      await fs.rm(lockFile, { recursive: true });
      for (;;) {
        try {
          lease.assertHeld();
        } catch (error) {
          events.push(`refused: ${(error as SfbError).code}`);
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await expectLocked(run);
    expect(events).toEqual(['locked', 'refused: STORE_LOCKED']);
  }, 30_000);
});

describe('writers in one process', () => {
  it('are released after a failed operation', async () => {
    const directory = await aDirectory();
    const store = aStore(directory, { lockTimeoutMs: 0 });
    await put(store, 'A');
    await expect(store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload('other'), stage: 'current' })).rejects.toMatchObject({
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
    expect(secret?.versions.map((v) => v.versionId).sort()).toEqual(labelsToWrite.map(aVersionId).sort());
    expect(secret?.versions.filter((v) => v.stages.includes('current'))).toHaveLength(1);
    expect(secret?.versions.filter((v) => v.stages.includes('previous'))).toHaveLength(1);
  });
});

describe('two processes racing on one store', () => {
  /** Starts one child per entry, each running `body` (JS) once every child is ready. */
  async function race(directory: string, bodies: string[]): Promise<void> {
    const go = path.join(directory, 'go');
    const processes = bodies.map((body) =>
      spawnTs(
        `
        const fs = require('node:fs');
        const crypto = require('node:crypto');
        const { createLocalStore } = require(${JSON.stringify(STORE_MODULE)});
        const { withLock } = require(${JSON.stringify(LOCK_MODULE)});
        process.stdout.write('ready\\n');
        (async () => {
          while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
          ${body}
        })().then(() => process.exit(0), (error) => { console.error(error.code, error.message); process.exit(1); });
        `,
        { SFB_TEST_PASSPHRASE: PASSPHRASE },
      ),
    );
    await Promise.all(processes.map((child) => waitForLine(child, 'ready')));
    await fs.writeFile(go, '');
    expect(await Promise.all(processes.map(exited))).toEqual(bodies.map(() => 0));
  }

  it('never has both inside the lock at once', async () => {
    const directory = await aDirectory();
    const { secretFile, lockFile } = localStorePaths(directory, NAME);
    const log = path.join(directory, 'events.log');
    const body = (who: string) => `
      for (let i = 0; i < 5; i++) {
        await withLock({ file: ${JSON.stringify(secretFile)}, lockFile: ${JSON.stringify(lockFile)}, secretName: 'race', timeoutMs: 60000 }, async () => {
          fs.appendFileSync(${JSON.stringify(log)}, 'enter ${who}\\n');
          await new Promise((r) => setTimeout(r, 20));
          fs.appendFileSync(${JSON.stringify(log)}, 'exit ${who}\\n');
        });
      }`;

    await race(directory, [body('P'), body('Q')]);

    const events = (await fs.readFile(log, 'utf8')).trim().split('\n');
    expect(events).toHaveLength(20);
    for (let i = 0; i < events.length; i += 2) {
      const who = events[i]?.split(' ')[1];
      expect([events[i], events[i + 1]]).toEqual([`enter ${who}`, `exit ${who}`]);
    }
  }, 60_000);

  it('writing different versions concurrently: every write lands, no update is lost, labels stay consistent', async () => {
    const directory = await aDirectory();
    const writers = [
      ['P1', 'P2', 'P3', 'P4'],
      ['Q1', 'Q2', 'Q3', 'Q4'],
    ];
    const body = (labels: string[]) => `
      const store = createLocalStore({ directory: ${JSON.stringify(directory)}, passphrase: process.env.SFB_TEST_PASSPHRASE, lockTimeoutMs: 60000 });
      const payload = (seed) => ({
        pfxBase64: crypto.createHash('sha512').update(seed).digest('base64'),
        password: 'pw-' + seed,
        thumbprint: crypto.createHash('sha1').update(seed).digest('hex').toUpperCase(),
      });
      for (const label of ${JSON.stringify(labels)}) {
        await store.putVersion({ name: ${JSON.stringify(NAME)}, versionId: ('version-' + label + '-').padEnd(36, '0'), payload: payload(label), stage: 'current' });
      }`;

    await race(directory, writers.map(body));

    const store = aStore(directory);
    const secret = await store.describe(NAME);
    const all = writers.flat();
    const written = secret?.versions.map((v) => v.versionId) ?? [];
    expect([...written].sort()).toEqual(all.map(aVersionId).sort());
    for (const label of all) expect(await store.getVersion(NAME, aVersionId(label))).toEqual(aPayload(label));
    // Versions are appended in commit order: the last committed is current, the one before previous.
    expect(secret?.versions.map((v) => v.stages)).toEqual([...all.slice(2).map(() => []), ['previous'], ['current']]);
    // Each writer's own versions were committed in the order it wrote them.
    for (const labels of writers) expect(written.filter((v) => labels.map(aVersionId).includes(v))).toEqual(labels.map(aVersionId));
    expect(fsSync.existsSync(localStorePaths(directory, NAME).lockFile)).toBe(false);
  }, 60_000);
});
