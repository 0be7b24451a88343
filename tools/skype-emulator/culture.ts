/**
 * Dates as .NET reads and writes them in the emulated shell.
 *
 * - A string given to a DateTime parameter of a compiled cmdlet is converted with
 *   DateTime.Parse in the **session's** culture (PowerShell/PowerShell#6989 and #3348; over WinRM the
 *   caller's culture): `parseDateTime` follows .NET's DateTimeParse for numeric dates, so a
 *   day/month misread is reproduced, not refused. test/fixtures/dotnet/dotnet-facts.json (Mono,
 *   scripts/dotnet-fixtures/) is the cross-check; docs/skype-emulator.md lists the shapes.
 * - The wall-clock time it names is then taken in the time zone of the machine the cmdlet runs
 *   on (assumed: Skype's docs do not say which zone -EffectiveDate means).
 * - DateTime values print in the culture's "G" pattern and serialize as each edition does.
 */
import { DateTime, IANAZone } from 'luxon';

/** The cultures the emulator knows (sessions and servers). */
export const CULTURES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'ja-JP'] as const;
export type Culture = (typeof CULTURES)[number];

export function isCulture(value: string): value is Culture {
  return (CULTURES as readonly string[]).includes(value);
}

/** True for an IANA zone name the runtime's time zone database knows. */
export function isTimeZone(value: string): boolean {
  return IANAZone.isValidZone(value);
}

type Order = 'MDY' | 'DMY' | 'YMD';

interface CultureData {
  /** The order of ShortDatePattern (GetYearMonthDayOrder). */
  readonly order: Order;
  /** The culture's own AM/PM designators besides the invariant AM/PM every culture reads. */
  readonly designators: readonly [string, string] | null;
  /** The "G" pattern (ShortDatePattern + LongTimePattern), in luxon tokens. */
  readonly general: string;
}

/**
 * Windows' culture data as Microsoft documents it (ShortDatePattern, LongTimePattern); Mono's
 * agrees on the patterns (test/fixtures/dotnet). de-DE's designators differ: Mono has
 * "vorm."/"nachm.", Windows .NET Framework none; the emulator follows Windows.
 */
const CULTURE_DATA: Record<Culture, CultureData> = {
  'en-US': { order: 'MDY', designators: ['AM', 'PM'], general: 'M/d/yyyy h:mm:ss a' },
  'en-GB': { order: 'DMY', designators: ['AM', 'PM'], general: 'dd/MM/yyyy HH:mm:ss' },
  'de-DE': { order: 'DMY', designators: null, general: 'dd.MM.yyyy HH:mm:ss' },
  'fr-FR': { order: 'DMY', designators: null, general: 'dd/MM/yyyy HH:mm:ss' },
  'ja-JP': { order: 'YMD', designators: ['午前', '午後'], general: 'yyyy/MM/dd H:mm:ss' },
};

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** What DateTime.Parse made of a string: a wall-clock time (Unspecified) or an instant (a zone was given). */
export type ParsedDateTime =
  | { readonly ok: true; readonly wall: WallClock; readonly instant?: Date }
  | { readonly ok: false; readonly reason: string };

export type ParsedDate = { readonly ok: true; readonly instant: Date } | { readonly ok: false; readonly reason: string };

const NOT_RECOGNIZED = (text: string): { ok: false; reason: string } => ({ ok: false, reason: `String '${text}' was not recognized as a valid DateTime.` });

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(\d{1,4})([/.-])(\d{1,4})[/.-](\d{1,4})$/;
const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/;

/** .NET's two-digit year window (Calendar.TwoDigitYearMax 2029). */
const fullYear = (text: string, value: number): number => (text.length > 2 ? value : value < 30 ? 2000 + value : 1900 + value);

/**
 * DateTime.Parse(text, culture) for the numeric shapes: three numbers separated by `/`, `.` or
 * `-`, optionally followed by `H:mm[:ss[.f]]` and an AM/PM designator, or ISO 8601. A number of
 * more than two digits is the year; the others are read in the order of the culture's short
 * date pattern (a year last: month-day in MDY and YMD cultures, day-month in DMY ones; a year
 * first: year-month-day everywhere; no four-digit year: the pattern's order). A designator: AM
 * takes hours 0-12 (12 is 0), PM 0-23 (below 12 adds 12), as .NET's AdjustHour does.
 */
export function parseDateTime(text: string, culture: Culture): ParsedDateTime {
  const trimmed = text.trim();
  const iso = ISO.exec(trimmed);
  if (iso) return parseIso(text, iso);
  const parts = trimmed.split(/\s+/);
  const date = DATE.exec(parts[0] ?? '');
  if (!date || parts.length > 3) return NOT_RECOGNIZED(text);
  const texts = [date[1], date[3], date[4]] as [string, string, string];
  const numbers = texts.map(Number) as [number, number, number];
  const data = CULTURE_DATA[culture];
  let year: number;
  let month: number;
  let day: number;
  const long = texts.map((t) => t.length > 2);
  if (long[2] && !long[0] && !long[1]) {
    year = numbers[2];
    [month, day] = data.order === 'DMY' ? [numbers[1], numbers[0]] : [numbers[0], numbers[1]];
  } else if (long[0] && !long[1] && !long[2]) {
    [year, month, day] = numbers;
  } else if (!long.some(Boolean)) {
    if (data.order === 'MDY') [month, day, year] = [numbers[0], numbers[1], fullYear(texts[2], numbers[2])];
    else if (data.order === 'DMY') [day, month, year] = [numbers[0], numbers[1], fullYear(texts[2], numbers[2])];
    else [year, month, day] = [fullYear(texts[0], numbers[0]), numbers[1], numbers[2]];
  } else return NOT_RECOGNIZED(text);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  if (parts.length >= 2) {
    const time = TIME.exec(parts[1] as string);
    if (!time) return NOT_RECOGNIZED(text);
    [hour, minute, second] = [Number(time[1]), Number(time[2]), time[3] === undefined ? 0 : Number(time[3])];
    millisecond = time[4] === undefined ? 0 : Math.floor(Number(`0.${time[4]}`) * 1000);
    if (parts.length === 3) {
      const mark = designator(parts[2] as string, data);
      if (mark === undefined) return NOT_RECOGNIZED(text);
      if (mark === 'AM') {
        if (hour > 12) return NOT_RECOGNIZED(text);
        if (hour === 12) hour = 0;
      } else if (hour < 12) hour += 12;
    }
    if (hour > 23 || minute > 59 || second > 59) return NOT_RECOGNIZED(text);
  }
  const wall = { year, month, day, hour, minute, second, millisecond };
  if (!DateTime.fromObject(wall, { zone: 'UTC' }).isValid) return NOT_RECOGNIZED(text);
  return { ok: true, wall };
}

function designator(word: string, data: CultureData): 'AM' | 'PM' | undefined {
  const lower = word.toLowerCase();
  if (lower === 'am' || lower === data.designators?.[0].toLowerCase()) return 'AM';
  if (lower === 'pm' || lower === data.designators?.[1].toLowerCase()) return 'PM';
  return undefined;
}

function parseIso(text: string, m: RegExpExecArray): ParsedDateTime {
  const fraction = m[7] ?? '';
  const wall = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]), millisecond: Math.floor(Number(`0.${fraction || '0'}`) * 1000),
  };
  const calendar = DateTime.fromObject(wall, { zone: 'UTC' });
  if (!calendar.isValid) return NOT_RECOGNIZED(text);
  const zone = m[8];
  if (zone === undefined) return { ok: true, wall };
  const fixed = DateTime.fromObject(wall, { zone: zone === 'Z' ? 'UTC' : `UTC${zone}` });
  if (!fixed.isValid) return NOT_RECOGNIZED(text);
  return { ok: true, wall, instant: fixed.toJSDate() };
}

/** The .NET message for a local time that a DST transition skips (TimeZoneInfo.ConvertTimeToUtc). */
export const INVALID_LOCAL_TIME =
  'The supplied DateTime represents an invalid time.  For example, when the clock is adjusted forward, any time in the period that is skipped is invalid.';

/**
 * A string bound to a DateTime parameter: parsed in `culture`, its wall-clock time taken in
 * `timeZone` (the machine the cmdlet runs on). An ambiguous time (the hour repeated when
 * clocks go back) is standard time, the later instant, as .NET does; a skipped one is refused.
 */
export function parseServerDate(text: string, culture: Culture, timeZone: string): ParsedDate {
  const parsed = parseDateTime(text, culture);
  if (!parsed.ok) return parsed;
  if (parsed.instant) return { ok: true, instant: parsed.instant };
  return wallClockInstant(parsed.wall, timeZone);
}

/** The instant a wall-clock time names in a zone (see parseServerDate). */
export function wallClockInstant(wall: WallClock, timeZone: string): ParsedDate {
  const local = DateTime.fromObject({ ...wall }, { zone: timeZone });
  if (!local.isValid) return { ok: false, reason: INVALID_LOCAL_TIME };
  if (local.hour !== wall.hour || local.minute !== wall.minute || local.day !== wall.day) return { ok: false, reason: INVALID_LOCAL_TIME };
  const offsets = local.getPossibleOffsets();
  const later = offsets.reduce((a, b) => (a.toMillis() >= b.toMillis() ? a : b), local);
  return { ok: true, instant: later.toJSDate() };
}

/**
 * A DateTime as PowerShell 7's ConvertTo-Json writes one of kind Local (Newtonsoft's ISO format
 * `yyyy-MM-ddTHH:mm:ss.FFFFFFFK`): the wall time, fractional seconds only when not zero, and
 * the zone's offset at that instant (`+00:00` in UTC, never `Z`).
 */
export function formatJsonDate(instant: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const millis = local.millisecond;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
  return `${local.toFormat("yyyy-MM-dd'T'HH:mm:ss")}${fraction}${local.toFormat('ZZ')}`;
}

/** The round-trip format `ToString('o')`: `Z` for Utc, the offset for Local, none for Unspecified. */
export function formatRoundTrip(instant: Date, kind: 'Local' | 'Utc' | 'Unspecified', timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: kind === 'Utc' ? 'UTC' : timeZone });
  const body = `${local.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.${String(local.millisecond).padStart(3, '0')}0000`;
  if (kind === 'Utc') return `${body}Z`;
  return kind === 'Local' ? `${body}${local.toFormat('ZZ')}` : body;
}

/** The culture's "G" rendering (`M/d/yyyy h:mm:ss tt` in en-US): printed dates, `[string]$date`. */
export function formatServerDate(instant: Date, culture: Culture, timeZone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const data = CULTURE_DATA[culture];
  if (data.general.endsWith(' a')) {
    const [am, pm] = data.designators ?? ['', ''];
    return `${local.toFormat(data.general.slice(0, -2))} ${local.hour < 12 ? am : pm}`;
  }
  return local.toFormat(data.general);
}
