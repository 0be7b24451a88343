/**
 * The state read once: typed values with real dates, the migrations, and what could not be read
 * reported key by key instead of thrown.
 */
import { parseCertificateState } from '../../provider/domain/certificate-state';
import { slotsFromState } from '../../provider/domain/state-slots';
import { storeDrift } from '../../provider/domain/store-drift';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const NOW = new Date('2026-06-01T00:00:00Z');

describe('parseCertificateState', () => {
  it('reads stored dates as Dates and keeps every declared key', () => {
    const parsed = parseCertificateState({ schemaVersion: 1, thumbprint: A, versionId: 'v', effectiveDate: '2026-12-01T00:00:00.000Z', notAfter: '2035-01-01T00:00:00Z', previousThumbprint: null, pendingThumbprint: B });
    expect(parsed).toEqual({
      ok: true,
      state: { schemaVersion: 1, thumbprint: A, versionId: 'v', effectiveDate: new Date('2026-12-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z'), previousThumbprint: null, pendingThumbprint: B },
      record: expect.objectContaining({ effectiveDate: '2026-12-01T00:00:00.000Z' }),
      from: 1,
      unread: [],
    });
  });

  it('migrates schema 0 first', () => {
    const parsed = parseCertificateState({ currentThumbprint: A, versionId: 'v' });
    expect(parsed).toMatchObject({ ok: true, from: 0, state: { thumbprint: A, previousThumbprint: null, pendingThumbprint: null, schemaVersion: 1 } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a date in the machine zone', { effectiveDate: '2026-12-01 00:00' }, 'effectiveDate'],
    ['a thumbprint that is a number', { thumbprint: 42 }, 'thumbprint'],
    ['recorded facts without their validity', { certificateFacts: { hasMac: true, thumbprint: A } }, 'certificateFacts'],
    ['a store without a kind', { store: { directory: 'x' } }, 'store'],
    ['a key this version does not store', { colour: 'blue' }, 'colour'],
  ])('reports %s as unread, leaves it out, and reads the rest', (_row, raw, key) => {
    const parsed = parseCertificateState({ schemaVersion: 1, versionId: 'v', ...raw });
    expect(parsed).toMatchObject({ ok: true, state: { versionId: 'v' }, unread: [{ key, reason: expect.any(String) }] });
    expect(parsed.ok && key in parsed.state).toBe(false);
  });

  it('reports state from a newer provider as STATE_UNSUPPORTED, as a value', () => {
    expect(parseCertificateState({ schemaVersion: 99 })).toEqual({ ok: false, problem: { code: 'STATE_UNSUPPORTED', message: expect.stringContaining('schema 99') } });
  });
});

describe('slotsFromState', () => {
  const stateOf = (raw: Record<string, unknown>) => {
    const parsed = parseCertificateState({ schemaVersion: 1, ...raw });
    if (!parsed.ok) throw new Error('unreadable');
    return parsed.state;
  };

  it.each<[string, Record<string, unknown>, unknown]>([
    ['no certificate yet', {}, {}],
    ['a current certificate', { versionId: 'v', thumbprint: A }, { current: { versionId: 'v', thumbprint: A } }],
    ['an effective date passed and recorded', { versionId: 'v', thumbprint: A, effectiveDate: '2026-01-01T00:00:00Z', pendingThumbprint: null }, { current: { versionId: 'v', thumbprint: A } }],
    [
      'a roll ahead, replacing a known certificate',
      { versionId: 'v', thumbprint: B, effectiveDate: '2026-12-01T00:00:00Z', previousThumbprint: A },
      { current: { versionId: 'current-before-v', thumbprint: A }, pending: { versionId: 'v', thumbprint: B, effectiveDate: new Date('2026-12-01T00:00:00Z') } },
    ],
    [
      'a roll whose date passed but the store has not recorded',
      { versionId: 'v', thumbprint: B, effectiveDate: '2026-01-01T00:00:00Z', pendingThumbprint: B },
      { pending: { versionId: 'v', thumbprint: B, effectiveDate: new Date('2026-01-01T00:00:00Z') } },
    ],
  ])('%s', (_row, raw, slots) => {
    expect(slotsFromState(stateOf(raw), NOW)).toEqual(slots);
  });
});

describe('storeDrift', () => {
  it.each<[string, Parameters<typeof storeDrift>[0], unknown]>([
    ['the declared version current', { current: { versionId: 'v', thumbprint: A } }, undefined],
    ['our roll pending', { current: { versionId: 'u', thumbprint: B }, pending: { versionId: 'v', thumbprint: A, effectiveDate: NOW } }, undefined],
    ['nothing current', {}, { versionId: '', thumbprint: '', plan: 'drift: store holds no current certificate' }],
    ['another certificate current', { current: { versionId: 'u', thumbprint: B } }, { versionId: 'u', thumbprint: B, plan: `drift: store holds ${B} as current` }],
    [
      'a foreign version current',
      { current: { versionId: 'x', foreign: true } },
      { versionId: 'x', thumbprint: '', plan: 'drift: store holds version x (AWSCURRENT), which is not a certificate of sfb-oauth-cert, as current' },
    ],
  ])('%s', (_row, slots, drift) => {
    expect(storeDrift(slots, 'v', 'AWSCURRENT')).toEqual(drift);
  });
});
