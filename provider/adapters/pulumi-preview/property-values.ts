/**
 * The values of a resource's state in `pulumi preview --json`, as the review may show them. The
 * document may hold the PFX, its password and the store passphrase as "[secret]", as Pulumi's
 * secret envelope, or in plaintext (`pulumi preview --json --show-secrets`): only the properties
 * read here are ever read, a value marked secret or not yet known is hidden, and each value must
 * have the form the provider writes (a thumbprint, an instant, one plan line) to be shown.
 */
import type { NewCertificateState, OldCertificateState, RecordedServer, Reviewed } from '../../domain/review';
import { parseIsoInstant } from '../../domain/time';

/** Pulumi's JSON stand-in for a value not known until `pulumi up` (sdk/go/common/resource/plugin). */
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** The key that marks a serialized secret envelope (`{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ... }`). */
const SECRET_SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
/** Inputs that hold secrets whatever the program passed (resource.ts makes them secret). */
const SECRET_PROPERTIES = ['pfx', 'password', 'storePassphrase'];

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function isSecretValue(value: unknown): boolean {
  return value === '[secret]' || (isObject(value) && SECRET_SIGNATURE_KEY in value);
}

/** The plaintext secrets a resource state reveals (`--show-secrets`), each at least 4 characters. */
export function plaintextSecretsOf(state: Json): string[] {
  const found: string[] = [];
  const secretNames = new Set([...SECRET_PROPERTIES, ...(Array.isArray(state.additionalSecretOutputs) ? state.additionalSecretOutputs.filter((n): n is string => typeof n === 'string') : [])]);
  for (const bag of [state.inputs, state.outputs]) {
    if (!isObject(bag)) continue;
    for (const name of secretNames) {
      const value = bag[name];
      // Short values would blank out ordinary words; a secret that short is no secret anyway.
      if (typeof value === 'string' && value.length >= 4 && value !== '[secret]' && value !== UNKNOWN_VALUE) found.push(value);
    }
  }
  return found;
}

/**
 * One property of a state: from `inputs` first for a new state (preview has only the checked
 * inputs), from `outputs` first for an old one (what `up` recorded). A property listed in
 * `additionalSecretOutputs` reads as a secret whatever it holds.
 */
function readProperty(state: Json, name: string, prefer: 'inputs' | 'outputs'): unknown {
  const secretOutputs = Array.isArray(state.additionalSecretOutputs) ? state.additionalSecretOutputs : [];
  if (secretOutputs.includes(name)) return { [SECRET_SIGNATURE_KEY]: true };
  const order = prefer === 'inputs' ? [state.inputs, state.outputs] : [state.outputs, state.inputs];
  for (const bag of order) if (isObject(bag) && bag[name] !== undefined && bag[name] !== null) return bag[name];
  return undefined;
}

/** A value as the review shows it: hidden if secret or unknown, null when absent, else `read` of it. */
function reviewed<T>(value: unknown, read: (value: unknown) => T | null): Reviewed<T> {
  if (value === undefined || value === null) return null;
  if (isSecretValue(value)) return { hidden: 'secret' };
  if (value === UNKNOWN_VALUE) return { hidden: 'unknown' };
  return read(value);
}

/** A SHA-1 thumbprint in upper case, or null. */
export const thumbprintOf = (value: unknown): string | null => (typeof value === 'string' && /^[0-9A-Fa-f]{40}$/.test(value) ? value.toUpperCase() : null);
const instantOf = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  const parsed = parseIsoInstant(value);
  return parsed.ok ? parsed.date.toISOString() : null;
};
/**
 * The longest plan line shown whole. The provider's line names at most three servers whatever
 * the pool's size (plan-lines.ts), each at most a 253-character FQDN: about 1,200 characters at
 * worst. A longer one is cut here and says so, never dropped: the plan line is what a reviewer
 * reads first.
 */
export const MAX_PLAN_CHARS = 2000;
// A plan line is one line the provider wrote; text with line breaks is not shown as one.
const planOf = (value: unknown): string | null => {
  if (typeof value !== 'string' || /[\r\n]/.test(value)) return null;
  return value.length <= MAX_PLAN_CHARS ? value : `${value.slice(0, MAX_PLAN_CHARS)}... (${value.length - MAX_PLAN_CHARS} more characters)`;
};

/** The `servers` output (FQDN → `{ current, pending: { thumbprint } }`); an unreadable record is an empty list. */
const recordedServersOf = (value: unknown): RecordedServer[] =>
  !isObject(value)
    ? []
    : Object.entries(value).map(([server, entry]) => ({
        server,
        current: isObject(entry) ? thumbprintOf(entry.current) : null,
        pending: isObject(entry) && isObject(entry.pending) ? thumbprintOf(entry.pending.thumbprint) : null,
        previous: isObject(entry) ? thumbprintOf(entry.previous) : null,
        currentNotAfter: isObject(entry) ? instantOf(entry.currentNotAfter) : null,
        previousNotAfter: isObject(entry) ? instantOf(entry.previousNotAfter) : null,
      }));

/** The `pool` input's server list; null when it has none (the recorded servers are then the declared ones). */
const poolServersOf = (value: unknown): string[] | null => (isObject(value) && Array.isArray(value.servers) ? value.servers.filter((s): s is string => typeof s === 'string') : null);

/** What the review reads of a recorded (old) state. */
export function oldCertificateState(state: Json): OldCertificateState {
  const nextRenewalAt = reviewed(readProperty(state, 'nextRenewalAt', 'outputs'), instantOf);
  return {
    thumbprint: reviewed(readProperty(state, 'thumbprint', 'outputs'), thumbprintOf),
    notBefore: reviewed(readProperty(state, 'notBefore', 'outputs'), instantOf),
    notAfter: reviewed(readProperty(state, 'notAfter', 'outputs'), instantOf),
    effectiveDate: reviewed(readProperty(state, 'effectiveDate', 'outputs'), instantOf),
    previousThumbprint: reviewed(readProperty(state, 'previousThumbprint', 'outputs'), thumbprintOf),
    pendingThumbprint: reviewed(readProperty(state, 'pendingThumbprint', 'outputs'), thumbprintOf),
    servers: reviewed(readProperty(state, 'servers', 'outputs'), recordedServersOf),
    // Only a certificate from an issuer records one.
    ...(nextRenewalAt !== null ? { nextRenewalAt } : {}),
  };
}

/** What the review reads of a checked (new) state. */
export function newCertificateState(state: Json): NewCertificateState {
  return {
    thumbprint: reviewed(readProperty(state, 'thumbprint', 'inputs'), thumbprintOf),
    notBefore: reviewed(readProperty(state, 'notBefore', 'inputs'), instantOf),
    notAfter: reviewed(readProperty(state, 'notAfter', 'inputs'), instantOf),
    effectiveDate: reviewed(readProperty(state, 'effectiveDate', 'inputs'), instantOf),
    plan: reviewed(readProperty(state, 'plan', 'inputs'), planOf),
    poolServers: reviewed(readProperty(state, 'pool', 'inputs'), poolServersOf),
  };
}
