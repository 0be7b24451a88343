/**
 * The roll timeline a review draws for a certificate: which certificate is current, new and
 * previous, the dates known of each, and the 24-hour limit, decided from the facts the preview
 * reader gathers.
 */
import type { NewCertificateState, OldCertificateState, RecordedServer } from '../../provider/domain/review';
import { rollTimeline, type RollTimeline } from '../../provider/domain/roll-timeline';

const NOW = new Date('2026-12-01T00:00:00Z');
const A = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const P = '1111111111111111111111111111111111111111';

const oldState = (overrides: Partial<OldCertificateState> = {}): OldCertificateState => ({
  thumbprint: A,
  notBefore: '2025-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  effectiveDate: null,
  previousThumbprint: null,
  pendingThumbprint: null,
  servers: null,
  ...overrides,
});
const newState = (overrides: Partial<NewCertificateState> = {}): NewCertificateState => ({
  thumbprint: B,
  notBefore: '2026-11-01T00:00:00.000Z',
  notAfter: '2028-11-01T00:00:00.000Z',
  effectiveDate: '2026-12-15T00:00:00.000Z',
  plan: 'current AAAA.. → previous at 2026-12-15T00:00Z; new BBBB.. current at 2026-12-15T00:00Z',
  poolServers: null,
  ...overrides,
});
const server = (overrides: Partial<RecordedServer>): RecordedServer => ({ server: 'fe01.contoso.com', current: A, pending: null, previous: null, currentNotAfter: null, previousNotAfter: null, ...overrides });

const at = (iso: string) => new Date(iso);
const currentA = { kind: 'validity', role: 'current', thumbprint: A, notBefore: at('2025-01-01T00:00:00Z'), notAfter: at('2027-01-01T00:00:00Z') } as const;
const limitA = { kind: 'milestone', role: 'limit', event: 'latest-roll', thumbprint: A, at: at('2026-12-31T00:00:00Z') } as const;
const newB = { kind: 'validity', role: 'new', thumbprint: B, notBefore: at('2026-11-01T00:00:00Z'), notAfter: at('2028-11-01T00:00:00Z') } as const;
const bAt = (iso: string, scheduled = true, late = false) => ({ kind: 'milestone', role: 'new', event: 'becomes-current', thumbprint: B, at: at(iso), scheduled, late }) as const;

describe('rollTimeline', () => {
  it.each<[string, OldCertificateState | undefined, NewCertificateState | undefined, RollTimeline | null]>([
    ['a scheduled roll: current validity, its 24-hour limit, the new one at its effective date, its validity', oldState(), newState(), { entries: [currentA, limitA, bAt('2026-12-15T00:00:00Z'), newB] }],
    ['a roll scheduled after the limit is marked late', oldState(), newState({ effectiveDate: '2026-12-31T12:00:00.000Z' }), { entries: [currentA, limitA, bAt('2026-12-31T12:00:00Z', true, true), newB] }],
    ['an effective date already past: current now, not scheduled', oldState(), newState({ effectiveDate: '2026-01-01T00:00:00.000Z' }), { entries: [currentA, limitA, bAt('2026-12-01T00:00:00Z', false), newB] }],
    ['no effective date: current now, and never late (an immediate set is always allowed)', oldState({ notAfter: '2026-12-01T12:00:00.000Z' }), newState({ effectiveDate: null }), {
      entries: [{ ...currentA, notAfter: at('2026-12-01T12:00:00Z') }, { ...limitA, at: at('2026-11-30T12:00:00Z') }, bAt('2026-12-01T00:00:00Z', false), newB],
    }],
    ['an effective date not known until up: no milestone for it', oldState(), newState({ effectiveDate: { hidden: 'unknown' } }), { entries: [currentA, limitA, newB] }],
    ['a current certificate without NotBefore: its NotAfter as a milestone', oldState({ notBefore: null }), newState(), { entries: [{ kind: 'milestone', role: 'current', event: 'expires', thumbprint: A, at: at('2027-01-01T00:00:00Z') }, limitA, bAt('2026-12-15T00:00:00Z'), newB] }],
    ['a current certificate with no known date: no limit', oldState({ notBefore: { hidden: 'secret' }, notAfter: { hidden: 'secret' } }), newState(), { entries: [bAt('2026-12-15T00:00:00Z'), newB] }],
    [
      'the previous certificate\'s expiry, from what a server recorded',
      oldState({ previousThumbprint: P, servers: [server({ previous: P, previousNotAfter: '2026-12-20T00:00:00.000Z' })] }),
      newState(),
      { entries: [currentA, limitA, bAt('2026-12-15T00:00:00Z'), newB, { kind: 'milestone', role: 'previous', event: 'expires', thumbprint: P, at: at('2026-12-20T00:00:00Z') }] },
    ],
    ['a previous certificate with no recorded NotAfter: nothing for it', oldState({ previousThumbprint: P }), newState(), { entries: [currentA, limitA, bAt('2026-12-15T00:00:00Z'), newB] }],
    [
      'a roll pending at the last up, still ahead: the certificate it replaces is current (its NotAfter from the servers), the declared one is new',
      oldState({ thumbprint: B, notBefore: '2026-11-01T00:00:00.000Z', notAfter: '2028-11-01T00:00:00.000Z', effectiveDate: '2026-12-15T00:00:00.000Z', pendingThumbprint: B, previousThumbprint: A, servers: [server({ current: A, pending: B, currentNotAfter: '2027-01-01T00:00:00.000Z' })] }),
      newState(),
      { entries: [{ kind: 'milestone', role: 'current', event: 'expires', thumbprint: A, at: at('2027-01-01T00:00:00Z') }, limitA, bAt('2026-12-15T00:00:00Z'), newB] },
    ],
    ['unchanged: the current certificate and its limit only', oldState({ thumbprint: B }), newState({ effectiveDate: null }), { entries: [{ ...currentA, thumbprint: B }, { ...limitA, thumbprint: B, at: at('2026-12-31T00:00:00Z') }] }],
    ['a create: the new certificate only', undefined, newState({ effectiveDate: null }), { entries: [bAt('2026-12-01T00:00:00Z', false), newB] }],
    ['a delete: the current certificate only', oldState(), undefined, { entries: [currentA, limitA] }],
    ['nothing dated', undefined, newState({ thumbprint: { hidden: 'unknown' } }), null],
    ['a value that is not a thumbprint is left out, never drawn', oldState({ thumbprint: 'A\n# x', previousThumbprint: 'zz' }), newState({ thumbprint: 'B`' }), null],
  ])('%s', (_name, oldFacts, newFacts, expected) => {
    expect(rollTimeline(oldFacts, newFacts, newFacts?.thumbprint ?? null, NOW)).toEqual(expected);
  });
});
