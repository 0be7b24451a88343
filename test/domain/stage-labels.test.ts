/**
 * How stage labels move (provider/domain/stage-labels.ts): the table both stores follow, the
 * local store by applying it, the AWS store by Secrets Manager doing the same moves.
 */
import type { ErrorCode } from '../../provider/domain/errors';
import {
  assertStage,
  assertWriteStage,
  AWS_LABELS,
  labelsAfterMove,
  labelsBeforeNewVersion,
  stageHolder,
  stagesOfAwsLabels,
  type Labelled,
} from '../../provider/domain/stage-labels';
import type { CertificateStage } from '../../provider/ports/certificate-store';
import { thrownCode } from '../support/thrown-code';

/** `{ A: ['current'], B: ['previous'] }` as versions, oldest first. */
function versions(labels: Record<string, CertificateStage[]>): Labelled[] {
  return Object.entries(labels).map(([versionId, stages]) => ({ versionId, stages }));
}

function labelsOf(list: readonly Labelled[]): Record<string, readonly CertificateStage[]> {
  return Object.fromEntries(list.map((v) => [v.versionId, v.stages]));
}

describe('labelsBeforeNewVersion', () => {
  it.each<[string, Record<string, CertificateStage[]>, 'current' | 'pending', Record<string, CertificateStage[]>]>([
    ['the first version', {}, 'current', {}],
    ['current over a current: the old one becomes previous', { A: ['current'] }, 'current', { A: ['previous'] }],
    ['current over current and previous: the old previous loses its label', { A: ['previous'], B: ['current'] }, 'current', { A: [], B: ['previous'] }],
    ['current over a promoted pending: pending stays where it is', { A: ['previous'], P: ['current', 'pending'] }, 'current', { A: [], P: ['previous', 'pending'] }],
    ['pending beside current: only pending moves', { A: ['current'], P: ['pending'] }, 'pending', { A: ['current'], P: [] }],
    ['pending on a secret with none: nothing moves', { A: ['current'], B: ['previous'] }, 'pending', { A: ['current'], B: ['previous'] }],
  ])('%s', (_row, before, stage, after) => {
    expect(labelsOf(labelsBeforeNewVersion(versions(before), stage))).toEqual(after);
  });
});

describe('labelsAfterMove', () => {
  it.each<[string, Record<string, CertificateStage[]>, CertificateStage, string, Record<string, CertificateStage[]>]>([
    ['promoting pending: current moves, previous follows, pending stays', { A: ['current'], P: ['pending'] }, 'current', 'P', { A: ['previous'], P: ['current', 'pending'] }],
    ['rolling back onto previous: the two swap', { A: ['previous'], B: ['current'] }, 'current', 'A', { A: ['current'], B: ['previous'] }],
    ['current onto an unlabeled version', { A: [], B: ['previous'], C: ['current'] }, 'current', 'A', { A: ['current'], B: [], C: ['previous'] }],
    ['current with no current version: previous stays where it is', { A: ['previous'], B: [] }, 'current', 'B', { A: ['previous'], B: ['current'] }],
    ['previous moves alone', { A: ['previous'], B: [], C: ['current'] }, 'previous', 'B', { A: [], B: ['previous'], C: ['current'] }],
    ['pending moves alone, listed in stage order', { A: ['current'], P: ['pending'] }, 'pending', 'A', { A: ['current', 'pending'], P: [] }],
  ])('%s', (_row, before, stage, target, after) => {
    expect(labelsOf(labelsAfterMove(versions(before), stage, target))).toEqual(after);
  });
});

describe('labels and their sentences', () => {
  it('names Secrets Manager labels and reads our stages back from them, ignoring others', () => {
    expect(AWS_LABELS).toEqual({ current: 'AWSCURRENT', previous: 'AWSPREVIOUS', pending: 'AWSPENDING' });
    expect(stagesOfAwsLabels(['AWSPENDING', 'custom', 'AWSCURRENT'])).toEqual(['current', 'pending']);
    expect(stageHolder(versions({ A: ['previous'], B: ['current'] }), 'current')?.versionId).toBe('B');
    expect(stageHolder(versions({ A: ['previous'] }), 'pending')).toBeUndefined();
  });

  it.each<[string, () => void, ErrorCode | 'no error']>([
    ['writing as current', () => assertWriteStage('current', 'sfb/x', 'v'), 'no error'],
    ['writing as pending', () => assertWriteStage('pending', 'sfb/x', 'v'), 'no error'],
    ['writing as previous', () => assertWriteStage('previous', 'sfb/x', 'v'), 'INVALID_ARGUMENT'],
    ['moving previous', () => assertStage('previous', 'sfb/x'), 'no error'],
    ['moving latest', () => assertStage('latest', 'sfb/x'), 'INVALID_ARGUMENT'],
  ])('%s: %s', (_row, action, code) => {
    expect(thrownCode(action)).toBe(code);
  });

  it('says which stages there are', () => {
    expect(() => assertStage('AWSCURRENT', 'sfb/x')).toThrow('The stage "AWSCURRENT" for secret "sfb/x" is not valid: move one of "current", "previous", "pending".');
  });
});
