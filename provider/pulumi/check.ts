/**
 * Pulumi `check` and `diff`: they run offline in `pulumi preview` (no store access), but for a
 * certificate from an issuer, whose check reads the certificate the store holds to plan its
 * renewal (renewal-step.ts). `check` validates the PFX and every input and returns the
 * reviewable facts and plan as inputs; `diff` says what changes in place and what replaces.
 *
 * Secrets: Pulumi hands this code plaintext. Nothing here logs or echoes the PFX, its password
 * or the store passphrase; check failures are reported on non-secret property names, because
 * Pulumi prints a failing property's value next to the reason.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { REPORT_A_PROBLEM, SfbError, type CheckWarningCode, type Finding, type PfxErrorCode, type PfxWarningCode } from '../domain/errors';
import { certificateFactKeys, parseCertificateState, parseStoredValues, type StoredState } from '../domain/certificate-state';
import { slotsFromState } from '../domain/state-slots';
import { diffCertificate } from '../domain/certificate-diff';
import { checkDeclaredInputs } from '../domain/resource-inputs';
import { parseIsoInstant } from '../domain/time';
import { planRoll } from '../domain/roll-plan';
import { AWS_STORE_KIND } from '../domain/aws-store-options';
import { secretDocumentSizeProblem } from '../domain/secret-document';
import { rotationFinding } from '../domain/store-rules';
import { AWS_LABELS } from '../domain/stage-labels';
import { ourVersionId } from '../domain/secret-versions';
import { validatePfxRecording } from '../validate-pfx';
import { settingsOf } from '../domain/front-end-pool-facts';
import { previewPool, retiredCertificate } from '../domain/front-end-pool-preview';
import { isManualPool, previewManualPool } from '../domain/manual-pool-steps';
import { recordedTimeZone } from '../domain/front-end-pool-plan';
import { checkPoolSpec } from '../domain/front-end-pool-spec';
import { checkRecordedFacts, type RecordedFacts } from '../domain/pfx-checks';
import { testClockLine } from '../domain/test-clock';
import { compose, partiesOf, testClockOf, type Composition, type CompositionOverrides } from './composition';
import { warningLine } from '../domain/plan-lines';
import { isServerHeld } from '../domain/certificate-source';
import { checkServerHeldInputs } from './server-held-check';
import { isIssued, issuedCheckInputs, renewalOrders } from './renewal-step';

/** What Pulumi's check returns on failure. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

const INPUT_NAME = '`pfx` input';

/** Which non-secret property a finding is reported on (never `pfx` or `password`). */
function propertyFor(code: PfxErrorCode, hasEffectiveDate: boolean): string {
  switch (code) {
    case 'SIP_DOMAIN_MISSING':
      return 'sipDomain';
    case 'KEY_TOO_SMALL':
      return 'minKeyBits';
    case 'CERT_NOT_YET_VALID':
    case 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE':
      return hasEffectiveDate ? 'effectiveDate' : 'certificate';
    default:
      return 'certificate';
  }
}

/** A value not known during preview (computed from another resource's outputs). */
function isUnknown(value: unknown): boolean {
  return value === pulumi.runtime.unknownValue;
}

/** The store version id (its shape: domain/secret-versions.ts); the digest is hashed here, where node:crypto is. */
export function versionIdFor(thumbprint: string, pfxBase64: string, effectiveDate: string | undefined): string {
  return ourVersionId(thumbprint, createHash('sha256').update(Buffer.from(pfxBase64, 'base64')).update('\u0000').update(effectiveDate ?? '').digest('hex'));
}

/** The outcome of checking: the inputs to use, the failures, and the warnings to show. */
export interface CheckOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: CheckFailure[];
  readonly warnings: readonly Finding<CheckWarningCode>[];
}

/**
 * Pulumi `check`: validates every input and the PFX, and returns the reviewable facts and plan as
 * inputs. `now`: a fixed moment instead of the composition's clock (tests, and the forwarders
 * serialized by earlier versions, which pass the engine's `new Date()`).
 */
export async function check(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now?: Date,
  overrides: CompositionOverrides = {},
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const { inputs, failures, warnings } = await checkInputs(olds, news, now, overrides);
  // The dynamic provider host turns stderr lines into engine diagnostics: warnings show in
  // `pulumi preview` and `pulumi up` output, on every run (their facts are recorded).
  for (const warning of warnings) console.warn(warningLine(warning));
  return { inputs, failures };
}

/** {@link check} without the printing. */
export async function checkInputs(olds: Record<string, unknown>, news: Record<string, unknown>, now?: Date, overrides: CompositionOverrides = {}): Promise<CheckOutcome> {
  // The test clock first: a shift that reached a real party must not plan anything.
  const clock = testClockOf(partiesOf(news), overrides);
  if (!clock.ok) return { inputs: news, failures: [{ property: clock.party === 'pool' ? 'pool' : 'store', reason: `${clock.problem.code}: ${clock.problem.message}` }], warnings: [] };
  const composition = compose(partiesOf(news), overrides);
  const outcome = await checkCertificateInputs(olds, news, now ?? composition.clock(), composition);
  // The pool's deprecated options (`dateCulture`) are reported whatever else is found.
  const poolWarnings = isUnknown(news.pool) ? [] : (checkPoolSpec(news.pool).warnings ?? []);
  const marked = composition.testClock && typeof outcome.inputs.plan === 'string' ? { ...outcome, inputs: { ...outcome.inputs, plan: testClockLine(outcome.inputs.plan) } } : outcome;
  return poolWarnings.length > 0 ? { ...marked, warnings: [...marked.warnings, ...poolWarnings] } : marked;
}

async function checkCertificateInputs(olds: Record<string, unknown>, news: Record<string, unknown>, now: Date, world: Composition): Promise<CheckOutcome> {
  const declared = checkDeclaredInputs(news, (value) => !isUnknown(value));
  const failures: CheckFailure[] = declared.issues.map((issue) => ({ property: issue.property, reason: `INVALID_ARGUMENT: ${issue.message}` }));
  const pfx = news.pfx;
  const password = news.password === undefined ? null : news.password;
  if (failures.length > 0) return { inputs: news, failures, warnings: [] };
  const source = declared.inputs?.source;
  if (declared.inputs?.pool && source && isServerHeld(source)) return checkServerHeldInputs(olds, news, { ...declared.inputs, pool: declared.inputs.pool }, source, now);
  const { issuer, renewal } = declared.inputs ?? {};
  if (declared.inputs && issuer && renewal) {
    const issued = await issuedCheckInputs(olds, news, { ...declared.inputs, issuer, renewal }, world, now);
    return { inputs: issued.inputs, failures: [...issued.failures], warnings: issued.warnings };
  }
  if (!declared.inputs || [pfx, password].some(isUnknown) || typeof pfx !== 'string' || (password !== null && typeof password !== 'string')) {
    // Preview with values computed elsewhere: what is known was checked, the rest waits for up.
    // (The rules above refuse a pfx or password that is not a string when it is known.)
    return { inputs: news, failures, warnings: [] };
  }
  const { sipDomain, secretName, effectiveDate, effectiveAt, minKeyBits, warnBeforeExpiryDays, adopt } = declared.inputs;
  // Old inputs that cannot be read are no evidence: what is unread counts as absent.
  const old = parseStoredValues(olds).state;
  const policy = {
    inputName: INPUT_NAME,
    sipDomain,
    minKeyBits,
    warnBeforeExpiryDays,
    now,
    ...(effectiveAt ? { effectiveDate: effectiveAt } : {}),
  };

  // The same PFX and password as before: re-check the recorded facts (time and policy may have
  // changed) without decrypting the file again. Every fact the checks use is recorded.
  const recorded = old.pfx === pfx && old.password === password ? old.certificateFacts : undefined;
  let facts: RecordedFacts | undefined;
  let errors: readonly Finding<PfxErrorCode>[];
  let warnings: readonly Finding<PfxWarningCode>[];
  if (recorded) {
    facts = recorded;
    ({ errors, warnings } = checkRecordedFacts(recorded, policy));
  } else {
    const { validation, recordedFacts } = await validatePfxRecording(pfx, password, policy);
    facts = recordedFacts;
    ({ errors, warnings } = validation);
  }
  for (const error of errors) failures.push({ property: propertyFor(error.code, effectiveDate !== undefined), reason: `${error.code}: ${error.message}` });
  if (!failures.length && facts && parseStoredValues({ store: news.store }).state.store?.kind === AWS_STORE_KIND) {
    // Secrets Manager refuses a value over 65,536 bytes: say so in preview, not half-way through up.
    const fields = { pfxBase64: Buffer.from(pfx, 'base64').toString('base64'), password, thumbprint: facts.thumbprint, notAfter: facts.notAfter, ...(effectiveDate ? { effectiveDate } : {}) };
    const tooLarge = secretDocumentSizeProblem(fields);
    if (tooLarge !== undefined) failures.push({ property: 'certificate', reason: `SECRET_TOO_LARGE: ${tooLarge}` });
  }
  if (failures.length > 0 || !facts) return { inputs: news, failures, warnings };

  const versionId = versionIdFor(facts.thumbprint, pfx, effectiveDate);
  const existing = slotsFromState(old, now);
  const plan = planRoll(existing, { versionId, thumbprint: facts.thumbprint, ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) }, now);
  // The Front End pool: the deployment's line joins the store's; its rules
  // (ROLL_TOO_LATE, validity at the effective date) fail the preview.
  const pool = declared.inputs.pool;
  let summary = plan.summary;
  if (pool) {
    const notBefore = parseIsoInstant(facts.notBefore);
    const notAfter = parseIsoInstant(facts.notAfter);
    if (!notBefore.ok || !notAfter.ok) throw new SfbError('INTERNAL_ERROR', `The recorded validity of ${facts.thumbprint} is not an ISO 8601 instant; run \`pulumi preview\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
    const desired = { thumbprint: facts.thumbprint, notBefore: notBefore.date, notAfter: notAfter.date, ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) };
    const deployment = (isManualPool(pool) ? previewManualPool : previewPool)(olds, pool, desired, now);
    for (const issue of deployment.issues) failures.push({ property: effectiveDate ? 'effectiveDate' : 'certificate', reason: `${issue.code}: ${issue.message}` });
    if (deployment.plan) summary = `${summary}; ${deployment.plan.summary}`;
  }
  if (failures.length > 0) return { inputs: news, failures, warnings };
  const inputs: Record<string, unknown> = {
    ...news,
    sipDomain,
    secretName,
    password,
    minKeyBits,
    warnBeforeExpiryDays,
    adopt,
    ...certificateFactKeys(facts),
    certificateFacts: facts,
    versionId,
    plan: summary,
  };
  if (effectiveDate) inputs.effectiveDate = effectiveDate;
  else delete inputs.effectiveDate;
  if (pool) inputs.pool = pool;
  else delete inputs.pool;
  // The certificate the declared one replaced: preview plans its removal once it has expired.
  const retired = pool ? retiredCertificate(olds, facts.thumbprint) : undefined;
  if (retired) inputs.retiredCertificate = retired;
  else delete inputs.retiredCertificate;
  return { inputs, failures, warnings };
}

/**
 * What state says of the store that preview should warn of: the secret's own rotation, as the
 * last up or refresh saw it, while it is still the declared secret. It is
 * diff that has the state (the engine hands check the old inputs), so diff prints these.
 */
export function storeWarnings(state: Record<string, unknown>, news: Record<string, unknown>): Finding<'STORE_CONFLICT'>[] {
  return storeWarningsOf(parseStoredValues(state).state, parseStoredValues(news).state);
}

function storeWarningsOf(state: StoredState, news: StoredState): Finding<'STORE_CONFLICT'>[] {
  const name = news.secretName;
  if (name === undefined || state.secretName !== name || news.store?.kind !== AWS_STORE_KIND) return [];
  const rotation = rotationFinding(name, state.storeRotation, AWS_LABELS.current);
  return rotation ? [rotation] : [];
}

/**
 * Pulumi `diff`: which changes update in place and which replace (another secret or store).
 * `platform`: the machine's, which decides how store directories compare (`c:\Sfb` and `C:\sfb`
 * are one directory on Windows).
 */
export function diff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  now?: Date,
  platform: NodeJS.Platform = process.platform,
  overrides: CompositionOverrides = {},
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const world = compose(partiesOf(news), overrides);
  const at = now ?? world.clock();
  const parsed = parseCertificateState(olds);
  if (!parsed.ok) throw new SfbError(parsed.problem.code, parsed.problem.message);
  const { state, record } = parsed;
  const issued = isIssued(news);
  // A certificate from an issuer: what it is (and its version) is the state's, renewal decides.
  const declared = issued ? { ...parseStoredValues(news).state, ...pick(state, ['versionId', 'thumbprint', 'effectiveDate', 'notBefore', 'notAfter']) } : parseStoredValues(news).state;
  for (const warning of storeWarningsOf(state, declared)) console.warn(warningLine(warning));
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const decided = diffCertificate(state, declared, { now: at, platform, resolveDirectory: (directory) => paths.resolve(directory) });
  checkRecordedZone(record, state, declared, at);
  const renew = issued && decided.replaces.length === 0 && renewalOrders(record, news, at, world.testClock);
  return { changes: decided.changes || renew, replaces: [...decided.replaces], deleteBeforeReplace: false };
}

function pick(state: StoredState, keys: readonly (keyof StoredState)[]): StoredState {
  return Object.fromEntries(keys.filter((key) => state[key] !== undefined).map((key) => [key, state[key]]));
}

/**
 * Preview after a look at the servers. Check sees only the old inputs, diff the state:
 * so the zone the servers reported at the last look (recorded in `servers`) is checked here. A
 * declared `serverTimeZone` that differs is reported, and the plan's rules run again in the
 * reported zone: an effective date next to a clock change there stops the preview
 * (EFFECTIVE_DATE_AMBIGUOUS), as up would.
 */
function checkRecordedZone(record: Record<string, unknown>, state: StoredState, news: StoredState, now: Date): void {
  const spec = news.pool;
  if (spec === undefined || news.thumbprint === undefined || typeof spec.serverTimeZone !== 'string') return;
  const recorded = recordedTimeZone(state.servers);
  const { warning } = settingsOf(spec, recorded);
  if (!warning) return;
  console.warn(warningLine(warning));
  if (news.notBefore === undefined || news.notAfter === undefined) return;
  const desired = { thumbprint: news.thumbprint, notBefore: news.notBefore, notAfter: news.notAfter, ...(news.effectiveDate ? { effectiveDate: news.effectiveDate } : {}) };
  // The pool's preview reads the raw state (its own `servers` and `retiredCertificate` shapes).
  const outcome = (isManualPool(spec) ? previewManualPool : previewPool)(record, spec, desired, now, recorded);
  const [first] = outcome.issues;
  if (!outcome.plan && first) throw new SfbError(first.code, outcome.issues.map((issue) => issue.message).join(' '));
}
