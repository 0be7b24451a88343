/**
 * Rules every certificate store follows about a secret as a whole, whatever keeps the bytes: one
 * that does not exist, one scheduled for deletion, one that is someone else's, one the backend
 * rotates. The local store emulates Secrets Manager, and the AWS store meets Secrets Manager's own
 * rules with the same words. (Names, versions, labels, owners, the payload, the document and the
 * recovery window each have their own module beside this one.)
 */
import { assertPayload } from './certificate-payload';
import { SfbError, type Finding } from './errors';
import { assertSecretDocumentFits, secretDocumentFields, type SecretDocumentFields } from './secret-document';
import { assertSecretName } from './secret-names';
import { assertOwnerClaim } from './secret-owners';
import { assertVersionId } from './secret-versions';
import { assertWriteStage } from './stage-labels';
import type { PutVersionRequest } from '../ports/certificate-store';

/**
 * What every store checks of a write before it touches anything: the name, the version id, the
 * stage, the payload, the claim, and the size of the document Secrets Manager would keep (the
 * local store measures it too, naming itself as `localStore`). Returns the request and that
 * document's fields.
 */
export function checkPutVersion(request: PutVersionRequest, localStore?: string): { readonly request: PutVersionRequest; readonly fields: SecretDocumentFields } {
  const { name, versionId, stage, payload, claim, notAfter } = request ?? ({} as Partial<PutVersionRequest>);
  assertSecretName(name);
  assertVersionId(versionId);
  assertWriteStage(stage, name, versionId);
  assertPayload(name, versionId, payload);
  assertOwnerClaim(claim);
  const fields = secretDocumentFields(payload, typeof notAfter === 'string' ? notAfter : undefined);
  assertSecretDocumentFits(fields, localStore);
  return { request: { name, versionId, stage, payload, ...(claim !== undefined ? { claim } : {}), ...(notAfter !== undefined ? { notAfter } : {}) }, fields };
}

/**
 * STORE_NOT_FOUND for a change to a secret that does not exist. `where` is the store's
 * description (`local store at ./.sfb-store`); `action` completes "the store cannot ...".
 */
export function secretNotFoundError(name: string, where: string, action: string): SfbError {
  return new SfbError(
    'STORE_NOT_FOUND',
    `The secret "${name}" does not exist in the ${where}, so the store cannot ${action}. Check the secret name and the store's location, or write a version first.`,
  );
}

/**
 * Secrets Manager refuses every operation but describe and restore on a secret scheduled for
 * deletion; so does the local store. `action` completes "the store cannot ...".
 */
export function refuseIfScheduledForDeletion(secret: { readonly name: string; readonly deletionDate?: string | undefined }, action: string): void {
  if (secret.deletionDate !== undefined) throw scheduledForDeletionError(secret, action);
}

/**
 * STORE_CONFLICT for a secret scheduled for deletion, whether the store saw the date itself or
 * the backend refused the call (then neither the date nor, without `where`, the store is named).
 */
export function scheduledForDeletionError(secret: { readonly name: string; readonly deletionDate?: string | undefined }, action: string, where?: string): SfbError {
  const { name, deletionDate } = secret;
  return new SfbError(
    'STORE_CONFLICT',
    `The secret "${name}"${where === undefined ? '' : ` in the ${where}`} is scheduled for deletion${deletionDate === undefined ? '' : ` on ${deletionDate}`}, so the store cannot ${action}. Restore the secret first to cancel the deletion (declaring the certificate again and running \`pulumi up\` does it), or wait until ${deletionDate === undefined ? 'its deletion date' : 'that date'}, when it is purged and the name can be used again.`,
  );
}

/** What the not-ours rule needs to know about the secret's current version. */
export interface ForeignCurrent {
  readonly name: string;
  /** `the AWS Secrets Manager store in us-east-1`. */
  readonly where: string;
  readonly versionId: string;
  /** The backend's label of the current version, `AWSCURRENT`. */
  readonly label: string;
  /** Why it is no document of ours; names a field, never a value. */
  readonly reason: string;
}

/**
 * A secret nobody has claimed (no owner recorded) whose current version holds no document of
 * this provider is someone else's secret: nothing is written to it, not even the owner tag,
 * unless the declaration adopts it: writing a tag or a version into another team's secret would
 * damage what they rely on. Decided before any write.
 */
export function notOursError(found: ForeignCurrent): SfbError {
  return new SfbError(
    'STORE_NOT_OURS',
    `The secret "${found.name}" in the ${found.where} already exists and is not one of sfb-oauth-cert's: its current version ${found.versionId} (${found.label}) holds no certificate document (${found.reason}) and no stack has claimed it (no owner recorded). It looks like another team's secret, so nothing was written to it: no tag, no version. Use another \`secretName\`, or set \`adopt: true\` on the resource to take it over (its present value then becomes the previous version).`,
  );
}

/** The backend rotating a secret by itself, as state records it (AWS: RotationEnabled). */
export interface StoreRotation {
  /** The rotation Lambda's ARN, `null` when the backend did not name one. */
  readonly lambdaArn: string | null;
}

/**
 * A secret the backend rotates would have two writers of its current version: a rotation Lambda
 * replacing the certificate on its schedule, and this resource putting the declared one back.
 * A warning, not an error: the resource still converges, but the user
 * should turn one of them off. `currentLabel` is the backend's name, `AWSCURRENT`.
 */
export function rotationFinding(secretName: string, rotation: StoreRotation | null | undefined, currentLabel: string): Finding<'STORE_CONFLICT'> | undefined {
  if (rotation === null || rotation === undefined) return undefined;
  const lambda = rotation.lambdaArn === null ? '' : ` (Lambda ${rotation.lambdaArn})`;
  return {
    code: 'STORE_CONFLICT',
    message: `Secret "${secretName}" has rotation enabled${lambda}: a rotation Lambda and this resource would fight over ${currentLabel}, each rotation replacing the declared certificate (drift that the next refresh shows and up reverts). Turn rotation off (\`aws secretsmanager cancel-rotate-secret --secret-id ${secretName}\`); sfb-oauth-cert rolls the certificate itself.`,
  };
}
