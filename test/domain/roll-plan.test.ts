import { planRoll, slotsAsOf, type CertificateSlots } from '../../provider/domain/roll-plan';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = { versionId: `${'A'.repeat(40)}-0000000000000001`, thumbprint: 'A'.repeat(40) };
const B = { versionId: `${'B'.repeat(40)}-0000000000000002`, thumbprint: 'B'.repeat(40) };
const C = { versionId: `${'C'.repeat(40)}-0000000000000003`, thumbprint: 'C'.repeat(40) };
const LATER = new Date('2026-12-01T00:00:00Z');

describe('planRoll', () => {
  it('makes the first certificate current now', () => {
    expect(planRoll({}, B, NOW)).toEqual({
      action: 'make-current',
      steps: [{ kind: 'write-version', versionId: B.versionId, stage: 'current' }],
      after: { current: B },
      summary: 'new BBBB.. current now',
    });
  });

  it('rolls the current one to previous', () => {
    expect(planRoll({ current: A }, B, NOW)).toEqual({
      action: 'make-current',
      steps: [{ kind: 'write-version', versionId: B.versionId, stage: 'current' }],
      after: { current: B, previous: A },
      summary: 'current AAAA.. → previous; new BBBB.. current now',
    });
  });

  it('does nothing when the desired certificate is current', () => {
    expect(planRoll({ current: A, previous: C }, A, NOW)).toEqual({
      action: 'none',
      steps: [],
      after: { current: A, previous: C },
      summary: 'current AAAA.. unchanged',
    });
  });

  it('schedules a roll at the effective date', () => {
    expect(planRoll({ current: A }, { ...B, effectiveDate: LATER }, NOW)).toEqual({
      action: 'schedule',
      steps: [{ kind: 'write-version', versionId: B.versionId, stage: 'pending' }],
      after: { current: B, previous: A },
      summary: 'current AAAA.. → previous at 2026-12-01T00:00Z; new BBBB.. current at 2026-12-01T00:00Z',
    });
  });

  it('plans a scheduled roll only once', () => {
    const plan = planRoll({ current: A, pending: { ...B, effectiveDate: LATER } }, { ...B, effectiveDate: LATER }, NOW);
    expect(plan.action).toBe('none');
    expect(plan.steps).toEqual([]);
  });

  it('treats an effective date in the past as now', () => {
    expect(planRoll({ current: A }, { ...B, effectiveDate: new Date('2026-01-01T00:00:00Z') }, NOW).action).toBe('make-current');
  });

  it('rolls back to the previous certificate by moving the label, writing nothing new', () => {
    expect(planRoll({ current: B, previous: A }, A, NOW).steps).toEqual([{ kind: 'move-stage', versionId: A.versionId, stage: 'current' }]);
  });

  it('says nothing is current before a first scheduled certificate', () => {
    expect(planRoll({}, { ...B, effectiveDate: LATER }, NOW).summary).toBe('new BBBB.. current at 2026-12-01T00:00Z; nothing is current until then');
  });
});

describe('slotsAsOf', () => {
  const stored: CertificateSlots = { current: A, previous: C, pending: { ...B, effectiveDate: LATER } };

  it('keeps a pending certificate pending before its date', () => {
    expect(slotsAsOf(stored, NOW)).toBe(stored);
  });

  it('rolls a pending certificate whose date has passed', () => {
    expect(slotsAsOf(stored, new Date('2026-12-02T00:00:00Z'))).toEqual({ current: B, previous: A });
  });

  it('after its date, records the roll in the store labels instead of planning a second one', () => {
    expect(planRoll(stored, { ...B, effectiveDate: LATER }, new Date('2026-12-02T00:00:00Z'))).toEqual({
      action: 'record-roll',
      steps: [{ kind: 'move-stage', versionId: B.versionId, stage: 'current' }],
      after: { current: B, previous: A },
      summary: 'scheduled BBBB.. current since 2026-12-01T00:00Z',
    });
  });

  it('plans nothing once the store labels show the roll', () => {
    const recorded: CertificateSlots = { current: B, previous: A, pending: { ...B, effectiveDate: LATER } };
    expect(planRoll(recorded, { ...B, effectiveDate: LATER }, new Date('2026-12-02T00:00:00Z')).action).toBe('none');
  });
});

// A version this provider did not write (an operator's put-secret-value, a
// rotation Lambda's value) is named by id, moved to previous by the next write, and never rolled.
describe('foreign versions', () => {
  const JUNK = { versionId: '48ef02e3-74b7-411d-aa84-3d5e6245dfe2', foreign: true as const };

  it('moves a foreign current version to previous, and the plan line says so', () => {
    expect(planRoll({ current: JUNK, previous: A }, A, NOW)).toEqual({
      action: 'make-current',
      steps: [{ kind: 'move-stage', versionId: A.versionId, stage: 'current' }],
      after: { current: A, previous: JUNK },
      summary: `current version ${JUNK.versionId} (not a certificate) → previous; new AAAA.. current now`,
    });
  });

  it('schedules over a foreign current version, naming it', () => {
    expect(planRoll({ current: JUNK }, { ...B, effectiveDate: LATER }, NOW).summary).toBe(
      `current version ${JUNK.versionId} (not a certificate) → previous at 2026-12-01T00:00Z; new BBBB.. current at 2026-12-01T00:00Z`,
    );
  });

  it('leaves a foreign previous or pending version alone when the declared certificate is current', () => {
    const slots: CertificateSlots = { current: A, previous: JUNK, pending: { ...JUNK, versionId: 'bd16c9df-30d0-45b9-a142-719dd2e410eb' } };
    expect(planRoll(slots, A, new Date('2030-01-01T00:00:00Z'))).toMatchObject({ action: 'none', steps: [], summary: 'current AAAA.. unchanged' });
  });

  it('never rolls a foreign pending version by date (it has none)', () => {
    const slots: CertificateSlots = { current: A, pending: JUNK };
    expect(slotsAsOf(slots, new Date('2030-01-01T00:00:00Z'))).toBe(slots);
  });
});
