/**
 * The lock every read-modify-write of a secret file holds, so two deployments (two processes,
 * possibly two Pulumi stacks sharing a store) never lose each other's versions.
 *
 * The lock is proper-lockfile's: a directory `<secret file>.lock` made with mkdir (exactly one
 * creator wins, also on NFS), whose mtime its holder refreshes every {@link LOCK_HEARTBEAT_MS}.
 * A lock not refreshed for {@link STALE_LOCK_MS} belongs to a holder that died and is taken over.
 * Nothing trusts a pid or a host name: containers that share a host name but not a pid namespace,
 * or hosts sharing a network disk, see the same heartbeat. The one gap of the
 * library (moxystudio/node-proper-lockfile#121: two waiters reclaiming one stale lock at the same
 * moment may both get it) is closed one level up: a holder commits only if the secret file is
 * still the one it read (atomic-file.ts `replaceIfUnchanged`), and only while its lock is not
 * compromised ({@link Lease.assertHeld}).
 *
 * Time here is the real clock, not the store's injected one: it measures how long we wait.
 */
import { promises as fs } from 'node:fs';
import * as lockfile from 'proper-lockfile';

import { SfbError } from '../../domain/errors';
import { errorCode, fileSystemError } from './atomic-file';

/** How long a writer waits for another writer's lock before STORE_LOCKED. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A lock whose mtime is older than this is a dead holder's (proper-lockfile's default). */
export const STALE_LOCK_MS = 10_000;
/** How often a holder refreshes its lock's mtime: half the stale time, as proper-lockfile advises. */
export const LOCK_HEARTBEAT_MS = STALE_LOCK_MS / 2;

const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 500;

/** What to lock, and how long to wait. */
export interface LockRequest {
  /** The secret file the lock protects (it need not exist yet). */
  readonly file: string;
  /** The lock directory, `<file>.lock`. */
  readonly lockFile: string;
  /** The secret, for messages. */
  readonly secretName: string;
  readonly timeoutMs: number;
}

/** The holder's view of its lock while the action runs. */
export interface Lease {
  /**
   * Throws STORE_LOCKED (retryable) when the lock stopped being ours (its heartbeat failed, or
   * another process took it over as stale): call it right before the write that commits.
   */
  assertHeld(): void;
}

/**
 * Runs `action` holding the lock. Calls in this process queue in memory first: proper-lockfile
 * refuses a second lock on a file this process holds (ELOCKED), and polling against ourselves
 * would only add latency. The file lock then orders us against other processes.
 */
export async function withLock<T>(request: LockRequest, action: (lease: Lease) => Promise<T>): Promise<T> {
  const previous = inProcessTails.get(request.lockFile) ?? Promise.resolve();
  let finished!: () => void;
  const mine = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const tail = previous.then(() => mine);
  inProcessTails.set(request.lockFile, tail);
  try {
    await previous;
    let compromised: Error | undefined;
    const release = await acquire(request, (error) => {
      compromised = error;
    });
    const lease: Lease = {
      assertHeld: () => {
        if (compromised !== undefined) throw compromisedError(request, compromised);
      },
    };
    try {
      return await action(lease);
    } finally {
      // A compromised lock is no longer ours to remove (proper-lockfile says ERELEASED); any other
      // failure leaves a lock that goes stale, and so is taken over, once this process is gone.
      await release().catch(() => undefined);
    }
  } finally {
    finished();
    if (inProcessTails.get(request.lockFile) === tail) inProcessTails.delete(request.lockFile);
  }
}

const inProcessTails = new Map<string, Promise<void>>();

async function acquire(request: LockRequest, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  const started = Date.now();
  let delay = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await lockfile.lock(request.file, {
        lockfilePath: request.lockFile,
        // The secret file may not exist yet; the store passes an absolute path.
        realpath: false,
        stale: STALE_LOCK_MS,
        update: LOCK_HEARTBEAT_MS,
        // Waiting is ours (bounded by time, not by a retry count).
        retries: 0,
        onCompromised,
      });
    } catch (error) {
      if (errorCode(error) !== 'ELOCKED') throw fileSystemError(error, 'take the lock', request.lockFile);
    }
    const waited = Date.now() - started;
    if (waited >= request.timeoutMs) throw await lockedError(request, waited);
    await sleep(Math.min(delay, request.timeoutMs - waited));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}

async function lockedError(request: LockRequest, waitedMs: number): Promise<SfbError> {
  const refreshed = await fs.stat(request.lockFile).then(
    (stat) => `, last refreshed at ${stat.mtime.toISOString()}`,
    () => '',
  );
  return new SfbError(
    'STORE_LOCKED',
    `The lock ${request.lockFile} of secret "${request.secretName}" is held by another writer (its holder refreshes it every ${LOCK_HEARTBEAT_MS / 1000} s${refreshed}); gave up after waiting ${(waitedMs / 1000).toFixed(1)} s. Another deployment is probably writing this secret: let it finish, then retry. A lock whose holder died stops being refreshed and is taken over ${STALE_LOCK_MS / 1000} s later, whichever host or container held it; there is nothing to delete by hand.`,
    true,
  );
}

function compromisedError(request: LockRequest, cause: Error): SfbError {
  return new SfbError(
    'STORE_LOCKED',
    `The lock ${request.lockFile} of secret "${request.secretName}" stopped being this writer's before it wrote (${errorCode(cause) ?? cause.name}: its heartbeat could not refresh it within ${STALE_LOCK_MS / 1000} s, so another writer may have taken it over). Nothing was written; retry.`,
    true,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
