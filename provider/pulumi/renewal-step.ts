/**
 * A certificate that comes from an issuer, in the dynamic provider: check validates the issuer
 * and the renewal settings and plans what up would do now (renewal-policy.ts) on the certificate
 * the store holds, since the engine hands check the old inputs, never the state: that plan line
 * is what preview shows. Diff decides on the state whether renewal makes the run an update;
 * create and update order when the policy says so and hand the store step the issued
 * certificate as if it had been declared as a PFX with the roll's effective date, so the store,
 * the roll plan and the Front End pool work exactly as for a PFX.
 *
 * A preview orders nothing (only create and update order). A failed order leaves the store and
 * the servers as they were: update keeps the old state, with the failure recorded
 * (`renewalFailure`: its code and a CA's Retry-After), and the next up retries.
 *
 * Secrets: the issued PFX and its password reach only the store; nothing here prints them.
 */
import { randomUUID } from 'node:crypto';
import { unknownValue } from '@pulumi/pulumi/runtime';
import { isSfbError, REPORT_A_PROBLEM, SfbError, type ErrorCode, type Finding } from '../domain/errors';
import type { DeclaredInputs } from '../domain/resource-inputs';
import { checkIssuerInputs, describeIssuer, SELF_SIGNED_ORDER_SECONDS, isIssuerSource, type IssuerSpec, type RenewalSettings } from '../domain/issuer-spec';
import { decideRenewal, formatDuration, renewalLine, renewalTime, type RenewalDecision } from '../domain/renewal-policy';
import { recordedFailure, renewalInputOf, renewalInputOfHeld, renewalSettingsOf, type HeldCertificate } from '../domain/renewal-state';
import { parseIsoInstant } from '../domain/time';
import type { CheckedInputs, StoreSpec } from '../domain/resource-state';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import { testClockLine, withoutTestClockPrefix } from '../domain/test-clock';
import { warningLine } from '../domain/plan-lines';
import { validatePfxRecording } from '../validate-pfx';
import { holdsPfx, type CertificatePayload } from '../ports/certificate-store';
import type { Composition, IssuedPfx } from './composition';
import { versionIdFor } from './check';
import { certificateFactKeys, parseStoredValues } from '../domain/certificate-state';

/** Whether these inputs (or this state) declare a certificate from an issuer. */
export function isIssued(props: Readonly<Record<string, unknown>>): boolean {
  return isIssuerSource(props.certificate);
}

/** The decisions after which an up orders a certificate. */
const ORDERS: ReadonlySet<RenewalDecision['kind']> = new Set(['first', 'due', 'late', 'immediate']);

/** The replication allowance of a pool (its replicationTimeoutSeconds), or the policy's default without one. */
function replicationAllowanceMs(pool: unknown): number | undefined {
  const seconds = typeof pool === 'object' && pool !== null ? (pool as { replicationTimeoutSeconds?: unknown }).replicationTimeoutSeconds : undefined;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/**
 * The plan line check records when it cannot read the certificate held (a computed store or
 * passphrase in preview, a version without a PFX): the issuer and its settings, stable across runs.
 */
export function issuerPlanLine(issuer: IssuerSpec, renewal: RenewalSettings): string {
  const before = renewal.renewBeforeMs === undefined ? 'a third of its lifetime' : formatDuration(renewal.renewBeforeMs);
  return `certificate from ${describeIssuer(issuer)}, renewed ${before} before it expires, rolled ${formatDuration(renewal.rollLeadTimeMs)} after the order`;
}

/** Check's outcome for a certificate from an issuer: its inputs, a store that could not be read, the policy's warning. */
export interface IssuedCheck {
  readonly inputs: Record<string, unknown>;
  readonly failures: readonly { readonly property: string; readonly reason: string }[];
  readonly warnings: readonly Finding<'RENEWAL_LATE'>[];
}

/**
 * Check's inputs for a certificate from an issuer: the parsed issuer and settings, no PFX, and
 * the plan line of what up would do now, decided by the renewal policy on the certificate the
 * store holds (the engine hands check the old inputs, never the state, and the inputs never
 * knew the certificate an earlier up ordered). Preview displays this line (`pulumi preview
 * --diff`, `--json`) whenever diff finds a change. Reading is all it does: no order, no write.
 */
export async function issuedCheckInputs(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
  declared: DeclaredInputs & { readonly issuer: IssuerSpec; readonly renewal: RenewalSettings },
  world: Composition,
  now: Date,
): Promise<IssuedCheck> {
  const { effectiveDate: _effectiveDate, retiredCertificate: _retired, ...rest } = news;
  const inputs: Record<string, unknown> = {
    ...rest,
    pfx: null,
    password: null,
    sipDomain: declared.sipDomain,
    secretName: declared.secretName,
    minKeyBits: declared.minKeyBits,
    warnBeforeExpiryDays: declared.warnBeforeExpiryDays,
    adopt: declared.adopt,
    certificate: { issuer: declared.issuer },
    renewal: declared.renewal,
  };
  if (declared.pool) inputs.pool = declared.pool;
  else delete inputs.pool;
  const issuer = describeIssuer(declared.issuer);
  // Another secret than the one the old inputs name: up creates the resource anew.
  if (olds.secretName !== declared.secretName) return { inputs: { ...inputs, plan: renewalLine({ kind: 'first' }, issuer) }, failures: [], warnings: [] };
  if (holdsUnknown(news.store) || holdsUnknown(news.storePassphrase)) return { inputs: { ...inputs, plan: issuerPlanLine(declared.issuer, declared.renewal) }, failures: [], warnings: [] };
  const store = parseStoredValues({ store: news.store }).state.store;
  const passphrase = typeof news.storePassphrase === 'string' ? news.storePassphrase : null;
  let held: HeldCertificate | undefined;
  try {
    held = await heldCertificate(world, store, passphrase, declared.secretName, now);
  } catch (error) {
    if (!isSfbError(error)) throw error;
    return { inputs: news as Record<string, unknown>, failures: [{ property: 'store', reason: `${error.code}: ${error.message} Preview reads the certificate the store holds to decide its renewal.` }], warnings: [] };
  }
  if (!held) return { inputs: { ...inputs, plan: issuerPlanLine(declared.issuer, declared.renewal) }, failures: [], warnings: [] };
  const allowance = replicationAllowanceMs(declared.pool);
  const decision = decideRenewal(renewalInputOfHeld(held, { settings: declared.renewal, now, ...(allowance !== undefined ? { replicationAllowanceMs: allowance } : {}) }));
  return { inputs: { ...inputs, plan: renewalLine(decision, issuer) }, failures: [], warnings: 'warning' in decision ? [decision.warning] : [] };
}

/** Whether a value is, or holds, one not known during preview (computed from another resource's outputs). */
function holdsUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(holdsUnknown);
}

/**
 * The certificate the store holds for renewal: the pending version while it differs from the
 * current one (a renewal ordered and scheduled), else the current one, with its validity read
 * from its PFX. Undefined when no version holds a PFX of ours (a certificate a Front End Server
 * holds, a version something else wrote) or the secret is scheduled for deletion: the policy
 * then has nothing to decide on.
 */
async function heldCertificate(world: Composition, spec: StoreSpec | undefined, passphrase: string | null, name: string, now: Date): Promise<HeldCertificate | undefined> {
  const store = world.openStore(spec, passphrase);
  const secret = await store.describeExisting(name);
  // Deleted behind Pulumi's back: the next up restores it first (lifecycle.ts); nothing to decide on yet.
  if (secret.deletionDate) return undefined;
  const holding = (stage: 'current' | 'pending') => secret.versions.find((v) => v.stages.includes(stage));
  const current = holding('current');
  const pending = holding('pending');
  const newest = pending && pending.versionId !== current?.versionId ? pending : current;
  if (!newest) return undefined;
  let payload: CertificatePayload;
  try {
    payload = await store.getVersion(name, newest.versionId);
  } catch (error) {
    if (isSfbError(error) && error.code === 'STORE_NOT_OURS') return undefined;
    throw error;
  }
  if (!holdsPfx(payload)) return undefined;
  const { recordedFacts: facts } = await validatePfxRecording(payload.pfxBase64, payload.password, { now, thumbprint: payload.thumbprint, inputName: `the certificate the ${store.description} holds` });
  const notBefore = parseIsoInstant(facts?.notBefore);
  const notAfter = parseIsoInstant(facts?.notAfter);
  if (!facts || !notBefore.ok || !notAfter.ok) return undefined;
  const rollAt = newest === pending ? parseIsoInstant(payload.effectiveDate) : undefined;
  return { thumbprint: facts.thumbprint, notBefore: notBefore.date, notAfter: notAfter.date, ...(rollAt?.ok ? { rollAt: rollAt.date } : {}) };
}

/** The renewal decision of a preview or up, from the state and the declared settings. */
export function renewalDecision(state: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>, now: Date): { readonly decision: RenewalDecision; readonly issuer: IssuerSpec } | undefined {
  const settings = renewalSettingsOf(news);
  const issuer = isIssuerSource(news.certificate) ? (news.certificate.issuer as IssuerSpec) : undefined;
  if (!settings || !issuer) return undefined;
  return { decision: decideRenewal(renewalInputOf(state, settings, now, replicationAllowanceMs(news.pool))), issuer };
}

/**
 * Diff's part: whether renewal, decided on the state, makes this run an update (an order).
 * Check put the plan line in the inputs; what only state records is printed here (a diagnostic
 * in preview): a CA's Retry-After, which holds the order back.
 */
export function renewalOrders(state: Readonly<Record<string, unknown>>, news: Readonly<Record<string, unknown>>, now: Date, testClock: boolean): boolean {
  const decided = renewalDecision(state, news, now);
  if (!decided) return false;
  const { decision, issuer } = decided;
  if (decision.kind === 'wait-until') printLine(renewalLine(decision, describeIssuer(issuer)), testClock);
  return ORDERS.has(decision.kind);
}

/**
 * Refresh's part: prints the line a reviewer reads (`renewal due: order a new certificate from
 * <issuer>, roll at <instant>`) and RENEWAL_LATE; refresh changes nothing for it.
 */
export function reportRenewal(state: Readonly<Record<string, unknown>>, now: Date, testClock: boolean): void {
  const decided = renewalDecision(state, state, now);
  if (!decided) return;
  const { decision, issuer } = decided;
  if ('warning' in decision) console.warn(warningLine(decision.warning));
  if (ORDERS.has(decision.kind) || decision.kind === 'wait-until') printLine(renewalLine(decision, describeIssuer(issuer)), testClock);
}

/** A plan line on stdout, which the engine shows as a diagnostic. */
function printLine(line: string, testClock: boolean): void {
  console.log(testClock ? testClockLine(line) : line);
}

/** A failed order, kept with the old state by update so the next preview knows of it. */
export interface RenewalFailureRecord {
  readonly renewalFailure: { code: string; at: string; retryAfter?: string };
}

/** Whether an error carries a failed order's record. */
export function failureRecordOf(error: unknown): RenewalFailureRecord['renewalFailure'] | undefined {
  const record = typeof error === 'object' && error !== null ? (error as Partial<RenewalFailureRecord>).renewalFailure : undefined;
  return record;
}

/** Reads a non-secret input that check wrote, or fails as our bug (check wrote every one). */
function required<T>(value: T | undefined | null, key: string, secretName: unknown): T {
  if (value === undefined || value === null) {
    throw new SfbError('INTERNAL_ERROR', `The inputs of secret "${String(secretName)}" reached the store step without \`${key}\`, which check computes for a certificate from an issuer. Run \`pulumi preview\` and \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
  }
  return value;
}

/** The issuer's secret environment as the resource passed it (`issuerSecrets`): string values only. */
function secretEnvironmentOf(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** When the CA asked us to wait, if the issuer's error says: its `retryAt` (ISO 8601; the ACME adapter's RateLimitedError). */
function retryAfterOf(error: unknown): Date | undefined {
  const value = typeof error === 'object' && error !== null ? (error as { retryAt?: unknown }).retryAt : undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  const parsed = parseIsoInstant(value);
  return parsed.ok ? parsed.date : undefined;
}

const ISSUER_CODES: ReadonlySet<ErrorCode> = new Set(['ISSUER_FAILED', 'ACME_CHALLENGE_FAILED', 'ISSUER_RATE_LIMITED', 'ISSUER_TIMEOUT', 'ISSUED_CERTIFICATE_INVALID']);

/**
 * The checked inputs create and update work on, for a certificate from an issuer: a newly ordered
 * certificate when the policy says to order (scheduled at the roll instant, or current now for the
 * first one and an allowed immediate renewal), else the certificate state names, read back from the
 * store. `state`: the last outputs (empty for a create). The plan line is in `renewalLine`.
 */
export async function issuedInputs(
  state: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
  world: Composition,
  now: Date,
): Promise<{ readonly inputs: CheckedInputs; readonly renewalLine: string; readonly acmeAccountKeyPem?: string }> {
  const secretName = news.secretName;
  const { issuer, renewal, issues } = checkIssuerInputs(news);
  if (!issuer || !renewal || issues.length > 0) throw new SfbError('INVALID_ARGUMENT', issues.map((i) => i.message).join(' ') || `The issuer of secret "${String(secretName)}" could not be read; run \`pulumi preview\` again.`);
  const decided = required(renewalDecision(state, { ...news, certificate: { issuer }, renewal }, now), 'renewal', secretName);
  const { decision } = decided;
  const line = renewalLine(decision, describeIssuer(issuer));
  const base = {
    sipDomain: required(news.sipDomain as string | undefined, 'sipDomain', secretName),
    minKeyBits: required(news.minKeyBits as number | undefined, 'minKeyBits', secretName),
    warnBeforeExpiryDays: required(news.warnBeforeExpiryDays as number | undefined, 'warnBeforeExpiryDays', secretName),
    secretName: required(secretName as string | undefined, 'secretName', secretName),
    store: required(news.store as CheckedInputs['store'] | undefined, 'store', secretName),
    storePassphrase: (news.storePassphrase as string | null | undefined) ?? null,
    poolPassword: (news.poolPassword as string | null | undefined) ?? null,
    ...(news.pool ? { pool: news.pool as FrontEndPoolSpec } : {}),
    owner: typeof news.owner === 'string' ? news.owner : '',
    adopt: news.adopt === true,
  };
  const extras = { certificate: { issuer }, renewal, renewBefore: news.renewBefore ?? null, rollLeadTime: news.rollLeadTime ?? null, allowImmediateRenewal: news.allowImmediateRenewal ?? null, renewalFailure: null };
  if ('warning' in decision) console.warn(warningLine(decision.warning));

  if (!ORDERS.has(decision.kind)) {
    // Nothing to order: the certificate state names, its PFX read back from the store.
    const versionId = required(state.versionId as string | undefined, 'versionId', secretName);
    const payload = await world.openStore(base.store, base.storePassphrase).getVersion(base.secretName, versionId);
    const kept = {
      ...base,
      ...extras,
      renewalFailure: state.renewalFailure ?? null,
      pfx: payload.pfxBase64,
      password: payload.password,
      ...(payload.effectiveDate ? { effectiveDate: payload.effectiveDate } : {}),
      thumbprint: payload.thumbprint,
      subject: state.subject as string,
      dnsNames: state.dnsNames as string[],
      keyBits: state.keyBits as number,
      notBefore: state.notBefore as string,
      notAfter: state.notAfter as string,
      certificateFacts: state.certificateFacts,
      versionId,
      plan: line,
      nextRenewalAt: state.nextRenewalAt ?? null,
    };
    return { inputs: kept as unknown as CheckedInputs, renewalLine: line };
  }

  const rollAt = decision.kind === 'due' || decision.kind === 'late' ? decision.rollAt : undefined;
  const effectiveDate = rollAt?.toISOString();
  // Read before the order: a store that cannot be read is the store's error, not the issuer's.
  const accountKeyPem = issuer.kind === 'acme' ? await keptAccountKey(world, base, state.versionId) : undefined;
  let issued: IssuedPfx;
  const orderStartedMs = Date.now();
  const controller = new AbortController();
  const seconds = issuer.kind === 'selfSigned' ? SELF_SIGNED_ORDER_SECONDS : issuer.timeoutSeconds;
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  try {
    // One renewal, one key: a retry of the same renewal reuses what the issuer lets it reuse.
    const renewalKey = typeof state.thumbprint === 'string' ? `renew-${state.thumbprint}` : `first-${randomUUID()}`;
    const environment = secretEnvironmentOf(news.issuerSecrets);
    issued = await world.orderCertificate(issuer, { sipDomain: base.sipDomain, keyBits: Math.max(base.minKeyBits, 2048), renewalKey, signal: controller.signal, ...(environment ? { environment } : {}), ...(accountKeyPem ? { accountKeyPem } : {}) });
  } catch (error) {
    const code: ErrorCode = isSfbError(error) && ISSUER_CODES.has(error.code) ? error.code : controller.signal.aborted ? 'ISSUER_TIMEOUT' : 'ISSUER_FAILED';
    // The issuers' own sentences say what was stored and how to fix it; they are quoted whole.
    const said = isSfbError(error) ? error.message : controller.signal.aborted ? `it did not answer within ${seconds} seconds; nothing was stored` : 'it failed unexpectedly; nothing was stored';
    const retryAfter = retryAfterOf(error);
    const message = `${describeIssuer(issuer)} did not issue the certificate for ${base.sipDomain}: ${asSentence(said)} The current certificate stays; the next \`pulumi up\` orders again${retryAfter ? ` at or after ${retryAfter.toISOString()}, as the CA asked` : ''}.`;
    throw Object.assign(new SfbError(code, message), { renewalFailure: recordedFailure({ code, at: now, ...(retryAfter ? { retryAfter } : {}) }) });
  } finally {
    clearTimeout(timer);
  }

  // The same checks as a declared PFX, at the moment it becomes current: for a certificate
  // current now, the step's instant plus the time the order took (a CA that does not backdate
  // starts the certificate when it signs, after the step began).
  const checkedAt = new Date(now.getTime() + Math.max(0, Date.now() - orderStartedMs));
  const { validation, recordedFacts } = await validatePfxRecording(issued.pfxBase64, issued.password, {
    inputName: `certificate issued by ${describeIssuer(issuer)}`,
    sipDomain: base.sipDomain,
    minKeyBits: base.minKeyBits,
    warnBeforeExpiryDays: base.warnBeforeExpiryDays,
    now: checkedAt,
    ...(rollAt ? { effectiveDate: rollAt } : {}),
  });
  if (validation.errors.length > 0 || !recordedFacts) {
    const found = validation.errors.map((e) => `${e.code}: ${e.message}`).join(' ');
    throw Object.assign(new SfbError('ISSUED_CERTIFICATE_INVALID', `${describeIssuer(issuer)} issued a certificate for ${base.sipDomain} that fails the checks a PFX must pass, so it was not stored and the current certificate stays: ${found} Fix the issuer's profile (key size, names, validity) and run \`pulumi up\` again.`), {
      renewalFailure: recordedFailure({ code: 'ISSUED_CERTIFICATE_INVALID', at: now }),
    });
  }
  for (const warning of validation.warnings) console.warn(warningLine(warning));
  const facts = recordedFacts;
  const next = renewalTime({ thumbprint: facts.thumbprint, notBefore: new Date(facts.notBefore), notAfter: new Date(facts.notAfter) }, renewal.renewBeforeMs);
  const ordered = {
    ...base,
    ...extras,
    pfx: issued.pfxBase64,
    password: issued.password,
    ...(effectiveDate ? { effectiveDate } : {}),
    ...certificateFactKeys(facts),
    certificateFacts: facts,
    versionId: versionIdFor(facts.thumbprint, issued.pfxBase64, effectiveDate),
    plan: line,
    nextRenewalAt: next.toISOString(),
  };
  return { inputs: ordered as CheckedInputs, renewalLine: line, ...(issued.accountKeyPem ? { acmeAccountKeyPem: issued.accountKeyPem } : {}) };
}

/**
 * The ACME account key kept with the certificate state names (the store's payload), so every
 * order signs in as the account the first one registered; absent (no certificate yet, or one
 * from a PFX or another issuer): the orderer makes one, and it is stored with the new certificate.
 */
async function keptAccountKey(world: Composition, base: { readonly store: CheckedInputs['store']; readonly storePassphrase: string | null; readonly secretName: string }, versionId: unknown): Promise<string | undefined> {
  if (typeof versionId !== 'string') return undefined;
  const payload = await world.openStore(base.store, base.storePassphrase).getVersion(base.secretName, versionId);
  return payload.acmeAccountKeyPem;
}

/** The state's plan line with the renewal's in front: `renewal due: ...; current 7F3A.. → previous at ...`. */
export function withRenewalLine<T extends { readonly plan: string }>(outs: T, line: string, testClock: boolean): T {
  const roll = withoutTestClockPrefix(outs.plan);
  const joined = `${line}; ${roll}`;
  return { ...outs, plan: testClock ? testClockLine(joined) : joined };
}

/** A quoted message as a sentence: its own final stop kept, one added where it has none. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
