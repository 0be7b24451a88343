/**
 * Dates as a Skype server reads and writes them: `-EffectiveDate` strings parsed in the server's
 * culture and time zone (skype-cmdlets.md: "must follow the server's regional format"), and
 * DateTime values serialized as PowerShell 7's ConvertTo-Json writes a Local-kind DateTime.
 *
 * Only the shapes listed in docs/skype-emulator.md are accepted: narrower than .NET's lenient
 * DateTime.Parse on purpose, so a string the emulator accepts is one the server reads the same way.
 */
import { DateTime, IANAZone } from 'luxon';

/** The server cultures the emulator knows. */
export const CULTURES = ['en-US', 'en-GB', 'de-DE'] as const;
export type Culture = (typeof CULTURES)[number];

export function isCulture(value: string): value is Culture {
  return (CULTURES as readonly string[]).includes(value);
}

/** True for an IANA zone name the runtime's time zone database knows. */
export function isTimeZone(value: string): boolean {
  return IANAZone.isValidZone(value);
}

export type ParsedDate = { readonly ok: true; readonly instant: Date } | { readonly ok: false; readonly reason: string };

interface CultureShape {
  /** The date part: groups day, month, year. */
  readonly date: RegExp;
  readonly dayFirst: boolean;
  /** Whether AM/PM designators exist in the culture (de-DE has none). */
  readonly designators: boolean;
}

const SHAPES: Record<Culture, CultureShape> = {
  'en-US': { date: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, dayFirst: false, designators: true },
  'en-GB': { date: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, dayFirst: true, designators: true },
  'de-DE': { date: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, dayFirst: true, designators: false },
};

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(AM|PM))?$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/;

const NOT_RECOGNIZED = (text: string): ParsedDate => ({ ok: false, reason: `String '${text}' was not recognized as a valid DateTime.` });

/** The .NET message for a local time that a DST transition skips (TimeZoneInfo.ConvertTimeToUtc). */
export const INVALID_LOCAL_TIME =
  'The supplied DateTime represents an invalid time.  For example, when the clock is adjusted forward, any time in the period that is skipped is invalid.';

/**
 * Parses a `-EffectiveDate` string as the server would bind it to a DateTime parameter, and
 * returns the instant it names: wall-clock time in `timeZone`; an ambiguous time (the hour
 * repeated when clocks go back) is taken as standard time, the later instant, as .NET does; a
 * time that does not exist (skipped when clocks go forward) is refused. ISO 8601 is accepted in
 * every culture, as .NET's DateTime.Parse accepts it; with a zone designator it names that
 * instant, without one it is wall-clock time in the server's zone.
 */
export function parseServerDate(text: string, culture: Culture, timeZone: string): ParsedDate {
  const trimmed = text.trim();
  const iso = ISO.exec(trimmed);
  if (iso) return parseIso(trimmed, iso, timeZone);
  const shape = SHAPES[culture];
  const space = trimmed.indexOf(' ');
  const datePart = space < 0 ? trimmed : trimmed.slice(0, space);
  const timePart = space < 0 ? '' : trimmed.slice(space + 1).trim();
  const date = shape.date.exec(datePart);
  if (!date) return NOT_RECOGNIZED(text);
  const [first, second, year] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const [day, month] = shape.dayFirst ? [first, second] : [second, first];
  let hour = 0;
  let minute = 0;
  let secondOfMinute = 0;
  if (timePart !== '') {
    const time = TIME.exec(timePart);
    if (!time) return NOT_RECOGNIZED(text);
    hour = Number(time[1]);
    minute = Number(time[2]);
    secondOfMinute = time[3] === undefined ? 0 : Number(time[3]);
    const designator = time[4]?.toUpperCase();
    if (designator !== undefined) {
      if (!shape.designators || hour < 1 || hour > 12) return NOT_RECOGNIZED(text);
      hour = (hour % 12) + (designator === 'PM' ? 12 : 0);
    }
    if (hour > 23 || minute > 59 || secondOfMinute > 59) return NOT_RECOGNIZED(text);
  }
  return wallClock({ year, month, day, hour, minute, second: secondOfMinute, millisecond: 0 }, timeZone, text);
}

function parseIso(text: string, m: RegExpExecArray, timeZone: string): ParsedDate {
  const fraction = m[7] ?? '';
  const parts = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]), millisecond: Math.floor(Number(`0.${fraction || '0'}`) * 1000),
  };
  const zone = m[8];
  if (zone === undefined) return wallClock(parts, timeZone, text);
  const fixed = DateTime.fromObject(parts, { zone: zone === 'Z' ? 'UTC' : `UTC${zone}` });
  if (!fixed.isValid || fixed.day !== parts.day || fixed.hour !== parts.hour) return NOT_RECOGNIZED(text);
  return { ok: true, instant: fixed.toJSDate() };
}

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number };

function wallClock(parts: WallClock, timeZone: string, text: string): ParsedDate {
  // Validate the calendar date on its own (2/30, 13/1) before any zone arithmetic.
  const calendar = DateTime.fromObject(parts, { zone: 'UTC' });
  if (!calendar.isValid) return NOT_RECOGNIZED(text);
  // luxon resolves a wall time with the zone's offset near that moment; a skipped time comes
  // back shifted, so comparing the fields detects the gap.
  const local = DateTime.fromObject(parts, { zone: timeZone });
  if (!local.isValid) return NOT_RECOGNIZED(text);
  if (local.hour !== parts.hour || local.minute !== parts.minute || local.day !== parts.day) {
    return { ok: false, reason: INVALID_LOCAL_TIME };
  }
  // Ambiguous (the repeated hour): .NET takes standard time, the later of the two instants.
  const offsets = local.getPossibleOffsets();
  const later = offsets.reduce((a, b) => (a.toMillis() >= b.toMillis() ? a : b), local);
  return { ok: true, instant: later.toJSDate() };
}

/**
 * A DateTime as PowerShell 7's ConvertTo-Json writes one of kind Local (Newtonsoft's ISO format
 * `yyyy-MM-ddTHH:mm:ss.FFFFFFFK`): the server's wall time, fractional seconds only when not
 * zero, and the zone's offset at that instant (`+00:00` in UTC, never `Z`).
 */
export function formatJsonDate(instant: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const millis = local.millisecond;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
  return `${local.toFormat("yyyy-MM-dd'T'HH:mm:ss")}${fraction}${local.toFormat('ZZ')}`;
}

/** The culture's own rendering (`M/d/yyyy h:mm:ss tt` in en-US), for messages and `admin show`. */
export function formatServerDate(instant: Date, culture: Culture, timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  switch (culture) {
    case 'en-US':
      return local.toFormat('M/d/yyyy h:mm:ss a', { locale: 'en-US' });
    case 'en-GB':
      return local.toFormat('dd/MM/yyyy HH:mm:ss');
    case 'de-DE':
      return local.toFormat('dd.MM.yyyy HH:mm:ss');
  }
}
