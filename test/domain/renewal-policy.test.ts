import { decideRenewal, formatDuration, nextRenewalAt, renewalLine, renewalTime, type RenewalDecision, type RenewalInput } from '../../provider/domain/renewal-policy';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const T = (iso: string) => new Date(iso);
// A 90-day certificate: renewal due 30 days before NotAfter, at 2027-02-01T00:00:00Z.
const CURRENT = { thumbprint: 'A'.repeat(40), notBefore: T('2027-01-02T00:00:00Z'), notAfter: T('2027-04-02T00:00:00Z') };
const RENEW_AT = T('2027-03-03T00:00:00Z');

const input = (overrides: Partial<RenewalInput>): RenewalInput => ({ current: CURRENT, now: T('2027-02-01T00:00:00Z'), ...overrides });

describe('renewalTime', () => {
  it.each([
    ['a third of the lifetime by default', undefined, RENEW_AT],
    ['renewBefore when given', 10 * DAY, T('2027-03-23T00:00:00Z')],
    ['the default third when renewBefore is the whole lifetime (no ordering loop)', 90 * DAY, RENEW_AT],
    ['the default third when renewBefore passes the lifetime', 400 * DAY, RENEW_AT],
  ])('%s', (_name, renewBeforeMs, expected) => {
    expect(renewalTime(CURRENT, renewBeforeMs)).toEqual(expected);
  });

  it('rounds down to a whole second', () => {
    // 10 s lifetime + 1 ms: a third is 3333.67 ms, so NotAfter - that is 6667.33 ms after NotBefore.
    const odd = { thumbprint: 'B'.repeat(40), notBefore: T('2027-01-01T00:00:00Z'), notAfter: T('2027-01-01T00:00:10.001Z') };
    expect(renewalTime(odd)).toEqual(T('2027-01-01T00:00:06Z'));
  });
});

describe('decideRenewal', () => {
  const rows: [string, Partial<RenewalInput>, RenewalDecision][] = [
    ['nothing current: the first certificate, current now', { current: undefined }, { kind: 'first' }],
    ['before renewBefore: not due, with the next renewal instant', { now: T('2027-03-02T23:59:59Z') }, { kind: 'not-due', renewAt: RENEW_AT }],
    ['at the renewal instant: due, roll 24 h later', { now: RENEW_AT }, { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T00:00:00Z') }],
    ['due with milliseconds: the roll rounds up to a whole second', { now: T('2027-03-05T10:00:00.250Z') }, { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-06T10:00:01Z') }],
    ['a declared rollLeadTime', { now: RENEW_AT, rollLeadTimeMs: 72 * HOUR }, { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-06T00:00:00Z') }],
    ['a roll exactly 24 h before NotAfter is still on time', { now: T('2027-03-31T00:00:00Z') }, { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-04-01T00:00:00Z') }],
    [
      'a pending renewal orders nothing',
      { now: T('2027-03-03T12:00:00Z'), pending: { thumbprint: 'C'.repeat(40), rollAt: T('2027-03-04T00:00:00Z') } },
      { kind: 'pending', thumbprint: 'C'.repeat(40), rollAt: T('2027-03-04T00:00:00Z') },
    ],
    [
      'a pending renewal is honoured even while the current one is not due',
      { now: T('2027-02-01T00:00:00Z'), pending: { thumbprint: 'C'.repeat(40), rollAt: T('2027-02-02T00:00:00Z') } },
      { kind: 'pending', thumbprint: 'C'.repeat(40), rollAt: T('2027-02-02T00:00:00Z') },
    ],
    [
      'a pending renewal whose roll has passed is no renewal: the current certificate decides',
      { now: RENEW_AT, pending: { thumbprint: 'C'.repeat(40), rollAt: T('2027-03-02T00:00:00Z') } },
      { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T00:00:00Z') },
    ],
    [
      "the CA's Retry-After still ahead: wait until then",
      { now: RENEW_AT, lastFailure: { code: 'ISSUER_RATE_LIMITED', at: T('2027-03-02T23:00:00Z'), retryAfter: T('2027-03-03T06:00:00Z') } },
      { kind: 'wait-until', renewAt: RENEW_AT, until: T('2027-03-03T06:00:00Z'), code: 'ISSUER_RATE_LIMITED' },
    ],
    [
      "the CA's Retry-After passed: order again",
      { now: T('2027-03-03T06:00:00Z'), lastFailure: { code: 'ISSUER_RATE_LIMITED', at: T('2027-03-02T23:00:00Z'), retryAfter: T('2027-03-03T06:00:00Z') } },
      { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T06:00:00Z') },
    ],
    [
      'a failure without Retry-After: the next run retries',
      { now: RENEW_AT, lastFailure: { code: 'ISSUER_FAILED', at: T('2027-03-02T23:00:00Z') } },
      { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T00:00:00Z') },
    ],
  ];
  it.each(rows)('%s', (_name, overrides, expected) => {
    expect(decideRenewal(input(overrides))).toEqual(expected);
  });

  it('late: the roll at the latest instant the 24-hour rule allows, with RENEWAL_LATE', () => {
    expect(decideRenewal(input({ now: T('2027-03-31T12:00:00.500Z') }))).toEqual({
      kind: 'late',
      renewAt: RENEW_AT,
      rollAt: T('2027-04-01T00:00:00Z'),
      warning: {
        code: 'RENEWAL_LATE',
        message: `Renewal of the OAuthTokenIssuer certificate ${'A'.repeat(40)} was due at 2027-03-03T00:00:00Z; a roll 24h ahead would land less than 24 hours before its NotAfter 2027-04-02T00:00:00Z, so the new certificate rolls at 2027-04-01T00:00:00Z, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`,
      },
    });
  });

  it('late with exactly the replication allowance left still schedules', () => {
    const decision = decideRenewal(input({ now: T('2027-03-31T23:45:00Z') }));
    expect(decision).toMatchObject({ kind: 'late', rollAt: T('2027-04-01T00:00:00Z') });
  });

  it('late with a pool whose replication needs longer than what is left: blocked', () => {
    expect(decideRenewal(input({ now: T('2027-03-31T23:00:00Z'), replicationAllowanceMs: 2 * HOUR }))).toMatchObject({ kind: 'blocked', renewAt: RENEW_AT, warning: { code: 'RENEWAL_LATE' } });
  });

  const GONE = `Renewal of the OAuthTokenIssuer certificate ${'A'.repeat(40)} was due at 2027-03-03T00:00:00Z; no roll can be scheduled any more at least 24 hours before its NotAfter 2027-04-02T00:00:00Z with 15m for replication`;

  it('window gone: nothing is ordered without allowImmediateRenewal', () => {
    expect(decideRenewal(input({ now: T('2027-03-31T23:45:01Z') }))).toEqual({
      kind: 'blocked',
      renewAt: RENEW_AT,
      warning: {
        code: 'RENEWAL_LATE',
        message: `${GONE}, and making a new certificate current at once would hand partners tokens signed by a key they have not seen, so nothing was ordered. Set \`allowImmediateRenewal: true\` and run \`pulumi up\` to renew now, or renew by hand with a PFX and an \`effectiveDate\`.`,
      },
    });
  });

  it('window gone with allowImmediateRenewal: immediate, with RENEWAL_LATE', () => {
    expect(decideRenewal(input({ now: T('2027-04-01T12:00:00Z'), allowImmediateRenewal: true }))).toEqual({
      kind: 'immediate',
      renewAt: RENEW_AT,
      warning: {
        code: 'RENEWAL_LATE',
        message: `${GONE}, so the new certificate is made current now, as \`allowImmediateRenewal: true\` allows; partners that have not fetched Skype's metadata since refuse its tokens until they do.`,
      },
    });
  });

  it('an expired current certificate is immediate only with allowImmediateRenewal', () => {
    expect(decideRenewal(input({ now: T('2027-05-01T00:00:00Z') })).kind).toBe('blocked');
    expect(decideRenewal(input({ now: T('2027-05-01T00:00:00Z'), allowImmediateRenewal: true })).kind).toBe('immediate');
  });

  it('allowImmediateRenewal changes nothing while a roll can still be scheduled', () => {
    expect(decideRenewal(input({ now: RENEW_AT, allowImmediateRenewal: true }))).toEqual({ kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T00:00:00Z') });
  });

  it('a scheduled roll never lands less than 24 hours before NotAfter, whatever the lead time', () => {
    for (let hours = 0; hours < 30 * 24; hours += 7) {
      const now = new Date(RENEW_AT.getTime() + hours * HOUR + 123);
      const decision = decideRenewal(input({ now, rollLeadTimeMs: 48 * HOUR }));
      if (decision.kind === 'due' || decision.kind === 'late') {
        expect(decision.rollAt.getTime()).toBeLessThanOrEqual(CURRENT.notAfter.getTime() - DAY);
        expect(decision.rollAt.getTime() % 1000).toBe(0);
        expect(decision.rollAt.getTime()).toBeGreaterThan(now.getTime());
      } else {
        expect(['blocked']).toContain(decision.kind);
      }
    }
  });
});

describe('renewalLine', () => {
  const ISSUER = 'self-signed';
  it.each([
    ['first', { kind: 'first' }, 'order the first certificate from self-signed, current now'],
    ['not due', { kind: 'not-due', renewAt: RENEW_AT }, 'renewal not due: next renewal at 2027-03-03T00:00:00Z from self-signed'],
    ['due', { kind: 'due', renewAt: RENEW_AT, rollAt: T('2027-03-04T00:00:00Z') }, 'renewal due: order a new certificate from self-signed, roll at 2027-03-04T00:00:00Z'],
    ['pending', { kind: 'pending', thumbprint: 'C'.repeat(40), rollAt: T('2027-03-04T00:00:00Z') }, 'renewal pending: CCCC.. rolls at 2027-03-04T00:00:00Z'],
    ['wait', { kind: 'wait-until', renewAt: RENEW_AT, until: T('2027-03-03T06:00:00Z'), code: 'ISSUER_RATE_LIMITED' }, 'renewal due: self-signed asked to wait (ISSUER_RATE_LIMITED); next order at 2027-03-03T06:00:00Z'],
  ] as [string, RenewalDecision, string][])('%s', (_name, decision, line) => {
    expect(renewalLine(decision, ISSUER)).toBe(line);
  });
});

describe('nextRenewalAt', () => {
  it('is the renewal instant, or the end of a CA-requested wait, or nothing while pending', () => {
    expect(nextRenewalAt({ kind: 'not-due', renewAt: RENEW_AT })).toEqual(RENEW_AT);
    expect(nextRenewalAt({ kind: 'wait-until', renewAt: RENEW_AT, until: T('2027-03-04T00:00:00Z'), code: 'ISSUER_RATE_LIMITED' })).toEqual(T('2027-03-04T00:00:00Z'));
    expect(nextRenewalAt({ kind: 'pending', thumbprint: 'C'.repeat(40), rollAt: RENEW_AT })).toBeUndefined();
    expect(nextRenewalAt({ kind: 'first' })).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [24 * HOUR, '24h'],
    [90 * 60 * 1000, '1h30m'],
    [3661 * 1000, '1h1m1s'],
    [0, '0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
