/**
 * A file another process holds open. On Windows an antivirus scanner (Defender scans every file as
 * it is closed), a backup or indexing service, or an editor opens files without FILE_SHARE_DELETE;
 * while it does, deleting or renaming over the file fails, and libuv reports the sharing violation
 * as EBUSY and the refused delete or replace as EPERM. Such holds last milliseconds to seconds, so
 * a bounded retry turns them into a short wait; past it, the caller says a process holds the file
 * instead of giving advice about permissions.
 */
import type { HostPlatform } from './host-platform';

/**
 * The waits between attempts: 0.1 s growing to 1 s, 9.8 s in all. A Defender scan of a small
 * file takes milliseconds; a backup agent can hold one for seconds.
 */
export const HELD_FILE_RETRY_DELAYS_MS: readonly number[] = [100, 200, 300, 500, 700, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];

/** Total time {@link retryWhileHeld} waits before giving up, for messages. */
export const HELD_FILE_PATIENCE_MS = HELD_FILE_RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);

/**
 * The error codes that mean "another process holds the file" on `platform`. On Windows EPERM and
 * EACCES are what a held file gives (a refused delete, a delete still pending), and ENOTEMPTY is
 * what removing its directory gives meanwhile. Elsewhere those mean permissions, which waiting
 * does not change; EBUSY (a mount point, a busy device) is the only one worth a wait.
 */
export function heldFileCodes(platform: NodeJS.Platform): readonly string[] {
  return platform === 'win32' ? ['EBUSY', 'EPERM', 'EACCES', 'ENOTEMPTY'] : ['EBUSY'];
}

/** The `code` of a Node system error, if it has one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `error` is one {@link retryWhileHeld} waits out on `platform`. */
export function isHeldFileError(error: unknown, platform: NodeJS.Platform): boolean {
  const code = errnoOf(error);
  return code !== undefined && heldFileCodes(platform).includes(code);
}

/**
 * Runs `action`, and again after each delay of {@link HELD_FILE_RETRY_DELAYS_MS} while it fails
 * because another process holds a file; any other failure, and the last one, is thrown as is
 * (the caller translates it: {@link isHeldFileError} says which kind it was).
 */
export async function retryWhileHeld<T>(action: () => Promise<T>, host: Pick<HostPlatform, 'platform' | 'sleep'>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await action();
    } catch (error) {
      const delay = HELD_FILE_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isHeldFileError(error, host.platform)) throw error;
      await host.sleep(delay);
    }
  }
}

/** "9.8 s", for messages. */
export function patienceText(): string {
  return `${(HELD_FILE_PATIENCE_MS / 1000).toFixed(1)} s`;
}
