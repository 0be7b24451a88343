import { clockChangeNear, isoSecond, isTimeZone, localTime } from '../../provider/domain/server-date';

describe('localTime: the servers\' wall clock for an instant', () => {
  it.each([
    ['UTC', '2026-12-01T00:00:00Z', 'UTC', { date: '2026-12-01', time: '00:00' }],
    ['Berlin in winter (UTC+1)', '2026-12-01T00:00:00Z', 'Europe/Berlin', { date: '2026-12-01', time: '01:00' }],
    ['Berlin in summer (UTC+2)', '2026-07-01T00:00:00Z', 'Europe/Berlin', { date: '2026-07-01', time: '02:00' }],
    ['New York: the previous day', '2026-12-01T03:00:00Z', 'America/New_York', { date: '2026-11-30', time: '22:00' }],
    ['Kolkata (half-hour offset)', '2026-12-01T00:00:00Z', 'Asia/Kolkata', { date: '2026-12-01', time: '05:30' }],
    ['seconds shown when not zero', '2026-12-01T00:00:09Z', 'UTC', { date: '2026-12-01', time: '00:00:09' }],
  ])('%s', (_name, iso, zone, expected) => {
    expect(localTime(new Date(iso), zone)).toEqual(expected);
  });

  it('isoSecond drops zero milliseconds only', () => {
    expect(isoSecond(new Date('2027-11-02T09:00:00Z'))).toBe('2027-11-02T09:00:00Z');
    expect(isoSecond(new Date('2027-11-02T09:00:00.5Z'))).toBe('2027-11-02T09:00:00.500Z');
  });

  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    [42, false],
  ])('isTimeZone(%p) is %p', (zone, ok) => {
    expect(isTimeZone(zone)).toBe(ok);
  });
});

describe('clockChangeNear: effective dates next to a daylight saving change', () => {
  const berlinAutumn = { kind: 'repeated', at: new Date('2027-10-31T01:00:00Z'), safeBefore: new Date('2027-10-30T23:59:59Z'), safeAfter: new Date('2027-10-31T02:00:00Z') };
  const berlinSpring = { kind: 'skipped', at: new Date('2027-03-28T01:00:00Z'), safeBefore: new Date('2027-03-27T23:59:59Z'), safeAfter: new Date('2027-03-28T02:00:00Z') };
  const newYorkAutumn = { kind: 'repeated', at: new Date('2027-11-07T06:00:00Z'), safeBefore: new Date('2027-11-07T04:59:59Z'), safeAfter: new Date('2027-11-07T07:00:00Z') };
  const newYorkSpring = { kind: 'skipped', at: new Date('2027-03-14T07:00:00Z'), safeBefore: new Date('2027-03-14T05:59:59Z'), safeAfter: new Date('2027-03-14T08:00:00Z') };
  it.each([
    ['Berlin, the repeated 02:30 (first, CEST)', '2027-10-31T00:30:00Z', 'Europe/Berlin', berlinAutumn],
    ['Berlin, the repeated 02:30 (second, CET)', '2027-10-31T01:30:00Z', 'Europe/Berlin', berlinAutumn],
    ['Berlin, the first repeated second', '2027-10-31T00:00:00Z', 'Europe/Berlin', berlinAutumn],
    ['Berlin, the last repeated second', '2027-10-31T01:59:59Z', 'Europe/Berlin', berlinAutumn],
    ['Berlin, the safe instant before', '2027-10-30T23:59:59Z', 'Europe/Berlin', undefined],
    ['Berlin, the safe instant after', '2027-10-31T02:00:00Z', 'Europe/Berlin', undefined],
    ['Berlin spring, 02:30+01:00 (a skipped local time, standard offset)', '2027-03-28T01:30:00Z', 'Europe/Berlin', berlinSpring],
    ['Berlin spring, 02:30+02:00 (a skipped local time, summer offset)', '2027-03-28T00:30:00Z', 'Europe/Berlin', berlinSpring],
    ['Berlin spring, after the span', '2027-03-28T02:00:00Z', 'Europe/Berlin', undefined],
    ['New York, the repeated 01:30', '2027-11-07T05:30:00Z', 'America/New_York', newYorkAutumn],
    ['New York, 01:30 EST', '2027-11-07T06:30:00Z', 'America/New_York', newYorkAutumn],
    ['New York, an ordinary morning', '2027-11-07T12:00:00Z', 'America/New_York', undefined],
    ['New York spring, 02:30 EST', '2027-03-14T07:30:00Z', 'America/New_York', newYorkSpring],
    ['New York spring, 02:30 EDT', '2027-03-14T06:30:00Z', 'America/New_York', newYorkSpring],
    ['UTC never changes', '2027-10-31T00:30:00Z', 'UTC', undefined],
    ['Tokyo has no daylight saving', '2027-10-31T00:30:00Z', 'Asia/Tokyo', undefined],
    ['Lord Howe moves by 30 minutes: inside', '2027-04-03T14:45:00Z', 'Australia/Lord_Howe', { kind: 'repeated', at: new Date('2027-04-03T15:00:00Z'), safeBefore: new Date('2027-04-03T14:29:59Z'), safeAfter: new Date('2027-04-03T15:30:00Z') }],
    ['Lord Howe moves by 30 minutes: outside', '2027-04-03T14:15:00Z', 'Australia/Lord_Howe', undefined],
  ])('%s', (_name, iso, zone, expected) => {
    expect(clockChangeNear(new Date(iso), zone)).toEqual(expected);
  });
});
