/**
 * What the Front End pool step knows, read into the planner's typed values: the declared
 * certificate, the rolls this resource scheduled before, each certificate's NotAfter, what the
 * servers reported (the port's snapshot), the pool's settings, and the `servers` output kept in
 * state. Pure: every date is read with time.ts's strict parser, `now` is never read here.
 */
import { REPORT_A_PROBLEM, SfbError } from './errors';
import type { DeploymentFacts, DesiredDeployment, PoolSettings, RollRef, ServerOutput, ServerReport, ServersOutput } from './front-end-pool-plan';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { previewServerZone, type PreviewZone } from './server-zone';
import { readRecordedServers, type RecordedDate } from './recorded-servers';
import { parseIsoInstant } from './time';
import type { FrontEndCertificates, PoolSnapshot } from '../ports/front-end-pool';

/** The declared certificate as the pool step receives it (ISO 8601 text, from check's facts). */
export interface DeclaredCertificate {
  readonly thumbprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly effectiveDate?: string | null;
}

/** A certificate's NotAfter as recorded (the text kept in `servers`) and as an instant. */
export type KnownDate = RecordedDate;

/** NotAfter of each certificate seen, by upper-case thumbprint. */
export type KnownNotAfter = ReadonlyMap<string, KnownDate>;

/** An instant the provider wrote itself (check's facts, the adapter's normalised dates): unreadable is a defect, not an input error. */
function writtenInstant(value: string, what: string): Date {
  const parsed = parseIsoInstant(value);
  if (!parsed.ok) throw new SfbError('INTERNAL_ERROR', `The ${what} reached the pool step unreadable: ${parsed.reason}; ${REPORT_A_PROBLEM}.`);
  return parsed.date;
}

/** The certificate the resource declares, with real dates; no `effectiveDate` (or an unreadable one) means current now. */
export function desiredOf(declared: DeclaredCertificate): DesiredDeployment {
  const when = declared.effectiveDate ? parseIsoInstant(declared.effectiveDate) : undefined;
  return {
    thumbprint: declared.thumbprint,
    notBefore: writtenInstant(declared.notBefore, `NotBefore of ${declared.thumbprint}`),
    notAfter: writtenInstant(declared.notAfter, `NotAfter of ${declared.thumbprint}`),
    ...(when?.ok ? { effectiveDate: when.date } : {}),
  };
}

/**
 * The roll the previous declaration scheduled, if it had one (update only: the old state's
 * `thumbprint` and `effectiveDate`): a roll it scheduled is this resource's own, not a foreign one.
 */
export function ownRollsOf(declared: { readonly thumbprint?: unknown; readonly effectiveDate?: unknown } | undefined): RollRef[] {
  const when = parseIsoInstant(declared?.effectiveDate);
  return typeof declared?.thumbprint === 'string' && when.ok ? [{ thumbprint: declared.thumbprint, effectiveDate: when.date }] : [];
}

/**
 * What is known of certificates' NotAfter: the last `servers` output (state, so anything not of
 * the shape written is skipped), the snapshots, then the declared certificate. Skype reports only
 * the previous thumbprint, so the previous certificate's NotAfter is the one seen while it was current.
 */
export function knownNotAfter(recordedServers: unknown, declared: Pick<DeclaredCertificate, 'thumbprint' | 'notAfter'>, ...snapshots: (PoolSnapshot | undefined)[]): KnownNotAfter {
  const known = new Map<string, KnownDate>();
  const add = (thumbprint: unknown, notAfter: unknown) => {
    if (typeof thumbprint !== 'string' || typeof notAfter !== 'string') return;
    const parsed = parseIsoInstant(notAfter);
    if (parsed.ok) known.set(thumbprint.toUpperCase(), { text: notAfter, date: parsed.date });
  };
  for (const look of readRecordedServers(recordedServers)) {
    add(look.current, look.currentNotAfter?.text);
    add(look.previous, look.previousNotAfter?.text);
  }
  for (const snapshot of snapshots) {
    for (const s of snapshot ? [snapshot.global, ...snapshot.servers] : []) add(s.current, s.currentNotAfter);
  }
  add(declared.thumbprint, declared.notAfter);
  return known;
}

/** What one server (or the CMS) reported, as the planner reads it. */
export function reportOf(certificates: FrontEndCertificates): ServerReport {
  const pending = certificates.scheduled
    ? { thumbprint: certificates.scheduled.thumbprint, effectiveDate: writtenInstant(certificates.scheduled.effectiveDate, `effective date of the roll pending on ${certificates.server}`) }
    : undefined;
  return {
    server: certificates.server,
    ...(certificates.current ? { current: certificates.current } : {}),
    ...(certificates.previous ? { previous: certificates.previous } : {}),
    ...(pending ? { pending } : {}),
  };
}

/** The planner's facts from one look at the pool: each server's report, the CMS's certificates and pending roll, and the zones reported. */
export function deploymentFactsOf(snapshot: PoolSnapshot, known: KnownNotAfter, ownRolls: readonly RollRef[]): DeploymentFacts {
  const notAfterOf = (thumbprint: string) => {
    const date = known.get(thumbprint)?.date;
    return date ? { notAfter: date } : {};
  };
  const current = snapshot.global.current ? { thumbprint: snapshot.global.current, ...notAfterOf(snapshot.global.current) } : undefined;
  const previous = snapshot.global.previous ? { thumbprint: snapshot.global.previous, ...notAfterOf(snapshot.global.previous) } : undefined;
  const cmsPending = reportOf(snapshot.global).pending;
  return {
    reports: snapshot.servers.map(reportOf),
    ...(current ? { current } : {}),
    ...(previous ? { previous } : {}),
    ...(cmsPending ? { cmsPending } : {}),
    ownRolls,
    zones: { servers: snapshot.servers, ...(snapshot.session ? { session: snapshot.session } : {}) },
  };
}

/**
 * The pool's settings, in the zone preview plans in: the one `recorded` at the last look (a
 * Windows id), else the declared `serverTimeZone` (checkPoolSpec made sure Windows has it).
 * During up, a scheduled roll uses the zone the servers report instead (DeploymentFacts.zones).
 */
export function settingsOf(spec: FrontEndPoolSpec, recorded?: string): { settings: PoolSettings; warning?: PreviewZone['warning'] } {
  const preview = previewServerZone(spec.serverTimeZone, recorded);
  if (!preview) throw new SfbError('INTERNAL_ERROR', `The pool's \`serverTimeZone\` "${spec.serverTimeZone}" reached the pool step without a Windows time zone, which the input check refuses; ${REPORT_A_PROBLEM}.`);
  return { settings: { servers: spec.servers, zone: preview.zone, ...(spec.replaceForeignRoll === true ? { replaceForeignRoll: true } : {}) }, ...(preview.warning ? { warning: preview.warning } : {}) };
}

/** The `servers` output of a snapshot; the previous certificate's NotAfter when `known`. */
export function serversOutput(snapshot: PoolSnapshot, known: KnownNotAfter = new Map()): ServersOutput {
  const entries = snapshot.servers.map((s): [string, ServerOutput] => {
    // Not read at this look: nothing is known of it, and the entry says why, so that preview and
    // the next up count it as not known to be up to date.
    if (s.unreachable) return [s.server, { current: null, previous: null, unreachable: { code: s.unreachable.code, message: s.unreachable.message } }];
    const previousNotAfter = s.previous ? known.get(s.previous)?.text : undefined;
    return [
      s.server,
      {
        current: s.current ?? null,
        previous: s.previous ?? null,
        ...(s.scheduled ? { pending: { thumbprint: s.scheduled.thumbprint, effectiveDate: s.scheduled.effectiveDate } } : {}),
        ...(s.timeZone ? { timeZone: s.timeZone } : {}),
        ...(s.currentNotAfter ? { currentNotAfter: s.currentNotAfter } : {}),
        ...(previousNotAfter ? { previousNotAfter } : {}),
      },
    ];
  });
  return Object.fromEntries(entries);
}
