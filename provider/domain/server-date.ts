/**
 * The effective date as a Skype server reads it. `Set-CsCertificate -EffectiveDate` takes a
 * DateTime, which PowerShell converts from a string in the server's regional format and local
 * time ("EffectiveDate must follow the server's regional (Region and Language) format"; every
 * Microsoft example is US English, `7/31/2012 8:00 AM`: docs/skype-oauth-token-issuer.md,
 * STAGE). So the instant the user declares (ISO 8601, a zone) is written in the server's culture
 * and time zone, and the plan line shows both, so a reviewer sees what the server will be told.
 *
 * Pure: Intl gives the wall-clock fields in an IANA time zone; the patterns are .NET's general
 * date/long time ("G") patterns of the three cultures supported.
 */

/** The cultures whose `G` pattern this formatter knows. */
export const DATE_CULTURES = ['en-US', 'en-GB', 'de-DE'] as const;
export type DateCulture = (typeof DATE_CULTURES)[number];
export const DEFAULT_DATE_CULTURE: DateCulture = 'en-US';
export const DEFAULT_SERVER_TIME_ZONE = 'UTC';

/** The .NET pattern of each culture, for messages and docs. */
export const DATE_PATTERNS: Readonly<Record<DateCulture, string>> = {
  'en-US': 'M/d/yyyy h:mm:ss tt',
  'en-GB': 'dd/MM/yyyy HH:mm:ss',
  'de-DE': 'dd.MM.yyyy HH:mm:ss',
};

export function isDateCulture(value: unknown): value is DateCulture {
  return typeof value === 'string' && (DATE_CULTURES as readonly string[]).includes(value);
}

/** Whether Intl knows the IANA time zone (`Europe/Berlin`, `UTC`). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * `instant` as the server's `G` format in its time zone: en-US `12/1/2026 12:00:00 AM`,
 * en-GB `01/12/2026 00:00:00`, de-DE `01.12.2026 00:00:00`. Seconds are always written, so
 * the server's DateTime is the declared instant to the second.
 */
export function formatServerDate(instant: Date, culture: DateCulture, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const time24 = `${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
  switch (culture) {
    case 'en-US': {
      const hour12 = w.hour % 12 === 0 ? 12 : w.hour % 12;
      return `${w.month}/${w.day}/${w.year} ${hour12}:${two(w.minute)}:${two(w.second)} ${w.hour < 12 ? 'AM' : 'PM'}`;
    }
    case 'en-GB':
      return `${two(w.day)}/${two(w.month)}/${w.year} ${time24}`;
    case 'de-DE':
      return `${two(w.day)}.${two(w.month)}.${w.year} ${time24}`;
  }
}

/**
 * Whether the server's local time names `instant` unambiguously: in the hour a clock goes back
 * (daylight saving ends) one wall-clock time means two instants, and the server picks one.
 */
export function isAmbiguousServerTime(instant: Date, timeZone: string): boolean {
  const shown = wallClock(instant, timeZone);
  const same = (other: Date) => {
    const w = wallClock(other, timeZone);
    return w.year === shown.year && w.month === shown.month && w.day === shown.day && w.hour === shown.hour && w.minute === shown.minute && w.second === shown.second;
  };
  const HOUR = 60 * 60 * 1000;
  return same(new Date(instant.getTime() - HOUR)) || same(new Date(instant.getTime() + HOUR));
}
