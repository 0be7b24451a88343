/**
 * The emulated deployment on disk: the Central Management Store (versions of the global
 * certificate assignments), each Front End's replica of it, the certificates imported, the
 * clock, and the configuration (servers, culture, time zone, replication delay, stale servers).
 *
 * Layout of the state directory ($SFB_SKYPE_EMULATOR_DIR), docs/skype-emulator.md:
 *   state.json    this file's EmulatorState, written atomically (write-file-atomic)
 *   clock.json    {"now": ISO 8601 | null}: the emulated clock; null is the real clock
 *   scripts.log   one JSON line per script received (for the tests' secret scans)
 * Every run holds proper-lockfile's lock on state.json from reading to writing, so two scripts at
 * once run one after the other, each on the other's result.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { findWindows } from 'windows-iana';
import writeFileAtomic from 'write-file-atomic';
import { parseClockShift, TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { parseIsoInstant } from '../../provider/domain/time';
import { CULTURES, isCulture, isTimeZone, type Culture } from './culture';
import type { Edition } from './values';

export const STATE_DIR_VARIABLE = 'SFB_SKYPE_EMULATOR_DIR';

/** One assignment of a certificate to a use. Dates are ISO 8601 UTC. */
export interface Assignment {
  readonly thumbprint: string;
  /** When it became (or becomes) current. */
  readonly effectiveDate: string;
  /** When the assignment was written. */
  readonly updateTime: string;
}

/** Skype's two copies per type (current, previous), plus a roll not yet effective. */
export interface Slot {
  readonly current?: Assignment;
  readonly previous?: Assignment;
  readonly scheduled?: Assignment;
}

export type Slots = Readonly<Record<string, Slot>>;

/** One version of the CMS's global assignments. */
export interface CmsVersion {
  readonly version: number;
  readonly createdAt: string;
  readonly slots: Slots;
}

export interface Replica {
  /** The CMS version this server holds. */
  version: number;
  /** Set by Invoke-CsManagementStoreReplication (or un-staling): a full resync completes then. */
  resyncAt?: string;
}

/** What Get-CsCertificate reports of an imported certificate (non-secret facts only). */
export interface CertificateRecord {
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly alternativeNames: readonly string[];
  readonly keyBits: number | null;
  /** Whether the PFX held the certificate's private key (OAuthTokenIssuer needs it). */
  readonly hasPrivateKey: boolean;
  /** Imported into the global (CMS) store: usable on every server. */
  global: boolean;
  /** Servers whose local store holds it. */
  importedOn: string[];
  privateKeyExportable: boolean;
}

export interface EmulatorConfig {
  /** Front End FQDNs, lower case, in pool order. */
  servers: string[];
  /** The server a script runs on outside Invoke-Command (where the Management Shell is open). */
  localServer: string;
  /** The servers' culture (their Region setting). */
  culture: Culture;
  /** The servers' time zone (IANA; scripts see its Windows id). */
  timeZone: string;
  /** The shell the scripts run in: Windows PowerShell 5.1 (desktop, the default) or PowerShell 7 (core). */
  edition: Edition;
  /** The culture of the session that runs the script (the caller's: WinRM passes it to the servers). */
  sessionCulture: Culture;
  /** The time zone (IANA) of the machine that runs the script outside Invoke-Command. */
  sessionTimeZone: string;
  /** Servers WinRM cannot reach (Invoke-Command fails for them, the others answer). */
  unreachable: string[];
  /** Servers whose time zone differs from `timeZone` (FQDN → IANA). */
  serverTimeZones: Record<string, string>;
  /** Emulated seconds between a CMS change and the replicas holding it. */
  replicationDelaySeconds: number;
  /** Servers whose replica never catches up. */
  stale: string[];
}

export interface EmulatorState {
  readonly format: 1;
  config: EmulatorConfig;
  cms: { history: CmsVersion[] };
  replicas: Record<string, Replica>;
  certificates: Record<string, CertificateRecord>;
  /** Local-scope assignments (other types without -Identity Global), per server. */
  local: Record<string, Record<string, Slot>>;
  /** Files and directories made on the servers through remoting (server-files.ts); absent: none. */
  serverFiles?: Record<string, Record<string, ServerFile>>;
}

/** A file or directory on one server's disk, made through remoting (server-files.ts). */
export interface ServerFile {
  /** The path as it was given (Windows paths compare case-insensitively: the key is lower case). */
  readonly path: string;
  readonly kind: 'directory' | 'file';
  /** Who may read it (its ACL, reduced to the principals granted read), inherited from its parent. */
  readonly readers: readonly string[];
  /** A file's bytes, base64 (the state file is 0600, as the PFX files the adapter writes). */
  readonly content?: string;
}

/** A usage problem of the emulator itself (exit status 2), not a PowerShell error. */
export class EmulatorUsageError extends Error {
  override readonly name = 'EmulatorUsageError';
}

export function stateDirFrom(env: NodeJS.ProcessEnv, cwd: string): string {
  const dir = env[STATE_DIR_VARIABLE];
  if (dir === undefined || dir === '') {
    throw new EmulatorUsageError(
      `${STATE_DIR_VARIABLE} is not set: set it to the emulator's state directory (made by \`sfb-skype-emulator admin init\`); the emulator keeps no state anywhere else.`,
    );
  }
  return resolve(cwd, dir);
}

export const statePath = (dir: string): string => join(dir, 'state.json');
export const clockPath = (dir: string): string => join(dir, 'clock.json');
export const scriptLogPath = (dir: string): string => join(dir, 'scripts.log');

export function initialState(config: EmulatorConfig, now: Date): EmulatorState {
  return {
    format: 1,
    config,
    cms: { history: [{ version: 0, createdAt: now.toISOString(), slots: {} }] },
    replicas: Object.fromEntries(config.servers.map((s) => [s, { version: 0 }])),
    certificates: {},
    local: Object.fromEntries(config.servers.map((s) => [s, {}])),
  };
}

/** Creates the directory (0700) and writes the first state and the clock. */
export function createStateDir(dir: string, state: EmulatorState, clockNow: string | null, force: boolean): void {
  if (existsSync(statePath(dir)) && !force) {
    throw new EmulatorUsageError(`${dir} already holds an emulated deployment (state.json); pass --force to start a new one there.`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileAtomic.sync(statePath(dir), `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
  writeClock(dir, clockNow);
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new EmulatorUsageError(`${file} does not exist: run \`sfb-skype-emulator admin init --servers ...\` with ${STATE_DIR_VARIABLE} set to this directory first.`);
    }
    throw new EmulatorUsageError(`The emulator's ${what} ${file} cannot be read (${code ?? (error as Error).message}); run \`admin init --force\` to start over.`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * What is wrong with the shape of a parsed state.json, or undefined when it is this version's
 * shape. Checked before any use: valid JSON of another structure (`null`,
 * `{"format":1}`, a hand edit) otherwise ended in a TypeError deep in the interpreter.
 */
export function stateShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return `it holds ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`;
  if (value.format !== 1) return 'its "format" is not 1';
  const { config, cms, replicas, certificates, local } = value;
  if (!isObject(config)) return '"config" is not an object';
  if (!isStringList(config.servers) || !isStringList(config.stale)) return '"config.servers" or "config.stale" is not a list of names';
  if (typeof config.localServer !== 'string' || typeof config.culture !== 'string' || typeof config.timeZone !== 'string') return '"config" lacks its localServer, culture or timeZone';
  if (typeof config.replicationDelaySeconds !== 'number') return '"config.replicationDelaySeconds" is not a number';
  if (!isObject(cms) || !Array.isArray(cms.history) || cms.history.length === 0) return '"cms.history" is not a non-empty list';
  const badVersion = cms.history.findIndex((v: unknown) => !isObject(v) || typeof v.version !== 'number' || typeof v.createdAt !== 'string' || !isObject(v.slots));
  if (badVersion >= 0) return `"cms.history" entry ${badVersion + 1} is not a version ({version, createdAt, slots})`;
  if (!isObject(replicas) || !Object.values(replicas).every((r) => isObject(r) && typeof r.version === 'number')) return '"replicas" is not a map of {version}';
  if (!isObject(certificates) || !Object.values(certificates).every(isObject)) return '"certificates" is not a map of records';
  if (!isObject(local) || !Object.values(local).every(isObject)) return '"local" is not a map of assignments';
  return undefined;
}

export function readState(dir: string): EmulatorState {
  const parsed = readJson(statePath(dir), 'state');
  const problem = stateShapeProblem(parsed);
  if (problem !== undefined) {
    throw new EmulatorUsageError(`The emulator's state ${statePath(dir)} is not a deployment this emulator wrote (${problem}); run \`admin init --force\` to start over.`);
  }
  const state = parsed as EmulatorState;
  // A state written before the emulator modelled two editions has no edition or session: 5.1 on a Front End.
  const config = state.config as Partial<EmulatorConfig> & EmulatorConfig;
  config.edition ??= 'desktop';
  config.sessionCulture ??= config.culture;
  config.sessionTimeZone ??= config.timeZone;
  config.unreachable ??= [];
  config.serverTimeZones ??= {};
  return state;
}

export function writeState(dir: string, state: EmulatorState): void {
  writeFileAtomic.sync(statePath(dir), `${JSON.stringify(state, null, 1)}\n`, { mode: 0o600 });
}

/** The emulated clock's override, or null for the real clock. */
export function readClock(dir: string): string | null {
  if (!existsSync(clockPath(dir))) return null;
  const clock = readJson(clockPath(dir), 'clock');
  if (!isObject(clock)) throw new EmulatorUsageError(`The emulator's clock ${clockPath(dir)} is not an object {"now": ...}; run \`admin set-clock real\` (or \`admin init --force\`) to start over.`);
  if (clock.now === null || clock.now === undefined) return null;
  const parsed = parseIsoInstant(clock.now);
  if (!parsed.ok) throw new EmulatorUsageError(`${clockPath(dir)}: "now" ${parsed.reason}; write an ISO 8601 instant or null.`);
  return parsed.date.toISOString();
}

export function writeClock(dir: string, now: string | null): void {
  writeFileAtomic.sync(clockPath(dir), `${JSON.stringify({ now })}\n`, { mode: 0o600 });
}

/**
 * The emulated now: the clock file's override, else the real clock shifted as the provider's is
 * (SFB_OAUTH_CERT_TEST_CLOCK_SHIFT_SECONDS, inherited from the provider that spawns the emulator).
 */
export function emulatedNow(dir: string): Date {
  const override = readClock(dir);
  if (override !== null) return new Date(override);
  const shift = parseClockShift(process.env[TEST_CLOCK_VARIABLE]);
  if (!shift.ok) throw new EmulatorUsageError(shift.problem.message);
  return new Date(Date.now() + (shift.seconds ?? 0) * 1000);
}

/** Runs `work` holding the state directory's lock (waits for another run to finish). */
export async function withStateLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  if (!existsSync(statePath(dir))) readState(dir);
  if (!statSync(dir).isDirectory()) throw new EmulatorUsageError(`${dir} is not a directory.`);
  const release = await lockfile.lock(statePath(dir), {
    stale: 10_000,
    update: 2_000,
    retries: { retries: 600, minTimeout: 20, maxTimeout: 200 },
    realpath: false,
  });
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Appends one record to scripts.log (under the lock). */
export function logScript(dir: string, record: Record<string, unknown>): void {
  appendFileSync(scriptLogPath(dir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export function validateConfig(config: EmulatorConfig): void {
  if (config.servers.length === 0) throw new EmulatorUsageError('--servers names no server: give the Front End FQDNs, comma-separated (fe01.contoso.com,fe02.contoso.com).');
  for (const server of config.servers) {
    // Labels of letters in any script, digits and hyphens: Windows DNS and WinRM take Unicode host
    // names, so the emulator does too.
    if (!/^[\p{Ll}\p{Lo}\p{N}](?:[\p{Ll}\p{Lo}\p{N}-]*[\p{Ll}\p{Lo}\p{N}])?(?:\.[\p{Ll}\p{Lo}\p{N}](?:[\p{Ll}\p{Lo}\p{N}-]*[\p{Ll}\p{Lo}\p{N}])?)*$/u.test(server)) {
      throw new EmulatorUsageError(`--servers: "${server}" is not a host name; give FQDNs such as fe01.contoso.com (lower case).`);
    }
  }
  if (new Set(config.servers).size !== config.servers.length) throw new EmulatorUsageError('--servers names a server twice; name each Front End once.');
  if (!config.servers.includes(config.localServer)) throw new EmulatorUsageError(`--local-server "${config.localServer}" is not among --servers; name one of ${config.servers.join(', ')}.`);
  if (!isCulture(config.culture)) throw new EmulatorUsageError(`--culture "${String(config.culture)}" is not supported; choose one of ${CULTURES.join(', ')}.`);
  if (!isTimeZone(config.timeZone)) throw new EmulatorUsageError(`--time-zone "${config.timeZone}" is not an IANA time zone; give a name such as UTC or Europe/Berlin.`);
  if (!isCulture(config.sessionCulture)) throw new EmulatorUsageError(`--session-culture "${String(config.sessionCulture)}" is not supported; choose one of ${CULTURES.join(', ')}.`);
  if (!isTimeZone(config.sessionTimeZone)) throw new EmulatorUsageError(`--session-time-zone "${config.sessionTimeZone}" is not an IANA time zone; give a name such as UTC or Europe/Berlin.`);
  if (config.edition !== 'desktop' && config.edition !== 'core') throw new EmulatorUsageError(`--edition "${String(config.edition)}" is not known; choose desktop (Windows PowerShell 5.1) or core (PowerShell 7).`);
  for (const [server, zone] of Object.entries(config.serverTimeZones)) {
    if (!config.servers.includes(server)) throw new EmulatorUsageError(`--server-time-zone: "${server}" is not among the servers (${config.servers.join(', ')}).`);
    if (!isTimeZone(zone)) throw new EmulatorUsageError(`--server-time-zone: "${zone}" is not an IANA time zone; give FQDN=Europe/Berlin.`);
  }
  // Scripts see zones as Windows ids ([TimeZoneInfo]::Local.Id): each must have one in CLDR's map.
  for (const zone of [config.timeZone, config.sessionTimeZone, ...Object.values(config.serverTimeZones)]) {
    if (findWindows(zone).length === 0) throw new EmulatorUsageError(`the time zone "${zone}" has no Windows id in CLDR's map (windows-iana); give a zone Windows knows, such as Europe/Berlin.`);
  }
  for (const s of config.unreachable) if (!config.servers.includes(s)) throw new EmulatorUsageError(`unreachable server "${s}" is not among the servers (${config.servers.join(', ')}).`);
  if (!Number.isInteger(config.replicationDelaySeconds) || config.replicationDelaySeconds < 0) {
    throw new EmulatorUsageError(`--replication-delay "${String(config.replicationDelaySeconds)}" is not a whole number of seconds >= 0.`);
  }
  for (const s of config.stale) if (!config.servers.includes(s)) throw new EmulatorUsageError(`stale server "${s}" is not among the servers (${config.servers.join(', ')}).`);
}
