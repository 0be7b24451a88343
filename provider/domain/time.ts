/**
 * Time as this project reads and writes it: one strict ISO 8601 parser for every input (the
 * resource's `effectiveDate`, the CLI's `--effective-date` and `--now`, the store's records),
 * and one way to print a moment for people. Pure: the clock is never read here.
 *
 * Why strict: `new Date(text)` accepts '12/01/2027', '1' (2001-01-01) and 'March 3 2027', and
 * reads '2026-12-01 00:00' in the machine's time zone, so the same program would schedule a roll
 * at different instants on a laptop and on a CI runner.
 */

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by Z or an offset ±HH:MM. The `T` may be lower case
// (RFC 3339 allows it); a space, a missing zone or a date without a time are refused.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const EXAMPLE = '2026-12-01T00:00:00Z';

/** The outcome of parsing: the instant, or the reason it is not one (a sentence fragment). */
export type ParsedInstant = { readonly ok: true; readonly date: Date } | { readonly ok: false; readonly reason: string };

/**
 * Milliseconds since the epoch of a UTC calendar time. Not `Date.UTC`, which reads the years 0
 * to 99 as 1900 to 1999 (ECMA-262, MakeFullYear): `0001-01-01` must not become 1901.
 */
export function utcMillis(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC arithmetic, no clock involved).
  return new Date(utcMillis(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 instant with an explicit zone (`Z` or `±HH:MM`). Anything else, including
 * values that are not strings, is refused with a reason that shows the expected form.
 */
export function parseIsoInstant(value: unknown): ParsedInstant {
  if (typeof value !== 'string') {
    return { ok: false, reason: `must be an ISO 8601 date and time as a string, like ${EXAMPLE}; got ${value === null ? 'null' : typeof value}` };
  }
  const match = ISO_INSTANT.exec(value);
  const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  if (!match) {
    return { ok: false, reason: `"${shown}" is not an ISO 8601 date and time with a zone; write it like ${EXAMPLE} (UTC) or 2026-12-01T01:00:00+01:00` };
  }
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offsetHours = zulu ? 0 : Number(oh);
  const offsetMinutes = zulu ? 0 : Number(om);
  const outOfRange =
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59;
  if (outOfRange) return { ok: false, reason: `"${shown}" is not a real date and time (a field is out of range); write it like ${EXAMPLE}` };
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const offsetMs = (zulu ? 0 : (sign === '-' ? -1 : 1)) * (offsetHours * HOUR_MS + offsetMinutes * MINUTE_MS);
  const utc = utcMillis(year, month - 1, day, hour, minute, second, millis) - offsetMs;
  return { ok: true, date: new Date(utc) };
}

/** A moment to the minute, in UTC, for messages and plan lines: `2026-12-01T00:00Z`. */
export function isoMinute(date: Date): string {
  return date.toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');
}

/**
 * A moment exactly, in UTC, for messages that compare two instants (minutes
 * on both sides of a rule checked to the millisecond read as a contradiction):
 * `2026-12-01T00:00:30Z`, with the milliseconds only when there are some.
 */
export function isoExact(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * The moment a certificate becomes current: the effective date, or now when it is absent or
 * already past (Skype makes a roll whose date has passed current at once). One rule, used by the
 * checks and by the planner.
 */
export function becomesCurrentAt(now: Date, effectiveDate: Date | undefined): Date {
  return effectiveDate !== undefined && effectiveDate.getTime() > now.getTime() ? effectiveDate : now;
}
