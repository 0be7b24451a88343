/**
 * The certificate slots as the resource's state records them: what `check` plans from during
 * preview, when it has no store access. Pure.
 */
import type { StoredState } from './certificate-state';
import type { CertificateSlots } from './roll-plan';

/**
 * The version id state gives the certificate a scheduled roll replaces: state knows that one by
 * thumbprint only (as `previousThumbprint`, what it will be after the roll), which is all a plan
 * line names; the id only tells it apart from the declared version.
 */
export function replacedVersionId(declaredVersionId: string): string {
  return `current-before-${declaredVersionId}`;
}

/** The slots as old state records them, as of `now`. */
export function slotsFromState(state: StoredState, now: Date): CertificateSlots {
  if (state.versionId === undefined || state.thumbprint === undefined) return {};
  const declared = { versionId: state.versionId, thumbprint: state.thumbprint };
  const when = state.effectiveDate;
  // A declared effective date still ahead, or a roll the store has not recorded yet (state still
  // names it pending): that certificate is scheduled; the planner rolls it once its date passes.
  if (when !== undefined && (when.getTime() > now.getTime() || typeof state.pendingThumbprint === 'string')) {
    const replaced = typeof state.previousThumbprint === 'string' ? { current: { versionId: replacedVersionId(state.versionId), thumbprint: state.previousThumbprint } } : {};
    return { ...replaced, pending: { ...declared, effectiveDate: when } };
  }
  return { current: declared };
}
