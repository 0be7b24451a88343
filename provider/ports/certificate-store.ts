/**
 * The port every certificate store implements: the embedded local store now, AWS Secrets
 * Manager next. The vocabulary follows Secrets Manager (secrets with versions, versions carrying
 * stage labels) because that is the richest backend; the local store emulates it.
 *
 * Skype keeps a current and a previous OAuthTokenIssuer certificate and can schedule a roll
 * (`Set-CsCertificate -EffectiveDate ... -Roll`). Those map onto three stage labels here.
 */

/** A stage label on a stored version. Each label is on at most one version of a secret. */
export type CertificateStage = 'current' | 'previous' | 'pending';

/** What is stored in one version. Only the store and the shell ever see it decrypted. */
export interface CertificatePayload {
  /** The PFX bytes, base64 (standard alphabet, no line breaks). */
  readonly pfxBase64: string;
  /** The PFX password; `null` means "no password" (distinct from the empty password). */
  readonly password: string | null;
  /** Thumbprint of the certificate chosen from the PFX (40 uppercase hex). */
  readonly thumbprint: string;
  /** When this version becomes (or became) current, ISO 8601; absent: immediately. */
  readonly effectiveDate?: string;
}

/** Metadata of one version: never the secret itself. */
export interface StoredVersion {
  /**
   * The version id. Callers choose it (Secrets Manager's ClientRequestToken becomes the
   * VersionId), so a retried write with the same id never makes a second version.
   */
  readonly versionId: string;
  readonly stages: readonly CertificateStage[];
  /** ISO 8601 time the version was written. */
  readonly createdAt: string;
}

/** Metadata of one secret: its versions and whether it is scheduled for deletion. */
export interface StoredSecret {
  readonly name: string;
  readonly versions: readonly StoredVersion[];
  /** Set when the secret is deleted but still recoverable (ISO 8601 of the final deletion). */
  readonly deletionDate?: string;
}

/** A request to write a version and label it. */
export interface PutVersionRequest {
  readonly name: string;
  /** Caller-chosen id (32-64 characters, [A-Za-z0-9-]); the same id twice is a no-op. */
  readonly versionId: string;
  readonly payload: CertificatePayload;
  /**
   * `current`: the new version becomes current, the old current becomes previous, the old
   * previous loses its label (Skype keeps two). `pending`: current is untouched; the new version
   * waits for its effective date.
   */
  readonly stage: 'current' | 'pending';
}

/** Errors a store raises carry one of these codes (see provider/domain/errors.ts). */
export interface CertificateStore {
  /** A short description for messages, e.g. `local store at ./.sfb-store`. Never a secret. */
  readonly description: string;
  /** Metadata of the secret, or `undefined` when there is none (deleted ones included, with `deletionDate`). */
  describe(name: string): Promise<StoredSecret | undefined>;
  /** The payload of one version. */
  getVersion(name: string, versionId: string): Promise<CertificatePayload>;
  /** Writes a version (creating the secret if needed) and moves the labels; idempotent on versionId. */
  putVersion(request: PutVersionRequest): Promise<StoredSecret>;
  /** Moves `stage` onto `versionId` (used to promote a pending version, or to roll back). */
  moveStage(name: string, stage: CertificateStage, versionId: string): Promise<StoredSecret>;
  /** Schedules deletion; the secret stays recoverable for `recoveryWindowDays`. */
  scheduleDeletion(name: string, recoveryWindowDays: number): Promise<void>;
  /** Cancels a scheduled deletion. */
  restore(name: string): Promise<StoredSecret>;
}
