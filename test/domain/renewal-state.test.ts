import { renewalInputOf, renewalInputOfHeld, type HeldCertificate, type RenewalContext } from '../../provider/domain/renewal-state';
import type { RenewalInput } from '../../provider/domain/renewal-policy';

const HOUR = 3600 * 1000;
const T = (iso: string) => new Date(iso);
const NOW = T('2027-03-03T12:00:00Z');
const SETTINGS = { rollLeadTimeMs: 24 * HOUR, allowImmediateRenewal: false };
const HELD: HeldCertificate = { thumbprint: 'A'.repeat(40), notBefore: T('2027-01-02T00:00:00Z'), notAfter: T('2027-04-02T00:00:00Z') };
const CURRENT = { thumbprint: HELD.thumbprint, notBefore: HELD.notBefore, notAfter: HELD.notAfter };
const BASE = { now: NOW, rollLeadTimeMs: 24 * HOUR, allowImmediateRenewal: false };

describe('renewalInputOfHeld: the policy input from the certificate held (the store in preview, state in up)', () => {
  const rows: [string, HeldCertificate | undefined, RenewalContext, RenewalInput][] = [
    ['nothing held: the first order', undefined, { settings: SETTINGS, now: NOW }, BASE],
    ['a current certificate', HELD, { settings: SETTINGS, now: NOW }, { ...BASE, current: CURRENT }],
    [
      'a certificate waiting under the pending label: pending until its roll instant',
      { ...HELD, rollAt: T('2027-03-04T00:00:00Z') },
      { settings: SETTINGS, now: NOW },
      { ...BASE, current: CURRENT, pending: { thumbprint: HELD.thumbprint, rollAt: T('2027-03-04T00:00:00Z') } },
    ],
    [
      'the declared renewBefore, allowImmediateRenewal, the pool allowance and the last failure go along',
      HELD,
      { settings: { renewBeforeMs: 240 * HOUR, rollLeadTimeMs: 48 * HOUR, allowImmediateRenewal: true }, now: NOW, replicationAllowanceMs: 8000, lastFailure: { code: 'ISSUER_FAILED', at: T('2027-03-03T00:00:00Z') } },
      { now: NOW, current: CURRENT, renewBeforeMs: 240 * HOUR, rollLeadTimeMs: 48 * HOUR, allowImmediateRenewal: true, replicationAllowanceMs: 8000, lastFailure: { code: 'ISSUER_FAILED', at: T('2027-03-03T00:00:00Z') } },
    ],
  ];
  it.each(rows)('%s', (_name, held, context, expected) => {
    expect(renewalInputOfHeld(held, context)).toEqual(expected);
  });
});

describe('renewalInputOf: state read into the same input', () => {
  const state = { thumbprint: HELD.thumbprint, notBefore: '2027-01-02T00:00:00.000Z', notAfter: '2027-04-02T00:00:00.000Z' };
  const rows: [string, Record<string, unknown>, RenewalInput][] = [
    ['a create: no state', {}, BASE],
    ['the current certificate', { ...state, pendingThumbprint: null, effectiveDate: '2027-01-02T00:00:00.000Z' }, { ...BASE, current: CURRENT }],
    [
      'the certificate state names is pending: its effective date is the roll',
      { ...state, pendingThumbprint: HELD.thumbprint, effectiveDate: '2027-03-04T00:00:00.000Z' },
      { ...BASE, current: CURRENT, pending: { thumbprint: HELD.thumbprint, rollAt: T('2027-03-04T00:00:00Z') } },
    ],
    [
      'a recorded failure with the CA Retry-After',
      { ...state, renewalFailure: { code: 'ISSUER_RATE_LIMITED', at: '2027-03-03T00:00:00.000Z', retryAfter: '2027-03-03T06:00:00.000Z' } },
      { ...BASE, current: CURRENT, lastFailure: { code: 'ISSUER_RATE_LIMITED', at: T('2027-03-03T00:00:00Z'), retryAfter: T('2027-03-03T06:00:00Z') } },
    ],
    ['a NotAfter that is no instant: nothing held', { ...state, notAfter: 'soon' }, BASE],
  ];
  it.each(rows)('%s', (_name, raw, expected) => {
    expect(renewalInputOf(raw, SETTINGS, NOW)).toEqual(expected);
  });
});
