/**
 * Reading what the scripts print (docs/shell-contract.md): only lines that start with the mark
 * count, so a banner, a `WARNING:` or a module's message never breaks the reading. Each record's
 * JSON is read leniently where PowerShell editions differ and strictly where the provider relies
 * on it: property names in any case, extra properties ignored, one object or an array, an enum
 * as a string or a number, dates as ISO 8601 with a zone (the scripts' round-trip format) or
 * 5.1's `\/Date(ms)\/`; a thumbprint is 40 hex digits, a date is an instant, or the call fails
 * with SHELL_FAILED naming what was wrong.
 */
import { z } from 'zod';
import { SfbError } from '../../domain/errors';
import { builtOnFirstUse, isoInstant, jsonObject, worded } from '../../domain/schema-sentences';
import { parseIsoInstant } from '../../domain/time';
import type { FrontEndCertificates, ReplicaState, ShellSession } from '../../ports/front-end-pool';
import { MARK } from './scripts';

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** One marked line: its kind (`session`, `server`, ...) and the rest of the line. */
export interface MarkedRecord {
  readonly kind: string;
  readonly payload: string;
}

/** The marked lines of stdout, in order; every other line is ignored. */
export function markedRecords(stdout: string): MarkedRecord[] {
  const records: MarkedRecord[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    // A BOM may precede the first line when the console's encoding was switched to UTF-8.
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.startsWith(MARK)) continue;
    const rest = line.slice(MARK.length);
    const space = rest.indexOf(' ');
    records.push(space === -1 ? { kind: rest.trim(), payload: '' } : { kind: rest.slice(0, space), payload: rest.slice(space + 1) });
  }
  return records;
}

function fail(doing: string, why: string): SfbError {
  return new SfbError(
    'SHELL_FAILED',
    `The shell's answer while ${doing} does not have the documented shape: ${why}. Check that the pool's command runs Windows PowerShell 5.1 (or PowerShell 7 with edition "core") with the Skype for Business Server administrative tools, and compare with a capture (docs/front-end.md, "Evidence from a real server").`,
  );
}

/** A record's JSON; the line is not quoted in the message: it came from a shell of unknown shape. */
export function jsonOf(payload: string, doing: string, what: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    throw fail(doing, `the ${what} record is not JSON`);
  }
}

type Json = Record<string, unknown>;

/** A property by name, in any case (PowerShell's names are case-insensitive); the exact spelling wins. */
export function property(object: Json, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/**
 * The record with its properties spelt as `names` spell them, found in any case, and nothing
 * else: zod matches keys exactly, PowerShell does not, so a schema reads this instead of the
 * record. Built with Object.fromEntries, so a `__proto__` property is data, never a prototype.
 */
export function withNames(object: Json, names: readonly string[]): Json {
  return Object.fromEntries(names.flatMap((name) => (Object.hasOwn(object, name) || property(object, name) !== undefined ? [[name, property(object, name)]] : [])));
}

// 5.1's JavaScriptSerializer writes "\/Date(1764547200000)\/" (JSON.parse leaves "/Date(...)/"),
// with an optional offset suffix ("+0100") that does not change the instant, which is the ms.
const MS_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/**
 * 5.1's `/Date(ms)/` as the ISO 8601 text the strict parser reads; anything else unchanged. An
 * instant outside the years 0000-9999 stays as the shell wrote it, so the parser refuses it
 * quoting that text: the state and the plan read instants with the same strict parser.
 */
function fromMsDate(value: unknown): unknown {
  const ms = typeof value === 'string' ? MS_DATE.exec(value)?.[1] : undefined;
  if (ms === undefined) return value;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString();
  return /^\d{4}-/.test(iso) ? iso : value;
}

/** The strict parser's reason for a value that is not even a string. */
function reasonOf(input: unknown): string {
  const parsed = parseIsoInstant(input);
  return parsed.ok ? 'is an instant' : parsed.reason;
}

/**
 * The schemas of the certificate lists. An issue's message is the end of a sentence (`is not a
 * thumbprint ...`); the reader puts the server, the certificate and the property before it.
 */
const certificateSchemas = builtOnFirstUse(() => {
  // Windows PowerShell 5.1 may write an array that carries PowerShell's extended properties as
  // `{"value":[...],"Count":n}` (the System.Array type data of 5.1's types.ps1xml).
  const extendedArray = jsonObject
    .transform((object) => withNames(object, ['value', 'Count']))
    .pipe(z.object({ value: z.array(z.unknown()), Count: z.number() }))
    .transform((array) => array.value);
  const notThumbprint = worded(() => 'is not a thumbprint of 40 hex digits');
  const thumbprint = z.string(notThumbprint).regex(THUMBPRINT, notThumbprint).transform((value) => value.toUpperCase());
  const instant = z.preprocess(fromMsDate, z.string(worded(reasonOf)).pipe(isoInstant)).transform((date) => date.toISOString());
  return {
    instant,
    // A list may be written as one object (ConvertTo-Json unrolls a list of one) or as nothing.
    list: z.union([z.null().transform(() => []), z.undefined().transform(() => []), z.array(z.unknown()), extendedArray, z.unknown().transform((one) => [one])]),
    objects: z.array(jsonObject),
    answer: z.object({
      // The server's time zone, when it said one: an empty or odd value is no time zone.
      timeZone: z.string().min(1).optional().catch(undefined),
      certificates: z.unknown().optional(),
    }),
    current: z.object({
      PreviousThumbprint: z.preprocess((value) => (value === null || value === '' ? undefined : value), thumbprint.optional()),
      Thumbprint: thumbprint,
      NotAfter: instant,
      // SourceScope "Local" in any case is a local assignment. As a number (an enum 5.1
      // serialized without converting it) the numbering is undocumented: it is not read as local,
      // so the provider takes the path that removes nothing.
      SourceScope: z.string().regex(/^local$/i).transform(() => 'local' as const).optional().catch(undefined),
    }),
    scheduled: z.object({ Thumbprint: thumbprint, EffectiveDate: instant }),
  };
});

/** The record's fields by the schema's names, or the first problem as `<what> <field> <issue>`. */
function readNamed<S extends z.ZodObject>(schema: S, object: Json, doing: string, what: string): z.output<S> {
  const parsed = schema.safeParse(withNames(object, Object.keys(schema.shape)));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw fail(doing, `${what} ${String(issue.path[0])} ${issue.message}`);
}

/**
 * Objects of a value that is one object or a list of them (5.1's `{value, Count}` form is the
 * list too; its names in any case, like every name PowerShell writes).
 */
export function objectsOf(value: unknown, doing: string, what: string): Json[] {
  const schemas = certificateSchemas();
  const parsed = schemas.objects.safeParse(schemas.list.parse(value));
  if (parsed.success) return parsed.data;
  throw fail(doing, `${what} item ${Number(parsed.error.issues[0]!.path[0]) + 1} is not an object`);
}

/** Whether a record's JSON is an object (not an array, not null). */
function isJsonObject(value: unknown): value is Json {
  return jsonObject.safeParse(value).success;
}

/** An instant as ISO 8601 UTC (`toISOString`), from the round-trip format, an offset, or `\/Date(ms)\/`. */
export function instantOf(value: unknown, doing: string, what: string): string {
  const parsed = certificateSchemas().instant.safeParse(value);
  if (parsed.success) return parsed.data;
  throw fail(doing, `${what} ${parsed.error.issues[0]!.message}`);
}

/**
 * One server's CertificateReference objects, in their documented order: the current one (its
 * `PreviousThumbprint` is the previous certificate), then a scheduled roll not yet effective.
 */
export function certificatesOf(server: string, objects: readonly Json[], doing: string): FrontEndCertificates {
  if (objects.length > 2) throw fail(doing, `${server} lists ${objects.length} OAuthTokenIssuer certificates where at most two (current and scheduled) exist`);
  const [current, scheduled] = objects;
  if (!current) return { server };
  const schemas = certificateSchemas();
  const first = readNamed(schemas.current, current, doing, `${server}'s certificate 1`);
  const result: FrontEndCertificates = {
    server,
    current: first.Thumbprint,
    currentNotAfter: first.NotAfter,
    ...(first.PreviousThumbprint ? { previous: first.PreviousThumbprint } : {}),
    ...(first.SourceScope ? { scope: first.SourceScope } : {}),
  };
  if (!scheduled) return result;
  const second = readNamed(schemas.scheduled, scheduled, doing, `${server}'s certificate 2`);
  return { ...result, scheduled: { thumbprint: second.Thumbprint, effectiveDate: second.EffectiveDate } };
}

/** The `global` record: the CMS's own (`-Identity Global`) certificates. */
export function globalOf(document: unknown, doing: string): FrontEndCertificates {
  return certificatesOf('global', objectsOf(document, doing, 'the global certificate list'), doing);
}

const recordSchemas = builtOnFirstUse(() => {
  // A number where text is expected is a .NET value serialized as itself (a version as 5.1).
  const text = z.union([z.string().min(1), z.number().transform(String)]);
  // 5.1 may serialize a boolean through a string ("True").
  const flag = z.union([z.boolean(), z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'insensitive' })]);
  return {
    session: z.object({ timeZone: text, culture: z.string().catch(''), psVersion: text, edition: text }),
    replica: z.object({ ReplicaFqdn: z.string().min(1).transform((fqdn) => fqdn.toLowerCase()), UpToDate: flag }),
    // An error record's fields: text (a category given as a number kept as its text), bounded.
    errorText: z.union([z.string(), z.number().transform(String)]).transform((value) => bounded(value)).catch(''),
  };
});

/** The `replicas` record: `Get-CsManagementStoreReplicationStatus` objects. */
export function replicasOf(document: unknown, doing: string): ReplicaState[] {
  return objectsOf(document, doing, 'the replication status').map((object, i) => {
    const named = withNames(object, ['ReplicaFqdn', 'UpToDate']);
    const parsed = recordSchemas().replica.safeParse(named);
    if (parsed.success) return { server: parsed.data.ReplicaFqdn, upToDate: parsed.data.UpToDate };
    const fqdn = named.ReplicaFqdn;
    if (typeof fqdn !== 'string' || fqdn === '') throw fail(doing, `replica ${i + 1} has no ReplicaFqdn`);
    throw fail(doing, `replica ${fqdn} has no boolean UpToDate`);
  });
}

/** The `session` record: the facts of the session that runs the CMS-side cmdlets. */
export function sessionOf(document: unknown, doing: string): ShellSession {
  if (!isJsonObject(document)) throw fail(doing, 'the session record is not an object');
  const parsed = recordSchemas().session.safeParse(withNames(document, ['timeZone', 'culture', 'psVersion', 'edition']));
  // The first field missing, in the order of the record, names the problem.
  if (!parsed.success) throw fail(doing, `the session record has no ${String(parsed.error.issues[0]!.path[0])}`);
  // The invariant culture's name is empty: reported as such, never used to write a date.
  return parsed.data;
}

/** A `server` record: `<name> <json>` where json is `{ timeZone, certificates }`. */
export function serverAnswerOf(payload: string, doing: string): { name: string; certificates: Json[]; timeZone?: string } {
  const space = payload.indexOf(' ');
  if (space <= 0) throw fail(doing, 'a server record has no server name');
  const name = payload.slice(0, space);
  const document = jsonOf(payload.slice(space + 1), doing, `${name.slice(0, 80)} server`);
  if (!isJsonObject(document)) throw fail(doing, `the answer of ${name.slice(0, 80)} is not an object`);
  const answer = readNamed(certificateSchemas().answer, document, doing, `the answer of ${name.slice(0, 80)}`);
  return {
    name,
    certificates: objectsOf(answer.certificates, doing, `${name.slice(0, 80)}'s certificate list`),
    ...(answer.timeZone === undefined ? {} : { timeZone: answer.timeZone }),
  };
}

/** A structured error record (`error` or `server-error`), fields as the scripts write them. */
export interface ErrorRecord {
  readonly server?: string;
  readonly fullyQualifiedErrorId: string;
  readonly category: string;
  readonly targetName?: string;
  readonly exceptionType: string;
  readonly message: string;
}

const BOUND = 400;
const bounded = (text: string) => (text.length > BOUND ? `${text.slice(0, BOUND)}...` : text);

/** An error record; its strings bounded, a category given as a number kept as its text. */
export function errorRecordOf(payload: string, doing: string): ErrorRecord {
  const document = jsonOf(payload, doing, 'error');
  if (!isJsonObject(document)) throw fail(doing, 'an error record is not an object');
  const named = withNames(document, ['server', 'fullyQualifiedErrorId', 'category', 'targetName', 'exceptionType', 'message']);
  const text = (name: string) => recordSchemas().errorText.parse(named[name]);
  const server = text('server');
  const targetName = text('targetName');
  return {
    ...(server ? { server } : {}),
    fullyQualifiedErrorId: text('fullyQualifiedErrorId'),
    category: text('category'),
    ...(targetName ? { targetName } : {}),
    exceptionType: text('exceptionType'),
    message: text('message'),
  };
}

/**
 * A remoting transport failure (the server was not reached), as opposed to an error raised on
 * the server: 5.1 and 7 both report category OpenError with a PSRemotingTransportException
 * (docs/skype-emulator.md; about_Remote_Troubleshooting).
 */
export function isTransportFailure(record: ErrorRecord): boolean {
  return /PSRemotingTransportException/i.test(record.exceptionType) || /^OpenError$/i.test(record.category) || /PSSessionStateBroken|CannotConnect/i.test(record.fullyQualifiedErrorId);
}

/** What the fallback recognises in a shell's error text, when no script ran to write a record. */
export type TextFailure = { readonly kind: 'unreachable'; readonly server: string; readonly line: string } | { readonly kind: 'cmdlet'; readonly command: string; readonly line: string } | { readonly kind: 'other'; readonly line: string };

/**
 * Reads 5.1's NormalView (`Get-CsCertificate : message`, `[fe02] Connecting to remote server fe02
 * failed ...`) and 7's ConciseView (`Get-CsCertificate: message`, `OpenError: [fe02] ...`): only
 * for a shell that died before the script's frame could write a record.
 */
export function textFailureOf(stderr: string, stdout = ''): TextFailure {
  const lines = `${stderr}\n${stdout}`.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#< CLIXML') && !l.startsWith('<Objs'));
  for (const line of lines) {
    const remote = /^(?:OpenError: )?\[([^\]\s]+)\] Connecting to remote server/.exec(line);
    if (remote) return { kind: 'unreachable', server: remote[1]!, line: bounded(line) };
  }
  for (const line of lines) {
    const cmdlet = /^([A-Za-z]+-[A-Za-z]+) ?: /.exec(line);
    if (cmdlet) return { kind: 'cmdlet', command: cmdlet[1]!, line: bounded(line) };
  }
  return { kind: 'other', line: bounded(lines[0] ?? '(no error text)') };
}
