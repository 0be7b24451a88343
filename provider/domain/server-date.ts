/**
 * The effective date on the Front End Servers' clocks. No culture is involved
 * anywhere: the script builds the DateTime from the UTC instant (docs/shell-contract.md, "Dates"),
 * and the session that runs the cmdlet is in the servers' time zone (server-zone.ts). What is left
 * to decide here is what the servers' local time is for an instant, for the plan line, and
 * whether that local time is safe: in the hour a clock goes back one local time names two
 * instants, and how Skype stores `-EffectiveDate` there is not documented (skype-cmdlets.md, open
 * questions), so such an instant is refused until a capture from a real server shows it.
 *
 * Pure: Intl gives the wall-clock fields of an instant in an IANA time zone; no clock is read.
 */
import { HOUR_MS, utcMillis } from './time';

export const DEFAULT_SERVER_TIME_ZONE = 'UTC';

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

// One formatter per zone: the DST search below asks for a few dozen wall clocks per date.
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(instant: Date, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}

const two = (n: number) => String(n).padStart(2, '0');

/** The zone's offset from UTC at `ms` (whole seconds), in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const second = Math.floor(ms / 1000) * 1000;
  const w = wallClock(new Date(second), timeZone);
  return utcMillis(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
}

/** An instant to the second in UTC, milliseconds only when there are some: `2027-11-02T09:00:00Z`. */
export function isoSecond(instant: Date): string {
  return instant.toISOString().replace(/\.000Z$/, 'Z');
}

/** The servers' local date and time of `instant`: `{ date: '2027-11-02', time: '10:00' }` (seconds only when not zero). */
export function localTime(instant: Date, timeZone: string): { readonly date: string; readonly time: string } {
  const w = wallClock(instant, timeZone);
  return { date: `${w.year}-${two(w.month)}-${two(w.day)}`, time: `${two(w.hour)}:${two(w.minute)}${w.second === 0 ? '' : `:${two(w.second)}`}` };
}

/** A daylight saving change (or any change of the zone's offset) next to an effective date. */
export interface ClockChange {
  /** `repeated`: the clocks go back (autumn), an hour of local time happens twice; `skipped`: they go forward (spring). */
  readonly kind: 'repeated' | 'skipped';
  /** The instant of the change. */
  readonly at: Date;
  /** The nearest safe instants, to the second: the last one before the unsafe span and the first one after it. */
  readonly safeBefore: Date;
  readonly safeAfter: Date;
}

// The largest daylight saving shift in the tz database is 2 hours (Antarctica/Troll); no zone
// changes its offset twice within 6 hours, so one look either side finds every change that matters.
const SEARCH_MS = 3 * HOUR_MS;

/**
 * The clock change whose unsafe span holds `instant` in `timeZone`, if any. A change at T by Δ
 * makes the span [T − Δ, T + Δ) unsafe: going back, these are exactly the instants whose local
 * time is repeated; going forward, these are the instants a skipped local time names when it is
 * written with either offset (Berlin's `02:30+01:00` and `02:30+02:00` on the spring day).
 */
export function clockChangeNear(instant: Date, timeZone: string): ClockChange | undefined {
  const t = instant.getTime();
  let low = t - SEARCH_MS;
  let high = t + SEARCH_MS;
  const before = offsetAt(low, timeZone);
  const after = offsetAt(high, timeZone);
  if (before === after) return undefined;
  // Offsets change on whole seconds: bisect to the first second with the new offset.
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (middle <= low) break;
    if (offsetAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  const at = Math.ceil(high / 1000) * 1000;
  const shift = Math.abs(after - before);
  if (t < at - shift || t >= at + shift) return undefined;
  return { kind: after < before ? 'repeated' : 'skipped', at: new Date(at), safeBefore: new Date(at - shift - 1000), safeAfter: new Date(at + shift) };
}
