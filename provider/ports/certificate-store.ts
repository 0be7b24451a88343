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

/**
 * What is stored in one version. Only the store and the shell ever see it decrypted. A PFX
 * (with its password), or, for a certificate a Front End Server already has, a record without
 * anything secret: the thumbprint and the server holding it (its key stays there).
 */
export type CertificatePayload = PfxPayload | ServerHeldPayload;

/** A version holding the PFX. */
export interface PfxPayload {
  /** The PFX bytes, base64 (standard alphabet, no line breaks). */
  readonly pfxBase64: string;
  /** The PFX password; `null` means "no password" (distinct from the empty password). */
  readonly password: string | null;
  /** Thumbprint of the certificate chosen from the PFX (40 uppercase hex). */
  readonly thumbprint: string;
  /** When this version becomes (or became) current, ISO 8601; absent: immediately. */
  readonly effectiveDate?: string;
  /**
   * The ACME account key (PEM) the certificate was ordered with, kept so the next order signs in
   * as the same account; absent for a certificate from a PFX or another issuer. Secret.
   */
  readonly acmeAccountKeyPem?: string;
  readonly heldBy?: undefined;
}

/** A version naming a certificate a Front End Server holds: no PFX, no password. */
export interface ServerHeldPayload {
  /** The Front End Server whose `Cert:\LocalMachine\My` holds the certificate and its key (FQDN). */
  readonly heldBy: string;
  // Never present: listed so that code reading either kind of payload type-checks.
  readonly pfxBase64?: undefined;
  readonly password?: undefined;
  readonly acmeAccountKeyPem?: undefined;
  /** 40 uppercase hex. */
  readonly thumbprint: string;
  /** When this version becomes (or became) current, ISO 8601; absent: immediately. */
  readonly effectiveDate?: string;
}

/** Whether a payload holds a PFX (else it names a certificate a server holds). */
export function holdsPfx(payload: CertificatePayload): payload is PfxPayload {
  return payload.pfxBase64 !== undefined;
}

/** Metadata of one version: never the secret itself. */
export interface StoredVersion {
  /**
   * The version id. Callers choose it (Secrets Manager's ClientRequestToken becomes the
   * VersionId), so a retried write with the same id never makes a second version.
   */
  readonly versionId: string;
  readonly stages: readonly CertificateStage[];
  /**
   * ISO 8601 time the version was written; absent when the store's metadata call does not give
   * it (AWS DescribeSecret lists versions and labels without dates).
   */
  readonly createdAt?: string;
  /**
   * The version's thumbprint when the store knows it without reading the secret value (the AWS
   * store: from a version id of ours, which starts with it), so a refresh needs no
   * GetSecretValue per label. Absent: read it from the payload.
   */
  readonly thumbprint?: string;
}

/** Metadata of one secret: its versions and whether it is scheduled for deletion. */
export interface StoredSecret {
  readonly name: string;
  readonly versions: readonly StoredVersion[];
  /** Set when the secret is deleted but still recoverable (ISO 8601 of the final deletion). */
  readonly deletionDate?: string;
  /**
   * Who manages the secret (see {@link OwnerClaim}); absent on a secret written without a claim
   * (by an operator, or before owners were recorded): the next claim records its owner.
   */
  readonly owner?: string;
  /**
   * Set when the backend rotates the secret by itself (AWS: `RotationEnabled` in DescribeSecret):
   * a rotation Lambda would replace the current certificate (rotationFinding in
   * domain/store-rules.ts).
   */
  readonly rotation?: {
    /** The rotation Lambda's ARN, when the backend names it (not a secret). */
    readonly lambdaArn?: string;
  };
}

/**
 * Who is changing a secret, so two Pulumi stacks declaring one secret cannot roll each other's
 * certificate or destroy it under each other (the rule: domain/secret-owners.ts). Every change that carries a claim is
 * decided together with the owner check, atomically: the local store checks and writes under
 * the secret's lock; the AWS store keeps the owner in a tag (`sfb-oauth-cert:owner`), so an
 * owner is a valid tag value (1-256 of letters, digits, spaces and `_ . : / = + - @`).
 *
 * The rule, the same on every backend: no owner recorded yet, or the same owner: allowed, and
 * the claim's owner is recorded; another owner: STORE_OWNED_ELSEWHERE, unless `adopt`, which
 * records the claim's owner instead. A change without a claim (an operator's script, a test) is
 * neither checked nor recorded: ownership keeps stacks apart, it is not access control (the
 * passphrase, or IAM, is).
 */
export interface OwnerClaim {
  /** `<organization>/<project>/<stack>` of the declaring program. */
  readonly owner: string;
  /** Take the secret over from another owner (recorded in the store). @default false */
  readonly adopt?: boolean;
}

/** A request to write a version and label it. */
export interface PutVersionRequest {
  readonly name: string;
  /** Caller-chosen id (32-64 characters, [A-Za-z0-9-]: domain/secret-versions.ts); the same id twice is a no-op. */
  readonly versionId: string;
  readonly payload: CertificatePayload;
  /**
   * `current`: the new version becomes current, the old current becomes previous, the old
   * previous loses its label (Skype keeps two). `pending`: current is untouched; the new version
   * waits for its effective date.
   */
  readonly stage: 'current' | 'pending';
  /** Checked and recorded with the write, see {@link OwnerClaim}. */
  readonly claim?: OwnerClaim;
  /**
   * The certificate's NotAfter (ISO 8601), kept beside the payload where the backend has room
   * (the AWS store's document), for operators reading the secret. Not part of the payload.
   */
  readonly notAfter?: string;
}

/** Errors a store raises carry one of these codes (see provider/domain/errors.ts). */
export interface CertificateStore {
  /**
   * A short description for messages and state, e.g. `local store at ./.sfb-store`. Never a
   * secret: no credentials, not even those inside an endpoint URL.
   */
  readonly description: string;
  /**
   * The backend's own name of each stage, for messages (AWS: AWSCURRENT, AWSPREVIOUS,
   * AWSPENDING). @default the stage names
   */
  readonly stageLabels?: Readonly<Record<CertificateStage, string>>;
  /** Metadata of the secret, or `undefined` when there is none (deleted ones included, with `deletionDate`). */
  describe(name: string): Promise<StoredSecret | undefined>;
  /**
   * Metadata of a secret the caller knows exists (Pulumi state says so). A missing one is not
   * "no certificate" but a lost or misplaced store: STORE_NOT_FOUND, with a sentence naming where
   * the store looked (the local store: its directory, missing or empty, or the secret's file;
   * AWS: the secret's name and region) and how to bring it back. Deleted-but-recoverable secrets
   * are returned, with `deletionDate`.
   */
  describeExisting(name: string): Promise<StoredSecret>;
  /**
   * The payload of one version. STORE_NOT_OURS when the version holds no document of this
   * provider (something else wrote it: an operator's put-secret-value, a rotation Lambda), which
   * only a backend others can write to raises; STORE_CORRUPT when it is ours but damaged.
   */
  getVersion(name: string, versionId: string): Promise<CertificatePayload>;
  /**
   * Writes a version (creating the secret if needed) and moves the labels; idempotent on versionId.
   * SECRET_TOO_LARGE, on every store, when the version's document would pass AWS Secrets
   * Manager's 65,536-byte limit (domain/secret-document.ts).
   */
  putVersion(request: PutVersionRequest): Promise<StoredSecret>;
  /** Moves `stage` onto `versionId` (used to promote a pending version, or to roll back). */
  moveStage(name: string, stage: CertificateStage, versionId: string, claim?: OwnerClaim): Promise<StoredSecret>;
  /** Schedules deletion; the secret stays recoverable for `recoveryWindowDays` (7 to 30: domain/recovery-window.ts). */
  scheduleDeletion(name: string, recoveryWindowDays: number, claim?: OwnerClaim): Promise<void>;
  /** Cancels a scheduled deletion. */
  restore(name: string, claim?: OwnerClaim): Promise<StoredSecret>;
  /**
   * Checks and records the owner of an existing secret without writing a version: for a stack
   * whose certificate the store already holds (nothing to write, but the secret is now its).
   * STORE_NOT_FOUND when there is no such secret.
   */
  claim(name: string, claim: OwnerClaim): Promise<StoredSecret>;
}
