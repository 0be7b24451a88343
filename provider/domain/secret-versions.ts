/**
 * Version ids: the rule every store applies to a caller's id, the shape of the ids this provider
 * writes, and the sentences about a version that is missing or already taken.
 *
 * Callers choose the id (Secrets Manager's ClientRequestToken becomes the VersionId), so a
 * retried write with the same id never makes a second version; Secrets Manager requires 32 to 64
 * of [A-Za-z0-9-] of a ClientRequestToken, and the local store keeps the same rule:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 */
import { SfbError } from './errors';
import { shownIdentifier } from './secret-names';

/** A caller-chosen version id, as both stores accept it. */
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

/**
 * The ids this provider writes: the certificate's thumbprint (so any listing of versions names
 * the certificate), a hyphen, and the first 16 hex digits of a SHA-256 over the PFX bytes, a NUL
 * and the effective date (empty when none), so a re-export of the same certificate, or another
 * effective date, is another version.
 */
const OUR_VERSION_ID = /^([0-9A-F]{40})-([0-9a-f]{16})$/;

/** Hex digits of the content digest kept in one of our version ids. */
const DIGEST_DIGITS = 16;

/** Throws INVALID_ARGUMENT unless `versionId` has the shape the port promises (32-64 of [A-Za-z0-9-]). */
export function assertVersionId(versionId: unknown): asserts versionId is string {
  if (typeof versionId !== 'string' || !VERSION_ID.test(versionId)) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The version id ${shownIdentifier(versionId)} is not valid: use 32 to 64 characters from A-Z a-z 0-9 and -, for example a UUID (AWS Secrets Manager requires this of a ClientRequestToken).`,
    );
  }
}

/**
 * The version id this provider gives a certificate. `contentDigest` is the hex SHA-256 described
 * at {@link OUR_VERSION_ID}; the shell computes it, since hashing is not the domain's to do.
 */
export function ourVersionId(thumbprint: string, contentDigest: string): string {
  return `${thumbprint}-${contentDigest.slice(0, DIGEST_DIGITS).toLowerCase()}`;
}

/**
 * The thumbprint inside one of our version ids, or `undefined` for any other id (an operator's,
 * a rotation Lambda's): a store can then name a version's certificate without reading its value.
 */
export function thumbprintOfVersionId(versionId: string): string | undefined {
  return OUR_VERSION_ID.exec(versionId)?.[1];
}

/**
 * Versions are immutable: the same id with another payload is refused. Names the thumbprints,
 * never the PFX or the password.
 */
export function versionConflictError(name: string, versionId: string, storedThumbprint: string, requestedThumbprint: string): SfbError {
  return new SfbError(
    'STORE_CONFLICT',
    `Version ${versionId} of secret "${name}" already exists with a different payload (stored thumbprint ${storedThumbprint}, requested thumbprint ${requestedThumbprint}); a version cannot be changed once written. Write the new certificate under a new version id.`,
  );
}

/**
 * STORE_NOT_FOUND for a version the secret does not have. `dropped` says why versions vanish on
 * this backend, e.g. `unlabeled versions beyond the 10 newest are pruned`.
 */
export function versionNotFoundError(secret: { readonly name: string; readonly versions: readonly { readonly versionId: string }[] }, versionId: string, dropped: string): SfbError {
  const known = secret.versions.map((v) => v.versionId).join(', ');
  return new SfbError(
    'STORE_NOT_FOUND',
    `The secret "${secret.name}" has no version ${versionId} (it has ${known === '' ? 'none' : known}; ${dropped}). Use one of its versions, or write the certificate again.`,
  );
}
