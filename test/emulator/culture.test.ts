/**
 * -EffectiveDate strings as .NET's DateTime.Parse reads them in the session's culture (the wall
 * time then taken in the machine's zone), and dates as PowerShell 7's ConvertTo-Json writes
 * them (tools/skype-emulator/culture.ts). The cross-check with .NET's own code is
 * dotnet-fixtures.test.ts.
 */
import { formatJsonDate, formatServerDate, INVALID_LOCAL_TIME, parseServerDate, type Culture } from '../../tools/skype-emulator/culture';

describe('parseServerDate', () => {
  it.each<[string, string, Culture, string, string]>([
    ['en-US date only (the S2S doc example)', '7/1/2015', 'en-US', 'UTC', '2015-07-01T00:00:00.000Z'],
    ['en-US 12-hour with seconds, PM', '7/21/2015 1:00:00 PM', 'en-US', 'UTC', '2015-07-21T13:00:00.000Z'],
    ['en-US 12-hour without seconds, AM (the Set doc example)', '7/31/2012 8:00 AM', 'en-US', 'UTC', '2012-07-31T08:00:00.000Z'],
    ['en-US 12 AM is midnight', '12/1/2026 12:00:00 AM', 'en-US', 'UTC', '2026-12-01T00:00:00.000Z'],
    ['en-US 12 PM is noon', '12/1/2026 12:00:00 PM', 'en-US', 'UTC', '2026-12-01T12:00:00.000Z'],
    ['en-US 24-hour without designator', '12/1/2026 13:30:00', 'en-US', 'UTC', '2026-12-01T13:30:00.000Z'],
    ['en-US lower-case designator', '12/1/2026 1:30 pm', 'en-US', 'UTC', '2026-12-01T13:30:00.000Z'],
    ['en-GB day first', '01/12/2026 00:00:00', 'en-GB', 'UTC', '2026-12-01T00:00:00.000Z'],
    ['en-GB 31st', '31/12/2026 23:59:59', 'en-GB', 'UTC', '2026-12-31T23:59:59.000Z'],
    ['en-GB with AM/PM', '01/12/2026 1:00:00 PM', 'en-GB', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['de-DE dots, 24-hour', '01.12.2026 13:00:00', 'de-DE', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['de-DE without seconds', '1.12.2026 13:00', 'de-DE', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['Europe/Berlin winter (UTC+1)', '12/1/2026 1:00:00 AM', 'en-US', 'Europe/Berlin', '2026-12-01T00:00:00.000Z'],
    ['Europe/Berlin summer (UTC+2)', '7/1/2026 2:00:00 AM', 'en-US', 'Europe/Berlin', '2026-07-01T00:00:00.000Z'],
    ['America/New_York', '12/1/2026 7:00:00 PM', 'en-US', 'America/New_York', '2026-12-02T00:00:00.000Z'],
    ['Europe/Berlin: the hour repeated in autumn is standard time (.NET)', '10/25/2026 2:30:00 AM', 'en-US', 'Europe/Berlin', '2026-10-25T01:30:00.000Z'],
    ['Europe/London: the hour repeated in autumn is standard time', '25/10/2026 01:30:00', 'en-GB', 'Europe/London', '2026-10-25T01:30:00.000Z'],
    ['Europe/Berlin: just before the spring gap', '29.03.2026 01:59:59', 'de-DE', 'Europe/Berlin', '2026-03-29T00:59:59.000Z'],
    ['Europe/Berlin: just after the spring gap', '29.03.2026 03:00:00', 'de-DE', 'Europe/Berlin', '2026-03-29T01:00:00.000Z'],
    ['ISO 8601 with Z in any culture (.NET parses it)', '2026-12-01T00:00:00Z', 'de-DE', 'Europe/Berlin', '2026-12-01T00:00:00.000Z'],
    ['ISO 8601 with an offset', '2026-12-01T01:00:00+01:00', 'en-GB', 'UTC', '2026-12-01T00:00:00.000Z'],
    ['ISO 8601 without a zone is server wall time', '2026-12-01T01:00:00', 'en-US', 'Europe/Berlin', '2026-12-01T00:00:00.000Z'],
    // What .NET reads that a narrower parser would refuse (test/fixtures/dotnet/dotnet-facts.json):
    ['en-US reads a German date month first: 01.12.2026 is 12 January', '01.12.2026 01:00:00', 'en-US', 'UTC', '2026-01-12T01:00:00.000Z'],
    ['en-GB reads an American date day first: 12/1/2026 is 12 January', '12/1/2026 12:00:00 AM', 'en-GB', 'UTC', '2026-01-12T00:00:00.000Z'],
    ['de-DE reads slashes, day first', '01/12/2026 13:00:00', 'de-DE', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['de-DE reads the invariant PM', '01.12.2026 1:00:00 PM', 'de-DE', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['fr-FR is day first', '01/12/2026 01:00:00', 'fr-FR', 'UTC', '2026-12-01T01:00:00.000Z'],
    ['ja-JP reads year first', '2026/12/01 1:00:00', 'ja-JP', 'UTC', '2026-12-01T01:00:00.000Z'],
    ['ja-JP reads a year-last date month first', '01.12.2026 01:00:00', 'ja-JP', 'UTC', '2026-01-12T01:00:00.000Z'],
    ['13 PM is 13:00 (AdjustHour: PM takes 0-23)', '12/1/2026 13:00:00 PM', 'en-US', 'UTC', '2026-12-01T13:00:00.000Z'],
    ['0 AM is midnight', '12/1/2026 0:00:00 AM', 'en-US', 'UTC', '2026-12-01T00:00:00.000Z'],
    ['a two-digit year is 20yy below 30', '12/1/26', 'en-US', 'UTC', '2026-12-01T00:00:00.000Z'],
  ])('%s: %s (%s, %s)', (_name, text, culture, zone, expected) => {
    const parsed = parseServerDate(text, culture, zone);
    expect(parsed).toEqual({ ok: true, instant: new Date(expected) });
  });

  it.each<[string, string, Culture]>([
    ['en-US month 13', '13/1/2026', 'en-US'],
    ['en-US reads dd/MM as month first: 31/12 is no date', '31/12/2026 00:00:00', 'en-US'],
    ['en-GB reads 12/31 as day 12 of month 31', '12/31/2026 00:00:00', 'en-GB'],
    ['February 30', '2/30/2026', 'en-US'],
    ['not a leap year', '29.02.2027', 'de-DE'],
    ['hour 25', '12/1/2026 25:00:00', 'en-US'],
    ['minute 60', '12/1/2026 1:60:00 PM', 'en-US'],
    ['a word', 'tomorrow', 'en-US'],
    ['empty', '', 'en-US'],
  ])('refuses %s: "%s" (%s)', (_name, text, culture) => {
    expect(parseServerDate(text, culture, 'UTC')).toEqual({ ok: false, reason: `String '${text}' was not recognized as a valid DateTime.` });
  });

  it.each<[string, Culture, string]>([
    ['3/29/2026 2:30:00 AM', 'en-US', 'Europe/Berlin'],
    ['29.03.2026 02:00:00', 'de-DE', 'Europe/Berlin'],
    ['29/03/2026 01:30:00', 'en-GB', 'Europe/London'],
    ['3/8/2026 2:15:00 AM', 'en-US', 'America/New_York'],
  ])('refuses a time the spring DST change skips: %s (%s, %s)', (text, culture, zone) => {
    expect(parseServerDate(text, culture, zone)).toEqual({ ok: false, reason: INVALID_LOCAL_TIME });
  });
});

describe('formatJsonDate (PowerShell 7 ConvertTo-Json of a Local DateTime)', () => {
  it.each([
    ['UTC is +00:00, not Z', '2026-12-01T00:00:00Z', 'UTC', '2026-12-01T00:00:00+00:00'],
    ['Berlin winter', '2026-12-01T00:00:00Z', 'Europe/Berlin', '2026-12-01T01:00:00+01:00'],
    ['Berlin summer', '2026-07-01T00:00:00Z', 'Europe/Berlin', '2026-07-01T02:00:00+02:00'],
    ['New York', '2026-12-01T00:00:00Z', 'America/New_York', '2026-11-30T19:00:00-05:00'],
    ['fraction only when not zero, trailing zeros dropped', '2026-12-01T00:00:00.120Z', 'UTC', '2026-12-01T00:00:00.12+00:00'],
  ])('%s', (_name, instant, zone, expected) => {
    expect(formatJsonDate(new Date(instant), zone)).toBe(expected);
  });

  it.each<[Culture, string]>([
    ['en-US', '12/1/2026 1:05:09 PM'],
    ['en-GB', '01/12/2026 13:05:09'],
    ['de-DE', '01.12.2026 13:05:09'],
  ])('formatServerDate in %s round-trips through parseServerDate', (culture, expected) => {
    const instant = new Date('2026-12-01T12:05:09Z');
    const text = formatServerDate(instant, culture, 'Europe/Berlin');
    expect(text).toBe(expected);
    expect(parseServerDate(text, culture, 'Europe/Berlin')).toEqual({ ok: true, instant });
  });
});
