/**
 * Pulumi `create`, `update`, `read` (refresh) and `delete`: the store operations. A thin shell
 * that gathers (the store), lets the domain decide (the roll plan) and acts (store writes).
 *
 * Two rules shape every operation here:
 * - State that names a secret is evidence it exists. When the store cannot show it (its
 *   directory gone, empty or mistyped), that is a lost store, never "no certificate":
 *   update, refresh and delete fail with STORE_NOT_FOUND and the way back. Only create, which
 *   has no state, may start a store from nothing.
 * - A secret has one owner, `<organization>/<project>/<stack>`. Every write carries the
 *   owner claim, checked by the store under its lock; destroying a stack whose secret another
 *   stack manages forgets it instead of deleting it.
 *
 * Errors: a store failure keeps its code and message (they name no secret); anything else is a
 * bug of ours, reported as INTERNAL_ERROR with what was being done and a request for a report.
 *
 * Secrets: Pulumi hands this code plaintext. Nothing here logs or echoes the PFX, its password
 * or the store passphrase.
 */
import { poolRefresh, poolStep } from './front-end-pool-step';
import { compose, partiesOf, type Composition, type CompositionOverrides } from './composition';
import { AWS_STORE_KIND } from '../domain/aws-store-options';
import { testClockLine } from '../domain/test-clock';
import { storeDrift } from '../domain/store-drift';
import { parseIsoInstant } from '../domain/time';
import { isSfbError, REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import { STATE_SCHEMA_VERSION, type CertificateState, type CheckedInputs } from '../domain/resource-state';
import { parseCertificateState, parseCheckedInputs, type StoredState } from '../domain/certificate-state';
import { rotationFinding, type StoreRotation } from '../domain/store-rules';
import { isForeign, planRoll, slotsAsOf, thumbprintOf, type CertificateSlots, type ForeignVersion, type PendingRef, type RollPlan, type SlotRef } from '../domain/roll-plan';
import type { CertificatePayload, CertificateStage, CertificateStore, OwnerClaim, StoredSecret } from '../ports/certificate-store';
import { DEFAULT_RECOVERY_WINDOW_DAYS as RECOVERY_WINDOW_DAYS } from '../domain/recovery-window';
import { driftPlan, warningLine } from '../domain/plan-lines';
import { isServerHeld, sourceRule } from '../domain/certificate-source';
import { failureRecordOf, isIssued, issuedInputs, reportRenewal, withRenewalLine } from './renewal-step';
export { RECOVERY_WINDOW_DAYS };

/** Where INTERNAL_ERROR asks users to report a bug: the README's section on reporting a problem. */
export const REPORT_BUGS_AT = REPORT_A_PROBLEM;

export { openStore } from './composition';

/** The versions holding each label, as the planner sees them (thumbprints from the payloads). */
async function readSlots(store: CertificateStore, name: string, secret: StoredSecret): Promise<CertificateSlots> {
  const holding = (stage: CertificateStage) => secret.versions.find((v) => v.stages.includes(stage));
  // The payload names its certificate (the store validates it as 40 hex digits on every read),
  // whoever wrote the version. A version that holds no document of ours (STORE_NOT_OURS: an
  // operator's put-secret-value, a rotation Lambda) is foreign: drift when current, nothing
  // that blocks when previous or pending.
  const payloadOf = async (versionId: string): Promise<CertificatePayload | ForeignVersion> => {
    try {
      return await store.getVersion(name, versionId);
    } catch (error) {
      if (isSfbError(error) && error.code === 'STORE_NOT_OURS') return { versionId, foreign: true };
      throw error;
    }
  };
  // A store that knows the thumbprint from the metadata (AWS: our version ids start with it)
  // saves a read per label, so a refresh is one call.
  const refOf = async (versionId: string): Promise<SlotRef> => {
    const known = secret.versions.find((v) => v.versionId === versionId)?.thumbprint;
    if (known !== undefined) return { versionId, thumbprint: known };
    const payload = await payloadOf(versionId);
    return 'foreign' in payload ? payload : { versionId, thumbprint: payload.thumbprint };
  };
  const current = holding('current');
  const previous = holding('previous');
  const pending = holding('pending');
  let pendingRef: PendingRef | ForeignVersion | undefined;
  // Promoting a scheduled version moves `current` onto it and, as in Secrets Manager, leaves the
  // pending label there too: that version is simply current.
  if (pending && pending.versionId !== current?.versionId) {
    const payload = await payloadOf(pending.versionId);
    if ('foreign' in payload) {
      pendingRef = payload;
    } else {
      const when = parseIsoInstant(payload.effectiveDate);
      if (!when.ok) {
        throw new SfbError('STORE_CORRUPT', `${store.description}: the scheduled version ${pending.versionId} of secret "${name}" has no valid effective date (${when.reason}); restore the store from a backup, or declare the certificate again with its effectiveDate.`);
      }
      pendingRef = { versionId: pending.versionId, thumbprint: payload.thumbprint, effectiveDate: when.date };
    }
  }
  return {
    ...(current ? { current: await refOf(current.versionId) } : {}),
    ...(previous ? { previous: await refOf(previous.versionId) } : {}),
    ...(pendingRef ? { pending: pendingRef } : {}),
  };
}

function stateFrom(inputs: CheckedInputs, plan: RollPlan, store: CertificateStore, stored: CertificateSlots, secret: StoredSecret | undefined, testClock: boolean): CertificateState {
  // The PFX and its password stay out of the outputs: the store holds them, the inputs (secret,
  // encrypted in state) carry them to the next update, and every output travels further (the
  // Node SDK even debug-logs each registration's outputs, secrets included).
  const { pfx: _pfx, password: _password, ...kept } = inputs;
  return {
    ...kept,
    plan: testClock ? testClockLine(plan.summary) : plan.summary,
    schemaVersion: STATE_SCHEMA_VERSION,
    // A foreign version the plan moves to previous is no previous certificate: null.
    previousThumbprint: (plan.after.previous ? thumbprintOf(plan.after.previous) : thumbprintOf(stored.previous)) ?? null,
    pendingThumbprint: plan.action === 'schedule' || (plan.action === 'none' && stored.pending?.versionId === inputs.versionId) ? inputs.thumbprint : null,
    storeDescription: store.description,
    storeRotation: rotationOf(secret),
  };
}

/** What state records of the backend's own rotation, for diff's warning in the next preview. */
function rotationOf(secret: StoredSecret | undefined): StoreRotation | null {
  return secret?.rotation ? { lambdaArn: secret.rotation.lambdaArn ?? null } : null;
}

/** The warning about the backend's rotation, printed where a store call saw it (up, refresh). */
function warnOfRotation(store: CertificateStore, name: string, rotation: StoreRotation | null): void {
  const finding = rotationFinding(name, rotation, store.stageLabels?.current ?? 'the current label');
  if (finding) console.warn(warningLine(finding));
}

/** Foreign versions under the labels that do not make them current: reported, never blocking. */
function warnOfForeignVersions(store: CertificateStore, name: string, slots: CertificateSlots): void {
  const label = (stage: CertificateStage) => store.stageLabels?.[stage] ?? stage;
  const consequence: Record<'previous' | 'pending', string> = {
    previous: `so the store holds no previous certificate; nothing needs doing: the next certificate written moves ${label('previous')} off it.`,
    pending: `so no roll of this resource is pending; it blocks nothing, but it becomes the certificate if something moves ${label('current')} onto it (a rotation Lambda does). The next scheduled roll takes ${label('pending')}.`,
  };
  for (const stage of ['previous', 'pending'] as const) {
    const ref = slots[stage];
    if (isForeign(ref)) {
      console.warn(warningLine({ code: 'STORE_NOT_OURS', message: `secret "${name}" in the ${store.description}: version ${ref.versionId} (${label(stage)}) is not a certificate of sfb-oauth-cert (something else wrote it), ${consequence[stage]}` }));
    }
  }
}

/**
 * What the store keeps of the declared certificate: the PFX and its password, or, for a
 * certificate a Front End Server already has, its thumbprint and that server (nothing secret).
 */
function payloadOf(inputs: CheckedInputs, acmeAccountKeyPem?: string): CertificatePayload {
  const when = inputs.effectiveDate ? { effectiveDate: inputs.effectiveDate } : {};
  // The ACME account key is kept beside the certificate, never in the inputs (state keeps them).
  const account = acmeAccountKeyPem ? { acmeAccountKeyPem } : {};
  if (typeof inputs.pfx === 'string') return { pfxBase64: Buffer.from(inputs.pfx, 'base64').toString('base64'), password: inputs.password ?? null, thumbprint: inputs.thumbprint, ...when, ...account };
  const { source } = sourceRule({ certificate: inputs.certificate }, inputs.pool);
  if (!source || !isServerHeld(source)) {
    throw new SfbError('INTERNAL_ERROR', `The inputs of secret "${inputs.secretName}" reached the store step with neither a PFX nor a certificate a Front End Server holds; run \`pulumi preview\` and \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
  }
  return { heldBy: source.server, thumbprint: inputs.thumbprint, ...when };
}

/** The owner claim of the declaring stack (resource.ts sets `owner`; check passes it through). */
function claimOf(inputs: CheckedInputs): OwnerClaim {
  if (typeof inputs.owner !== 'string' || inputs.owner === '') {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The resource for secret "${inputs.secretName}" reached the provider without its \`owner\` input (the stack that manages it), which OAuthTokenIssuerCertificate sets from the program's organization, project and stack. Declare the certificate with OAuthTokenIssuerCertificate from this version of sfb-oauth-cert.`,
    );
  }
  return { owner: inputs.owner, adopt: inputs.adopt === true };
}

/**
 * The secret's metadata when state says it exists: a missing one is a lost store, reported with
 * the store's account of what is missing and the two ways on.
 */
async function describeExisting(store: CertificateStore, name: string, versionId: string): Promise<StoredSecret> {
  try {
    return await store.describeExisting(name);
  } catch (error) {
    if (!isSfbError(error) || error.code !== 'STORE_NOT_FOUND') throw error;
    throw new SfbError(
      'STORE_NOT_FOUND',
      `${error.message} The Pulumi state says this store holds it (version ${versionId || 'none recorded'}), so it is treated as lost, not as absent: nothing was changed. If the store is really gone, remove the resource from the state with \`pulumi state delete <urn>\` (\`pulumi stack --show-urns\` lists the URN), then run \`pulumi up\` to store the certificate again, without its previous certificate.`,
    );
  }
}

/**
 * Writes the desired certificate and moves the labels. Retries are safe: the version id is
 * derived from the content, so a repeated write is a no-op (no duplicate versions).
 * `knownVersionId`: the state's version id when state says the secret exists (update).
 */
async function converge(inputs: CheckedInputs, now: Date, knownVersionId: string | undefined, recordedRotation: unknown, world: Composition, acmeAccountKeyPem?: string): Promise<CertificateState> {
  const store = world.openStore(inputs.store, inputs.storePassphrase);
  const claim = claimOf(inputs);
  const name = inputs.secretName;
  let secret = knownVersionId === undefined ? await store.describe(name) : await describeExisting(store, name, knownVersionId);
  const previousOwner = secret?.owner;
  if (secret?.deletionDate) {
    // A certificate destroyed earlier and declared again: recover it rather than fail.
    secret = await store.restore(name, claim);
  } else if (secret && secret.owner !== claim.owner) {
    // Nothing may need writing (the store already holds this certificate), but the secret is
    // this stack's from now on: record it, or learn now that another stack manages it.
    secret = await store.claim(name, claim);
  }
  const stored = secret ? await readSlots(store, name, secret) : {};
  const effectiveAt = inputs.effectiveDate === undefined ? undefined : parseIsoInstant(inputs.effectiveDate);
  if (effectiveAt !== undefined && !effectiveAt.ok) throw new SfbError('INVALID_ARGUMENT', `The \`effectiveDate\` input ${effectiveAt.reason}.`);
  const plan = planRoll(stored, { versionId: inputs.versionId, thumbprint: inputs.thumbprint, ...(effectiveAt?.ok ? { effectiveDate: effectiveAt.date } : {}) }, now);
  const payload = payloadOf(inputs, acmeAccountKeyPem);
  for (const step of plan.steps) {
    // The planner sees labelled versions only. A declared version the store still keeps without
    // a label (A → B → C, then A again) must be moved onto: writing it again is a no-op (the
    // store contract, as Secrets Manager's PutSecretValue), which left C current.
    const kept = secret?.versions.some((v) => v.versionId === step.versionId) === true;
    if (step.kind === 'write-version' && !kept) await store.putVersion({ name, versionId: step.versionId, payload, stage: step.stage, claim, notAfter: inputs.notAfter });
    else await store.moveStage(name, step.stage, step.versionId, claim);
  }
  if (previousOwner !== undefined && previousOwner !== claim.owner) {
    console.warn(warningLine({ code: 'STORE_OWNED_ELSEWHERE', message: `secret "${name}" in the ${store.description} was managed by ${previousOwner}; \`adopt: true\` made ${claim.owner} its owner. ${previousOwner} can no longer change it; remove \`adopt\` from this resource now that the takeover is done.` }));
  }
  // Preview warned of a rotation state recorded; one seen only now is said here.
  const rotation = rotationOf(secret);
  if (JSON.stringify(rotation) !== JSON.stringify(recordedRotation ?? null)) warnOfRotation(store, name, rotation);
  return stateFrom(inputs, plan, store, slotsAsOf(stored, now), secret, world.testClock);
}

type Operation = 'create' | 'update' | 'refresh' | 'delete';

const DOING: Record<Operation, string> = {
  create: 'creating (storing the first certificate of)',
  update: 'updating (storing the declared certificate of)',
  refresh: 'refreshing (reading what the store holds for)',
  delete: 'deleting (scheduling the deletion of)',
};

/**
 * What the user sees when an operation fails. Store and input errors carry our code and a
 * message written for the user (never a secret). Anything else is a bug of ours, not the
 * store's: INTERNAL_ERROR says what was being done and asks for a report. Its text keeps only the
 * error's class and where it was thrown, never its message, which may quote data (JSON.parse
 * quotes its input, and the input may be a decrypted payload).
 */
export function failureMessage(error: unknown, operation: Operation, secretName: unknown): string {
  if (isSfbError(error)) return `${error.code}: ${error.message}`;
  const kind = error instanceof Error ? error.name : typeof error;
  const frames =
    error instanceof Error && typeof error.stack === 'string'
      ? error.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, 3)
          .map((line) => line.trim().replace(/^at /, ''))
      : [];
  const where = frames.length > 0 ? ` at ${frames.join(' < ')}` : '';
  const secret = typeof secretName === 'string' ? `secret "${secretName}"` : 'the secret';
  return `INTERNAL_ERROR: sfb-oauth-cert failed while ${DOING[operation]} ${secret}: an unexpected ${kind}${where}. This is a bug in sfb-oauth-cert, not a problem with the store; the store keeps what it had, and the next \`pulumi up\` completes any change. Please ${REPORT_BUGS_AT}, with this message (it contains no secret).`;
}

/**
 * The inputs check returned, typed. Check wrote every key, so one missing is a bug of ours:
 * INTERNAL_ERROR naming the keys (never their values).
 */
function checkedInputsOf(raw: Record<string, unknown>): CheckedInputs & { readonly __provider?: unknown } {
  const parsed = parseCheckedInputs(raw);
  if (parsed.ok) return parsed.inputs;
  const keys = parsed.unread.map((u) => `\`${u.key}\` (${u.reason})`).join(', ');
  throw new SfbError('INTERNAL_ERROR', `The inputs of secret "${String(raw.secretName)}" reached the store step without what check computes: ${keys}. Run \`pulumi preview\` and \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
}

/** Pulumi `create`. */
export async function create(inputs: Record<string, unknown>, now?: Date, overrides: CompositionOverrides = {}): Promise<{ id: string; outs: CertificateState }> {
  let checked: CheckedInputs & { readonly __provider?: unknown };
  let outs: CertificateState;
  let world: Composition;
  let at: Date;
  try {
    if (isIssued(inputs)) {
      world = compose(partiesOf(inputs), overrides);
      at = now ?? world.clock();
      const issued = await issuedInputs({}, inputs, world, at);
      checked = issued.inputs;
      outs = withRenewalLine(await converge(checked, at, undefined, undefined, world, issued.acmeAccountKeyPem), issued.renewalLine, world.testClock);
      // "Current now" is after the order: a CA dates NotBefore when it issues (Pebble to the
      // second, without the hour Let's Encrypt backdates), later than this operation began.
      at = now ?? world.clock();
    } else {
      checked = checkedInputsOf(inputs);
      world = compose(partiesOf(checked), overrides);
      at = now ?? world.clock();
      outs = await converge(checked, at, undefined, undefined, world);
    }
  } catch (error) {
    throw new Error(failureMessage(error, 'create', inputs.secretName));
  }
  // The Front End step, after the store step: its failure keeps this state.
  const withServers = await poolStep(checked.secretName, outs, checked, at, (e) => failureMessage(e, 'create', inputs.secretName), { open: world.openPool });
  return { id: checked.secretName, outs: withServers };
}

/**
 * Pulumi `update`. On failure the previous certificate stays current (store writes are atomic
 * and labels move in the same write); the error keeps the old state as a partial success, with
 * the old version id, so the next `pulumi up` sees the difference and finishes the roll.
 */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, now?: Date, overrides: CompositionOverrides = {}): Promise<{ outs: CertificateState }> {
  let checked: CheckedInputs & { readonly __provider?: unknown };
  let outs: CertificateState;
  let world: Composition;
  let at: Date;
  const parsedOlds = parseCertificateState(olds);
  const old: StoredState = parsedOlds.ok ? parsedOlds.state : {};
  try {
    if (isIssued(news)) {
      world = compose(partiesOf(news), overrides);
      at = now ?? world.clock();
      const issued = await issuedInputs(parsedOlds.ok ? parsedOlds.record : olds, news, world, at);
      checked = issued.inputs;
      outs = withRenewalLine(await converge(checked, at, old.versionId ?? '', old.storeRotation, world, issued.acmeAccountKeyPem), issued.renewalLine, world.testClock);
    } else {
      checked = checkedInputsOf(news);
      world = compose(partiesOf(checked), overrides);
      at = now ?? world.clock();
      outs = await converge(checked, at, old.versionId ?? '', old.storeRotation, world);
    }
  } catch (error) {
    const message = failureMessage(error, 'update', news.secretName);
    // State that was unreadable before this update too is kept as it was; a failed order is
    // recorded with it, so the next preview and up know (a CA's Retry-After is honoured).
    const failed = failureRecordOf(error);
    const kept = parsedOlds.ok ? parsedOlds.record : olds;
    const properties = failed ? { ...kept, renewalFailure: failed } : kept;
    throw Object.assign(new Error(message), { id, properties, reasons: [message] });
  }
  // The Front End step, after the store step: its failure keeps the new store state.
  // The old `servers` output goes along: the NotAfter of certificates it saw current, which
  // Skype no longer reports once they are previous (the expired previous one is removed).
  // The previous declaration too: a roll it scheduled is this resource's own, not a foreign one.
  const declaredBefore = { thumbprint: old.thumbprint, effectiveDate: old.effectiveDate?.toISOString() };
  const withServers = await poolStep(id, outs, { ...checked, servers: old.servers, declaredBefore }, at, (e) => failureMessage(e, 'update', news.secretName), { open: world.openPool });
  return { outs: withServers };
}

/** Pulumi `read` (refresh): what the store really holds now. */
export async function read(id: string, olds: Record<string, unknown>, now?: Date, overrides: CompositionOverrides = {}): Promise<{ id?: string; props?: Record<string, unknown> }> {
  try {
    const world = compose(partiesOf(olds), overrides);
    const at = now ?? world.clock();
    const result = await readStore(id, olds, at, world);
    if (!result.props) return result;
    // The Front End step: what every server reports now.
    const props = await poolRefresh(result.props, at, { open: world.openPool });
    // A certificate from an issuer: refresh says what renewal would do, as preview does.
    if (isIssued(props)) reportRenewal(props, at, world.testClock);
    return { ...result, props: world.testClock && typeof props.plan === 'string' ? { ...props, plan: testClockLine(props.plan) } : props };
  } catch (error) {
    throw new Error(failureMessage(error, 'refresh', olds.secretName));
  }
}

async function readStore(id: string, olds: Record<string, unknown>, now: Date, world: Composition): Promise<{ id?: string; props?: Record<string, unknown> }> {
  const { record: state, state: inputs } = readState(olds);
  const store = world.openStore(inputs.store, inputs.storePassphrase ?? null);
  const name = secretNameOf(inputs);
  const secret = await describeExisting(store, name, inputs.versionId ?? '');
  if (secret.deletionDate) {
    // Deleted elsewhere (an operator, or a stack that shared the store before owners were
    // recorded) but recoverable: the resource stays, and shows drift (no version) so the next
    // `pulumi up` updates it, which restores the secret with its history. Reporting it deleted
    // would make that `up` a create: the same restore, but the resource's history in state gone.
    console.warn(warningLine({ code: 'STORE_NOT_FOUND', message: `secret "${name}" in the ${store.description} is scheduled for deletion on ${secret.deletionDate}; the next \`pulumi up\` restores it.` }));
    return {
      id,
      props: {
        ...state,
        versionId: '',
        plan: driftPlan(`store scheduled the secret for deletion on ${secret.deletionDate}; the next up restores it`),
        storeDescription: store.description,
      },
    };
  }
  const stored = await readSlots(store, name, secret);
  const pending = stored.pending;
  if (pending && !isForeign(pending) && pending.effectiveDate.getTime() <= now.getTime() && pending.versionId === inputs.versionId && inputs.owner !== undefined && secret.owner === inputs.owner) {
    // Our scheduled roll's date has passed: Skype made it current then, and the store's labels
    // catch up on the first refresh or up at or after that date, as Secrets Manager's would
    // (AWSCURRENT moved onto the pending version). Only the owner moves them.
    await store.moveStage(name, 'current', pending.versionId, { owner: inputs.owner, adopt: false });
  }
  const slots = slotsAsOf(stored, now);
  const rotation = rotationOf(secret);
  const props: Record<string, unknown> = {
    ...state,
    previousThumbprint: thumbprintOf(slots.previous) ?? null,
    pendingThumbprint: thumbprintOf(slots.pending) ?? null,
    storeDescription: store.description,
    storeRotation: rotation,
  };
  warnOfRotation(store, name, rotation);
  warnOfForeignVersions(store, name, slots);
  // Drift: someone changed the current certificate behind Pulumi's back. A foreign version is
  // named by its label and id, never its value; state's thumbprint is then ''.
  const drift = storeDrift(slots, inputs.versionId, store.stageLabels?.current ?? 'current');
  if (drift) Object.assign(props, drift);
  return { id, props };
}

/** The state, typed; state a newer provider wrote is STATE_UNSUPPORTED. */
function readState(olds: Record<string, unknown>): { readonly record: Record<string, unknown>; readonly state: StoredState } {
  const parsed = parseCertificateState(olds);
  if (!parsed.ok) throw new SfbError(parsed.problem.code, parsed.problem.message);
  return parsed;
}

/** The secret state names; state without one cannot name what to read or delete. */
function secretNameOf(state: StoredState): string {
  if (state.secretName !== undefined) return state.secretName;
  throw new SfbError('INVALID_ARGUMENT', 'The Pulumi state of this resource names no secret (`secretName`), so there is nothing to read or delete; remove the resource from the state with `pulumi state delete <urn>`.');
}

/**
 * Pulumi `delete`: schedules deletion; the certificate stays recoverable for the window. A
 * secret another stack manages is left alone: this stack only forgets it, and says so.
 */
export async function remove(olds: Record<string, unknown>, overrides: CompositionOverrides = {}): Promise<void> {
  try {
    const { state: inputs } = readState(olds);
    const store = compose(partiesOf(inputs), overrides).openStore(inputs.store, inputs.storePassphrase ?? null);
    const name = secretNameOf(inputs);
    const secret = await describeExisting(store, name, inputs.versionId ?? '');
    if (secret.deletionDate) return;
    // State written before owners were recorded names none: it cannot prove the secret is its
    // own, so it deletes only a secret nobody has claimed.
    const owner = inputs.owner !== undefined && inputs.owner !== '' ? inputs.owner : undefined;
    const forget = (manager: string) =>
      console.warn(
        warningLine({
          code: 'STORE_OWNED_ELSEWHERE',
          message: `secret "${name}" in the ${store.description} is managed by ${manager}${owner ? `, not by ${owner}` : ''}, so this destroy leaves it in place (not scheduled for deletion) and only removes it from this stack's state.`,
        }),
      );
    if (secret.owner !== undefined && secret.owner !== owner) return forget(secret.owner);
    try {
      // Never adopt to delete: the claim only checks, under the store's lock.
      const spec = inputs.store;
      const window = spec?.kind === AWS_STORE_KIND ? (spec.recoveryWindowDays ?? RECOVERY_WINDOW_DAYS) : RECOVERY_WINDOW_DAYS;
      await store.scheduleDeletion(name, window, owner === undefined ? undefined : { owner, adopt: false });
    } catch (error) {
      // Another stack adopted it between the look and the deletion.
      if (!isSfbError(error) || error.code !== 'STORE_OWNED_ELSEWHERE') throw error;
      const now = await store.describe(name);
      return forget(now?.owner ?? 'another stack');
    }
  } catch (error) {
    throw new Error(failureMessage(error, 'delete', olds.secretName));
  }
}
