/**
 * When a certificate that comes from an issuer is renewed, and when its successor becomes
 * current: one decision from the recorded facts and `now`, in the manner of cert-manager's
 * renewal time (`renewBefore`, default one third of the lifetime), with Skype's roll rules on
 * top (docs/skype-oauth-token-issuer.md):
 * - the new certificate is never made current at once by an unattended run: partners (Exchange,
 *   SharePoint) would be handed tokens signed by a key they have not seen. The roll is scheduled
 *   `rollLeadTime` ahead (default 24 hours) so they fetch the new metadata first;
 * - a scheduled roll lands at least 24 hours before the current certificate's NotAfter
 *   (ROLL_TOO_LATE, front-end-pool-plan.ts). When `now + rollLeadTime` is past that, the roll is
 *   scheduled at the latest instant the rule allows, provided replication still has its time
 *   before it (RENEWAL_LATE, a warning); when even that is gone, nothing is ordered unless
 *   `allowImmediateRenewal` says the operator accepts an immediate set;
 * - a renewal already stored and scheduled orders nothing new; a CA's Retry-After is honoured.
 * Roll instants are whole seconds (Skype's `-EffectiveDate` has no fractions, and a roll must
 * land exactly where the plan line said). Pure: `now` and every fact are parameters.
 */
import type { Finding } from './errors';
import { ROLL_LEAD_TIME_MS } from './front-end-pool-plan';
import { HOUR_MS, isoExact } from './time';

/** The default lead between ordering a renewal and its roll: partners fetch metadata daily. */
export const DEFAULT_ROLL_LEAD_TIME_MS = 24 * HOUR_MS;
/** The default `renewBefore`, as a fraction of the certificate's lifetime (cert-manager's). */
export const DEFAULT_RENEW_BEFORE_FRACTION = 1 / 3;
/** How long a scheduled roll needs to replicate to every Front End, without a pool's own setting (the pool's default `replicationTimeoutSeconds`). */
export const DEFAULT_REPLICATION_ALLOWANCE_MS = 900 * 1000;

const SECOND_MS = 1000;

/** The certificate current now, as recorded when it was stored. */
export interface CurrentCertificate {
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A renewal already ordered, stored and scheduled: it becomes current at `rollAt`. */
export interface PendingRenewal {
  readonly thumbprint: string;
  readonly rollAt: Date;
}

/** The last order that failed, as recorded; `retryAfter`: the CA asked us to wait until then. */
export interface RenewalFailure {
  readonly code: string;
  readonly at: Date;
  readonly retryAfter?: Date;
}

export interface RenewalInput {
  /** Absent: nothing is current yet (the first certificate). */
  readonly current?: CurrentCertificate;
  /** How long before NotAfter renewal is due; absent: a third of the lifetime. */
  readonly renewBeforeMs?: number;
  /** @default DEFAULT_ROLL_LEAD_TIME_MS */
  readonly rollLeadTimeMs?: number;
  /** @default false */
  readonly allowImmediateRenewal?: boolean;
  /** @default DEFAULT_REPLICATION_ALLOWANCE_MS (a pool: its replicationTimeoutSeconds) */
  readonly replicationAllowanceMs?: number;
  readonly pending?: PendingRenewal;
  readonly lastFailure?: RenewalFailure;
  readonly now: Date;
}

/**
 * The decision. `first`: nothing is current, order and make it current now (no partner knows a
 * key yet). `not-due`: nothing to do before `renewAt`. `due`: order now, roll at `rollAt`.
 * `late`: as `due`, at the latest instant the 24-hour rule allows, with a RENEWAL_LATE warning.
 * `immediate`: order and make current now (only with allowImmediateRenewal, once no roll can be
 * scheduled). `blocked`: no roll can be scheduled any more and immediate renewal is not allowed:
 * nothing is ordered, RENEWAL_LATE says what to do. `pending`: a renewal is scheduled, nothing
 * to order. `wait-until`: the CA asked us to wait.
 */
export type RenewalDecision =
  | { readonly kind: 'first' }
  | { readonly kind: 'not-due'; readonly renewAt: Date }
  | { readonly kind: 'due'; readonly renewAt: Date; readonly rollAt: Date }
  | { readonly kind: 'late'; readonly renewAt: Date; readonly rollAt: Date; readonly warning: Finding<'RENEWAL_LATE'> }
  | { readonly kind: 'immediate'; readonly renewAt: Date; readonly warning: Finding<'RENEWAL_LATE'> }
  | { readonly kind: 'blocked'; readonly renewAt: Date; readonly warning: Finding<'RENEWAL_LATE'> }
  | { readonly kind: 'pending'; readonly thumbprint: string; readonly rollAt: Date }
  | { readonly kind: 'wait-until'; readonly renewAt: Date; readonly until: Date; readonly code: string };

/** The instant rounded up to a whole second. */
function ceilSecond(ms: number): Date {
  return new Date(Math.ceil(ms / SECOND_MS) * SECOND_MS);
}

/** The instant rounded down to a whole second. */
function floorSecond(ms: number): Date {
  return new Date(Math.floor(ms / SECOND_MS) * SECOND_MS);
}

/**
 * When renewal of `current` is due: NotAfter minus `renewBefore`, whole seconds. A
 * `renewBefore` that is not shorter than the lifetime would renew every certificate as soon
 * as it is stored (an ordering loop), so the default third is used then, as cert-manager does.
 */
export function renewalTime(current: CurrentCertificate, renewBeforeMs?: number): Date {
  const lifetime = current.notAfter.getTime() - current.notBefore.getTime();
  const before = renewBeforeMs !== undefined && renewBeforeMs < lifetime ? renewBeforeMs : lifetime * DEFAULT_RENEW_BEFORE_FRACTION;
  return floorSecond(current.notAfter.getTime() - before);
}

/** Decides what renewal does now. */
export function decideRenewal(input: RenewalInput): RenewalDecision {
  const { current, now } = input;
  if (!current) return { kind: 'first' };
  // A pending renewal is honoured until its date; once past, the caller reports it as current.
  if (input.pending && input.pending.rollAt.getTime() > now.getTime()) {
    return { kind: 'pending', thumbprint: input.pending.thumbprint, rollAt: input.pending.rollAt };
  }
  const renewAt = renewalTime(current, input.renewBeforeMs);
  if (now.getTime() < renewAt.getTime()) return { kind: 'not-due', renewAt };
  const retryAfter = input.lastFailure?.retryAfter;
  if (retryAfter && retryAfter.getTime() > now.getTime()) return { kind: 'wait-until', renewAt, until: retryAfter, code: input.lastFailure!.code };

  const lead = input.rollLeadTimeMs ?? DEFAULT_ROLL_LEAD_TIME_MS;
  const replication = input.replicationAllowanceMs ?? DEFAULT_REPLICATION_ALLOWANCE_MS;
  const latest = floorSecond(current.notAfter.getTime() - ROLL_LEAD_TIME_MS);
  const wanted = ceilSecond(now.getTime() + lead);
  if (wanted.getTime() <= latest.getTime()) return { kind: 'due', renewAt, rollAt: wanted };
  const notAfter = isoExact(current.notAfter);
  if (latest.getTime() >= now.getTime() + replication) {
    return {
      kind: 'late',
      renewAt,
      rollAt: latest,
      warning: {
        code: 'RENEWAL_LATE',
        message: `Renewal of the OAuthTokenIssuer certificate ${current.thumbprint} was due at ${isoExact(renewAt)}; a roll ${formatDuration(lead)} ahead would land less than 24 hours before its NotAfter ${notAfter}, so the new certificate rolls at ${isoExact(latest)}, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`,
      },
    };
  }
  const gone = `Renewal of the OAuthTokenIssuer certificate ${current.thumbprint} was due at ${isoExact(renewAt)}; no roll can be scheduled any more at least 24 hours before its NotAfter ${notAfter} with ${formatDuration(replication)} for replication`;
  if (input.allowImmediateRenewal === true) {
    return {
      kind: 'immediate',
      renewAt,
      warning: { code: 'RENEWAL_LATE', message: `${gone}, so the new certificate is made current now, as \`allowImmediateRenewal: true\` allows; partners that have not fetched Skype's metadata since refuse its tokens until they do.` },
    };
  }
  return {
    kind: 'blocked',
    renewAt,
    warning: {
      code: 'RENEWAL_LATE',
      message: `${gone}, and making a new certificate current at once would hand partners tokens signed by a key they have not seen, so nothing was ordered. Set \`allowImmediateRenewal: true\` and run \`pulumi up\` to renew now, or renew by hand with a PFX and an \`effectiveDate\`.`,
    },
  };
}

/** The instant the next renewal starts, for `status` and `review`: absent when there is none to announce. */
export function nextRenewalAt(decision: RenewalDecision): Date | undefined {
  switch (decision.kind) {
    case 'not-due':
    case 'due':
    case 'late':
    case 'immediate':
    case 'blocked':
      return decision.renewAt;
    case 'wait-until':
      return decision.until;
    default:
      return undefined;
  }
}

/**
 * The decision as a plan line (`issuer`: the issuer's description, never a secret), e.g.
 * `renewal due: order a new certificate from self-signed, roll at 2026-12-08T14:00:00Z`.
 */
export function renewalLine(decision: RenewalDecision, issuer: string): string {
  switch (decision.kind) {
    case 'first':
      return `order the first certificate from ${issuer}, current now`;
    case 'not-due':
      return `renewal not due: next renewal at ${isoExact(decision.renewAt)} from ${issuer}`;
    case 'due':
      return `renewal due: order a new certificate from ${issuer}, roll at ${isoExact(decision.rollAt)}`;
    case 'late':
      return `renewal late: order a new certificate from ${issuer}, roll at ${isoExact(decision.rollAt)}`;
    case 'immediate':
      return `renewal late: order a new certificate from ${issuer}, current now (allowImmediateRenewal)`;
    case 'blocked':
      return `renewal late: nothing ordered from ${issuer}; no roll can be scheduled before the current certificate expires`;
    case 'pending':
      return `renewal pending: ${decision.thumbprint.slice(0, 4)}.. rolls at ${isoExact(decision.rollAt)}`;
    case 'wait-until':
      return `renewal due: ${issuer} asked to wait (${decision.code}); next order at ${isoExact(decision.until)}`;
  }
}

/** A duration as the resource's arguments write it: `24h`, `1h30m`, `90s`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / SECOND_MS);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
  return parts === '' ? '0s' : parts;
}
