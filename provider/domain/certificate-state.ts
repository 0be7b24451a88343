/**
 * The resource's Pulumi state read once, into typed values: every key this provider stores is
 * declared here with its schema, stored dates become `Date`s through the one strict parser
 * (time.ts), state written by earlier versions is migrated first (resource-state.ts), and what
 * could not be read is reported as values, key by key, instead of thrown. The shell then works
 * on {@link StoredState} and never re-reads a raw value.
 *
 * One schema approach at every boundary: zod. Its start-up cost was measured before it was
 * adopted: `require('zod')` takes 55-80 ms on Node 24 on the CI machine, once per provider
 * process, against about 370 ms for `@pulumi/pulumi`, which every provider process loads too.
 * Pure: no Pulumi, no clock.
 */
import { z } from 'zod';
import type { Finding } from './errors';
import { isSfbError } from './errors';
import type { RecordedFacts } from './pfx-checks';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { migrateState, type CheckedInputs, type StoreSpec } from './resource-state';
import type { StoreRotation } from './store-rules';
import { isoInstant as instant } from './schema-sentences';
import { parseIsoInstant } from './time';


const nullableString = z.string().nullable();

const storeSpec = z.custom<StoreSpec>((value) => typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string', 'is not a store (an object with a `kind`)');

const poolSpec = z.custom<FrontEndPoolSpec>((value) => typeof value === 'object' && value !== null && Array.isArray((value as { servers?: unknown }).servers), 'is not a pool (an object with `servers`)');

const storeRotation = z.object({ lambdaArn: nullableString }).nullable() satisfies z.ZodType<StoreRotation | null>;

/**
 * The facts check records of the PFX, complete: state written before they were all recorded is
 * re-validated instead (its PFX is decrypted again).
 */
const recordedFacts = z.object({
  hasMac: z.boolean(),
  thumbprint: z.string(),
  subject: z.string(),
  commonNames: z.array(z.string()),
  dnsNames: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  signatureHash: z.enum(['sha1', 'md5', 'sha2', 'other']),
  keyAlgorithm: z.string(),
  keyBits: z.number().nullable(),
  chainSize: z.number(),
  chainComplete: z.boolean(),
}) satisfies z.ZodType<RecordedFacts>;

/** Every key the provider keeps in state (and `check` sees in the old inputs), with its schema. */
const STATE_KEYS = {
  schemaVersion: z.number().int(),
  sipDomain: z.string(),
  secretName: z.string(),
  /** The PFX, base64 (old inputs only: never in outputs). Secret. */
  pfx: z.string(),
  /** The PFX password (old inputs only). Secret. */
  password: nullableString,
  /** A certificate a Front End Server already has, as declared (certificate-source.ts reads it). */
  certificate: z.unknown(),
  effectiveDate: instant,
  minKeyBits: z.number(),
  warnBeforeExpiryDays: z.number(),
  store: storeSpec,
  /** Secret. */
  storePassphrase: nullableString,
  /** Secret. */
  poolPassword: nullableString,
  owner: z.string(),
  adopt: z.boolean(),
  thumbprint: z.string(),
  subject: z.string(),
  dnsNames: z.array(z.string()),
  keyBits: z.number().nullable(),
  notBefore: instant,
  notAfter: instant,
  certificateFacts: recordedFacts,
  versionId: z.string(),
  plan: z.string(),
  previousThumbprint: nullableString,
  pendingThumbprint: nullableString,
  storeDescription: z.string(),
  storeRotation,
  pool: poolSpec,
  /** The Front End servers as last seen: the pool's own shape (deployment-plan.ts reads it). */
  servers: z.unknown(),
  /** The certificate the declared one replaced (the pool's preview reads it). */
  retiredCertificate: z.unknown(),
  /** The serialized provider the engine keeps beside the outputs. */
  __provider: z.unknown(),
} as const;

type StateKeys = typeof STATE_KEYS;

/** The state, typed: each key present and readable, with dates as `Date`s. */
export type StoredState = { readonly [K in keyof StateKeys]?: z.output<StateKeys[K]> };

/** A stored key that could not be read: its value is left out of {@link StoredState}. */
export interface UnreadKey {
  readonly key: string;
  /** What is wrong, as a sentence fragment (never the value: it may be a secret). */
  readonly reason: string;
}

/** An ISO 8601 instant kept as the string state stores (checked by the strict parser). */
const instantText = z.string().refine((value) => parseIsoInstant(value).ok, 'is not an ISO 8601 instant with a zone');

/**
 * The inputs `check` returned, as create and update receive them: every fact check computed
 * present. Keys this schema does not name (the pool, the recorded facts, the serialized
 * provider) pass through unchanged.
 */
const checkedInputs = z.looseObject({
  sipDomain: z.string(),
  // Absent (null) for a certificate a Front End Server already has.
  pfx: z.string().nullable().optional(),
  password: nullableString.optional(),
  effectiveDate: instantText.optional(),
  minKeyBits: z.number(),
  warnBeforeExpiryDays: z.number(),
  secretName: z.string(),
  store: storeSpec,
  storePassphrase: nullableString.catch(null),
  poolPassword: nullableString.optional(),
  pool: poolSpec.optional(),
  // A missing owner is reported by the store step with its own sentence.
  owner: z.string().catch(''),
  adopt: z.boolean().catch(false),
  thumbprint: z.string(),
  subject: z.string(),
  dnsNames: z.array(z.string()),
  keyBits: z.number(),
  notBefore: instantText,
  notAfter: instantText,
  versionId: z.string(),
  plan: z.string(),
}) satisfies z.ZodType<CheckedInputs>;

/** The facts of a certificate as the checked inputs keep them at their top level (the diff, `status` and `review` read them there). */
export function certificateFactKeys(facts: {
  readonly thumbprint: string;
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly keyBits: number | null;
  readonly notBefore: string;
  readonly notAfter: string;
}): Pick<CheckedInputs, 'thumbprint' | 'subject' | 'dnsNames' | 'keyBits' | 'notBefore' | 'notAfter'> {
  // A key of unknown size (a server that did not report it) is kept as 0: the checks already said so.
  return { thumbprint: facts.thumbprint, subject: facts.subject, dnsNames: [...facts.dnsNames], keyBits: facts.keyBits ?? 0, notBefore: facts.notBefore, notAfter: facts.notAfter };
}

/** The checked inputs, typed; what is missing or malformed is listed (a bug of ours: check wrote them). */
export function parseCheckedInputs(raw: Record<string, unknown>): { readonly ok: true; readonly inputs: z.output<typeof checkedInputs> } | { readonly ok: false; readonly unread: readonly UnreadKey[] } {
  const parsed = checkedInputs.safeParse(raw);
  if (parsed.success) return { ok: true, inputs: parsed.data };
  return { ok: false, unread: unreadOf(parsed.error) };
}

/**
 * What refresh's pool step reads of the state: the pool, its credential's password, the declared
 * certificate (dates kept as the text state stores: the `servers` output repeats it) and the
 * `servers` output last recorded.
 */
const poolState = z.object({
  pool: poolSpec,
  poolPassword: nullableString.optional(),
  thumbprint: z.string(),
  notBefore: instantText,
  notAfter: instantText,
  effectiveDate: instantText.nullish(),
  servers: z.unknown().optional(),
});

/** The state's pool and declared certificate, typed; undefined when the state has no pool. */
export function parsePoolState(raw: Record<string, unknown>): { readonly ok: true; readonly inputs: z.output<typeof poolState> | undefined } | { readonly ok: false; readonly unread: readonly UnreadKey[] } {
  if (raw.pool === undefined || raw.pool === null) return { ok: true, inputs: undefined };
  const parsed = poolState.safeParse(raw);
  if (parsed.success) return { ok: true, inputs: parsed.data };
  return { ok: false, unread: unreadOf(parsed.error) };
}

function unreadOf(error: z.ZodError): UnreadKey[] {
  return error.issues.map((issue) => ({ key: issue.path.map(String).join('.'), reason: issue.message }));
}

export type ParsedState =
  | {
      readonly ok: true;
      readonly state: StoredState;
      /** The migrated state as stored: what a failed update keeps. */
      readonly record: Record<string, unknown>;
      /** The schema the state was written in. */
      readonly from: number;
      /** Keys present but unreadable, and keys this version does not know. */
      readonly unread: readonly UnreadKey[];
    }
  | { readonly ok: false; readonly problem: Finding<'STATE_UNSUPPORTED'> };

function isStateKey(key: string): key is keyof StateKeys {
  return Object.prototype.hasOwnProperty.call(STATE_KEYS, key);
}

/** Reads raw Pulumi state (or old inputs) into typed values. Absent and `undefined` keys are absent. */
export function parseCertificateState(raw: Record<string, unknown>): ParsedState {
  let migrated: { state: Record<string, unknown>; from: number };
  try {
    migrated = migrateState(raw);
  } catch (error) {
    if (isSfbError(error) && error.code === 'STATE_UNSUPPORTED') return { ok: false, problem: { code: 'STATE_UNSUPPORTED', message: error.message } };
    throw error;
  }
  return { ok: true, ...parseStoredValues(migrated.state), record: migrated.state, from: migrated.from };
}

/**
 * Reads values with the state's schemas, without migrating: inputs (old or new) carry the same
 * keys but no schema version.
 */
export function parseStoredValues(raw: Record<string, unknown>): { readonly state: StoredState; readonly unread: readonly UnreadKey[] } {
  const state: Record<string, unknown> = {};
  const unread: UnreadKey[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!isStateKey(key)) {
      unread.push({ key, reason: 'is not a key this version of sfb-oauth-cert stores' });
      continue;
    }
    const parsed = STATE_KEYS[key].safeParse(value);
    if (parsed.success) state[key] = parsed.data;
    else unread.push({ key, reason: parsed.error.issues.map((issue) => issue.message).join('; ') });
  }
  return { state: state as StoredState, unread };
}
