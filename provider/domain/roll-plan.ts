/**
 * Plans how the store's certificate versions change to reach the desired certificate: a value
 * that can be printed (the one-line `plan` reviewers read in `pulumi preview --diff`) and tested
 * with `toEqual`, applied elsewhere (`converge` in provider/pulumi/lifecycle.ts).
 *
 * Skype keeps a current and a previous OAuthTokenIssuer certificate; `Set-CsCertificate` makes a
 * certificate current at once, and `-EffectiveDate ... -Roll` schedules it, the old current
 * becoming the previous at that moment (docs/skype-oauth-token-issuer.md).
 */

import { isoMinute } from './time';

/** One stored version as the planner sees it. */
export interface VersionRef {
  readonly versionId: string;
  readonly thumbprint: string;
}

/** A scheduled version: becomes current at `effectiveDate`. */
export interface PendingRef extends VersionRef {
  readonly effectiveDate: Date;
}

/**
 * A labelled version that holds no certificate of this provider: an operator's
 * `put-secret-value`, a rotation Lambda's value. Known by its id only; it is
 * drift when current, and blocks nothing when previous or pending.
 */
export interface ForeignVersion {
  readonly versionId: string;
  readonly foreign: true;
}

/** What a label points at: a certificate of ours, or a foreign version. */
export type SlotRef = VersionRef | ForeignVersion;

/** The certificates as Skype would have them at a moment. */
export interface CertificateSlots {
  readonly current?: SlotRef;
  readonly previous?: SlotRef;
  /** A foreign pending version is no roll of ours: it never becomes current by date. */
  readonly pending?: PendingRef | ForeignVersion;
}

export function isForeign(ref: SlotRef | PendingRef | undefined): ref is ForeignVersion {
  return ref !== undefined && 'foreign' in ref && ref.foreign;
}

/** The certificate's thumbprint, or `undefined` for no version or a foreign one. */
export function thumbprintOf(ref: SlotRef | PendingRef | undefined): string | undefined {
  return ref === undefined || isForeign(ref) ? undefined : ref.thumbprint;
}

/** How a plan line names what a label holds: `7F3A..`, or the foreign version by id. */
function nameOf(ref: SlotRef): string {
  return isForeign(ref) ? `version ${ref.versionId} (not a certificate)` : shortThumbprint(ref.thumbprint);
}

/** The certificate the resource declares. */
export interface DesiredCertificate extends VersionRef {
  /** Absent, or not after `now`: current immediately. */
  readonly effectiveDate?: Date;
}

/** One change to the store. */
export type RollStep =
  | { readonly kind: 'write-version'; readonly versionId: string; readonly stage: 'current' | 'pending' }
  | { readonly kind: 'move-stage'; readonly versionId: string; readonly stage: 'current' | 'pending' };

export interface RollPlan {
  /**
   * `none`: the store already holds the desired state. `record-roll`: a scheduled certificate's
   * date has passed (Skype rolled it then); only the store's labels catch up.
   */
  readonly action: 'none' | 'record-roll' | 'make-current' | 'schedule';
  readonly steps: readonly RollStep[];
  /** The slots once the plan is applied (and, for a schedule, once its date has passed). */
  readonly after: CertificateSlots;
  /** One line for reviewers, e.g. `current 7F3A.. → previous; new 12AB.. current at 2026-12-01T00:00Z`. */
  readonly summary: string;
}

/** The first four hex digits and "..": enough to tell certificates apart in a line. */
export function shortThumbprint(thumbprint: string): string {
  return `${thumbprint.slice(0, 4)}..`;
}

/**
 * The slots as of `now`: a pending version whose effective date has passed is current (Skype
 * rolled it at that moment), and the version it replaced is previous.
 */
export function slotsAsOf(stored: CertificateSlots, now: Date): CertificateSlots {
  const pending = stored.pending;
  if (!pending || isForeign(pending) || pending.effectiveDate.getTime() > now.getTime()) return stored;
  const rolled: VersionRef = { versionId: pending.versionId, thumbprint: pending.thumbprint };
  if (stored.current?.versionId === pending.versionId) return { current: rolled, ...(stored.previous ? { previous: stored.previous } : {}) };
  return { current: rolled, ...(stored.current ? { previous: stored.current } : {}) };
}

/** Plans the change from `existing` (slots as of `now`) to `desired`. */
export function planRoll(existing: CertificateSlots, desired: DesiredCertificate, now: Date): RollPlan {
  const slots = slotsAsOf(existing, now);
  const newShort = shortThumbprint(desired.thumbprint);
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  const known = [slots.current, slots.previous, slots.pending].some((v) => v?.versionId === desired.versionId);
  const step = (stage: 'current' | 'pending'): RollStep =>
    known ? { kind: 'move-stage', versionId: desired.versionId, stage } : { kind: 'write-version', versionId: desired.versionId, stage };
  const newRef: VersionRef = { versionId: desired.versionId, thumbprint: desired.thumbprint };

  if (slots.current?.versionId === desired.versionId) {
    if (existing.pending?.versionId === desired.versionId && !isForeign(existing.pending) && existing.current?.versionId !== desired.versionId) {
      // The roll happened at its date; move the store's `current` label to match.
      return {
        action: 'record-roll',
        steps: [{ kind: 'move-stage', versionId: desired.versionId, stage: 'current' }],
        after: slots,
        summary: `scheduled ${newShort} current since ${isoMinute(existing.pending.effectiveDate)}`,
      };
    }
    return { action: 'none', steps: [], after: slots, summary: `current ${newShort} unchanged` };
  }
  if (!scheduled) {
    const after: CertificateSlots = { current: newRef, ...(slots.current ? { previous: slots.current } : {}) };
    // A date already past means now, and the plan says so rather than hiding it.
    const past = desired.effectiveDate !== undefined ? ` (effective date ${isoMinute(desired.effectiveDate)} has passed)` : '';
    const summary = slots.current
      ? `current ${nameOf(slots.current)} → previous; new ${newShort} current now${past}`
      : `new ${newShort} current now${past}`;
    return { action: 'make-current', steps: [step('current')], after, summary };
  }
  const at = desired.effectiveDate!;
  const after: CertificateSlots = { current: newRef, ...(slots.current ? { previous: slots.current } : {}) };
  const summary = slots.current
    ? `current ${nameOf(slots.current)} → previous at ${isoMinute(at)}; new ${newShort} current at ${isoMinute(at)}`
    : `new ${newShort} current at ${isoMinute(at)}; nothing is current until then`;
  if (slots.pending?.versionId === desired.versionId) return { action: 'none', steps: [], after, summary };
  return { action: 'schedule', steps: [step('pending')], after, summary };
}
