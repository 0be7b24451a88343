/**
 * What a stack recorded about its OAuthTokenIssuer certificate, read from `pulumi stack output
 * --json`: the resource's own output names (`thumbprint`, `notAfter`, `previousThumbprint`,
 * `pendingThumbprint`, `secretName`, `servers`), exported one by one as the examples do, or
 * all at once by exporting the resource (`export const certificate = cert`). Pure: the CLI reads
 * the file, this decides what in it counts, with one schema (schema-sentences.ts).
 *
 * A secret output shows as the string `[secret]` without `--show-secrets`: none of these outputs
 * is secret, so such a value is read as not recorded rather than refused.
 */
import { z } from 'zod';
import { jsonObject, parseWith, worded } from './schema-sentences';
import { parseIsoInstant } from './time';

/** What one Front End reported at the stack's last look (the resource's `servers` output). */
export interface RecordedServer {
  readonly current: string | null;
  readonly previous: string | null;
  readonly currentNotAfter?: string;
  readonly previousNotAfter?: string;
}

/** The facts a stack recorded; every field is optional (a program exports what it chooses). */
export interface StackRecord {
  /** The declared certificate (current, or scheduled when a roll is pending). */
  readonly thumbprint?: string;
  /** Its NotAfter, ISO 8601 UTC. */
  readonly notAfter?: string;
  readonly previousThumbprint?: string;
  readonly pendingThumbprint?: string;
  readonly secretName?: string;
  /** FQDN → what that server reported at the last `up` or `refresh`. */
  readonly servers?: Readonly<Record<string, RecordedServer>>;
  /** A certificate from an issuer: when its next renewal is due, ISO 8601 UTC. */
  readonly nextRenewalAt?: string;
}

export type StackRecordOutcome = { readonly ok: true; readonly record: StackRecord } | { readonly ok: false; readonly reason: string };

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** `null`, or a top-level output shown as `[secret]`: not recorded. */
const absentIf =
  (...absent: unknown[]) =>
  (value: unknown): unknown =>
    absent.includes(value) ? undefined : value;

/** A thumbprint, upper case; anything else is a shape the resource never writes. */
const thumbprint = (label: string) => {
  const sentence = worded(() => `${label} is not a thumbprint of 40 hexadecimal digits`);
  return z
    .string(sentence)
    .regex(THUMBPRINT, sentence)
    .transform((value) => value.toUpperCase());
};

/** An instant, normalised to ISO 8601 UTC, read with the one strict parser. */
const instant = (key: string) =>
  z.unknown().transform((value, context) => {
    const parsed = parseIsoInstant(value);
    if (parsed.ok) return parsed.date.toISOString();
    context.addIssue({ code: 'custom', message: `\`${key}\` is not an ISO 8601 date and time with a zone` });
    return z.NEVER;
  });

const optional = <S extends z.ZodType>(schema: S, ...absent: unknown[]) => z.preprocess(absentIf(null, ...absent), schema.optional()).optional();

// The keys in the order their problems are reported.
const recordedServer = z.object(
  {
    currentNotAfter: optional(instant('servers.currentNotAfter')),
    previousNotAfter: optional(instant('servers.previousNotAfter')),
    current: optional(thumbprint('`servers`.current')),
    previous: optional(thumbprint('`servers`.previous')),
  },
  worded(() => 'an entry of `servers` is not an object'),
);

const SECRET = '[secret]';

const stackOutputs = z.object({
  thumbprint: optional(thumbprint('`thumbprint`'), SECRET),
  notAfter: optional(instant('notAfter'), SECRET),
  previousThumbprint: optional(thumbprint('`previousThumbprint`'), SECRET),
  pendingThumbprint: optional(thumbprint('`pendingThumbprint`'), SECRET),
  nextRenewalAt: optional(instant('nextRenewalAt'), SECRET),
  // Anything but a name is not one: read as not recorded.
  secretName: z
    .unknown()
    .transform((value) => (typeof value === 'string' && value !== '' && value !== SECRET ? value : undefined))
    .optional(),
  servers: optional(z.record(z.string(), recordedServer, worded(() => '`servers` is not an object of FQDN to what the server reported')), SECRET),
});

/** The object that holds the resource's outputs: the document itself, or one exported object. */
function outputsOf(document: Record<string, unknown>): Record<string, unknown> | undefined {
  if ('thumbprint' in document) return document;
  const holders = Object.values(document).flatMap((value) => {
    const held = jsonObject.safeParse(value);
    return held.success && 'thumbprint' in held.data ? [held.data] : [];
  });
  return holders.length === 1 ? holders[0] : undefined;
}

/**
 * Reads the document. Refused (with a reason naming the output, never its value) when it is not
 * an object, holds no `thumbprint`, or holds one of the known outputs in a shape the resource
 * never writes; unknown outputs are ignored.
 */
export function readStackOutputs(document: unknown): StackRecordOutcome {
  const top = jsonObject.safeParse(document);
  if (!top.success) return { ok: false, reason: 'it is not a JSON object (run `pulumi stack output --json`)' };
  const outputs = outputsOf(top.data);
  if (outputs === undefined) {
    return { ok: false, reason: 'it has no `thumbprint` output, neither at the top level nor in exactly one exported object; export the certificate\'s outputs (thumbprint, notAfter, ...) or the resource itself' };
  }
  const parsed = parseWith(stackOutputs, outputs);
  if (!parsed.ok) return { ok: false, reason: `${parsed.problems.join('; ')} (the resource never writes such a value; give the unedited output of \`pulumi stack output --json\`)` };
  const { thumbprint: t, notAfter, previousThumbprint, pendingThumbprint, nextRenewalAt, secretName, servers } = parsed.value;
  return {
    ok: true,
    record: {
      ...(t !== undefined ? { thumbprint: t } : {}),
      ...(notAfter !== undefined ? { notAfter } : {}),
      ...(previousThumbprint !== undefined ? { previousThumbprint } : {}),
      ...(pendingThumbprint !== undefined ? { pendingThumbprint } : {}),
      ...(nextRenewalAt !== undefined ? { nextRenewalAt } : {}),
      ...(secretName !== undefined ? { secretName } : {}),
      ...(servers !== undefined ? { servers: serversOf(servers) } : {}),
    },
  };
}

function serversOf(servers: Readonly<Record<string, z.output<typeof recordedServer>>>): Record<string, RecordedServer> {
  return Object.fromEntries(
    Object.entries(servers).map(([server, entry]) => [
      server.toLowerCase(),
      {
        current: entry.current ?? null,
        previous: entry.previous ?? null,
        ...(entry.currentNotAfter !== undefined ? { currentNotAfter: entry.currentNotAfter } : {}),
        ...(entry.previousNotAfter !== undefined ? { previousNotAfter: entry.previousNotAfter } : {}),
      },
    ]),
  );
}
