/**
 * Pulumi `create`, `update`, `read` (refresh) and `delete`: the store operations. A thin shell
 * that gathers (the store), lets the domain decide (the roll plan) and acts (store writes).
 *
 * Secrets: Pulumi hands this code plaintext. Nothing here logs or echoes the PFX, its password
 * or the store passphrase.
 */
import { resolve } from 'node:path';
import { createLocalStore } from '../adapters/local-store';
import { isSfbError, SfbError } from '../domain/errors';
import { planRoll, slotsAsOf, type CertificateSlots, type RollPlan } from '../domain/roll-plan';
import { migrateState, STATE_SCHEMA_VERSION, type CertificateState, type CheckedInputs, type StoreSpec } from '../domain/resource-state';
import type { CertificatePayload, CertificateStore, StoredSecret } from '../ports/certificate-store';

/** Days a destroyed certificate stays recoverable, as Secrets Manager's default. */
export const RECOVERY_WINDOW_DAYS = 30;

function thumbprintOfVersion(versionId: string): string {
  return /^[0-9A-F]{40}-/.test(versionId) ? versionId.slice(0, 40) : 'UNKNOWN';
}

/** The store for these inputs; built per call, never captured (it holds the passphrase). */
export function openStore(spec: StoreSpec, passphrase: string): CertificateStore {
  if (spec.kind !== 'local') throw new SfbError('INVALID_ARGUMENT', `The store kind "${String(spec.kind)}" is not known; use CertificateStores.local().`);
  // A relative directory is relative to the program's directory, where the engine starts this
  // provider: state then stays the same whichever path a checkout (or CI runner) has.
  return createLocalStore({ directory: resolve(spec.directory), passphrase, passphraseSource: 'the `storePassphrase` input (config sfb-oauth-cert:storePassphrase or SFB_STORE_PASSPHRASE)' });
}

async function readSlots(store: CertificateStore, name: string, secret: StoredSecret): Promise<CertificateSlots> {
  const holding = (stage: 'current' | 'previous' | 'pending') => secret.versions.find((v) => v.stages.includes(stage));
  const ref = async (versionId: string) => {
    // The payload names its certificate; a version written outside Pulumi has no thumbprint id.
    const payload = await store.getVersion(name, versionId);
    return { versionId, thumbprint: payload.thumbprint || thumbprintOfVersion(versionId), payload };
  };
  const slots: { current?: { versionId: string; thumbprint: string }; previous?: { versionId: string; thumbprint: string }; pending?: { versionId: string; thumbprint: string; effectiveDate: Date } } = {};
  const current = holding('current');
  if (current) {
    const r = await ref(current.versionId);
    slots.current = { versionId: r.versionId, thumbprint: r.thumbprint };
  }
  const previous = holding('previous');
  if (previous) slots.previous = { versionId: previous.versionId, thumbprint: thumbprintOfVersion(previous.versionId) };
  const pending = holding('pending');
  // Promoting a scheduled version moves `current` onto it and, as in Secrets Manager, leaves the
  // pending label there too: that version is simply current.
  if (pending && pending.versionId !== current?.versionId) {
    const r = await ref(pending.versionId);
    slots.pending = { versionId: r.versionId, thumbprint: r.thumbprint, effectiveDate: new Date(r.payload.effectiveDate ?? 0) };
  }
  return slots;
}

function stateFrom(inputs: CheckedInputs, plan: RollPlan, store: CertificateStore, stored: CertificateSlots): CertificateState {
  // The PFX and its password stay out of the outputs: the store holds them, the inputs (secret,
  // encrypted in state) carry them to the next update, and every output travels further (the
  // Node SDK even debug-logs each registration's outputs, secrets included).
  const { pfx: _pfx, password: _password, ...kept } = inputs;
  return {
    ...kept,
    plan: plan.summary,
    schemaVersion: STATE_SCHEMA_VERSION,
    previousThumbprint: plan.after.previous?.thumbprint ?? stored.previous?.thumbprint ?? null,
    pendingThumbprint: plan.action === 'schedule' || (plan.action === 'none' && stored.pending?.versionId === inputs.versionId) ? inputs.thumbprint : null,
    storeDescription: store.description,
  };
}

/**
 * Writes the desired certificate and moves the labels. Retries are safe: the version id is
 * derived from the content, so a repeated write is a no-op (no duplicate versions).
 */
async function converge(inputs: CheckedInputs, now: Date): Promise<CertificateState> {
  const store = openStore(inputs.store, inputs.storePassphrase);
  let secret = await store.describe(inputs.secretName);
  if (secret?.deletionDate) {
    // A certificate destroyed earlier and declared again: recover it rather than fail.
    secret = await store.restore(inputs.secretName);
  }
  const stored = secret ? await readSlots(store, inputs.secretName, secret) : {};
  const plan = planRoll(stored, { versionId: inputs.versionId, thumbprint: inputs.thumbprint, ...(inputs.effectiveDate ? { effectiveDate: new Date(inputs.effectiveDate) } : {}) }, now);
  const payload: CertificatePayload = {
    pfxBase64: Buffer.from(inputs.pfx, 'base64').toString('base64'),
    password: inputs.password,
    thumbprint: inputs.thumbprint,
    ...(inputs.effectiveDate ? { effectiveDate: inputs.effectiveDate } : {}),
  };
  for (const step of plan.steps) {
    if (step.kind === 'write-version') await store.putVersion({ name: inputs.secretName, versionId: step.versionId, payload, stage: step.stage });
    else await store.moveStage(inputs.secretName, step.stage, step.versionId);
  }
  return stateFrom(inputs, plan, store, slotsAsOf(stored, now));
}

/** Error text safe to show: our own messages, or a generic sentence for anything else. */
function safeMessage(error: unknown): string {
  if (isSfbError(error)) return `${error.code}: ${error.message}`;
  return `STORE_UNAVAILABLE: the certificate store failed unexpectedly (${error instanceof Error ? error.name : 'unknown error'}); nothing was changed beyond what the next \`pulumi up\` completes.`;
}

/** Pulumi `create`. */
export async function create(inputs: Record<string, unknown>, now: Date): Promise<{ id: string; outs: CertificateState }> {
  const checked = inputs as unknown as CheckedInputs;
  try {
    return { id: checked.secretName, outs: await converge(checked, now) };
  } catch (error) {
    throw new Error(safeMessage(error));
  }
}

/**
 * Pulumi `update`. On failure the previous certificate stays current (store writes are atomic
 * and labels move in the same write); the error keeps the old state as a partial success, with
 * the old version id, so the next `pulumi up` sees the difference and finishes the roll.
 */
export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, now: Date): Promise<{ outs: CertificateState }> {
  const checked = news as unknown as CheckedInputs;
  try {
    return { outs: await converge(checked, now) };
  } catch (error) {
    const message = safeMessage(error);
    const partial = Object.assign(new Error(message), { id, properties: migrateState(olds).state, reasons: [message] });
    throw partial;
  }
}

/** Pulumi `read` (refresh): what the store really holds now. */
export async function read(id: string, olds: Record<string, unknown>, now: Date): Promise<{ id?: string; props?: Record<string, unknown> }> {
  try {
    return await readStore(id, olds, now);
  } catch (error) {
    throw new Error(safeMessage(error));
  }
}

async function readStore(id: string, olds: Record<string, unknown>, now: Date): Promise<{ id?: string; props?: Record<string, unknown> }> {
  const { state } = migrateState(olds);
  const inputs = state as unknown as CertificateState;
  const store = openStore(inputs.store, inputs.storePassphrase);
  const secret = await store.describe(inputs.secretName);
  if (!secret || secret.deletionDate) return {};
  const slots = slotsAsOf(await readSlots(store, inputs.secretName, secret), now);
  const current = slots.current;
  const props: Record<string, unknown> = {
    ...state,
    previousThumbprint: slots.previous?.thumbprint ?? null,
    pendingThumbprint: slots.pending?.thumbprint ?? null,
    storeDescription: store.description,
  };
  const scheduledOurs = slots.pending?.versionId === inputs.versionId;
  if (!scheduledOurs && current?.versionId !== inputs.versionId) {
    // Drift: someone changed the current certificate behind Pulumi's back.
    props.versionId = current?.versionId ?? '';
    props.thumbprint = current?.thumbprint ?? '';
    props.plan = current ? `drift: store holds ${current.thumbprint} as current` : 'drift: store holds no current certificate';
  }
  return { id, props };
}

/** Pulumi `delete`: schedules deletion; the certificate stays recoverable for the window. */
export async function remove(olds: Record<string, unknown>): Promise<void> {
  const { state } = migrateState(olds);
  const inputs = state as unknown as CertificateState;
  const store = openStore(inputs.store, inputs.storePassphrase);
  try {
    const secret = await store.describe(inputs.secretName);
    if (!secret || secret.deletionDate) return;
    await store.scheduleDeletion(inputs.secretName, RECOVERY_WINDOW_DAYS);
  } catch (error) {
    throw new Error(safeMessage(error));
  }
}
