/**
 * The `servers` output read back from state (or the old inputs): what each Front End reported at
 * the last look, in one schema. State is input here, so it is read leniently: a field not of the
 * shape this version writes is left out, an entry that is not an object is skipped, and a server
 * left out counts as not known to be up to date. Dates become `Date`s through the one strict
 * parser (time.ts), keeping the text state stores beside them (the output repeats it).
 * Pure: no clock.
 */
import { z } from 'zod';
import { parseIsoInstant } from './time';

/** A date as recorded: the text kept in `servers`, and the instant it names. */
export interface RecordedDate {
  readonly text: string;
  readonly date: Date;
}

/** What one server reported at the last look, as far as it could be read. */
export interface RecordedServerLook {
  readonly server: string;
  readonly current?: string;
  readonly previous?: string;
  readonly pending?: { readonly thumbprint: string; readonly effectiveDate: Date };
  readonly currentNotAfter?: RecordedDate;
  readonly previousNotAfter?: RecordedDate;
  /** The server's Windows time zone id. */
  readonly timeZone?: string;
  /** The server could not be read at the last look. */
  readonly unreachable: boolean;
}

/** Left out when absent or not of the shape written. */
const lenient = <S extends z.ZodType>(schema: S) => schema.optional().catch(undefined);

const thumbprint = z.string().regex(/^[0-9A-F]{40}$/);

const recordedDate = z.string().transform((text, context): RecordedDate => {
  const parsed = parseIsoInstant(text);
  if (parsed.ok) return { text, date: parsed.date };
  context.addIssue({ code: 'custom', message: parsed.reason });
  return z.NEVER;
});

const entry = z.looseObject({
  current: lenient(thumbprint),
  previous: lenient(thumbprint),
  pending: lenient(z.looseObject({ thumbprint, effectiveDate: recordedDate.transform((recorded) => recorded.date) })),
  currentNotAfter: lenient(recordedDate),
  previousNotAfter: lenient(recordedDate),
  timeZone: lenient(z.string().min(1).max(128)),
  unreachable: z.unknown().optional(),
});

/** Reads a `servers` output; anything but an object of FQDN to entries reads as no server. */
export function readRecordedServers(servers: unknown): RecordedServerLook[] {
  const outer = z.record(z.string(), z.unknown()).safeParse(servers);
  if (!outer.success) return [];
  return Object.entries(outer.data).flatMap(([server, raw]) => {
    const parsed = entry.safeParse(raw);
    if (!parsed.success) return [];
    const { current, previous, pending, currentNotAfter, previousNotAfter, timeZone, unreachable } = parsed.data;
    const look: RecordedServerLook = {
      server,
      ...(current !== undefined ? { current } : {}),
      ...(previous !== undefined ? { previous } : {}),
      ...(pending !== undefined ? { pending: { thumbprint: pending.thumbprint, effectiveDate: pending.effectiveDate } } : {}),
      ...(currentNotAfter !== undefined ? { currentNotAfter } : {}),
      ...(previousNotAfter !== undefined ? { previousNotAfter } : {}),
      ...(timeZone !== undefined ? { timeZone } : {}),
      unreachable: unreachable !== undefined && unreachable !== null,
    };
    return [look];
  });
}
