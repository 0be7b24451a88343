/**
 * The `pool` argument: the Front End Servers of the deployment and how to reach them through the
 * Skype for Business Server Management Shell (issue #10). Non-secret: it is kept in state as an
 * input. Without a pool, the resource stops at the store.
 *
 * Pure: the rules return every problem at once, each a sentence naming the field, the value seen
 * and the fix (resource-inputs.ts reports them as INVALID_ARGUMENT on the `pool` property).
 */
import { isPlausibleDomain } from './sip-domain';
import type { Finding } from './errors';
import { DEFAULT_SERVER_TIME_ZONE, isTimeZone } from './server-date';
import { zoneOfIana } from './server-zone';

export const POOL_KIND = 'powershell';

/** The shell and its arguments; the script goes to its stdin (`-Command -`). */
export const DEFAULT_POOL_COMMAND: readonly string[] = ['pwsh', '-NoProfile', '-NonInteractive', '-Command', '-'];

/** Limits of the numeric options: [default, min, max]. */
export const POOL_NUMBERS = {
  /** How long to wait for replication and every server to report the declared certificate. */
  replicationTimeoutSeconds: [900, 1, 86_400],
  /** Pause between two looks at the servers while waiting. */
  pollIntervalSeconds: [10, 1, 3_600],
  /** Limit of one shell call; it is killed after that. */
  callTimeoutSeconds: [120, 1, 3_600],
  /** How many servers are inspected at once. */
  parallelism: [8, 1, 64],
} as const;
type NumberOption = keyof typeof POOL_NUMBERS;

/** The largest pool accepted: Skype's Enterprise Edition pools hold at most 16 Front Ends; a few pools' worth. */
export const MAX_POOL_SERVERS = 256;

/** The pool as declared, defaults applied, server names lower case. */
export interface FrontEndPoolSpec {
  readonly kind: typeof POOL_KIND;
  /** FQDNs of every Front End Server of the deployment, e.g. `fe01.contoso.com`. */
  readonly servers: readonly string[];
  readonly command: readonly string[];
  /**
   * The servers' time zone (IANA) that preview assumes before the first look at the servers; after
   * one, the zone they reported is used (issue #15, server-zone.ts).
   */
  readonly serverTimeZone: string;
  readonly replicationTimeoutSeconds: number;
  readonly pollIntervalSeconds: number;
  readonly callTimeoutSeconds: number;
  readonly parallelism: number;
  /**
   * Set the declared state over a roll pending on the deployment that no declaration asked for
   * (FOREIGN_ROLL_PENDING), on the assumption that setting a certificate cancels a pending roll
   * (undocumented: docs/front-end.md). Present only when true, so state written before the
   * option existed compares equal. @default false
   */
  readonly replaceForeignRoll?: true;
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Checks a declared pool; returns the spec with defaults, or the problems (sentences), and the
 * warnings (a deprecated option). `undefined`/`null`: no pool (store only).
 */
export function checkPoolSpec(value: unknown): { readonly spec?: FrontEndPoolSpec; readonly problems: readonly string[]; readonly warnings?: readonly Finding<'POOL_OPTION_DEPRECATED'>[] } {
  if (value === undefined || value === null) return { problems: [] };
  const problems: string[] = [];
  const fix = 'build it with FrontEndPools.powershell({ servers: ["fe01.contoso.com", ...] })';
  if (typeof value !== 'object' || Array.isArray(value) || (value as { kind?: unknown }).kind !== POOL_KIND) {
    return { problems: [`The \`pool\` argument is not a pool this version knows (got ${shown(value)}); ${fix}, or leave it out to keep the certificate in the store only.`] };
  }
  const raw = value as Record<string, unknown>;

  const servers: string[] = [];
  if (!Array.isArray(raw.servers) || raw.servers.length === 0) {
    problems.push(`The pool's \`servers\` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got ${Array.isArray(raw.servers) ? 'an empty list' : shown(raw.servers)}.`);
  } else if (raw.servers.length > MAX_POOL_SERVERS) {
    problems.push(`The pool's \`servers\` lists ${raw.servers.length} servers, more than the ${MAX_POOL_SERVERS} one resource converges; split the deployment into several resources.`);
  } else {
    for (const server of raw.servers) {
      if (typeof server !== 'string' || !isPlausibleDomain(server) || !server.includes('.')) {
        problems.push(`The pool's \`servers\` entry ${shown(server)} is not a server FQDN; write it like "fe01.contoso.com", as \`Invoke-Command -ComputerName\` reaches it.`);
        continue;
      }
      const canonical = server.toLowerCase().replace(/\.$/, '');
      if (servers.includes(canonical)) problems.push(`The pool's \`servers\` lists "${canonical}" twice; list each Front End Server once.`);
      else servers.push(canonical);
    }
  }

  let command: readonly string[] = DEFAULT_POOL_COMMAND;
  if (raw.command !== undefined && raw.command !== null) {
    const ok = Array.isArray(raw.command) && raw.command.length > 0 && raw.command.every((part) => typeof part === 'string' && part.length > 0 && !part.includes('\u0000'));
    if (!ok) problems.push(`The pool's \`command\` must be the shell and its arguments as a non-empty list of non-empty strings, e.g. ${JSON.stringify(DEFAULT_POOL_COMMAND)} (the script goes to its stdin); got ${shown(raw.command)}; or leave it out for that default.`);
    else command = raw.command as string[];
  }

  // Issue #15: the effective date is no longer written as text, so no culture is involved; the
  // option stays accepted (and ignored) so that typed programs keep compiling.
  const warnings: Finding<'POOL_OPTION_DEPRECATED'>[] = [];
  if (raw.dateCulture !== undefined && raw.dateCulture !== null) {
    warnings.push({
      code: 'POOL_OPTION_DEPRECATED',
      message: `The pool's \`dateCulture\` (${shown(raw.dateCulture)}) is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers' Region and Language format no longer matters; remove it.`,
    });
  }

  let serverTimeZone = DEFAULT_SERVER_TIME_ZONE;
  if (raw.serverTimeZone !== undefined && raw.serverTimeZone !== null) {
    if (!isTimeZone(raw.serverTimeZone)) {
      problems.push(`The pool's \`serverTimeZone\` ${shown(raw.serverTimeZone)} is not an IANA time zone name; write the servers' zone like "Europe/Berlin" or "America/New_York", or leave it out for "${DEFAULT_SERVER_TIME_ZONE}".`);
    } else if (!zoneOfIana(raw.serverTimeZone)) {
      // A Windows server can only be in a zone Windows has (CLDR's windowsZones table).
      problems.push(`The pool's \`serverTimeZone\` ${shown(raw.serverTimeZone)} has no Windows time zone in CLDR's table, so no Front End Server can be in it; write the IANA name of the servers' Windows zone, like "Europe/Berlin" for "W. Europe Standard Time", or leave it out for "${DEFAULT_SERVER_TIME_ZONE}".`);
    } else serverTimeZone = raw.serverTimeZone;
  }

  const numbers = {} as Record<NumberOption, number>;
  for (const key of Object.keys(POOL_NUMBERS) as NumberOption[]) {
    const [fallback, min, max] = POOL_NUMBERS[key];
    const v = raw[key];
    numbers[key] = fallback;
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push(`The pool's \`${key}\` must be a whole number from ${min} to ${max}; got ${shown(v)}; or leave it out for ${fallback}.`);
    } else numbers[key] = v;
  }
  if (raw.replaceForeignRoll !== undefined && raw.replaceForeignRoll !== null && typeof raw.replaceForeignRoll !== 'boolean') {
    problems.push(`The pool's \`replaceForeignRoll\` must be true or false; got ${shown(raw.replaceForeignRoll)}; or leave it out for false (a roll nobody declared stops \`pulumi up\` with FOREIGN_ROLL_PENDING).`);
  }
  if (problems.length > 0) return { problems, ...(warnings.length > 0 ? { warnings } : {}) };
  return { spec: { kind: POOL_KIND, servers, command, serverTimeZone, ...numbers, ...(raw.replaceForeignRoll === true ? { replaceForeignRoll: true as const } : {}) }, problems, ...(warnings.length > 0 ? { warnings } : {}) };
}
