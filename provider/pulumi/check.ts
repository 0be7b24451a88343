/**
 * Pulumi `check` and `diff`: they run offline in `pulumi preview` (no store access). `check`
 * validates the PFX and every input and returns the reviewable facts and plan as inputs; `diff`
 * says what changes in place and what replaces.
 *
 * Secrets: Pulumi hands this code plaintext. Nothing here logs or echoes the PFX, its password
 * or the store passphrase; check failures are reported on non-secret property names, because
 * Pulumi prints a failing property's value next to the reason.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { REPORT_A_PROBLEM, SfbError, type Finding, type PfxErrorCode, type PfxWarningCode } from '../domain/errors';
import { parseCertificateState, type StoredState } from '../domain/certificate-state';
import { slotsFromState } from '../domain/state-slots';
import { checkDeclaredInputs } from '../domain/resource-inputs';
import { parseIsoInstant } from '../domain/time';
import { planRoll } from '../domain/roll-plan';
import { migrateState, type StoreSpec } from '../domain/resource-state';
import { AWS_STORE_KIND } from '../domain/aws-store-options';
import { secretDocumentSizeProblem } from '../domain/secret-document';
import { rotationFinding, type StoreRotation } from '../domain/store-rules';
import { AWS_LABELS } from '../adapters/aws-secrets-manager';
import { validatePfxRecording } from '../validate-pfx';
import { previewPool, retiredCertificate, settingsOf } from './converge-pool';
import { recordedTimeZone, serversBehind } from '../domain/deployment-plan';
import { checkPoolSpec, type FrontEndPoolSpec } from '../domain/pool-spec';
import { checkRecordedFacts, type RecordedFacts } from '../domain/pfx-checks';
import { sameStoreDirectory } from '../domain/store-location';
import { testClockLine, withoutTestClockPrefix } from '../domain/test-clock';
import { compose, partiesOf, testClockOf, type CompositionOverrides } from './composition';

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

/** The store version id: the thumbprint (so any listing names the certificate) and a digest. */
export function versionIdFor(thumbprint: string, pfxBase64: string, effectiveDate: string | undefined): string {
  const digest = createHash('sha256').update(Buffer.from(pfxBase64, 'base64')).update('\u0000').update(effectiveDate ?? '').digest('hex');
  return `${thumbprint}-${digest.slice(0, 16)}`;
}

/** The outcome of checking: the inputs to use, the failures, and the warnings to show. */
export interface CheckOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: CheckFailure[];
  readonly warnings: readonly Finding<PfxWarningCode | 'POOL_OPTION_DEPRECATED'>[];
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
  for (const warning of warnings) console.warn(`warning ${warning.code}: ${warning.message}`);
  return { inputs, failures };
}

/** {@link check} without the printing. */
export async function checkInputs(olds: Record<string, unknown>, news: Record<string, unknown>, now?: Date, overrides: CompositionOverrides = {}): Promise<CheckOutcome> {
  // The test clock first: a shift that reached a real party must not plan anything.
  const clock = testClockOf(partiesOf(news), overrides);
  if (!clock.ok) return { inputs: news, failures: [{ property: clock.party === 'pool' ? 'pool' : 'store', reason: `${clock.problem.code}: ${clock.problem.message}` }], warnings: [] };
  const composition = compose(partiesOf(news), overrides);
  const outcome = await checkCertificateInputs(olds, news, now ?? composition.clock());
  // The pool's deprecated options (`dateCulture`) are reported whatever else is found.
  const poolWarnings = isUnknown(news.pool) ? [] : (checkPoolSpec(news.pool).warnings ?? []);
  const marked = composition.testClock && typeof outcome.inputs.plan === 'string' ? { ...outcome, inputs: { ...outcome.inputs, plan: testClockLine(outcome.inputs.plan) } } : outcome;
  return poolWarnings.length > 0 ? { ...marked, warnings: [...marked.warnings, ...poolWarnings] } : marked;
}

async function checkCertificateInputs(olds: Record<string, unknown>, news: Record<string, unknown>, now: Date): Promise<CheckOutcome> {
  const declared = checkDeclaredInputs(news, (value) => !isUnknown(value));
  const failures: CheckFailure[] = declared.issues.map((issue) => ({ property: issue.property, reason: `INVALID_ARGUMENT: ${issue.message}` }));
  const pfx = news.pfx;
  const password = news.password === undefined ? null : news.password;
  if (failures.length > 0) return { inputs: news, failures, warnings: [] };
  if (!declared.inputs || [pfx, password].some(isUnknown)) {
    // Preview with values computed elsewhere: what is known was checked, the rest waits for up.
    return { inputs: news, failures, warnings: [] };
  }
  const { sipDomain, secretName, effectiveDate, effectiveAt, minKeyBits, warnBeforeExpiryDays, adopt } = declared.inputs;
  // Old inputs that cannot be read are no evidence: what is unread counts as absent.
  const parsedOlds = parseCertificateState(olds);
  const old: StoredState = parsedOlds.ok ? parsedOlds.state : {};
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
    const { validation, recordedFacts } = await validatePfxRecording(pfx as string, password as string | null, policy);
    facts = recordedFacts;
    ({ errors, warnings } = validation);
  }
  for (const error of errors) failures.push({ property: propertyFor(error.code, effectiveDate !== undefined), reason: `${error.code}: ${error.message}` });
  if (!failures.length && facts && (news.store as StoreSpec | undefined)?.kind === AWS_STORE_KIND) {
    // Secrets Manager refuses a value over 65,536 bytes: say so in preview, not half-way through up.
    const fields = { pfxBase64: Buffer.from(pfx as string, 'base64').toString('base64'), password: password as string | null, thumbprint: facts.thumbprint, notAfter: facts.notAfter, ...(effectiveDate ? { effectiveDate } : {}) };
    const tooLarge = secretDocumentSizeProblem(fields);
    if (tooLarge !== undefined) failures.push({ property: 'certificate', reason: `SECRET_TOO_LARGE: ${tooLarge}` });
  }
  if (failures.length > 0 || !facts) return { inputs: news, failures, warnings };

  const versionId = versionIdFor(facts.thumbprint, pfx as string, effectiveDate);
  const existing = slotsFromState(old, now);
  const plan = planRoll(existing, { versionId, thumbprint: facts.thumbprint, ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) }, now);
  // The Front End pool (issue #10): the deployment's line joins the store's; its rules
  // (ROLL_TOO_LATE, validity at the effective date) fail the preview.
  const pool = declared.inputs.pool;
  let summary = plan.summary;
  if (pool) {
    const notBefore = parseIsoInstant(facts.notBefore);
    const notAfter = parseIsoInstant(facts.notAfter);
    if (!notBefore.ok || !notAfter.ok) throw new SfbError('INTERNAL_ERROR', `The recorded validity of ${facts.thumbprint} is not an ISO 8601 instant; run \`pulumi preview\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
    const desired = { thumbprint: facts.thumbprint, notBefore: notBefore.date, notAfter: notAfter.date, ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) };
    const deployment = previewPool(olds, pool, desired, now);
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
    thumbprint: facts.thumbprint,
    subject: facts.subject,
    dnsNames: facts.dnsNames,
    keyBits: facts.keyBits,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
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
 * last up or refresh saw it, while it is still the declared secret (issue #19 item 4). It is
 * diff that has the state (the engine hands check the old inputs), so diff prints these.
 */
export function storeWarnings(state: Record<string, unknown>, news: Record<string, unknown>): Finding<'STORE_CONFLICT'>[] {
  const sameSecret = typeof news.secretName === 'string' && state.secretName === news.secretName && (news.store as StoreSpec | undefined)?.kind === AWS_STORE_KIND;
  const rotation = sameSecret ? rotationFinding(news.secretName as string, state.storeRotation as StoreRotation | null | undefined, AWS_LABELS.current) : undefined;
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
  const at = now ?? compose(partiesOf(news), overrides).clock();
  const { state } = migrateState(olds);
  for (const warning of storeWarnings(state, news)) console.warn(`warning ${warning.code}: ${warning.message}`);
  // Compare store directories as resolved paths: `.sfb-store` and its absolute path are one store.
  // An AWS store is identified by its region: its endpoint, tags, KMS key, description and
  // deletion options change in place (a replace would create, then delete, the same secret).
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const comparable = (props: Record<string, unknown>, key: string): unknown => {
    const value = props[key];
    if (key !== 'store' || typeof value !== 'object' || value === null) return value ?? null;
    const spec = value as StoreSpec;
    if (spec.kind === AWS_STORE_KIND) return { kind: spec.kind, region: spec.region };
    return { ...spec, directory: typeof spec.directory === 'string' ? paths.resolve(spec.directory) : spec.directory };
  };
  const same = (key: string): boolean => {
    const before = comparable(state, key);
    const after = comparable(news, key);
    if (key === 'store' && isLocalDirectory(before) && isLocalDirectory(after)) {
      const { directory: beforeDirectory, ...beforeRest } = before;
      const { directory: afterDirectory, ...afterRest } = after;
      return sameStoreDirectory(beforeDirectory, afterDirectory, platform) && JSON.stringify(beforeRest) === JSON.stringify(afterRest);
    }
    return JSON.stringify(before) === JSON.stringify(after);
  };
  const replaces = ['secretName', 'store'].filter((key) => !same(key));
  const awsOptionsChanged = !replaces.includes('store') && (news.store as StoreSpec | undefined)?.kind === AWS_STORE_KIND && sortedJson(state.store) !== sortedJson(news.store);
  // A new PFX shows as a new versionId (its digest); the PFX and password are not in the outputs.
  const updates = ['versionId', 'sipDomain', 'effectiveDate', 'minKeyBits', 'warnBeforeExpiryDays', 'storePassphrase', 'poolPassword'].filter((key) => !same(key));
  if (awsOptionsChanged) updates.push('store');
  // State written before owners were recorded has none: that is not a change of owner.
  if (state.owner !== undefined && !same('owner')) updates.push('owner');
  if ((state.adopt ?? false) !== (news.adopt ?? false)) updates.push('adopt');
  // A scheduled roll whose date has passed while the store still labels it pending: nothing in
  // the inputs changed, but an update must run to record the roll (move `current` onto it).
  const scheduledAt = parseIsoInstant(state.effectiveDate);
  if (typeof state.pendingThumbprint === 'string' && scheduledAt.ok && scheduledAt.date.getTime() <= at.getTime()) updates.push('pendingThumbprint');
  // A refresh recorded drift and the store has since come back to the declared certificate:
  // nothing to write, but the `drift: ...` line must not outlive it (issue #7 item 13).
  // The Front End pool (issue #10): another pool, or servers that (at the last refresh or up)
  // did not report the declared certificate: an update converges them.
  if (JSON.stringify(state.pool ?? null) !== JSON.stringify(news.pool ?? null)) updates.push('pool');
  else if (news.pool && typeof news.thumbprint === 'string') {
    const spec = news.pool as FrontEndPoolSpec;
    const when = parseIsoInstant(news.effectiveDate);
    const behind = serversBehind(state.servers, { servers: spec.servers }, { thumbprint: news.thumbprint, ...(when.ok ? { effectiveDate: when.date } : {}) }, at);
    if (behind.length > 0) updates.push('servers');
  }
  if (news.pool && typeof news.thumbprint === 'string') checkRecordedZone(state, news, at);
  if (typeof state.plan === 'string' && withoutTestClockPrefix(state.plan).startsWith('drift:') && updates.length === 0 && replaces.length === 0) updates.push('plan');
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}

/**
 * Preview after a look at the servers (issue #15). Check sees only the old inputs, diff the state:
 * so the zone the servers reported at the last look (recorded in `servers`) is checked here. A
 * declared `serverTimeZone` that differs is reported, and the plan's rules run again in the
 * reported zone: an effective date next to a clock change there stops the preview
 * (EFFECTIVE_DATE_AMBIGUOUS), as up would.
 */
function checkRecordedZone(state: Record<string, unknown>, news: Record<string, unknown>, now: Date): void {
  const spec = news.pool as FrontEndPoolSpec;
  if (typeof spec !== 'object' || spec === null || typeof spec.serverTimeZone !== 'string' || !Array.isArray(spec.servers)) return;
  const recorded = recordedTimeZone(state.servers);
  const { warning } = settingsOf(spec, recorded);
  if (!warning) return;
  console.warn(`warning ${warning.code}: ${warning.message}`);
  const when = parseIsoInstant(news.effectiveDate);
  const notBefore = parseIsoInstant(news.notBefore);
  const notAfter = parseIsoInstant(news.notAfter);
  if (!notBefore.ok || !notAfter.ok) return;
  const desired = { thumbprint: news.thumbprint as string, notBefore: notBefore.date, notAfter: notAfter.date, ...(when.ok ? { effectiveDate: when.date } : {}) };
  const outcome = previewPool(state, spec, desired, now, recorded);
  const [first] = outcome.issues;
  if (!outcome.plan && first) throw new SfbError(first.code, outcome.issues.map((issue) => issue.message).join(' '));
}

function isLocalDirectory(value: unknown): value is { directory: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { directory?: unknown }).directory === 'string';
}

/** JSON with object keys sorted, so two specs compare equal whatever order state kept their keys in. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
