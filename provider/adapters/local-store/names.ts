/**
 * Which file holds which secret. Secret names follow Secrets Manager's alphabet, which includes
 * `/` and `.`, so a name is never used as a path: the file name is a readable slug plus the
 * SHA-256 of the exact name. The hash makes the mapping injective even on case-insensitive file
 * systems (macOS, Windows), where `Cert` and `cert` would otherwise share one file, and keeps
 * names such as `../../etc/x` inside the store directory.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';

/** Secrets Manager's rule for secret names (CreateSecret `Name`): 1-512 of these characters. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The port's rule for caller-chosen version ids (Secrets Manager's ClientRequestToken). */
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

/** Extension of a secret file; lock directories and temporary files add their own suffixes to the full name. */
export const SECRET_FILE_EXTENSION = '.sfbsecret';

/** Suffix of the lock directory next to a secret file (proper-lockfile's convention). */
export const LOCK_SUFFIX = '.lock';

/** Throws INVALID_ARGUMENT unless `name` is a valid Secrets Manager secret name. */
export function assertSecretName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    const seen = typeof name === 'string' ? `${JSON.stringify(truncate(name))} (${name.length} characters)` : `a ${typeof name}`;
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The secret name ${seen} is not valid: use 1 to 512 characters from A-Z a-z 0-9 and / _ + = . @ - (the rule AWS Secrets Manager applies), for example "sfb/oauth-token-issuer".`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless `versionId` has the shape the port promises (32-64 of [A-Za-z0-9-]). */
export function assertVersionId(versionId: unknown): asserts versionId is string {
  if (typeof versionId !== 'string' || !VERSION_ID.test(versionId)) {
    const seen = typeof versionId === 'string' ? `${JSON.stringify(truncate(versionId))} (${versionId.length} characters)` : `a ${typeof versionId}`;
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The version id ${seen} is not valid: use 32 to 64 characters from A-Z a-z 0-9 and -, for example a UUID (AWS Secrets Manager requires this of a ClientRequestToken).`,
    );
  }
}

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

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}...` : value;
}
