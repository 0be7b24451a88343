/**
 * The decisions of the local store, as pure functions of (stored record, request, now): label
 * transitions, idempotency, pruning, the deletion window. The store gathers the record under the
 * lock, calls one of these, and writes the record it returns. Keeping them pure lets the AWS
 * backend be tested against the same table of transitions.
 *
 * The rules mirror AWS Secrets Manager (PutSecretValue, UpdateSecretVersionStage, DeleteSecret,
 * RestoreSecret, GetSecretValue), because the resource must behave the same on both backends:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 */
import { SfbError } from '../../domain/errors';
import { DAY_MS, parseIsoInstant } from '../../domain/time';
import { refuseIfScheduledForDeletion } from '../../domain/store-rules';
import type {
  CertificatePayload,
  CertificateStage,
  OwnerClaim,
  PutVersionRequest,
  StoredSecret,
  StoredVersion,
} from '../../ports/certificate-store';

/** One version as the store keeps it: the port's metadata plus the payload. */
export interface VersionRecord extends StoredVersion {
  readonly payload: CertificatePayload;
}

/** One secret as the store keeps it (the decrypted body of its file). */
export interface SecretRecord {
  readonly name: string;
  /** Oldest first: pruning drops from the front. */
  readonly versions: readonly VersionRecord[];
  readonly deletionDate?: string;
  /** `<organization>/<project>/<stack>` that manages the secret; absent: nobody has claimed it. */
  readonly owner?: string;
}

/** What an operation decided: leave the file alone, or write this record. */
export type Decision =
  | { readonly kind: 'unchanged'; readonly record: SecretRecord }
  | { readonly kind: 'write'; readonly record: SecretRecord };

/** Stage labels in the order they are listed, so metadata compares with `toEqual`. */
export const STAGES: readonly CertificateStage[] = ['current', 'previous', 'pending'];

/**
 * Unlabeled versions kept for recovery (`getVersion` of an old id). Secrets Manager keeps about
 * 100 and drops unlabeled ones lazily; a file is rewritten whole on every change, so keep fewer.
 */
export const MAX_UNLABELED_VERSIONS = 10;

/** Secrets Manager's limits on DeleteSecret's RecoveryWindowInDays. */
export const MIN_RECOVERY_WINDOW_DAYS = 7;
export const MAX_RECOVERY_WINDOW_DAYS = 30;

/**
 * Secrets Manager's limit on a SecretString (65,536 bytes). The AWS backend stores the payload as
 * JSON, so the local store refuses the same payloads instead of accepting what AWS would reject.
 */
export const MAX_PAYLOAD_BYTES = 65_536;

/** Metadata of a record: what `describe` returns. Never the payload. */
export function describeRecord(record: SecretRecord): StoredSecret {
  return {
    name: record.name,
    versions: record.versions.map((version) => ({
      versionId: version.versionId,
      stages: [...version.stages],
      createdAt: version.createdAt,
    })),
    ...(record.deletionDate === undefined ? {} : { deletionDate: record.deletionDate }),
    ...(record.owner === undefined ? {} : { owner: record.owner }),
  };
}

/**
 * The ownership rule of {@link OwnerClaim}, decided before the operation's own rule and under
 * the same lock: throws STORE_OWNED_ELSEWHERE when another owner manages the secret and the
 * claim does not adopt it. `action` completes "this stack will not ...".
 */
export function assertClaim(record: SecretRecord | undefined, name: string, claim: OwnerClaim | undefined, action: string): void {
  if (record?.owner === undefined || claim === undefined || claim.adopt === true || record.owner === claim.owner) return;
  throw new SfbError(
    'STORE_OWNED_ELSEWHERE',
    `The secret "${name}" is managed by ${record.owner}, not by ${claim.owner}, so ${claim.owner} will not ${action}: two stacks declaring one secret would roll each other's certificate. If ${record.owner} no longer manages it (the stack was renamed, moved or retired), set \`adopt: true\` on this resource once to take it over (the store then records ${claim.owner} as its owner); otherwise give this stack its own secretName or store.`,
  );
}

/**
 * Records the claim's owner on what an operation decided (the operation's rule never changes
 * owners). A claim that changes the owner turns an "unchanged" decision into a write.
 */
export function withClaim(decision: Decision, claim: OwnerClaim | undefined): Decision {
  if (claim === undefined || decision.record.owner === claim.owner) return decision;
  return { kind: 'write', record: { ...decision.record, owner: claim.owner } };
}

/** The owner check of {@link OwnerClaim} on its own: the claim operation. */
export function decideClaim(record: SecretRecord | undefined, name: string): Decision {
  return { kind: 'unchanged', record: requireSecret(record, name, 'record who manages it') };
}

/** Throws INVALID_ARGUMENT unless the claim's owner is a valid AWS tag value (the AWS store keeps it in a tag). */
export function assertOwnerClaim(claim: unknown): asserts claim is OwnerClaim | undefined {
  if (claim === undefined) return;
  const { owner, adopt } = (claim ?? {}) as Partial<OwnerClaim>;
  if (typeof owner !== 'string' || !OWNER.test(owner) || (adopt !== undefined && typeof adopt !== 'boolean')) {
    const seen = typeof owner === 'string' ? JSON.stringify(owner.slice(0, 80)) : `a ${typeof owner}`;
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The owner ${seen} is not valid: use 1 to 256 letters, digits, spaces and _ . : / = + - @ (an AWS tag value), such as "organization/project/stack", and adopt as true or false.`,
    );
  }
}

/** An AWS tag value: the AWS store records the owner as a tag. */
const OWNER = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]{1,256}$/u;

/** Whether the recovery window of a deleted secret has ended at `now`: the file is then purged. */
export function isPurgeDue(record: SecretRecord, now: Date): boolean {
  if (record.deletionDate === undefined) return false;
  const parsed = parseIsoInstant(record.deletionDate);
  // The file format refuses a record whose date does not parse; this is only a second guard.
  return parsed.ok && parsed.date.getTime() <= now.getTime();
}

/** The payload of `versionId`, or the error Secrets Manager's GetSecretValue would give. */
export function decideGetVersion(record: SecretRecord | undefined, name: string, versionId: string): CertificatePayload {
  const secret = requireSecret(record, name, `read version ${versionId}`);
  refuseIfScheduledForDeletion(secret, `read version ${versionId}`);
  return requireVersion(secret, versionId).payload;
}

/**
 * PutSecretValue with ClientRequestToken = versionId: a retry with the same id and payload
 * changes nothing (not even the labels); the same id with another payload is a conflict, since
 * versions are immutable. Otherwise the version is appended and labelled.
 */
export function decidePutVersion(record: SecretRecord | undefined, request: PutVersionRequest, now: Date): Decision {
  if (record !== undefined) refuseIfScheduledForDeletion(record, `write version ${request.versionId}`);
  const existing = record?.versions.find((version) => version.versionId === request.versionId);
  if (record !== undefined && existing !== undefined) {
    if (samePayload(existing.payload, request.payload)) return { kind: 'unchanged', record };
    throw new SfbError(
      'STORE_CONFLICT',
      `Version ${request.versionId} of secret "${request.name}" already exists with a different payload (stored thumbprint ${existing.payload.thumbprint}, requested thumbprint ${request.payload.thumbprint}); a version cannot be changed once written. Write the new certificate under a new version id.`,
    );
  }
  const versions = record?.versions ?? [];
  // Writing with `current` moves AWSCURRENT, and Secrets Manager then moves AWSPREVIOUS onto the
  // version it came from; writing with `pending` only moves AWSPENDING.
  const relabelled = request.stage === 'current' ? moveCurrent(versions, undefined) : removeStage(versions, 'pending');
  const added: VersionRecord = {
    versionId: request.versionId,
    stages: [request.stage],
    createdAt: now.toISOString(),
    payload: normalizePayload(request.payload),
  };
  return { kind: 'write', record: { ...(record ?? { name: request.name }), versions: prune([...relabelled, added]) } };
}

/**
 * UpdateSecretVersionStage: the label is removed from whichever version has it and added to
 * `versionId`, whose other labels stay. Moving `current` also moves `previous` onto the version
 * `current` came from. Moving a label onto the version that already has it changes nothing.
 */
export function decideMoveStage(
  record: SecretRecord | undefined,
  name: string,
  stage: CertificateStage,
  versionId: string,
): Decision {
  const action = `move the ${stage} label onto version ${versionId}`;
  const secret = requireSecret(record, name, action);
  refuseIfScheduledForDeletion(secret, action);
  const target = requireVersion(secret, versionId);
  if (target.stages.includes(stage)) return { kind: 'unchanged', record: secret };
  const moved =
    stage === 'current'
      ? moveCurrent(secret.versions, versionId)
      : withStage(removeStage(secret.versions, stage), versionId, stage);
  return { kind: 'write', record: { ...secret, versions: prune(moved) } };
}

/**
 * DeleteSecret with a recovery window: marks the secret; the file goes when the window ends.
 * Deleting a secret that is already marked fails, as on Secrets Manager.
 */
export function decideScheduleDeletion(
  record: SecretRecord | undefined,
  name: string,
  recoveryWindowDays: number,
  now: Date,
): Decision {
  assertRecoveryWindow(recoveryWindowDays);
  const action = 'schedule its deletion';
  const secret = requireSecret(record, name, action);
  refuseIfScheduledForDeletion(secret, action);
  const deletionDate = new Date(now.getTime() + recoveryWindowDays * DAY_MS).toISOString();
  return { kind: 'write', record: { ...secret, deletionDate } };
}

/** RestoreSecret: clears the mark. Restoring a secret that is not marked changes nothing. */
export function decideRestore(record: SecretRecord | undefined, name: string): Decision {
  const secret = requireSecret(record, name, 'restore it');
  if (secret.deletionDate === undefined) return { kind: 'unchanged', record: secret };
  const { deletionDate: _cancelled, ...restored } = secret;
  return { kind: 'write', record: restored };
}

/** Throws INVALID_ARGUMENT unless `days` is an integer within Secrets Manager's 7..30. */
export function assertRecoveryWindow(days: unknown): asserts days is number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_RECOVERY_WINDOW_DAYS || days > MAX_RECOVERY_WINDOW_DAYS) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The recovery window ${String(days)} is not valid: use a whole number of days from ${MIN_RECOVERY_WINDOW_DAYS} to ${MAX_RECOVERY_WINDOW_DAYS} (the range AWS Secrets Manager accepts).`,
    );
  }
}

/**
 * What is wrong with a payload's shape, as a phrase naming the field, or `undefined` when it is
 * well formed. Never quotes the PFX or the password. Used for requests and for decrypted files.
 */
export function payloadProblem(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'the payload is not an object';
  const fields = payload as Record<string, unknown>;
  const pfx = fields['pfxBase64'];
  if (typeof pfx !== 'string' || pfx.length === 0 || pfx.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(pfx)) {
    return 'pfxBase64 is not a non-empty standard base64 string without line breaks';
  }
  const password = fields['password'];
  if (password !== null && typeof password !== 'string') return 'password is neither a string nor null';
  const thumbprint = fields['thumbprint'];
  if (typeof thumbprint !== 'string' || !/^[0-9A-F]{40}$/.test(thumbprint)) return 'thumbprint is not 40 uppercase hex digits';
  const effectiveDate = fields['effectiveDate'];
  if (effectiveDate !== undefined && (typeof effectiveDate !== 'string' || !isIsoDate(effectiveDate))) {
    return 'effectiveDate is not an ISO 8601 date-time such as 2030-01-31T00:00:00Z';
  }
  const unknown = Object.keys(fields).filter((key) => !['pfxBase64', 'password', 'thumbprint', 'effectiveDate'].includes(key));
  if (unknown.length > 0) return `the payload has unknown fields (${unknown.join(', ')})`;
  return undefined;
}

/** Throws INVALID_ARGUMENT when a payload to be written is malformed or larger than AWS allows. */
export function assertPayload(name: string, versionId: string, payload: unknown): asserts payload is CertificatePayload {
  const problem = payloadProblem(payload);
  if (problem !== undefined) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The payload of version ${versionId} of secret "${name}" is not valid: ${problem}. Pass the PFX as base64, the password as a string or null, and the thumbprint as 40 uppercase hex digits.`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(normalizePayload(payload as CertificatePayload)), 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The payload of version ${versionId} of secret "${name}" is ${bytes} bytes as JSON, more than the ${MAX_PAYLOAD_BYTES} bytes AWS Secrets Manager stores in one secret value. Export the PFX without unneeded chain certificates to make it smaller.`,
    );
  }
}

function isIsoDate(value: string): boolean {
  return parseIsoInstant(value).ok;
}

/** Copies only the known fields, so an absent and an undefined `effectiveDate` compare equal. */
function normalizePayload(payload: CertificatePayload): CertificatePayload {
  return {
    pfxBase64: payload.pfxBase64,
    password: payload.password,
    thumbprint: payload.thumbprint,
    ...(payload.effectiveDate === undefined ? {} : { effectiveDate: payload.effectiveDate }),
  };
}

function samePayload(a: CertificatePayload, b: CertificatePayload): boolean {
  return (
    a.pfxBase64 === b.pfxBase64 && a.password === b.password && a.thumbprint === b.thumbprint && a.effectiveDate === b.effectiveDate
  );
}

/**
 * Moves `current` onto `target` (or off every version, when a new version is about to get it),
 * and `previous` onto the version that had `current`, if any. Without a current version,
 * `previous` stays where it is, as on Secrets Manager.
 */
function moveCurrent(versions: readonly VersionRecord[], target: string | undefined): VersionRecord[] {
  const oldCurrent = versions.find((version) => version.stages.includes('current'));
  let moved = removeStage(versions, 'current');
  if (oldCurrent !== undefined) moved = withStage(removeStage(moved, 'previous'), oldCurrent.versionId, 'previous');
  return target === undefined ? moved : withStage(moved, target, 'current');
}

function removeStage(versions: readonly VersionRecord[], stage: CertificateStage): VersionRecord[] {
  return versions.map((version) =>
    version.stages.includes(stage) ? { ...version, stages: version.stages.filter((s) => s !== stage) } : version,
  );
}

function withStage(versions: readonly VersionRecord[], versionId: string, stage: CertificateStage): VersionRecord[] {
  return versions.map((version) =>
    version.versionId === versionId
      ? { ...version, stages: STAGES.filter((s) => s === stage || version.stages.includes(s)) }
      : version,
  );
}

/** Drops the oldest unlabeled versions beyond {@link MAX_UNLABELED_VERSIONS}. */
function prune(versions: readonly VersionRecord[]): VersionRecord[] {
  const unlabeled = versions.filter((version) => version.stages.length === 0);
  const excess = new Set(unlabeled.slice(0, Math.max(0, unlabeled.length - MAX_UNLABELED_VERSIONS)));
  return versions.filter((version) => !excess.has(version));
}

function requireSecret(record: SecretRecord | undefined, name: string, action: string): SecretRecord {
  if (record === undefined) {
    throw new SfbError(
      'STORE_NOT_FOUND',
      `The secret "${name}" does not exist, so the store cannot ${action}. Check the secret name, or write a version first.`,
    );
  }
  return record;
}

function requireVersion(secret: SecretRecord, versionId: string): VersionRecord {
  const version = secret.versions.find((v) => v.versionId === versionId);
  if (version === undefined) {
    const known = secret.versions.map((v) => v.versionId).join(', ');
    throw new SfbError(
      'STORE_NOT_FOUND',
      `The secret "${secret.name}" has no version ${versionId} (it has ${known === '' ? 'none' : known}; unlabeled versions beyond the ${MAX_UNLABELED_VERSIONS} newest are pruned). Use one of its versions, or write the certificate again.`,
    );
  }
  return version;
}

