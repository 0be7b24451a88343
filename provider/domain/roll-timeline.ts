/**
 * The roll timeline of one OAuthTokenIssuer certificate in a review: when the current certificate
 * is valid, when the new one becomes current, the latest moment a roll may be scheduled (Skype's
 * 24 hours before the current NotAfter), and when the previous certificate expires. A value tests
 * compare with `toEqual`; the CLI draws it as a Mermaid gantt chart and a table
 * (provider/cli/review-timeline-markdown.ts).
 *
 * Nothing here carries text from the preview: an entry is a role and an event from closed lists,
 * a thumbprint (40 hexadecimal digits, upper case, checked again here) and instants. Pure: `now`
 * is a parameter.
 */
import type { NewCertificateState, OldCertificateState, Reviewed } from './review';
import { ROLL_LEAD_TIME_MS } from './front-end-pool-plan';
import { becomesCurrentAt } from './time';

/** Which certificate an entry is about; `limit` is the current one's 24-hour limit. */
export type TimelineRole = 'current' | 'new' | 'previous' | 'limit';

/** What happens at a milestone. */
export type TimelineEvent =
  /** The certificate's NotAfter (shown as a milestone when its NotBefore is not known). */
  | 'expires'
  /** The new certificate becomes current: at its effective date, or now. */
  | 'becomes-current'
  /** The latest effective date a scheduled roll may have: 24 hours before the current NotAfter. */
  | 'latest-roll';

/** A certificate's validity, NotBefore → NotAfter: a bar. */
export interface TimelineValidity {
  readonly kind: 'validity';
  readonly role: 'current' | 'new';
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** One instant: a milestone (a 24-hour bar on a two-year axis would be invisible). */
export interface TimelineMilestone {
  readonly kind: 'milestone';
  readonly role: TimelineRole;
  readonly event: TimelineEvent;
  /** The certificate it is about (for `limit`: the current one). */
  readonly thumbprint: string;
  readonly at: Date;
  /** For `becomes-current`: false when the certificate becomes current at once (no effective date ahead). */
  readonly scheduled?: boolean;
  /** For a scheduled `becomes-current`: it is after the latest roll (the provider refuses it: ROLL_TOO_LATE). */
  readonly late?: boolean;
}

export type TimelineEntry = TimelineValidity | TimelineMilestone;

/** The timeline of one certificate, in the order it is drawn: current, new, previous. */
export interface RollTimeline {
  readonly entries: readonly TimelineEntry[];
}

const THUMBPRINT = /^[0-9A-F]{40}$/;

const thumbprintOf = (value: Reviewed<string> | undefined): string | null => (typeof value === 'string' && THUMBPRINT.test(value) ? value : null);
const instantOf = (value: Reviewed<string> | undefined): Date | null => {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

/** What is known of one certificate's dates. */
interface Known {
  notBefore: Date | null;
  notAfter: Date | null;
}

/**
 * The dates known for each thumbprint: from the recorded and the checked state, then from what
 * each Front End reported (its current and previous certificates' NotAfter).
 */
function knownDates(oldState: OldCertificateState | undefined, newState: NewCertificateState | undefined): Map<string, Known> {
  const known = new Map<string, Known>();
  const add = (thumbprint: string | null, notBefore: Date | null, notAfter: Date | null) => {
    if (thumbprint === null) return;
    const entry = known.get(thumbprint) ?? { notBefore: null, notAfter: null };
    known.set(thumbprint, { notBefore: entry.notBefore ?? notBefore, notAfter: entry.notAfter ?? notAfter });
  };
  if (oldState) add(thumbprintOf(oldState.thumbprint), instantOf(oldState.notBefore), instantOf(oldState.notAfter));
  if (newState) add(thumbprintOf(newState.thumbprint), instantOf(newState.notBefore), instantOf(newState.notAfter));
  const servers = oldState && Array.isArray(oldState.servers) ? oldState.servers : [];
  for (const server of servers) {
    add(server.current, null, instantOf(server.currentNotAfter));
    add(server.previous, null, instantOf(server.previousNotAfter));
  }
  return known;
}

/**
 * The certificates current and previous as the recorded state leaves them at `now`: its declared
 * certificate is current unless its scheduled roll is still ahead, in which case the one it
 * replaces (recorded as `previousThumbprint`) is still current and no previous one is known.
 */
function slotsOf(oldState: OldCertificateState | undefined, now: Date): { current: string | null; previous: string | null } {
  if (!oldState) return { current: null, previous: null };
  const declared = thumbprintOf(oldState.thumbprint);
  const effective = instantOf(oldState.effectiveDate);
  const rollAhead = declared !== null && thumbprintOf(oldState.pendingThumbprint) === declared && effective !== null && effective.getTime() > now.getTime();
  if (rollAhead) return { current: thumbprintOf(oldState.previousThumbprint), previous: null };
  return { current: declared, previous: thumbprintOf(oldState.previousThumbprint) };
}

/**
 * The timeline of a certificate the review shows, as of `now`; null when nothing on it has a
 * known date. `remaining` is the certificate the preview declares (null when it is deleted).
 */
export function rollTimeline(oldState: OldCertificateState | undefined, newState: NewCertificateState | undefined, remaining: Reviewed<string>, now: Date): RollTimeline | null {
  const known = knownDates(oldState, newState);
  const slots = slotsOf(oldState, now);
  const declared = thumbprintOf(remaining);
  const entries: TimelineEntry[] = [];
  const datesOf = (thumbprint: string): Known => known.get(thumbprint) ?? { notBefore: null, notAfter: null };

  const current = slots.current;
  const currentNotAfter = current === null ? null : datesOf(current).notAfter;
  const limit = currentNotAfter === null ? null : new Date(currentNotAfter.getTime() - ROLL_LEAD_TIME_MS);
  if (current !== null) {
    const { notBefore, notAfter } = datesOf(current);
    if (notBefore !== null && notAfter !== null) entries.push({ kind: 'validity', role: 'current', thumbprint: current, notBefore, notAfter });
    else if (notAfter !== null) entries.push({ kind: 'milestone', role: 'current', event: 'expires', thumbprint: current, at: notAfter });
    if (limit !== null) entries.push({ kind: 'milestone', role: 'limit', event: 'latest-roll', thumbprint: current, at: limit });
  }

  if (declared !== null && declared !== current && newState) {
    // An effective date still marked secret or unknown says nothing about when: no milestone.
    const effective = newState.effectiveDate === null ? undefined : instantOf(newState.effectiveDate);
    if (effective !== null) {
      const at = becomesCurrentAt(now, effective);
      const scheduled = at.getTime() > now.getTime();
      entries.push({ kind: 'milestone', role: 'new', event: 'becomes-current', thumbprint: declared, at, scheduled, late: scheduled && limit !== null && at.getTime() > limit.getTime() });
    }
    const { notBefore, notAfter } = datesOf(declared);
    if (notBefore !== null && notAfter !== null) entries.push({ kind: 'validity', role: 'new', thumbprint: declared, notBefore, notAfter });
  }

  const previous = slots.previous;
  if (previous !== null && previous !== current && previous !== declared) {
    const { notAfter } = datesOf(previous);
    if (notAfter !== null) entries.push({ kind: 'milestone', role: 'previous', event: 'expires', thumbprint: previous, at: notAfter });
  }
  return entries.length === 0 ? null : { entries };
}
