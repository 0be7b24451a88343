/**
 * The lock every read-modify-write of a secret file holds, so two deployments (two processes,
 * possibly two Pulumi stacks sharing a store) never lose each other's versions.
 *
 * The lock is a file created with `open(path, 'wx')` (O_CREAT|O_EXCL: exactly one creator wins,
 * also on NFSv3+) that records who holds it. A holder that died leaves the file behind; a waiter
 * on the same host sees that the recorded pid is gone and takes the lock over. A lock from
 * another host cannot be checked and is never taken over: the waiter gives up with a message
 * saying which file to delete.
 *
 * Time here is the real clock, not the store's injected one: it measures how long we wait.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';

import { SfbError } from '../../domain/errors';
import { errorCode, FILE_MODE, fileSystemError } from './atomic-file';

/** How long to wait for a lock before failing with STORE_LOCKED. @default 10 s */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/**
 * A lock file whose owner cannot be read (the holder died between creating and writing it) is
 * stale once it is this old. Writing a few bytes takes microseconds, so younger ones may still
 * be in the middle of being written.
 */
export const UNREADABLE_LOCK_GRACE_MS = 10_000;

const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 500;
const TAKEOVER_SUFFIX = '.takeover';

/** What a lock file records about its holder. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** ISO 8601, for the operator reading the message. */
  readonly createdAt: string;
  /** Random, so a holder releases only its own lock. */
  readonly token: string;
}

/** What was found at a lock path. */
export type LockInspection =
  | { readonly kind: 'absent' }
  | { readonly kind: 'owned'; readonly owner: LockOwner; readonly raw: string; readonly mtimeMs: number }
  | { readonly kind: 'unreadable'; readonly raw: string; readonly mtimeMs: number };

/** The facts staleness depends on, passed in so the decision is testable. */
export interface LockFacts {
  readonly hostname: string;
  readonly nowMs: number;
  readonly isProcessAlive: (pid: number) => boolean;
}

/** What to lock, and how long to wait. */
export interface LockRequest {
  readonly lockFile: string;
  /** The secret, for messages. */
  readonly secretName: string;
  readonly timeoutMs: number;
}

/**
 * Why a lock may be taken over, or `undefined` when its holder may still be alive. Decides only;
 * reads nothing.
 */
export function lockStaleReason(lock: LockInspection, facts: LockFacts): string | undefined {
  if (lock.kind === 'absent') return undefined;
  if (lock.kind === 'unreadable') {
    return facts.nowMs - lock.mtimeMs >= UNREADABLE_LOCK_GRACE_MS ? 'its owner is unreadable and it is old' : undefined;
  }
  if (lock.owner.hostname !== facts.hostname) return undefined;
  return facts.isProcessAlive(lock.owner.pid) ? undefined : `process ${lock.owner.pid} is no longer running`;
}

/**
 * Runs `action` holding the lock. Calls in this process queue in memory first (no polling
 * against ourselves); the file lock then orders us against other processes.
 */
export async function withLock<T>(request: LockRequest, action: () => Promise<T>): Promise<T> {
  const previous = inProcessTails.get(request.lockFile) ?? Promise.resolve();
  let finished!: () => void;
  const mine = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const tail = previous.then(() => mine);
  inProcessTails.set(request.lockFile, tail);
  try {
    await previous;
    const owner = await acquire(request);
    try {
      return await action();
    } finally {
      await release(request.lockFile, owner);
    }
  } finally {
    finished();
    if (inProcessTails.get(request.lockFile) === tail) inProcessTails.delete(request.lockFile);
  }
}

/** Reads a lock file without judging it. */
export async function inspectLock(lockFile: string): Promise<LockInspection> {
  let raw: string;
  let mtimeMs: number;
  try {
    // Stat before reading: if the file is replaced in between, the mtime is the older one,
    // which can only make a takeover less likely, never wrong (the takeover compares both).
    mtimeMs = (await fs.stat(lockFile)).mtimeMs;
    raw = await fs.readFile(lockFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'absent' };
    throw fileSystemError(error, 'read the lock file', lockFile);
  }
  const owner = parseOwner(raw);
  return owner === undefined ? { kind: 'unreadable', raw, mtimeMs } : { kind: 'owned', owner, raw, mtimeMs };
}

/** Whether a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) !== 'ESRCH';
  }
}

const inProcessTails = new Map<string, Promise<void>>();

async function acquire(request: LockRequest): Promise<LockOwner> {
  const started = Date.now();
  let delay = FIRST_RETRY_MS;
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: os.hostname(),
      createdAt: new Date().toISOString(),
      token: randomBytes(16).toString('hex'),
    };
    if (await tryCreate(request.lockFile, owner)) return owner;

    const seen = await inspectLock(request.lockFile);
    // Released between our attempt and the read: try again at once.
    if (seen.kind === 'absent') continue;
    const facts: LockFacts = { hostname: os.hostname(), nowMs: Date.now(), isProcessAlive };
    if (lockStaleReason(seen, facts) !== undefined && (await takeOver(request.lockFile, seen))) continue;

    const waited = Date.now() - started;
    if (waited >= request.timeoutMs) throw lockedError(request, seen, waited);
    await sleep(Math.min(delay, request.timeoutMs - waited));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}

async function tryCreate(lockFile: string, owner: LockOwner): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockFile, 'wx', FILE_MODE);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw fileSystemError(error, 'create the lock file', lockFile);
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(lockFile, { force: true }).catch(() => undefined);
    throw fileSystemError(error, 'write the lock file', lockFile);
  }
  await handle.close();
  return true;
}

/**
 * Removes a stale lock. Two waiters may both judge it stale; if each deleted "the lock" the
 * second could delete the fresh lock the first just created. So the deletion happens only while
 * holding a second, short-lived guard file, and only if the lock is still byte-for-byte the one
 * judged stale. Returns whether to retry at once (false: someone else is taking it over).
 */
async function takeOver(lockFile: string, stale: Exclude<LockInspection, { kind: 'absent' }>): Promise<boolean> {
  const guard = lockFile + TAKEOVER_SUFFIX;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(guard, 'wx', FILE_MODE);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw fileSystemError(error, 'create the lock takeover file', guard);
    // A guard is held for a few milliseconds; an old one was left by a crash.
    const age = await fs.stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age >= UNREADABLE_LOCK_GRACE_MS) await fs.rm(guard, { force: true }).catch(() => undefined);
    return false;
  }
  try {
    await handle.close();
    const now = await inspectLock(lockFile);
    if (now.kind !== 'absent' && now.raw === stale.raw && now.mtimeMs === stale.mtimeMs) {
      await fs.rm(lockFile, { force: true });
    }
    return true;
  } catch (error) {
    throw fileSystemError(error, 'remove the stale lock file', lockFile);
  } finally {
    await fs.rm(guard, { force: true }).catch(() => undefined);
  }
}

/**
 * Deletes the lock if it is still ours. A failure is swallowed: the action's result matters more,
 * and a lock left behind by this process becomes stale (and is taken over) when it exits.
 */
async function release(lockFile: string, owner: LockOwner): Promise<void> {
  try {
    const seen = await inspectLock(lockFile);
    if (seen.kind === 'owned' && seen.owner.token === owner.token) await fs.rm(lockFile, { force: true });
  } catch {
    // See above.
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, hostname, createdAt, token } = value as Record<string, unknown>;
    // pid 0 and negative pids address process groups in kill(2): never trust them.
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    if (typeof hostname !== 'string' || typeof createdAt !== 'string' || typeof token !== 'string') return undefined;
    return { pid, hostname, createdAt, token };
  } catch {
    return undefined;
  }
}

function lockedError(request: LockRequest, seen: Exclude<LockInspection, { kind: 'absent' }>, waitedMs: number): SfbError {
  const holder =
    seen.kind === 'owned'
      ? `is held by process ${seen.owner.pid} on host ${seen.owner.hostname} since ${seen.owner.createdAt}`
      : `exists but names no readable owner (it is empty or garbled, last modified ${new Date(seen.mtimeMs).toISOString()})`;
  return new SfbError(
    'STORE_LOCKED',
    `The lock file ${request.lockFile} of secret "${request.secretName}" ${holder}; gave up after waiting ${(waitedMs / 1000).toFixed(1)} s. Another deployment is probably writing this secret: let it finish, then retry. If no such process is running (it crashed, or the lock came from another host), delete ${request.lockFile} and retry.`,
    true,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
