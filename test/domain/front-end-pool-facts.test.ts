/**
 * The Front End pool's facts read into typed values (front-end-pool-facts.ts) and preview's view
 * of the pool (front-end-pool-preview.ts): exact values, dates read strictly.
 */
import { SfbError } from '../../provider/domain/errors';
import { deploymentFactsOf, desiredOf, knownNotAfter, ownRollsOf, serversOutput } from '../../provider/domain/front-end-pool-facts';
import { previewPool, retiredCertificate } from '../../provider/domain/front-end-pool-preview';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import type { PoolSnapshot } from '../../provider/ports/front-end-pool';
import { thrownCode } from '../support/thrown-code';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];
const SPEC = checkPoolSpec({ kind: 'powershell', servers: SERVERS }).spec!;

const SNAPSHOT: PoolSnapshot = {
  global: { server: 'global', current: B, currentNotAfter: '2035-01-01T00:00:00.000Z', previous: A },
  replicas: SERVERS.map((server) => ({ server, upToDate: true })),
  servers: [
    { server: 'fe01.contoso.com', current: B, currentNotAfter: '2035-01-01T00:00:00.000Z', previous: A, timeZone: 'UTC' },
    { server: 'fe02.contoso.com', unreachable: { code: 'SERVER_UNREACHABLE', message: 'fe02 could not be reached (test).' } },
  ],
};

describe('knownNotAfter', () => {
  it('takes the recorded output (skipping what is not of its shape or not a strict instant), the snapshots, then the declared certificate', () => {
    const recorded = {
      'fe01.contoso.com': { current: A, currentNotAfter: '2026-05-01T00:00:00.000Z', previous: 'C'.repeat(40), previousNotAfter: '05/01/2026' },
      'fe02.contoso.com': 'not an entry',
    };
    const known = knownNotAfter(recorded, { thumbprint: B, notAfter: '2036-01-01T00:00:00Z' }, SNAPSHOT);
    expect([...known.entries()]).toEqual([
      [A, { text: '2026-05-01T00:00:00.000Z', date: new Date('2026-05-01T00:00:00Z') }],
      [B, { text: '2036-01-01T00:00:00Z', date: new Date('2036-01-01T00:00:00Z') }],
    ]);
  });
});

describe('desiredOf and ownRollsOf', () => {
  it('reads the declared certificate with real dates; an effective date only when it is a strict instant', () => {
    expect(desiredOf({ thumbprint: B, notBefore: '2025-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z', effectiveDate: '2026-12-01T01:00:00+01:00' })).toEqual({
      thumbprint: B,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
      effectiveDate: new Date('2026-12-01T00:00:00Z'),
    });
    expect(desiredOf({ thumbprint: B, notBefore: '2025-01-01T00:00:00Z', notAfter: '2035-01-01T00:00:00Z', effectiveDate: null })).not.toHaveProperty('effectiveDate');
  });

  it('a NotAfter check did not write as an instant is a defect: INTERNAL_ERROR naming it', () => {
    const read = () => desiredOf({ thumbprint: B, notBefore: '2025-01-01T00:00:00Z', notAfter: 'Jan 1 2035' });
    expect(read).toThrow(SfbError);
    expect(thrownCode(read)).toBe('INTERNAL_ERROR');
    expect(read).toThrow(`The NotAfter of ${B} reached the pool step unreadable: "Jan 1 2035" is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00; report it as the "Reporting a problem" section of the sfb-oauth-cert README says.`);
  });

  it.each([
    ['a roll declared before', { thumbprint: A, effectiveDate: '2026-09-01T00:00:00Z' }, [{ thumbprint: A, effectiveDate: new Date('2026-09-01T00:00:00Z') }]],
    ['no effective date', { thumbprint: A }, []],
    ['an effective date that is not an instant', { thumbprint: A, effectiveDate: '09/01/2026' }, []],
    ['nothing declared before (create)', undefined, []],
  ])('ownRollsOf: %s', (_name, declared, rolls) => {
    expect(ownRollsOf(declared)).toEqual(rolls);
  });
});

describe('serversOutput and deploymentFactsOf', () => {
  const known = knownNotAfter({ 'fe01.contoso.com': { current: A, currentNotAfter: '2026-05-01T00:00:00.000Z' } }, { thumbprint: B, notAfter: '2035-01-01T00:00:00.000Z' }, SNAPSHOT);

  it('each server as reported, the previous NotAfter when known; a server not read is marked, nothing else known of it', () => {
    expect(serversOutput(SNAPSHOT, known)).toEqual({
      'fe01.contoso.com': { current: B, previous: A, timeZone: 'UTC', currentNotAfter: '2035-01-01T00:00:00.000Z', previousNotAfter: '2026-05-01T00:00:00.000Z' },
      'fe02.contoso.com': { current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE', message: 'fe02 could not be reached (test).' } },
    });
  });

  it('the planner\'s facts: the CMS\'s current and previous with their NotAfter, the reports, the zones', () => {
    expect(deploymentFactsOf(SNAPSHOT, known, [])).toEqual({
      reports: [{ server: 'fe01.contoso.com', current: B, previous: A }, { server: 'fe02.contoso.com' }],
      current: { thumbprint: B, notAfter: new Date('2035-01-01T00:00:00Z') },
      previous: { thumbprint: A, notAfter: new Date('2026-05-01T00:00:00Z') },
      ownRolls: [],
      zones: { servers: SNAPSHOT.servers },
    });
  });
});

describe('preview\'s view of the pool', () => {
  const olds = { pool: SPEC, thumbprint: A, notAfter: '2026-05-01T00:00:00.000Z' };

  it.each([
    ['the certificate changes: the one declared before', olds, B, { thumbprint: A, notAfter: '2026-05-01T00:00:00.000Z' }],
    ['the same certificate: the one carried so far', { ...olds, thumbprint: B, retiredCertificate: { thumbprint: A, notAfter: '2026-05-01T00:00:00.000Z' } }, B, { thumbprint: A, notAfter: '2026-05-01T00:00:00.000Z' }],
    ['a NotAfter that is not a strict instant', { ...olds, notAfter: 'May 1 2026' }, B, undefined],
    ['nothing declared before', {}, B, undefined],
  ])('retiredCertificate: %s', (_name, before, thumbprint, retired) => {
    expect(retiredCertificate(before, thumbprint)).toEqual(retired);
  });

  it('the same certificate again plans nothing but the removal of the expired one it replaced', () => {
    const desired = { thumbprint: B, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
    const before = { pool: SPEC, thumbprint: B, notAfter: '2035-01-01T00:00:00.000Z', retiredCertificate: { thumbprint: A, notAfter: '2026-05-01T00:00:00.000Z' } };
    expect(previewPool(before, SPEC, desired, NOW)).toEqual({
      plan: { action: 'remove-previous', steps: [{ kind: 'remove-previous', thumbprint: A, notBefore: '2026-05-01T00:00:00.000Z' }], behind: [], summary: 'servers: all 2 have BBBB.. current; remove previous AAAA.. (expired 2026-05-01T00:00Z)' },
      issues: [],
    });
  });
});
