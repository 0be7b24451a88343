/**
 * The `pool` argument: the Front End Servers of the deployment and how to reach them through the
 * Skype for Business Server Management Shell. Non-secret: it is kept in state as an
 * input. Without a pool, the resource stops at the store.
 *
 * Pure: the rules return every problem at once, each a sentence naming the field, the value seen
 * and the fix (resource-inputs.ts reports them as INVALID_ARGUMENT on the `pool` property).
 */
import { z } from 'zod';
import { isPlausibleDomain } from './sip-domain';
import type { Finding } from './errors';
import { DEFAULT_SERVER_TIME_ZONE, isTimeZone } from './server-date';
import { zoneOfIana } from './server-zone';
import { printValue } from './printed-value';
import { builtOnFirstUse, parseWith, worded } from './schema-sentences';

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

// A session configuration name (`Microsoft.PowerShell`, `SkypeAdmins`): letters, digits and . _ -.
const CONFIGURATION_NAME = /^[A-Za-z0-9._-]{1,128}$/;
// A Windows user name: `CONTOSO\\svc-sfb` or `svc-sfb@contoso.com`; no control characters.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const USER_NAME = /^[^\u0000-\u001f]{1,256}$/;

const FIX = 'build it with FrontEndPools.powershell({ servers: ["fe01.contoso.com", ...] })';

/** Null or left out: the default (Pulumi and JSON files write an unset option either way). */
function orDefault<S extends z.ZodType, D extends z.output<S>>(schema: S, fallback: D) {
  return schema.nullish().transform((value): z.output<S> | D => value ?? fallback);
}

/** An option that is a boolean; `sentence` words anything else. */
const flag = (sentence: (input: unknown) => string) => z.boolean(worded(sentence));

/** The servers, canonical (lower case, no trailing dot), each once. */
function serversSchema() {
  const listed = worded((input) => `The pool's \`servers\` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got ${Array.isArray(input) && input.length === 0 ? 'an empty list' : printValue(input)}.`);
  return z
    .array(z.unknown(), listed)
    .min(1, listed)
    .max(MAX_POOL_SERVERS, worded((input) => `The pool's \`servers\` lists ${(input as unknown[]).length} servers, more than the ${MAX_POOL_SERVERS} one resource converges; split the deployment into several resources.`))
    .transform((entries, context) => {
      const servers: string[] = [];
      for (const server of entries) {
        if (typeof server !== 'string' || !isServerName(server)) {
          context.addIssue({ code: 'custom', message: `The pool's \`servers\` entry ${printValue(server)} is not a server FQDN; write it like "fe01.contoso.com", as \`Invoke-Command -ComputerName\` reaches it.` });
          continue;
        }
        const canonical = server.toLowerCase().replace(/\.$/, '');
        if (servers.includes(canonical)) context.addIssue({ code: 'custom', message: `The pool's \`servers\` lists "${canonical}" twice; list each Front End Server once.` });
        else servers.push(canonical);
      }
      return servers;
    });
}

/** The shell and its options; its sentences show the edition's default. */
function commandSchema(edition: PoolEdition) {
  const example = JSON.stringify(DEFAULT_POOL_COMMANDS[edition]);
  const shape = worded((input) => `The pool's \`command\` must be the shell and its options as a non-empty list of non-empty strings, e.g. ${example} (the provider appends -File and the script's path); got ${printValue(input)}; or leave it out for that default.`);
  const isPart = (part: unknown): part is string => typeof part === 'string' && part.length > 0 && !part.includes('\u0000');
  return orDefault(
    z
      .array(z.unknown(), shape)
      .min(1, { ...shape, abort: true })
      .refine((parts) => parts.every(isPart), { ...shape, abort: true })
      .transform((parts) => parts as readonly string[])
      .superRefine((parts, context) => {
        const scriptOption = parts.slice(1).find((part) => SCRIPT_OPTIONS.has(part.toLowerCase()));
        if (scriptOption === undefined) return;
        context.addIssue({
          code: 'custom',
          message: `The pool's \`command\` gives ${JSON.stringify(scriptOption)}; scripts now run with -File (the provider appends -File and the script's path, so a failing line stops the script), so remove ${JSON.stringify(scriptOption)} and what follows it, e.g. ${example}.`,
        });
      }),
    DEFAULT_POOL_COMMANDS[edition],
  );
}

/** A whole number within the option's limits, or its default. */
function numberSchema(key: NumberOption) {
  const [fallback, min, max] = POOL_NUMBERS[key];
  const sentence = worded((input) => `The pool's \`${key}\` must be a whole number from ${min} to ${max}; got ${printValue(input)}; or leave it out for ${fallback}.`);
  return orDefault(z.number(sentence).int(sentence).min(min, sentence).max(max, sentence), fallback);
}

const userNameSentence = (userName: unknown) => `The pool's \`credential\` must be { userName: "CONTOSO\\svc-sfb", password: <a secret> }; its userName was ${printValue(userName)}; or leave it out to connect as the user the provider runs as.`;

const serverTimeZoneSchema = () =>
  orDefault(
  z
    .string(worded((input) => `The pool's \`serverTimeZone\` ${printValue(input)} is not an IANA time zone name; write the servers' zone like "Europe/Berlin" or "America/New_York", or leave it out for "${DEFAULT_SERVER_TIME_ZONE}".`))
    .refine(isTimeZone, { ...worded((input) => `The pool's \`serverTimeZone\` ${printValue(input)} is not an IANA time zone name; write the servers' zone like "Europe/Berlin" or "America/New_York", or leave it out for "${DEFAULT_SERVER_TIME_ZONE}".`), abort: true })
    // A Windows server can only be in a zone Windows has (CLDR's windowsZones table).
    .refine((zone) => zoneOfIana(zone) !== undefined, worded((input) => `The pool's \`serverTimeZone\` ${printValue(input)} has no Windows time zone in CLDR's table, so no Front End Server can be in it; write the IANA name of the servers' Windows zone, like "Europe/Berlin" for "W. Europe Standard Time", or leave it out for "${DEFAULT_SERVER_TIME_ZONE}".`)),
  DEFAULT_SERVER_TIME_ZONE,
);

/**
 * The declared pool, in the order its problems are reported. Strict: an option this version
 * does not know (a misspelt `removeLocalAssignment`) is refused rather than silently ignored.
 */
function poolSchema(edition: PoolEdition) {
  return z.strictObject(
    {
      kind: z.literal(POOL_KIND),
      servers: serversSchema(),
      edition: orDefault(z.enum(POOL_EDITIONS, worded((input) => `The pool's \`edition\` must be "desktop" (Windows PowerShell 5.1, where the SkypeForBusiness module runs) or "core" (PowerShell 7); got ${printValue(input)}; or leave it out for "desktop".`)), DEFAULT_POOL_EDITION),
      command: commandSchema(edition),
      authentication: z.enum(REMOTING_AUTHENTICATIONS, worded((input) => `The pool's \`authentication\` must be one of ${REMOTING_AUTHENTICATIONS.map((a) => `"${a}"`).join(', ')} (Invoke-Command -Authentication); got ${printValue(input)}; or leave it out for PowerShell's default.`)).nullish(),
      // The password is a secret and never part of the spec: only the user name is kept.
      credential: z
        .looseObject({ userName: z.string(worded(userNameSentence)).regex(USER_NAME, worded(userNameSentence)) }, worded((input) => userNameSentence(typeof input === 'object' && input !== null ? (input as { userName?: unknown }).userName : undefined)))
        .transform(({ userName }) => ({ userName }))
        .nullish(),
      useSsl: flag((input) => `The pool's \`useSsl\` must be true or false (Invoke-Command -UseSSL); got ${printValue(input)}.`).nullish(),
      port: z
        .number(worded(portSentence))
        .int(worded(portSentence))
        .min(1, worded(portSentence))
        .max(65_535, worded(portSentence))
        .nullish(),
      configurationName: z.string(worded(configurationNameSentence)).regex(CONFIGURATION_NAME, worded(configurationNameSentence)).nullish(),
      removeLocalAssignments: orDefault(flag((input) => `The pool's \`removeLocalAssignments\` must be true or false; got ${printValue(input)}; or leave it out for false (a local assignment is reported, not removed).`), false),
      // Deprecated, accepted and ignored (checkPoolSpec warns): typed programs keep compiling.
      dateCulture: z.unknown().optional(),
      serverTimeZone: serverTimeZoneSchema(),
      replicationTimeoutSeconds: numberSchema('replicationTimeoutSeconds'),
      pollIntervalSeconds: numberSchema('pollIntervalSeconds'),
      callTimeoutSeconds: numberSchema('callTimeoutSeconds'),
      parallelism: numberSchema('parallelism'),
      replaceForeignRoll: flag((input) => `The pool's \`replaceForeignRoll\` must be true or false; got ${printValue(input)}; or leave it out for false (a roll nobody declared stops \`pulumi up\` with FOREIGN_ROLL_PENDING).`).nullish(),
      mode: orDefault(z.enum(POOL_MODES, worded((input) => `The pool's \`mode\` must be "replicated" (import once, globally; replication deploys it) or "manual" (import and assign on every server, no replication); got ${printValue(input)}; or leave it out for "replicated".`)), 'replicated'),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownOptionsSentence(issue.keys) : notAPoolSentence(issue.input)) },
  );
}

function portSentence(input: unknown): string {
  return `The pool's \`port\` must be a whole number from 1 to 65535 (Invoke-Command -Port; WinRM listens on 5985, or 5986 with SSL); got ${printValue(input)}.`;
}

function configurationNameSentence(input: unknown): string {
  return `The pool's \`configurationName\` must be a session configuration name of letters, digits, ".", "_" or "-", e.g. "Microsoft.PowerShell"; got ${printValue(input)}.`;
}

function notAPoolSentence(value: unknown): string {
  return `The \`pool\` argument is not a pool this version knows (got ${printValue(value)}); ${FIX}, or leave it out to keep the certificate in the store only.`;
}

function unknownOptionsSentence(keys: readonly string[]): string {
  const named = keys.slice(0, 5).map(printValue).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');
  return `The pool has ${keys.length === 1 ? 'an option' : 'options'} this version does not know (${named}); the options are ${knownOptions().join(', ')}: correct the spelling or remove ${keys.length === 1 ? 'it' : 'them'}.`;
}

/** One schema per edition, so the `command` sentences show that edition's default. */
const poolSchemas = builtOnFirstUse((): Readonly<Record<PoolEdition, ReturnType<typeof poolSchema>>> => ({ desktop: poolSchema('desktop'), core: poolSchema('core') }));

/** The options a sentence lists when one is not known (`dateCulture` is deprecated: not offered). */
const knownOptions = () => Object.keys(poolSchemas().desktop.shape).filter((key) => key !== 'kind' && key !== 'dateCulture');

/**
 * What is read before the rules: a pool of this kind, its edition (the `command` sentences show
 * the edition's default, so an edition not known shows the default edition's), and the options
 * read across fields (the deprecated `dateCulture`; `mode` against `removeLocalAssignments`).
 */
const declaredPool = builtOnFirstUse(() =>
  z.looseObject({
  kind: z.literal(POOL_KIND),
  edition: z.enum(POOL_EDITIONS).catch(DEFAULT_POOL_EDITION).nullish(),
  dateCulture: z.unknown().optional(),
  }),
);
const manualAndRemoving = builtOnFirstUse(() => z.looseObject({ mode: z.literal('manual'), removeLocalAssignments: z.literal(true) }));

/**
 * Checks a declared pool; returns the spec with defaults, or the problems (sentences), and the
 * warnings (a deprecated option). `undefined`/`null`: no pool (store only).
 */
export function checkPoolSpec(value: unknown): { readonly spec?: FrontEndPoolSpec; readonly problems: readonly string[]; readonly warnings?: readonly Finding<'POOL_OPTION_DEPRECATED'>[] } {
  if (value === undefined || value === null) return { problems: [] };
  const declared = declaredPool().safeParse(value);
  if (!declared.success) return { problems: [notAPoolSentence(value)] };

  // The effective date is no longer written as text, so no culture is involved; the
  // option stays accepted (and ignored) so that typed programs keep compiling.
  const { dateCulture } = declared.data;
  const warnings: Finding<'POOL_OPTION_DEPRECATED'>[] =
    dateCulture === undefined || dateCulture === null
      ? []
      : [{ code: 'POOL_OPTION_DEPRECATED', message: `The pool's \`dateCulture\` (${printValue(dateCulture)}) is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers' Region and Language format no longer matters; remove it.` }];
  const warned = warnings.length > 0 ? { warnings } : {};

  const parsed = parseWith(poolSchemas()[declared.data.edition ?? DEFAULT_POOL_EDITION], value);
  // In manual mode a local assignment is the desired state: removing it would undo the mode.
  const contradiction = manualAndRemoving().safeParse(value).success
    ? ['The pool\'s `removeLocalAssignments: true` contradicts `mode: "manual"`: in manual mode each server\'s local assignment is the desired state, so `up` makes them rather than removes them; leave `removeLocalAssignments` out.']
    : [];
  if (!parsed.ok || contradiction.length > 0) return { problems: [...(parsed.ok ? [] : parsed.problems), ...contradiction], ...warned };

  const { servers, edition, command, authentication, credential, useSsl, port, configurationName, removeLocalAssignments, serverTimeZone, replaceForeignRoll, mode } = parsed.value;
  const remoting: PoolRemoting = {
    ...(authentication != null ? { authentication } : {}),
    ...(credential != null ? { credential } : {}),
    ...(useSsl === true ? { useSsl: true } : {}),
    ...(port != null ? { port } : {}),
    ...(configurationName != null ? { configurationName } : {}),
  };
  const { replicationTimeoutSeconds, pollIntervalSeconds, callTimeoutSeconds, parallelism } = parsed.value;
  return {
    spec: { kind: POOL_KIND, servers, edition, command, remoting, removeLocalAssignments, serverTimeZone, replicationTimeoutSeconds, pollIntervalSeconds, callTimeoutSeconds, parallelism, ...(replaceForeignRoll === true ? { replaceForeignRoll: true as const } : {}), ...(mode === 'manual' ? { mode } : {}) },
    problems: [],
    ...warned,
  };
}
