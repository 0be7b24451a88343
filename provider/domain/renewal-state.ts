/**
 * What state records for renewal, read once into the policy's input (renewal-policy.ts): the
 * certificate the resource holds (its thumbprint and validity, as stored), whether it is still
 * pending (a renewal ordered and scheduled, not yet rolled), and the last failed order. Also the
 * renewal settings as check wrote them into the inputs. Check, which the engine hands the old
 * inputs and never the state, reads the certificate held from the store instead: both become
 * one {@link HeldCertificate}, so preview and up decide on the same facts.
 *
 * The keys, beside the resource's own (certificate-state.ts):
 * - `renewal`: the settings, `{ renewBeforeMs?, rollLeadTimeMs, allowImmediateRenewal }`;
 * - `renewalFailure`: the last order that failed, `{ code, at, retryAfter? }`, or null;
 * - `nextRenewalAt`: when the next renewal starts (ISO 8601), for `status` and `review`.
 * Pure: no Pulumi, no clock.
 */
import { z } from 'zod';
import type { RenewalFailure, RenewalInput } from './renewal-policy';
import type { RenewalSettings } from './issuer-spec';
import { isoInstant as instant } from './schema-sentences';

const settings = z.object({
  renewBeforeMs: z.number().int().positive().optional(),
  rollLeadTimeMs: z.number().int().positive(),
  allowImmediateRenewal: z.boolean(),
});

const failure = z.object({ code: z.string(), at: instant, retryAfter: instant.optional() });

const record = z.looseObject({
  thumbprint: z.string().optional(),
  notBefore: instant.optional(),
  notAfter: instant.optional(),
  effectiveDate: instant.optional(),
  pendingThumbprint: z.string().nullable().optional(),
  renewal: settings.optional().catch(undefined),
  renewalFailure: failure.nullable().optional().catch(undefined),
});

/** The renewal settings check wrote (`renewal`), or undefined when absent or unreadable. */
export function renewalSettingsOf(raw: Readonly<Record<string, unknown>>): RenewalSettings | undefined {
  const parsed = settings.safeParse(raw.renewal);
  return parsed.success ? parsed.data : undefined;
}

/** The last failed order state records, or undefined. */
export function renewalFailureOf(raw: Readonly<Record<string, unknown>>): RenewalFailure | undefined {
  const parsed = failure.safeParse(raw.renewalFailure);
  return parsed.success ? parsed.data : undefined;
}

/** A failure as state keeps it. */
export function recordedFailure(failed: RenewalFailure): { code: string; at: string; retryAfter?: string } {
  return { code: failed.code, at: failed.at.toISOString(), ...(failed.retryAfter ? { retryAfter: failed.retryAfter.toISOString() } : {}) };
}

/**
 * The certificate renewal decides on, wherever it was read (state, or the store in preview): the
 * newest one the resource holds, which is the pending one while a roll is scheduled, and then
 * its roll instant (`rollAt`, its effective date).
 */
export interface HeldCertificate {
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Present while the certificate waits under the pending label: when it becomes current. */
  readonly rollAt?: Date;
}

/** What the policy is told besides the certificate: the declared settings, the pool's replication allowance and the last failed order. */
export interface RenewalContext {
  readonly settings: RenewalSettings;
  readonly now: Date;
  /** A pool's replicationTimeoutSeconds, in ms; absent: the policy's default. */
  readonly replicationAllowanceMs?: number;
  readonly lastFailure?: RenewalFailure;
}

/**
 * The policy's input from the certificate held (`held`; absent: nothing held yet, the first
 * order). A certificate whose roll instant is past is simply current: the policy decides on it.
 */
export function renewalInputOfHeld(held: HeldCertificate | undefined, context: RenewalContext): RenewalInput {
  const { settings: declared, now, replicationAllowanceMs, lastFailure } = context;
  const base = {
    now,
    ...(declared.renewBeforeMs !== undefined ? { renewBeforeMs: declared.renewBeforeMs } : {}),
    rollLeadTimeMs: declared.rollLeadTimeMs,
    allowImmediateRenewal: declared.allowImmediateRenewal,
    ...(replicationAllowanceMs !== undefined ? { replicationAllowanceMs } : {}),
    ...(lastFailure ? { lastFailure } : {}),
  };
  if (!held) return base;
  const current = { thumbprint: held.thumbprint, notBefore: held.notBefore, notAfter: held.notAfter };
  return { ...base, current, ...(held.rollAt ? { pending: { thumbprint: held.thumbprint, rollAt: held.rollAt } } : {}) };
}

/**
 * The policy's input from state (`raw`: the outputs of the last up or refresh; empty for a
 * create) and the declared settings. The certificate state names is pending while the store
 * labels it pending (`pendingThumbprint`), with its effective date as the roll instant.
 */
export function renewalInputOf(
  raw: Readonly<Record<string, unknown>>,
  declared: RenewalSettings,
  now: Date,
  replicationAllowanceMs?: number,
): RenewalInput {
  const parsed = record.safeParse(raw);
  const state = parsed.success ? parsed.data : {};
  const context = { settings: declared, now, ...(replicationAllowanceMs !== undefined ? { replicationAllowanceMs } : {}), ...(state.renewalFailure ? { lastFailure: state.renewalFailure } : {}) };
  if (state.thumbprint === undefined || state.notBefore === undefined || state.notAfter === undefined) return renewalInputOfHeld(undefined, context);
  const pending = state.pendingThumbprint === state.thumbprint && state.effectiveDate !== undefined;
  return renewalInputOfHeld({ thumbprint: state.thumbprint, notBefore: state.notBefore, notAfter: state.notAfter, ...(pending ? { rollAt: state.effectiveDate } : {}) }, context);
}
