/**
 * The `pool` argument: the Front End Servers of the deployment and how to reach them through the
 * Skype for Business Server Management Shell. Non-secret: it is kept in state as an
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

/**
 * Which PowerShell runs the scripts: `desktop` is Windows PowerShell 5.1, where the
 * SkypeForBusiness module lives; `core` is PowerShell 7, which reaches the module only through
 * `Import-Module -UseWindowsPowerShell`.
 */
export const POOL_EDITIONS = ['desktop', 'core'] as const;
export type PoolEdition = (typeof POOL_EDITIONS)[number];
export const DEFAULT_POOL_EDITION: PoolEdition = 'desktop';

/**
 * The shell and its options per edition; the adapter appends `-File <script>` (docs/shell-contract.md:
 * `-Command -` runs stdin statement by statement, so an error does not stop the script).
 */
export const DEFAULT_POOL_COMMANDS: Readonly<Record<PoolEdition, readonly string[]>> = {
  desktop: ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'],
  core: ['pwsh', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'],
};
/** The default edition's command. */
export const DEFAULT_POOL_COMMAND: readonly string[] = DEFAULT_POOL_COMMANDS[DEFAULT_POOL_EDITION];

// Options that name the script themselves: the adapter gives `-File <path>`, so none may come
// before it (PowerShell takes the first; `-c`/`-f` are the documented short forms).
const SCRIPT_OPTIONS = new Set(['-command', '-c', '-file', '-f', '-encodedcommand', '-ec']);

/**
 * How the certificate reaches the servers: `replicated` (the default) imports it once with
 * `-Identity Global` and lets the Central Management Store replicate it; `manual` imports and
 * assigns it on every server itself, as the documentation's manual alternative does
 * (docs/front-end.md, "Manual mode").
 */
export const POOL_MODES = ['replicated', 'manual'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

/** How `Invoke-Command` reaches the servers; each option is passed only when set. */
export const REMOTING_AUTHENTICATIONS = ['Default', 'Kerberos', 'Negotiate', 'CredSSP'] as const;
export type RemotingAuthentication = (typeof REMOTING_AUTHENTICATIONS)[number];

export interface PoolRemoting {
  /** `-Authentication`: CredSSP for the double hop (docs/front-end.md). */
  readonly authentication?: RemotingAuthentication;
  /**
   * `-Credential`: the user name only; the password is a secret and never part of the spec
   * (it travels as the resource's secret input `poolPassword`, then in an owner-only file).
   */
  readonly credential?: { readonly userName: string };
  /** `-UseSSL` (WinRM over HTTPS). */
  readonly useSsl?: boolean;
  /** `-Port`. */
  readonly port?: number;
  /** `-ConfigurationName`, a session configuration on the servers. */
  readonly configurationName?: string;
}

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
  /** Windows PowerShell 5.1 (`desktop`) or PowerShell 7 (`core`). */
  readonly edition: PoolEdition;
  /** The shell and its options, without the script: the adapter appends `-File <path>`. */
  readonly command: readonly string[];
  /** How `Invoke-Command` reaches the servers; empty: PowerShell's defaults. */
  readonly remoting: PoolRemoting;
  /**
   * Whether `up` removes a local assignment made by hand on one server (`Remove-CsCertificate
   * -Force` there, which revokes that certificate's bindings on it). Default false: it is
   * reported as drift with the command that fixes it.
   */
  readonly removeLocalAssignments: boolean;
  /**
   * The servers' time zone (IANA) that preview assumes before the first look at the servers; after
   * one, the zone they reported is used (server-zone.ts).
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
  /**
   * `manual`: the PFX is imported into each server's local computer store and assigned there
   * (no replication). Present only when manual, so state written before the option existed
   * compares equal. @default replicated
   */
  readonly mode?: 'manual';
}

// A DNS label of letters (any script: Windows DNS takes Unicode host names), digits and hyphens.
const SERVER_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** A Front End's FQDN: two labels or more, ASCII (isPlausibleDomain) or not (Windows DNS takes Unicode host names). */
function isServerName(value: string): boolean {
  if (isPlausibleDomain(value)) return value.includes('.');
  const labels = value.toLowerCase().replace(/\.$/, '').split('.');
  return value.length <= 253 && labels.length >= 2 && labels.every((label) => SERVER_LABEL.test(label));
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
      if (typeof server !== 'string' || !isServerName(server)) {
        problems.push(`The pool's \`servers\` entry ${shown(server)} is not a server FQDN; write it like "fe01.contoso.com", as \`Invoke-Command -ComputerName\` reaches it.`);
        continue;
      }
      const canonical = server.toLowerCase().replace(/\.$/, '');
      if (servers.includes(canonical)) problems.push(`The pool's \`servers\` lists "${canonical}" twice; list each Front End Server once.`);
      else servers.push(canonical);
    }
  }

  let edition: PoolEdition = DEFAULT_POOL_EDITION;
  if (raw.edition !== undefined && raw.edition !== null) {
    if (typeof raw.edition !== 'string' || !(POOL_EDITIONS as readonly string[]).includes(raw.edition)) {
      problems.push(`The pool's \`edition\` must be "desktop" (Windows PowerShell 5.1, where the SkypeForBusiness module runs) or "core" (PowerShell 7); got ${shown(raw.edition)}; or leave it out for "desktop".`);
    } else edition = raw.edition as PoolEdition;
  }

  let command: readonly string[] = DEFAULT_POOL_COMMANDS[edition];
  if (raw.command !== undefined && raw.command !== null) {
    const ok = Array.isArray(raw.command) && raw.command.length > 0 && raw.command.every((part) => typeof part === 'string' && part.length > 0 && !part.includes('\u0000'));
    const scriptOption = ok ? (raw.command as string[]).slice(1).find((part) => SCRIPT_OPTIONS.has(part.toLowerCase())) : undefined;
    if (!ok) problems.push(`The pool's \`command\` must be the shell and its options as a non-empty list of non-empty strings, e.g. ${JSON.stringify(DEFAULT_POOL_COMMANDS[edition])} (the provider appends -File and the script's path); got ${shown(raw.command)}; or leave it out for that default.`);
    else if (scriptOption !== undefined) {
      problems.push(`The pool's \`command\` gives ${JSON.stringify(scriptOption)}; scripts now run with -File (the provider appends -File and the script's path, so a failing line stops the script), so remove ${JSON.stringify(scriptOption)} and what follows it, e.g. ${JSON.stringify(DEFAULT_POOL_COMMANDS[edition])}.`);
    } else command = raw.command as string[];
  }

  const remoting = remotingOf(raw, problems);

  let removeLocalAssignments = false;
  if (raw.removeLocalAssignments !== undefined && raw.removeLocalAssignments !== null) {
    if (typeof raw.removeLocalAssignments !== 'boolean') problems.push(`The pool's \`removeLocalAssignments\` must be true or false; got ${shown(raw.removeLocalAssignments)}; or leave it out for false (a local assignment is reported, not removed).`);
    else removeLocalAssignments = raw.removeLocalAssignments;
  }

  // The effective date is no longer written as text, so no culture is involved; the
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
  const mode = poolModeOf(raw, removeLocalAssignments, problems);
  if (problems.length > 0) return { problems, ...(warnings.length > 0 ? { warnings } : {}) };
  return {
    spec: { kind: POOL_KIND, servers, edition, command, remoting, removeLocalAssignments, serverTimeZone, ...numbers, ...(raw.replaceForeignRoll === true ? { replaceForeignRoll: true as const } : {}), ...(mode === 'manual' ? { mode } : {}) },
    problems,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** The pool's `mode`; problems are pushed as sentences. */
function poolModeOf(raw: Record<string, unknown>, removeLocalAssignments: boolean, problems: string[]): PoolMode {
  if (raw.mode === undefined || raw.mode === null) return 'replicated';
  if (typeof raw.mode !== 'string' || !(POOL_MODES as readonly string[]).includes(raw.mode)) {
    problems.push(`The pool's \`mode\` must be "replicated" (import once, globally; replication deploys it) or "manual" (import and assign on every server, no replication); got ${shown(raw.mode)}; or leave it out for "replicated".`);
    return 'replicated';
  }
  // In manual mode a local assignment is the desired state: removing it would undo the mode.
  if (raw.mode === 'manual' && removeLocalAssignments) {
    problems.push('The pool\'s `removeLocalAssignments: true` contradicts `mode: "manual"`: in manual mode each server\'s local assignment is the desired state, so `up` makes them rather than removes them; leave `removeLocalAssignments` out.');
  }
  return raw.mode as PoolMode;
}

// A session configuration name (`Microsoft.PowerShell`, `SkypeAdmins`): letters, digits and . _ -.
const CONFIGURATION_NAME = /^[A-Za-z0-9._-]{1,128}$/;
// A Windows user name: `CONTOSO\\svc-sfb` or `svc-sfb@contoso.com`; no control characters.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const USER_NAME = /^[^\u0000-\u001f]{1,256}$/;

/** The remoting options of a declared pool; problems are pushed as sentences. */
function remotingOf(raw: Record<string, unknown>, problems: string[]): PoolRemoting {
  const remoting: { -readonly [K in keyof PoolRemoting]: PoolRemoting[K] } = {};
  const set = (value: unknown) => value !== undefined && value !== null;
  if (set(raw.authentication)) {
    if (typeof raw.authentication !== 'string' || !(REMOTING_AUTHENTICATIONS as readonly string[]).includes(raw.authentication)) {
      problems.push(`The pool's \`authentication\` must be one of ${REMOTING_AUTHENTICATIONS.map((a) => `"${a}"`).join(', ')} (Invoke-Command -Authentication); got ${shown(raw.authentication)}; or leave it out for PowerShell's default.`);
    } else remoting.authentication = raw.authentication as RemotingAuthentication;
  }
  if (set(raw.credential)) {
    const credential = raw.credential as { userName?: unknown } | null;
    if (typeof credential !== 'object' || Array.isArray(credential) || credential === null || typeof credential.userName !== 'string' || !USER_NAME.test(credential.userName)) {
      problems.push(`The pool's \`credential\` must be { userName: "CONTOSO\\svc-sfb", password: <a secret> }; its userName was ${shown((credential as { userName?: unknown } | null)?.userName)}; or leave it out to connect as the user the provider runs as.`);
    } else remoting.credential = { userName: credential.userName };
  }
  if (set(raw.useSsl)) {
    if (typeof raw.useSsl !== 'boolean') problems.push(`The pool's \`useSsl\` must be true or false (Invoke-Command -UseSSL); got ${shown(raw.useSsl)}.`);
    else if (raw.useSsl) remoting.useSsl = true;
  }
  if (set(raw.port)) {
    if (typeof raw.port !== 'number' || !Number.isInteger(raw.port) || raw.port < 1 || raw.port > 65_535) problems.push(`The pool's \`port\` must be a whole number from 1 to 65535 (Invoke-Command -Port; WinRM listens on 5985, or 5986 with SSL); got ${shown(raw.port)}.`);
    else remoting.port = raw.port;
  }
  if (set(raw.configurationName)) {
    if (typeof raw.configurationName !== 'string' || !CONFIGURATION_NAME.test(raw.configurationName)) problems.push(`The pool's \`configurationName\` must be a session configuration name of letters, digits, ".", "_" or "-", e.g. "Microsoft.PowerShell"; got ${shown(raw.configurationName)}.`);
    else remoting.configurationName = raw.configurationName;
  }
  return remoting;
}
