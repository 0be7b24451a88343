/**
 * Stage labels and how they move, as AWS Secrets Manager moves them; the local store emulates
 * the same moves, so a stack behaves alike on both backends:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 *
 * - Each label is on at most one version of a secret.
 * - Writing a version as `current` moves AWSCURRENT onto it, and AWSPREVIOUS onto the version
 *   AWSCURRENT came from; the version that had AWSPREVIOUS loses it (Skype keeps two).
 * - Writing a version as `pending` moves only AWSPENDING.
 * - Moving a label takes it off whichever version has it; moving `current` moves `previous` as
 *   above. Without a current version, `previous` stays where it is. Moving a label onto the
 *   version that has it changes nothing.
 */
import { SfbError } from './errors';
import type { CertificateStage } from '../ports/certificate-store';

/** Stage names in the order they are listed, so metadata compares with `toEqual`. */
export const STAGES: readonly CertificateStage[] = ['current', 'previous', 'pending'];

/** Our stage names and Secrets Manager's labels. */
export const AWS_LABELS: Readonly<Record<CertificateStage, string>> = {
  current: 'AWSCURRENT',
  previous: 'AWSPREVIOUS',
  pending: 'AWSPENDING',
};

/** A version as far as its labels go. */
export interface Labelled {
  readonly versionId: string;
  readonly stages: readonly CertificateStage[];
}

/** Our stages among a version's Secrets Manager labels (others, such as a Lambda's own, are ignored). */
export function stagesOfAwsLabels(labels: readonly string[]): CertificateStage[] {
  return STAGES.filter((stage) => labels.includes(AWS_LABELS[stage]));
}

/** The version that holds `stage`, if any. */
export function stageHolder<V extends Labelled>(versions: readonly V[], stage: CertificateStage): V | undefined {
  return versions.find((version) => version.stages.includes(stage));
}

/**
 * The labels of the existing versions once a new version is written with `stage` (the new
 * version itself then carries `stage` alone).
 */
export function labelsBeforeNewVersion<V extends Labelled>(versions: readonly V[], stage: 'current' | 'pending'): V[] {
  return stage === 'current' ? moveCurrent(versions, undefined) : removeStage(versions, 'pending');
}

/** The labels after moving `stage` onto the version `target` (which the caller has found). */
export function labelsAfterMove<V extends Labelled>(versions: readonly V[], stage: CertificateStage, target: string): V[] {
  return stage === 'current' ? moveCurrent(versions, target) : withStage(removeStage(versions, stage), target, stage);
}

/** Throws INVALID_ARGUMENT unless `stage` is one a version may be written with. */
export function assertWriteStage(stage: unknown, name: string, versionId: string): asserts stage is 'current' | 'pending' {
  if (stage !== 'current' && stage !== 'pending') {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The stage ${JSON.stringify(stage)} for version ${versionId} of secret "${name}" is not valid: write a version as "current" or "pending".`,
    );
  }
}

/** Throws INVALID_ARGUMENT unless `stage` is one of {@link STAGES}. */
export function assertStage(stage: unknown, name: string): asserts stage is CertificateStage {
  if (!STAGES.includes(stage as CertificateStage)) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The stage ${JSON.stringify(stage)} for secret "${name}" is not valid: move one of ${STAGES.map((s) => `"${s}"`).join(', ')}.`,
    );
  }
}

/**
 * Moves `current` onto `target` (or off every version, when a new version is about to get it),
 * and `previous` onto the version that had `current`, if any.
 */
function moveCurrent<V extends Labelled>(versions: readonly V[], target: string | undefined): V[] {
  const oldCurrent = stageHolder(versions, 'current');
  let moved = removeStage(versions, 'current');
  if (oldCurrent !== undefined) moved = withStage(removeStage(moved, 'previous'), oldCurrent.versionId, 'previous');
  return target === undefined ? moved : withStage(moved, target, 'current');
}

function removeStage<V extends Labelled>(versions: readonly V[], stage: CertificateStage): V[] {
  return versions.map((version) => (version.stages.includes(stage) ? { ...version, stages: version.stages.filter((s) => s !== stage) } : version));
}

function withStage<V extends Labelled>(versions: readonly V[], versionId: string, stage: CertificateStage): V[] {
  return versions.map((version) =>
    version.versionId === versionId ? { ...version, stages: STAGES.filter((s) => s === stage || version.stages.includes(s)) } : version,
  );
}
