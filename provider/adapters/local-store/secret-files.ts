/**
 * Which file holds which secret. Secret names follow Secrets Manager's alphabet
 * (domain/secret-names.ts), which includes `/` and `.`, so a name is never used as a path: the
 * file name is a readable slug plus the SHA-256 of the exact name. The hash makes the mapping
 * injective even on case-insensitive file systems (macOS, Windows), where `Cert` and `cert` would
 * otherwise share one file, and keeps names such as `../../etc/x` inside the store directory.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

import { assertSecretName } from '../../domain/secret-names';

/** Extension of a secret file; lock directories and temporary files add their own suffixes to the full name. */
export const SECRET_FILE_EXTENSION = '.sfbsecret';

/** Suffix of the lock directory next to a secret file (proper-lockfile's convention). */
export const LOCK_SUFFIX = '.lock';

/** The paths the store uses for one secret. */
export interface LocalStorePaths {
  /** The encrypted secret file. */
  readonly secretFile: string;
  /** The lock (a directory) every read-modify-write of `secretFile` holds. */
  readonly lockFile: string;
}

/**
 * The paths of secret `name` in `directory` (resolved to an absolute path so messages name a
 * file the operator can find). Validates the name first.
 */
export function localStorePaths(directory: string, name: string): LocalStorePaths {
  assertSecretName(name);
  const secretFile = path.join(path.resolve(directory), secretFileName(name));
  return { secretFile, lockFile: secretFile + LOCK_SUFFIX };
}

function secretFileName(name: string): string {
  // The slug is only for people listing the directory; the hash carries the identity.
  const slug = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex');
  return `${slug}.${hash}${SECRET_FILE_EXTENSION}`;
}

