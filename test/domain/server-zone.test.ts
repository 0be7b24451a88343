import { agreedServerZone, describeZone, previewServerZone, zoneOfIana, zoneOfWindows } from '../../provider/domain/server-zone';

const BERLIN = { windows: 'W. Europe Standard Time', iana: 'Europe/Berlin' };
const FE = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const inZone = (timeZone: string, servers = FE) => servers.map((server) => ({ server, timeZone }));

describe('Windows and IANA names of a zone (CLDR windowsZones)', () => {
  it.each([
    ['W. Europe Standard Time', BERLIN],
    ['Eastern Standard Time', { windows: 'Eastern Standard Time', iana: 'America/New_York' }],
    ['Tokyo Standard Time', { windows: 'Tokyo Standard Time', iana: 'Asia/Tokyo' }],
    ['UTC', { windows: 'UTC', iana: 'Etc/UTC' }],
    ['Mars Standard Time', undefined],
  ])('zoneOfWindows(%p)', (windows, expected) => {
    expect(zoneOfWindows(windows)).toEqual(expected);
  });

  it.each([
    ['Europe/Berlin', BERLIN],
    ['Europe/Vienna', { windows: 'W. Europe Standard Time', iana: 'Europe/Vienna' }],
    ['UTC', { windows: 'UTC', iana: 'UTC' }],
    ['Antarctica/Troll', undefined],
  ])('zoneOfIana(%p)', (iana, expected) => {
    expect(zoneOfIana(iana)).toEqual(expected);
  });

  it('describes a zone by both names, once when they are the same', () => {
    expect(describeZone(BERLIN)).toBe('W. Europe Standard Time (Europe/Berlin)');
    expect(describeZone({ windows: 'UTC', iana: 'UTC' })).toBe('UTC');
  });
});

describe('agreedServerZone: every Front End Server and the session in one zone', () => {
  it('all agree: the zone', () => {
    expect(agreedServerZone(inZone('W. Europe Standard Time'), { timeZone: 'W. Europe Standard Time' })).toEqual({ zone: BERLIN });
  });

  it('ids compare without regard to case, as Windows does; unreachable servers are left out', () => {
    const servers = [...inZone('W. Europe Standard Time', FE.slice(0, 2)), { server: FE[2]!, unreachable: { code: 'SERVER_UNREACHABLE' } }];
    expect(agreedServerZone(servers, { timeZone: 'w. europe standard time' })).toEqual({ zone: BERLIN });
  });

  it('the session in another zone: both zones, the servers and the fix', () => {
    expect(agreedServerZone(inZone('W. Europe Standard Time'), { timeZone: 'Pacific Standard Time' })).toEqual({
      issue: {
        code: 'TIME_ZONE_MISMATCH',
        message:
          'The session that runs Import/Set-CsCertificate is in time zone "Pacific Standard Time", but the Front End Servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) are in "W. Europe Standard Time": the effective date is given as the session\'s local time, and Skype\'s reading of it is documented for neither zone, so the roll could land at another instant. Run the provider on a Front End Server, or on an agent whose time zone is the servers\' one ("W. Europe Standard Time", tzutil /s "W. Europe Standard Time"), or leave `effectiveDate` out to make the certificate current now.',
      },
    });
  });

  it('servers that disagree: each zone with its servers', () => {
    const servers = [...inZone('W. Europe Standard Time', FE.slice(0, 2)), { server: FE[2]!, timeZone: 'GMT Standard Time' }];
    expect(agreedServerZone(servers, { timeZone: 'W. Europe Standard Time' })).toEqual({
      issue: {
        code: 'TIME_ZONE_MISMATCH',
        message:
          'The Front End Servers are not in one time zone (fe01.contoso.com, fe02.contoso.com in "W. Europe Standard Time"; fe03.contoso.com in "GMT Standard Time"), so one -EffectiveDate would be a different instant on each; set the same time zone on every Front End Server (tzutil /s "<zone id>"), or leave `effectiveDate` out to make the certificate current now.',
      },
    });
  });

  it.each([
    ['a server that did not report its zone', [{ server: FE[0]! }, ...inZone('UTC', FE.slice(1))], { timeZone: 'UTC' }, /^fe01\.contoso\.com did not report its time zone/],
    ['no session reported', inZone('UTC'), undefined, /^The session that runs Import\/Set-CsCertificate did not report its time zone, so it cannot be checked against the servers' "UTC"/],
    ['every server unreachable', FE.map((server) => ({ server, unreachable: {} })), { timeZone: 'UTC' }, /^No Front End Server reported its time zone \(fe01\.contoso\.com, fe02\.contoso\.com, fe03\.contoso\.com could not be read\)/],
    ['a zone CLDR does not know', inZone('Mars Standard Time'), { timeZone: 'Mars Standard Time' }, /^The Front End Servers' time zone "Mars Standard Time" is not in CLDR's Windows time zone table/],
  ])('never guesses: %s', (_name, servers, session, message) => {
    const outcome = agreedServerZone(servers, session);
    expect(outcome).toEqual({ issue: { code: 'TIME_ZONE_MISMATCH', message: expect.stringMatching(message) } });
  });
});

describe('previewServerZone: what preview plans in', () => {
  it('before any look: the declared zone', () => {
    expect(previewServerZone('Europe/Berlin', undefined)).toEqual({ zone: BERLIN });
  });

  it('after a look that agrees (another IANA name of the same Windows zone): the declared one, no warning', () => {
    expect(previewServerZone('Europe/Vienna', 'W. Europe Standard Time')).toEqual({ zone: { windows: 'W. Europe Standard Time', iana: 'Europe/Vienna' } });
  });

  it('after a look that differs: the reported zone, and a warning naming both', () => {
    expect(previewServerZone('UTC', 'W. Europe Standard Time')).toEqual({
      zone: BERLIN,
      warning: {
        code: 'SERVER_TIME_ZONE_DIFFERS',
        message:
          'The pool\'s `serverTimeZone` "UTC" (UTC) is not the time zone the Front End Servers reported at the last look, "W. Europe Standard Time"; preview and up use the servers\' W. Europe Standard Time (Europe/Berlin). Set `serverTimeZone` to "Europe/Berlin" so the declaration says what the servers use.',
      },
    });
  });

  it('a recorded zone CLDR does not know is not used: the declared one', () => {
    expect(previewServerZone('Europe/Berlin', 'Mars Standard Time')).toEqual({ zone: BERLIN });
  });
});
