/**
 * Preview of a scheduled roll in the servers' time zone: check plans in the declared
 * `serverTimeZone` (it sees only old inputs), diff in the zone the servers reported at the last
 * look (recorded in the state's `servers`). No store and no pool are touched.
 */
import * as handlers from '../../provider/pulumi/handlers';
import { entry } from '../support/pfx-corpus';
import { localCertificateInputs } from '../harness/certificate-inputs';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = entry('openssl3-default');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

function news(effectiveDate: string, pool: Record<string, unknown>): Record<string, unknown> {
  return localCertificateInputs(A, '/nonexistent/store', {
    storePassphrase: 'correct horse battery staple',
    owner: 'organization/preview-zone-test/dev',
    effectiveDate,
    pool: { kind: 'powershell', servers: SERVERS, ...pool },
  });
}

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
});
afterEach(() => jest.restoreAllMocks());

describe('check: the declared serverTimeZone before any look', () => {
  it('the repeated autumn hour: de-DE / Europe/Berlin, 2027-10-31T00:30:00Z is refused at preview on `effectiveDate`', async () => {
    const { failures } = await handlers.check({}, news('2027-10-31T00:30:00Z', { dateCulture: 'de-DE', serverTimeZone: 'Europe/Berlin' }), NOW);
    expect(failures).toEqual([
      {
        property: 'effectiveDate',
        reason:
          'EFFECTIVE_DATE_AMBIGUOUS: The `effectiveDate` 2027-10-31T00:30:00Z is 02:30 on 2027-10-31 on the Front End Servers, in W. Europe Standard Time (Europe/Berlin), inside the hour their clocks go back at 2027-10-31T01:00:00Z, where that local time names two instants; how Skype stores -EffectiveDate there is not confirmed, so the roll could land at another instant. Choose an effective date at or before 2027-10-30T23:59:59Z, or at or after 2027-10-31T02:00:00Z.',
      },
    ]);
  });

  it.each([
    ['en-US / America/New_York, the repeated 01:30', { dateCulture: 'en-US', serverTimeZone: 'America/New_York' }, '2027-11-07T05:30:00Z'],
    ['Europe/Berlin, the spring change', { serverTimeZone: 'Europe/Berlin' }, '2027-03-28T01:30:00Z'],
    ['en-US / America/New_York, the spring change', { serverTimeZone: 'America/New_York' }, '2027-03-14T07:30:00Z'],
  ])('%s is refused at preview', async (_name, pool, effectiveDate) => {
    const { failures } = await handlers.check({}, news(effectiveDate, pool), NOW);
    expect(failures.map((f) => [f.property, f.reason.split(':')[0]])).toEqual([['effectiveDate', 'EFFECTIVE_DATE_AMBIGUOUS']]);
  });

  it('an instant outside the hour plans the roll: the UTC instant and the servers\' local time, no culture; dateCulture warned about as deprecated', async () => {
    const { inputs, failures } = await handlers.check({}, news('2027-10-31T02:00:00Z', { dateCulture: 'de-DE', serverTimeZone: 'Europe/Berlin' }), NOW);
    expect(failures).toEqual([]);
    expect(inputs.plan).toMatch(/; servers: roll [0-9A-F]{4}\.\. at 2027-10-31T02:00:00Z \(03:00 W\. Europe Standard Time on the servers\), then verify 3$/);
    expect(inputs.pool).not.toHaveProperty('dateCulture');
    expect(warnings).toContainEqual(expect.stringMatching(/^warning POOL_OPTION_DEPRECATED: The pool's `dateCulture` \("de-DE"\) is deprecated and ignored/));
  });
});

describe('diff: the zone the servers reported at the last look', () => {
  async function stateAfterALook(zone: string): Promise<Record<string, unknown>> {
    const { inputs } = await handlers.check({}, news('2027-11-02T09:00:00Z', {}), NOW);
    const { pfx: _pfx, password: _password, ...outputs } = inputs;
    return { ...outputs, servers: Object.fromEntries(SERVERS.map((server) => [server, { current: null, previous: null, timeZone: zone }])) };
  }

  it('a declared zone that differs is reported, and a date fine in it but in the servers\' autumn hour stops the preview', async () => {
    const state = await stateAfterALook('W. Europe Standard Time');
    const { inputs, failures } = await handlers.check(state, news('2027-10-31T00:30:00Z', {}), NOW);
    expect(failures).toEqual([]);
    let thrown: unknown;
    try {
      handlers.diff(state, inputs, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'EFFECTIVE_DATE_AMBIGUOUS', message: expect.stringMatching(/^The `effectiveDate` 2027-10-31T00:30:00Z is 02:30 on 2027-10-31 on the Front End Servers, in W\. Europe Standard Time \(Europe\/Berlin\)/) });
    expect(warnings).toContain(
      'warning SERVER_TIME_ZONE_DIFFERS: The pool\'s `serverTimeZone` "UTC" (UTC) is not the time zone the Front End Servers reported at the last look, "W. Europe Standard Time"; preview and up use the servers\' W. Europe Standard Time (Europe/Berlin). Set `serverTimeZone` to "Europe/Berlin" so the declaration says what the servers use.',
    );
  });

  it('an ordinary date: the warning only; a declared zone that matches: nothing', async () => {
    const state = await stateAfterALook('W. Europe Standard Time');
    const { inputs } = await handlers.check(state, news('2027-11-03T09:00:00Z', {}), NOW);
    expect(handlers.diff(state, inputs, NOW).changes).toBe(true);
    expect(warnings.filter((w) => w.startsWith('warning SERVER_TIME_ZONE_DIFFERS'))).toHaveLength(1);
    warnings.length = 0;
    const matching = await handlers.check(state, news('2027-11-03T09:00:00Z', { serverTimeZone: 'Europe/Berlin' }), NOW);
    handlers.diff(state, matching.inputs, NOW);
    expect(warnings).toEqual([]);
  });
});
