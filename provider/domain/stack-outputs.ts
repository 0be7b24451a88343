/**
 * What a stack recorded about its OAuthTokenIssuer certificate, read from `pulumi stack output
 * --json`: the resource's own output names (`thumbprint`, `notAfter`, `previousThumbprint`,
 * `pendingThumbprint`, `secretName`, `servers`), exported one by one as the examples do, or
 * all at once by exporting the resource (`export const certificate = cert`). Pure: the CLI reads
 * the file, this decides what in it counts.
 *
 * A secret output shows as the string `[secret]` without `--show-secrets`: none of these outputs
 * is secret, so such a value is read as not recorded rather than refused.
 */
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object that holds the resource's outputs: the document itself, or one exported object. */
function outputsOf(document: Record<string, unknown>): Record<string, unknown> | undefined {
  if ('thumbprint' in document) return document;
  const holders = Object.values(document).filter((value): value is Record<string, unknown> => isObject(value) && 'thumbprint' in value);
  return holders.length === 1 ? holders[0] : undefined;
}

/**
 * Reads the document. Refused (with a reason naming the output, never its value) when it is not
 * an object, holds no `thumbprint`, or holds one of the known outputs in a shape the resource
 * never writes; unknown outputs are ignored.
 */
export function readStackOutputs(document: unknown): StackRecordOutcome {
  if (!isObject(document)) return { ok: false, reason: 'it is not a JSON object (run `pulumi stack output --json`)' };
  const outputs = outputsOf(document);
  if (outputs === undefined) {
    return { ok: false, reason: 'it has no `thumbprint` output, neither at the top level nor in exactly one exported object; export the certificate\'s outputs (thumbprint, notAfter, ...) or the resource itself' };
  }
  const problems: string[] = [];
  const recorded = (key: string): unknown => (outputs[key] === '[secret]' ? undefined : outputs[key]);
  const thumbprint = (key: string): string | undefined => {
    const value = recorded(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !THUMBPRINT.test(value)) {
      problems.push(`\`${key}\` is not a thumbprint of 40 hexadecimal digits`);
      return undefined;
    }
    return value.toUpperCase();
  };
  const instant = (value: unknown, key: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    const parsed = parseIsoInstant(value);
    if (!parsed.ok) {
      problems.push(`\`${key}\` is not an ISO 8601 date and time with a zone`);
      return undefined;
    }
    return parsed.date.toISOString();
  };
  const record: { -readonly [K in keyof StackRecord]: StackRecord[K] } = {};
  const t = thumbprint('thumbprint');
  if (t !== undefined) record.thumbprint = t;
  const notAfter = instant(recorded('notAfter'), 'notAfter');
  if (notAfter !== undefined) record.notAfter = notAfter;
  const previous = thumbprint('previousThumbprint');
  if (previous !== undefined) record.previousThumbprint = previous;
  const pending = thumbprint('pendingThumbprint');
  if (pending !== undefined) record.pendingThumbprint = pending;
  const nextRenewalAt = instant(recorded('nextRenewalAt'), 'nextRenewalAt');
  if (nextRenewalAt !== undefined) record.nextRenewalAt = nextRenewalAt;
  const secretName = recorded('secretName');
  if (typeof secretName === 'string' && secretName !== '') record.secretName = secretName;
  const servers = recorded('servers');
  if (isObject(servers)) {
    const read: Record<string, RecordedServer> = {};
    for (const [server, entry] of Object.entries(servers)) {
      if (!isObject(entry)) {
        problems.push('an entry of `servers` is not an object');
        continue;
      }
      const one = (key: string): string | null => {
        const value = entry[key];
        if (value === undefined || value === null) return null;
        if (typeof value !== 'string' || !THUMBPRINT.test(value)) {
          problems.push(`\`servers\`.${key} is not a thumbprint of 40 hexadecimal digits`);
          return null;
        }
        return value.toUpperCase();
      };
      const currentNotAfter = instant(entry.currentNotAfter, 'servers.currentNotAfter');
      const previousNotAfter = instant(entry.previousNotAfter, 'servers.previousNotAfter');
      read[server.toLowerCase()] = {
        current: one('current'),
        previous: one('previous'),
        ...(currentNotAfter !== undefined ? { currentNotAfter } : {}),
        ...(previousNotAfter !== undefined ? { previousNotAfter } : {}),
      };
    }
    record.servers = read;
  } else if (servers !== undefined && servers !== null) problems.push('`servers` is not an object of FQDN to what the server reported');
  if (problems.length > 0) return { ok: false, reason: `${problems.join('; ')} (the resource never writes such a value; give the unedited output of \`pulumi stack output --json\`)` };
  return { ok: true, record };
}
