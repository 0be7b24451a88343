/**
 * Drift in the store, as refresh sees it: the current certificate is not the declared one, and
 * no roll of ours explains it. The shell gathers the slots; this decides what state records.
 * Pure.
 */
import { isForeign, thumbprintOf, type CertificateSlots } from './roll-plan';
import { driftPlan } from './plan-lines';

/** What refresh records when the store drifted: the store's version, its thumbprint, the line. */
export interface StoreDrift {
  readonly versionId: string;
  /** `''` for no current certificate or a foreign one (never its value). */
  readonly thumbprint: string;
  /** The `drift: ...` plan line. */
  readonly plan: string;
}

/**
 * The drift of `slots` (as of now) from the declared version, or `undefined` when the store is
 * as declared (current, or our scheduled roll pending). `currentLabel`: the store's own name of
 * its current label (AWSCURRENT).
 */
export function storeDrift(slots: CertificateSlots, declaredVersionId: string | undefined, currentLabel: string): StoreDrift | undefined {
  const current = slots.current;
  const scheduledOurs = slots.pending?.versionId === declaredVersionId;
  if (scheduledOurs || current?.versionId === declaredVersionId) return undefined;
  const plan = !current
    ? driftPlan('store holds no current certificate')
    : isForeign(current)
      ? driftPlan(`store holds version ${current.versionId} (${currentLabel}), which is not a certificate of sfb-oauth-cert, as current`)
      : driftPlan(`store holds ${current.thumbprint} as current`);
  return { versionId: current?.versionId ?? '', thumbprint: thumbprintOf(current) ?? '', plan };
}
