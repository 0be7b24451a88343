import { deploymentFactsOf, planCertificate, type CertificatePlanInput, type CheckedPfx, type InspectedPool } from '../../provider/domain/certificate-plan';
import { zoneOfIana } from '../../provider/domain/server-zone';
import type { FrontEndCertificates, PoolSnapshot } from '../../provider/ports/front-end-pool';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];
const UTC = 'UTC';

const aPfx = (overrides: Partial<CheckedPfx> = {}): CheckedPfx => ({
  certificate: { thumbprint: B, subject: 'CN=sfb.contoso.com', notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') },
  errors: [],
  warnings: [],
  ...overrides,
});

/** Every server (and the CMS) reports the same slots, in UTC. */
function aSnapshot(slots: Omit<FrontEndCertificates, 'server'> = {}, overrides: Partial<PoolSnapshot> = {}): PoolSnapshot {
  return {
    global: { server: 'global', ...slots },
    replicas: SERVERS.map((server) => ({ server, upToDate: true })),
    servers: SERVERS.map((server) => ({ server, timeZone: UTC, ...slots })),
    session: { timeZone: UTC, culture: 'en-US', psVersion: '5.1.17763.592', edition: 'Desktop' },
    ...overrides,
  };
}

const aPool = (snapshot: PoolSnapshot = aSnapshot(), replaceForeignRoll = false): InspectedPool => ({
  settings: { servers: SERVERS, zone: zoneOfIana('UTC')!, ...(replaceForeignRoll ? { replaceForeignRoll: true } : {}) },
  snapshot,
});

const plan = (overrides: Partial<CertificatePlanInput> = {}) => planCertificate({ pfx: aPfx(), now: NOW, ...overrides });
const statuses = (input: Partial<CertificatePlanInput>) => Object.fromEntries(plan(input).rules.map((r) => [r.rule, r.findings.length > 0 ? `${r.status} ${r.findings.map((f) => f.code).join(',')}` : r.status]));

describe('planCertificate: the outcome and every rule', () => {
  it.each([
    ['no pool: the PFX rules only', {}, 'ready', { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' }],
    [
      'a refused PFX: its codes split between the PFX and the validity rules',
      { pfx: aPfx({ errors: [{ code: 'KEY_TOO_SMALL', message: 'k' }, { code: 'CERT_EXPIRED', message: 'e' }] }) },
      'refused',
      { pfx: 'refused KEY_TOO_SMALL', validity: 'refused CERT_EXPIRED', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' },
    ],
    ['a first set now', { pool: aPool() }, 'ready', { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'not-applicable', 'local-time': 'not-applicable', 'foreign-roll': 'passed' }],
    [
      'a roll less than 24 hours before the current certificate expires',
      { pool: aPool(aSnapshot({ current: A, currentNotAfter: '2026-07-01T00:00:00.000Z' })), effectiveDate: new Date('2026-06-30T12:00:00Z') },
      'refused',
      { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'refused ROLL_TOO_LATE', 'time-zone': 'passed', 'local-time': 'passed', 'foreign-roll': 'passed' },
    ],
    [
      'a roll nobody declared is pending',
      { pool: aPool(aSnapshot({ current: A, scheduled: { thumbprint: C, effectiveDate: '2026-09-01T00:00:00.000Z' } })) },
      'refused',
      { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'not-applicable', 'local-time': 'not-applicable', 'foreign-roll': 'refused FOREIGN_ROLL_PENDING' },
    ],
    [
      'the same with replaceForeignRoll',
      { pool: aPool(aSnapshot({ current: A, scheduled: { thumbprint: C, effectiveDate: '2026-09-01T00:00:00.000Z' } }), true) },
      'ready',
      { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'not-applicable', 'local-time': 'not-applicable', 'foreign-roll': 'passed' },
    ],
    [
      'every server has it already',
      { pool: aPool(aSnapshot({ current: B })) },
      'ready',
      { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'not-applicable', 'local-time': 'not-applicable', 'foreign-roll': 'not-applicable' },
    ],
    [
      'a server that could not be read',
      { pool: aPool(aSnapshot({}, { servers: [{ server: SERVERS[0]!, timeZone: UTC }, { server: SERVERS[1]!, unreachable: { code: 'SERVER_UNREACHABLE', message: 'm' } }] })) },
      'pool-unreadable',
      { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' },
    ],
    ['a pool that could not be read at all', { poolFailure: { code: 'SHELL_NOT_FOUND', message: 'm' } }, 'pool-unreadable', { pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' }],
    [
      'a refused PFX and an unreadable pool: the refusal stands',
      { pfx: aPfx({ errors: [{ code: 'PFX_BAD_PASSWORD', message: 'p' }], certificate: undefined }), poolFailure: { code: 'SHELL_NOT_FOUND', message: 'm' } },
      'refused',
      { pfx: 'refused PFX_BAD_PASSWORD', validity: 'not-checked', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' },
    ],
  ] as const)('%s', (_row, input, outcome, rules) => {
    expect(plan(input as Partial<CertificatePlanInput>).outcome).toBe(outcome);
    expect(statuses(input as Partial<CertificatePlanInput>)).toEqual(rules);
  });

  it('an effective date already past means now, and the plan says so', () => {
    expect(plan({ effectiveDate: new Date('2026-05-01T00:00:00Z') }).becomesCurrent).toEqual({ at: NOW, scheduled: false, effectiveDatePassed: true });
  });

  it('a roll: what becomes current and previous (roll-plan), and the steps (deployment-plan)', () => {
    const result = plan({ pool: aPool(aSnapshot({ current: A, currentNotAfter: '2027-01-01T00:00:00.000Z' })), effectiveDate: new Date('2026-09-01T00:00:00Z') });
    expect(result.roll).toEqual({ action: 'schedule', summary: 'current AAAA.. → previous at 2026-09-01T00:00Z; new BBBB.. current at 2026-09-01T00:00Z' });
    expect(result.deployment?.steps).toEqual([
      { kind: 'import', thumbprint: B },
      { kind: 'roll', thumbprint: B, effectiveAt: '2026-09-01T00:00:00.000Z', sessionTimeZone: 'UTC' },
      { kind: 'replicate' },
      ...SERVERS.map((server) => ({ kind: 'verify', server, pending: B })),
      { kind: 'remove-previous', thumbprint: A, notBefore: '2027-01-01T00:00:00.000Z' },
    ]);
  });
});

describe('deploymentFactsOf', () => {
  it('the CMS current with its NotAfter, its pending roll, each server, the zones', () => {
    const snapshot = aSnapshot({ current: A, currentNotAfter: '2027-01-01T00:00:00.000Z', previous: C, scheduled: { thumbprint: B, effectiveDate: '2026-09-01T00:00:00.000Z' } });
    const pending = { thumbprint: B, effectiveDate: new Date('2026-09-01T00:00:00Z') };
    expect(deploymentFactsOf(snapshot)).toEqual({
      reports: SERVERS.map((server) => ({ server, current: A, previous: C, pending })),
      current: { thumbprint: A, notAfter: new Date('2027-01-01T00:00:00Z') },
      previous: { thumbprint: C },
      cmsPending: pending,
      ownRolls: [],
      zones: { servers: snapshot.servers, session: snapshot.session },
    });
  });
});
