import { becomesCurrentAt, isoExact, isoMinute, parseIsoInstant } from '../../provider/domain/time';

describe('parseIsoInstant', () => {
  it.each([
    ['UTC with seconds', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['UTC without seconds', '2026-12-01T00:00Z', '2026-12-01T00:00:00.000Z'],
    ['milliseconds', '2026-12-01T00:00:00.250Z', '2026-12-01T00:00:00.250Z'],
    ['nanoseconds, truncated to milliseconds', '2026-12-01T00:00:00.123456789Z', '2026-12-01T00:00:00.123Z'],
    ['a positive offset', '2026-12-01T01:30:00+01:30', '2026-12-01T00:00:00.000Z'],
    ['a negative offset across midnight', '2026-11-30T19:00:00-05:00', '2026-12-01T00:00:00.000Z'],
    ['lower-case t and z (RFC 3339)', '2026-12-01t00:00:00z', '2026-12-01T00:00:00.000Z'],
    ['a leap day', '2028-02-29T12:00:00Z', '2028-02-29T12:00:00.000Z'],
    // Date.UTC would read these years as 1901 and 1999.
    ['the year 1, not 1901', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['the year 99, not 1999', '0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
    ['a leap day of the year 0 (1900 has none)', '0000-02-29T00:00:00Z', '0000-02-29T00:00:00.000Z'],
  ])('accepts %s', (_row, text, iso) => {
    const parsed = parseIsoInstant(text);
    expect(parsed).toEqual({ ok: true, date: new Date(iso) });
  });

  it.each([
    ['US notation', '12/01/2027', /"12\/01\/2027" is not an ISO 8601 date and time with a zone/],
    ['a bare number', '1', /"1" is not an ISO 8601/],
    ['words', 'March 3 2027', /"March 3 2027" is not/],
    ['no zone (machine-dependent)', '2026-12-01T00:00:00', /is not an ISO 8601 date and time with a zone/],
    ['a space instead of T', '2026-12-01 00:00Z', /is not an ISO 8601/],
    ['a date alone', '2026-12-01', /is not an ISO 8601/],
    ['February 30th', '2027-02-30T00:00:00Z', /is not a real date and time/],
    ['not a leap year', '2027-02-29T00:00:00Z', /is not a real date and time/],
    ['hour 24', '2026-12-01T24:00:00Z', /is not a real date and time/],
    ['second 60', '2026-12-01T23:59:60Z', /is not a real date and time/],
    ['month 13', '2026-13-01T00:00:00Z', /is not a real date and time/],
    ['an offset of 24 hours', '2026-12-01T00:00:00+24:00', /is not a real date and time/],
    ['surrounding white space', ' 2026-12-01T00:00:00Z', /is not an ISO 8601/],
  ])('refuses %s', (_row, text, reason) => {
    const parsed = parseIsoInstant(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it.each([
    ['a number', 1764547200000, /got number/],
    ['a Date object', new Date('2026-12-01T00:00:00Z'), /got object/],
    ['null', null, /got null/],
  ])('refuses %s: only strings are read', (_row, value, reason) => {
    const parsed = parseIsoInstant(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('shortens a very long input in its reason', () => {
    const parsed = parseIsoInstant('x'.repeat(10_000));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason.length).toBeLessThan(200);
  });
});

describe('becomesCurrentAt', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it.each([
    ['no effective date: now', undefined, now],
    ['a past date: now', new Date('2026-01-01T00:00:00Z'), now],
    ['the same moment: now', new Date(now.getTime()), now],
    ['a future date: that date', new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')],
  ])('%s', (_row, effectiveDate, expected) => expect(becomesCurrentAt(now, effectiveDate)).toEqual(expected));
});

describe('isoExact', () => {
  it.each([
    ['whole seconds', '2026-12-01T10:20:30.000Z', '2026-12-01T10:20:30Z'],
    ['milliseconds kept', '2026-12-01T10:20:30.456Z', '2026-12-01T10:20:30.456Z'],
  ])('prints UTC exactly: %s', (_name, iso, shown) => expect(isoExact(new Date(iso))).toBe(shown));
});

describe('isoMinute', () => {
  it('prints UTC to the minute', () => expect(isoMinute(new Date('2026-12-01T10:20:30.456Z'))).toBe('2026-12-01T10:20Z'));
});
