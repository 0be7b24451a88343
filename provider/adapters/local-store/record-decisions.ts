/**
 * The local store's decisions, as pure functions of (stored record, request, now): the store
 * gathers the record under the lock, calls one of these, and writes the record it returns. The
 * rules they apply are Secrets Manager's, stated once in provider/domain (label moves in
 * stage-labels.ts, versions in secret-versions.ts, owners in secret-owners.ts, deletion in
 * recovery-window.ts and store-rules.ts), which the AWS store applies too; what is the local
 * store's own is the record it keeps, idempotency decided against it, and pruning.
 */
import { DAY_MS, parseIsoInstant } from '../../domain/time';
import { normalizePayload, samePayload } from '../../domain/certificate-payload';
import { assertRecoveryWindow } from '../../domain/recovery-window';
import { assertClaimAllowed, ownerAfterClaim } from '../../domain/secret-owners';
import { versionConflictError, versionNotFoundError } from '../../domain/secret-versions';
import { labelsAfterMove, labelsBeforeNewVersion } from '../../domain/stage-labels';
import { refuseIfScheduledForDeletion, secretNotFoundError } from '../../domain/store-rules';
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

/** Which secret an operation is about, and the store's description for messages. */
export interface SecretRef {
  readonly name: string;
  /** `local store at ./.sfb-store`. */
  readonly where: string;
}

/**
 * Unlabeled versions kept for recovery (`getVersion` of an old id). Secrets Manager keeps about
 * 100 and drops unlabeled ones lazily; a file is rewritten whole on every change, so keep fewer.
 */
export const MAX_UNLABELED_VERSIONS = 10;

/** Why a version may be gone from this store, for the version-not-found sentence. */
const PRUNED = `unlabeled versions beyond the ${MAX_UNLABELED_VERSIONS} newest are pruned`;

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
 * The ownership rule, on the record read under the same lock as the change: throws
 * STORE_OWNED_ELSEWHERE when another owner manages the secret and the claim does not adopt it.
 */
export function assertClaim(record: SecretRecord | undefined, name: string, claim: OwnerClaim | undefined, action: string): void {
  assertClaimAllowed(record?.owner, name, claim, action);
}

/**
 * Records the claim's owner on what an operation decided (the operation's rule never changes
 * owners). A claim that changes the owner turns an "unchanged" decision into a write.
 */
export function withClaim(decision: Decision, claim: OwnerClaim | undefined): Decision {
  const owner = ownerAfterClaim(decision.record.owner, claim);
  if (owner === decision.record.owner || owner === undefined) return decision;
  return { kind: 'write', record: { ...decision.record, owner } };
}

/** The owner check on its own: the claim operation. */
export function decideClaim(record: SecretRecord | undefined, secret: SecretRef): Decision {
  return { kind: 'unchanged', record: requireSecret(record, secret, 'record who manages it') };
}

/** Whether the recovery window of a deleted secret has ended at `now`: the file is then purged. */
export function isPurgeDue(record: SecretRecord, now: Date): boolean {
  if (record.deletionDate === undefined) return false;
  const parsed = parseIsoInstant(record.deletionDate);
  // The file format refuses a record whose date does not parse; this is only a second guard.
  return parsed.ok && parsed.date.getTime() <= now.getTime();
}

/** The payload of `versionId`, or the error Secrets Manager's GetSecretValue would give. */
export function decideGetVersion(record: SecretRecord | undefined, secret: SecretRef, versionId: string): CertificatePayload {
  const found = requireSecret(record, secret, `read version ${versionId}`);
  refuseIfScheduledForDeletion(found, `read version ${versionId}`);
  return requireVersion(found, versionId).payload;
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
    throw versionConflictError(request.name, request.versionId, existing.payload.thumbprint, request.payload.thumbprint);
  }
  const added: VersionRecord = {
    versionId: request.versionId,
    stages: [request.stage],
    createdAt: now.toISOString(),
    payload: normalizePayload(request.payload),
  };
  const relabelled = labelsBeforeNewVersion(record?.versions ?? [], request.stage);
  return { kind: 'write', record: { ...(record ?? { name: request.name }), versions: prune([...relabelled, added]) } };
}

/** UpdateSecretVersionStage, as {@link labelsAfterMove} moves labels. */
export function decideMoveStage(record: SecretRecord | undefined, secret: SecretRef, stage: CertificateStage, versionId: string): Decision {
  const action = `move the ${stage} label onto version ${versionId}`;
  const found = requireSecret(record, secret, action);
  refuseIfScheduledForDeletion(found, action);
  const target = requireVersion(found, versionId);
  if (target.stages.includes(stage)) return { kind: 'unchanged', record: found };
  return { kind: 'write', record: { ...found, versions: prune(labelsAfterMove(found.versions, stage, versionId)) } };
}

/**
 * DeleteSecret with a recovery window: marks the secret; the file goes when the window ends.
 * Deleting a secret that is already marked fails, as on Secrets Manager.
 */
export function decideScheduleDeletion(record: SecretRecord | undefined, secret: SecretRef, recoveryWindowDays: number, now: Date): Decision {
  assertRecoveryWindow(recoveryWindowDays);
  const action = 'schedule its deletion';
  const found = requireSecret(record, secret, action);
  refuseIfScheduledForDeletion(found, action);
  const deletionDate = new Date(now.getTime() + recoveryWindowDays * DAY_MS).toISOString();
  return { kind: 'write', record: { ...found, deletionDate } };
}

/** RestoreSecret: clears the mark. Restoring a secret that is not marked changes nothing. */
export function decideRestore(record: SecretRecord | undefined, secret: SecretRef): Decision {
  const found = requireSecret(record, secret, 'restore it');
  if (found.deletionDate === undefined) return { kind: 'unchanged', record: found };
  const { deletionDate: _cancelled, ...restored } = found;
  return { kind: 'write', record: restored };
}

/** Drops the oldest unlabeled versions beyond {@link MAX_UNLABELED_VERSIONS}. */
function prune(versions: readonly VersionRecord[]): VersionRecord[] {
  const unlabeled = versions.filter((version) => version.stages.length === 0);
  const excess = new Set(unlabeled.slice(0, Math.max(0, unlabeled.length - MAX_UNLABELED_VERSIONS)));
  return versions.filter((version) => !excess.has(version));
}

function requireSecret(record: SecretRecord | undefined, secret: SecretRef, action: string): SecretRecord {
  if (record === undefined) throw secretNotFoundError(secret.name, secret.where, action);
  return record;
}

function requireVersion(secret: SecretRecord, versionId: string): VersionRecord {
  const version = secret.versions.find((v) => v.versionId === versionId);
  if (version === undefined) throw versionNotFoundError(secret, versionId, PRUNED);
  return version;
}
