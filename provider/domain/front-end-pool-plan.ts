/**
 * Plans how a Skype deployment's Front End Servers reach the declared OAuthTokenIssuer
 * certificate: a value that can be printed (its `summary` joins the store's line in `pulumi
 * preview --diff`) and tested with `toEqual`, applied elsewhere (front-end-pool-steps.ts decides
 * each step of up from it; provider/pulumi/front-end-pool-step.ts executes them).
 *
 * The deployment, as Skype runs it (docs/skype-oauth-token-issuer.md, STAGE's renewal steps):
 * import the PFX once, on one Front End → `Set-CsCertificate -Identity global` (now) or with
 * `-EffectiveDate ... -Roll` (scheduled) → the Central Management Store replicates it → every
 * server reports it → the previous certificate is removed once it has expired.
 *
 * Rules, each with its own code and a sentence with the fix:
 * - ROLL_TOO_LATE: a scheduled roll's effective date must be at least 24 hours before the
 *   current certificate's NotAfter (Exchange and other partners keep OAuth material that long);
 *   an immediate set is always allowed, so an emergency is never blocked;
 * - CERT_NOT_YET_VALID / CERT_EXPIRES_BEFORE_EFFECTIVE_DATE: the new certificate is valid at the
 *   moment it becomes current and after it;
 * - EFFECTIVE_DATE_AMBIGUOUS: a scheduled roll's instant is not next to a daylight saving change
 *   of the servers' time zone (server-date.ts: how Skype stores such a local time is unknown);
 * - an effective date already past means now (the store's line says so; see roll-plan.ts);
 * - the same desired state twice plans nothing; a different not-yet-effective roll re-plans;
 * - FOREIGN_ROLL_PENDING: a roll pending on the deployment that neither this
 *   declaration nor the one before it asked for (scheduled by hand) is drift, and is not
 *   replaced: what cancels a pending roll is undocumented (skype-cmdlets.md, open questions), so
 *   the plan refuses unless the pool's `replaceForeignRoll` lets it set the declared state over it.
 * Pure: `now` and every fact are parameters.
 */
import type { Finding } from './errors';
import { clockChangeNear, isoSecond, localTime } from './server-date';
import { agreedServerZone, describeZone, type ServerZone, type ZoneReport } from './server-zone';
import { shortThumbprint } from './roll-plan';
import { becomesCurrentAt, HOUR_MS, isoExact, isoMinute } from './time';
import { serverList } from './plan-lines';
import { readRecordedServers } from './recorded-servers';

/** Skype's lead time for an OAuthTokenIssuer roll (STAGE: at least 24 h before expiry). */
export const ROLL_LEAD_TIME_MS = 24 * HOUR_MS;

/** What one Front End Server reported at the last look. */
export interface ServerReport {
  readonly server: string;
  readonly current?: string;
  readonly previous?: string;
  /** A roll set with `-Roll -EffectiveDate`, not yet effective. */
  readonly pending?: { readonly thumbprint: string; readonly effectiveDate: Date };
}

/** The pool's servers and the time zone they are in. */
export interface PoolSettings {
  readonly servers: readonly string[];
  /**
   * The servers' time zone (which Skype applies to `-EffectiveDate`): as they reported it during up; in preview, as the last
   * look recorded it, or the declared `serverTimeZone` before any look.
   */
  readonly zone: ServerZone;
  /**
   * Set the declared state over a roll nobody declared (FOREIGN_ROLL_PENDING), on the
   * assumption that a set cancels a pending roll. @default false
   */
  readonly replaceForeignRoll?: boolean;
}

/** A roll as it is declared or pending: the certificate and the instant it becomes current. */
export interface RollRef {
  readonly thumbprint: string;
  readonly effectiveDate: Date;
}

/** The certificate the resource declares, with the validity facts the rules need. */
export interface DesiredDeployment {
  readonly thumbprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Absent: current now. */
  readonly effectiveDate?: Date;
}

/** What is known of the deployment (refresh, state, or the servers themselves during up). */
export interface DeploymentFacts {
  /** Per-server reports; a server of the pool without one is not known to be up to date. */
  readonly reports: readonly ServerReport[];
  /** The certificate current on the deployment, with its NotAfter when known. */
  readonly current?: { readonly thumbprint: string; readonly notAfter?: Date };
  /** The previous certificate the deployment keeps, with its NotAfter when known. */
  readonly previous?: { readonly thumbprint: string; readonly notAfter?: Date };
  /**
   * The time zones inspect reported: every server's and the session's that runs the
   * cmdlets. Present during up: a scheduled roll then uses the zone they agree on, or stops with
   * TIME_ZONE_MISMATCH; absent in preview, which plans in `PoolSettings.zone`.
   */
  readonly zones?: { readonly servers: readonly ZoneReport[]; readonly session?: { readonly timeZone: string } };
  /** A roll the Central Management Store itself has pending (replicas may not show it yet). */
  readonly cmsPending?: RollRef;
  /**
   * Rolls this resource asked for before (the previous declaration's, while not yet effective):
   * one still pending is the resource's own and is replaced by a changed declaration, as ever.
   */
  readonly ownRolls?: readonly RollRef[];
}

/** One step, in order. */
export type DeploymentStep =
  | { readonly kind: 'import'; readonly thumbprint: string }
  | { readonly kind: 'set'; readonly thumbprint: string }
  /**
   * `effectiveAt`: the instant, ISO 8601 UTC; `sessionTimeZone`: the Windows id of the servers'
   * zone, which the session running the cmdlet must be in (it builds the DateTime from the instant).
   */
  | { readonly kind: 'roll'; readonly thumbprint: string; readonly effectiveAt: string; readonly sessionTimeZone: string }
  | { readonly kind: 'replicate' }
  | { readonly kind: 'verify'; readonly server: string; readonly current?: string; readonly pending?: string }
  | { readonly kind: 'remove-previous'; readonly thumbprint: string; readonly notBefore: string };

export interface DeploymentPlan {
  /**
   * `none`: every server already has the declared state (a deployment found so is adopted).
   * `set`: current now. `roll`: scheduled. `reschedule`: a different roll is pending; it is replaced.
   * `remove-previous`: every server has it; only the expired previous certificate is removed.
   */
  readonly action: 'none' | 'set' | 'roll' | 'reschedule' | 'remove-previous';
  readonly steps: readonly DeploymentStep[];
  /** Servers known not to have the declared state, each with what it reported. */
  readonly behind: readonly string[];
  /** One line for reviewers, joined to the store's line by check. */
  readonly summary: string;
}

export type DeploymentIssueCode = 'ROLL_TOO_LATE' | 'CERT_NOT_YET_VALID' | 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE' | 'EFFECTIVE_DATE_AMBIGUOUS' | 'TIME_ZONE_MISMATCH' | 'FOREIGN_ROLL_PENDING';

export interface DeploymentOutcome {
  readonly plan?: DeploymentPlan;
  readonly issues: readonly Finding<DeploymentIssueCode>[];
}

/** Whether `pending` is the roll declared: the declared certificate at the declared second, still ahead. */
function isDeclaredRoll(pending: RollRef, desired: Pick<DesiredDeployment, 'thumbprint' | 'effectiveDate'>, now: Date): boolean {
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  return scheduled && pending.thumbprint === desired.thumbprint && sameSecond(pending.effectiveDate, desired.effectiveDate!);
}

/**
 * Whether a server already has what is declared: the declared roll pending, or the declared
 * certificate current with no other roll pending. A roll to another certificate waiting behind
 * the declared one would replace it at its date: that server is not there.
 */
export function serverHasDesired(report: ServerReport | undefined, desired: DesiredDeployment, now: Date): boolean {
  if (!report) return false;
  if (report.pending) return isDeclaredRoll(report.pending, desired, now);
  return report.current === desired.thumbprint;
}

/** The rolls pending on the CMS or a server that neither this declaration nor the one before asked for, each once. */
export function foreignRolls(facts: DeploymentFacts, desired: Pick<DesiredDeployment, 'thumbprint' | 'effectiveDate'>, now: Date): { readonly roll: RollRef; readonly where: readonly string[] }[] {
  const found: { roll: RollRef; where: string[] }[] = [];
  const seen: [string, RollRef | undefined][] = [['the Central Management Store', facts.cmsPending], ...facts.reports.map((r): [string, RollRef | undefined] => [r.server, r.pending])];
  for (const [where, pending] of seen) {
    if (!pending || isDeclaredRoll(pending, desired, now)) continue;
    if ((facts.ownRolls ?? []).some((own) => own.thumbprint === pending.thumbprint && sameSecond(own.effectiveDate, pending.effectiveDate))) continue;
    const same = found.find((f) => f.roll.thumbprint === pending.thumbprint && sameSecond(f.roll.effectiveDate, pending.effectiveDate));
    if (same) same.where.push(where);
    else found.push({ roll: pending, where: [where] });
  }
  return found;
}

function foreignRollIssue(foreign: ReturnType<typeof foreignRolls>, facts: DeploymentFacts, desired: DesiredDeployment, now: Date): Finding<'FOREIGN_ROLL_PENDING'> {
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  const rolls = foreign.map((f) => `certificate ${f.roll.thumbprint} becomes current at ${isoExact(f.roll.effectiveDate)} on ${f.where.join(', ')}`).join('; ');
  const declared = scheduled ? `a roll of ${desired.thumbprint} at ${isoExact(desired.effectiveDate!)}` : `${desired.thumbprint} current now`;
  // Setting the certificate current now again is what the provider itself would run; that it
  // cancels the roll is the assumption `replaceForeignRoll` rests on (docs/front-end.md).
  const keep = scheduled ? (facts.current?.thumbprint ?? desired.thumbprint) : desired.thumbprint;
  const wanted = foreign.length === 1 ? `declare that certificate with \`effectiveDate: "${isoExact(foreign[0]!.roll.effectiveDate)}"\`` : 'declare the one wanted with its `effectiveDate`';
  return {
    code: 'FOREIGN_ROLL_PENDING',
    message: `A roll this resource did not declare is pending: ${rolls}; the declaration is ${declared}. What cancels a pending roll is not documented, so \`pulumi up\` does not replace it. If the roll is wanted, ${wanted}. If not, an administrator cancels it in the Skype for Business Server Management Shell, e.g. \`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${keep}\` (without -Roll), checks with \`Get-CsCertificate -Identity Global -Type OAuthTokenIssuer\` that no roll is left, then runs \`pulumi up\`; or set the pool's \`replaceForeignRoll: true\` to let \`pulumi up\` set the declared state over it.`,
  };
}

/**
 * Compared to the second: the servers are given the exact instant, but whether Skype keeps a
 * fraction of a second is not documented, and rolls set by earlier versions were given whole
 * seconds; a declared `2026-12-01T00:00:00.500Z` pending at `00:00:00` is the same roll, not a new one.
 */
function sameSecond(a: Date, b: Date): boolean {
  return Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

function describeReport(report: ServerReport): string {
  const parts = [report.current ? `current ${shortThumbprint(report.current)}` : 'no current certificate'];
  if (report.pending) parts.push(`${shortThumbprint(report.pending.thumbprint)} pending at ${isoMinute(report.pending.effectiveDate)}`);
  return parts.join(', ');
}

/** The servers' local time of `instant`, for the plan line: `10:00 W. Europe Standard Time`, the date too when it is not the UTC date. */
function serversLocalTime(instant: Date, zone: ServerZone): string {
  const local = localTime(instant, zone.iana);
  const sameDay = local.date === instant.toISOString().slice(0, 10);
  return `${local.time}${sameDay ? '' : ` on ${local.date}`} ${zone.windows}`;
}

/**
 * EFFECTIVE_DATE_AMBIGUOUS: in the hour the servers' clocks go back, one local
 * time names two instants, and a roll written as `31.10.2027 02:30:00` in Berlin landed an hour
 * off on every server. The DateTime is now built from the instant, but how Skype stores a local
 * time of that hour (or of the hour the clocks skip) is unconfirmed: refused until a capture from
 * a real server shows it.
 */
function clockChangeIssue(at: Date, zone: ServerZone): Finding<'EFFECTIVE_DATE_AMBIGUOUS'> | undefined {
  const change = clockChangeNear(at, zone.iana);
  if (!change) return undefined;
  const local = localTime(at, zone.iana);
  const what =
    change.kind === 'repeated'
      ? `inside the hour their clocks go back at ${isoSecond(change.at)}, where that local time names two instants`
      : `next to the hour their clocks skip at ${isoSecond(change.at)}, where a local time of the skipped hour names this instant or the one an hour away`;
  return {
    code: 'EFFECTIVE_DATE_AMBIGUOUS',
    message: `The \`effectiveDate\` ${isoSecond(at)} is ${local.time} on ${local.date} on the Front End Servers, in ${describeZone(zone)}, ${what}; how Skype stores -EffectiveDate there is not confirmed, so the roll could land at another instant. Choose an effective date at or before ${isoSecond(change.safeBefore)}, or at or after ${isoSecond(change.safeAfter)}.`,
  };
}

/** The rules; every problem at once. */
function checkRules(facts: DeploymentFacts, desired: DesiredDeployment, zone: ServerZone | undefined, now: Date): Finding<DeploymentIssueCode>[] {
  const issues: Finding<DeploymentIssueCode>[] = [];
  const at = becomesCurrentAt(now, desired.effectiveDate);
  const scheduled = at.getTime() > now.getTime();
  const current = facts.current;
  if (scheduled && current && current.thumbprint !== desired.thumbprint && current.notAfter) {
    const latest = new Date(current.notAfter.getTime() - ROLL_LEAD_TIME_MS);
    if (at.getTime() > latest.getTime()) {
      issues.push({
        code: 'ROLL_TOO_LATE',
        message: `The \`effectiveDate\` ${isoExact(at)} is less than 24 hours before the current OAuthTokenIssuer certificate ${current.thumbprint} expires (NotAfter ${isoExact(current.notAfter)}); Skype needs a roll at least 24 hours ahead, because Exchange and other partner servers keep OAuth material that long. Choose an effective date at or before ${isoExact(latest)}, or leave \`effectiveDate\` out to make the certificate current now.`,
      });
    }
  }
  const clockChange = scheduled && zone ? clockChangeIssue(at, zone) : undefined;
  if (clockChange) issues.push(clockChange);
  if (at.getTime() < desired.notBefore.getTime()) {
    issues.push({
      code: 'CERT_NOT_YET_VALID',
      message: `The certificate ${desired.thumbprint} is not valid until ${isoMinute(desired.notBefore)}, after it would become current (${isoMinute(at)}); set \`effectiveDate\` to ${isoMinute(desired.notBefore)} or later.`,
    });
  }
  if (at.getTime() >= desired.notAfter.getTime()) {
    issues.push({
      code: 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE',
      message: `The certificate ${desired.thumbprint} expires at ${isoMinute(desired.notAfter)}, before it would become current (${isoMinute(at)}); use a certificate valid after that moment, or an earlier \`effectiveDate\`.`,
    });
  }
  return issues;
}

/**
 * STAGE's last step: the previous certificate goes once it has expired (partners no longer hold
 * tokens it signed), unless it is the declared one (a rollback). Its NotAfter must be known:
 * Skype reports only the thumbprint, so one never seen current is kept.
 */
export function expiredPreviousOf(previous: DeploymentFacts['previous'], desired: Pick<DesiredDeployment, 'thumbprint'>, now: Date): { readonly thumbprint: string; readonly notAfter: Date } | undefined {
  if (!previous || previous.thumbprint === desired.thumbprint || !previous.notAfter || previous.notAfter.getTime() > now.getTime()) return undefined;
  return { thumbprint: previous.thumbprint, notAfter: previous.notAfter };
}

/** Plans the deployment from `facts` to `desired`, or says every rule it breaks. */
export function planDeployment(facts: DeploymentFacts, desired: DesiredDeployment, pool: PoolSettings, now: Date): DeploymentOutcome {
  const reports = new Map(facts.reports.map((r) => [r.server.toLowerCase(), r]));
  const reportOf = (server: string) => reports.get(server.toLowerCase());
  const behindServers = pool.servers.filter((server) => !serverHasDesired(reportOf(server), desired, now));
  const n = pool.servers.length;
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  // An immediate set drops the expired previous certificate anyway (Skype keeps two).
  const expired = expiredPreviousOf(facts.previous, desired, now);
  const removal = expired ? `remove previous ${shortThumbprint(expired.thumbprint)} (expired ${isoMinute(expired.notAfter)})` : undefined;
  const removeStep = (): DeploymentStep[] => (expired ? [{ kind: 'remove-previous', thumbprint: expired.thumbprint, notBefore: expired.notAfter.toISOString() }] : []);
  // A roll nobody declared, on a server or only on the CMS so far (replicas follow it): work to do.
  const foreign = foreignRolls(facts, desired, now);
  if (behindServers.length === 0 && foreign.length === 0) {
    const have = `servers: all ${n} ${scheduled ? `have ${shortThumbprint(desired.thumbprint)} scheduled` : `have ${shortThumbprint(desired.thumbprint)} current`}`;
    if (removal) return { plan: { action: 'remove-previous', steps: removeStep(), behind: [], summary: `${have}; ${removal}` }, issues: [] };
    return { plan: { action: 'none', steps: [], behind: [], summary: have }, issues: [] };
  }
  // A scheduled roll is given in the zone the servers reported, never an assumed one. An
  // immediate set carries no date, so it needs no zone (an emergency is never blocked).
  const foreignIssues: Finding<DeploymentIssueCode>[] = foreign.length > 0 && pool.replaceForeignRoll !== true ? [foreignRollIssue(foreign, facts, desired, now)] : [];
  const agreed = scheduled && facts.zones ? agreedServerZone(facts.zones.servers, facts.zones.session) : undefined;
  if (agreed && 'issue' in agreed) return { issues: [...foreignIssues, agreed.issue, ...checkRules(facts, desired, undefined, now)] };
  const zone = agreed?.zone ?? pool.zone;
  const issues = [...foreignIssues, ...checkRules(facts, desired, zone, now)];
  if (issues.length > 0) return { issues };
  const replacing = foreign.length > 0 ? `replace the roll${foreign.length === 1 ? '' : 's'} not declared (${foreign.map((f) => `${shortThumbprint(f.roll.thumbprint)} at ${isoMinute(f.roll.effectiveDate)}`).join(', ')}; replaceForeignRoll); ` : '';

  // Skype knows the certificate already (a server lists it): Set-CsCertificate by thumbprint
  // is enough, no second import (a rollback to the previous certificate, a re-planned roll).
  const known = facts.reports.some((r) => r.current === desired.thumbprint || r.previous === desired.thumbprint || r.pending?.thumbprint === desired.thumbprint);
  const steps: DeploymentStep[] = known ? [] : [{ kind: 'import', thumbprint: desired.thumbprint }];
  const otherPending = facts.reports.map((r) => r.pending).find((p) => p !== undefined && !isDeclaredRoll(p, desired, now) && !foreign.some((f) => f.roll.thumbprint === p.thumbprint && sameSecond(f.roll.effectiveDate, p.effectiveDate)));
  let action: DeploymentPlan['action'];
  let what: string;
  if (scheduled) {
    const at = desired.effectiveDate!;
    steps.push({ kind: 'roll', thumbprint: desired.thumbprint, effectiveAt: at.toISOString(), sessionTimeZone: zone.windows });
    action = otherPending || foreign.length > 0 ? 'reschedule' : 'roll';
    what = `${replacing}${otherPending ? `replace the roll of ${shortThumbprint(otherPending.thumbprint)} at ${isoMinute(otherPending.effectiveDate)}; ` : ''}roll ${shortThumbprint(desired.thumbprint)} at ${isoSecond(at)} (${serversLocalTime(at, zone)} on the servers)`;
  } else {
    steps.push({ kind: 'set', thumbprint: desired.thumbprint });
    action = 'set';
    what = `${replacing}set ${shortThumbprint(desired.thumbprint)} current now`;
  }
  steps.push({ kind: 'replicate' });
  for (const server of pool.servers) {
    steps.push(scheduled ? { kind: 'verify', server, pending: desired.thumbprint } : { kind: 'verify', server, current: desired.thumbprint });
  }
  // The replaced certificate stays as previous (partners validate old tokens against it) until
  // it expires; STAGE's last step removes it then.
  const replaced = facts.current;
  if (replaced && replaced.thumbprint !== desired.thumbprint && replaced.notAfter) {
    steps.push({ kind: 'remove-previous', thumbprint: replaced.thumbprint, notBefore: replaced.notAfter.toISOString() });
  }
  const keepsExpired = scheduled && removal !== undefined;
  if (keepsExpired) steps.push(...removeStep());
  const reported = behindServers.filter((server) => reportOf(server) !== undefined);
  const behind = reported.map((server) => `${server} (${describeReport(reportOf(server)!)})`);
  const lead = behind.length > 0 ? `${serverList(behind)} behind; ` : '';
  return { plan: { action, steps, behind: reported, summary: `servers: ${lead}${what}, then verify ${n}${keepsExpired ? `; ${removal}` : ''}` }, issues: [] };
}

/** One server's entry in the resource's `servers` output (state): what it reported. */
export interface ServerOutput {
  readonly current: string | null;
  readonly previous: string | null;
  readonly pending?: { readonly thumbprint: string; readonly effectiveDate: string };
  /** NotAfter of the current certificate, ISO 8601: the 24-hour rule needs it in preview. */
  readonly currentNotAfter?: string;
  /**
   * NotAfter of the previous certificate, ISO 8601, when known (Skype reports only the previous
   * thumbprint: the provider carries what it saw when that certificate was current). Once it has
   * passed, an up removes the previous certificate.
   */
  readonly previousNotAfter?: string;
  /** The server's Windows time zone id, when it reported one: what preview plans in after a look. */
  readonly timeZone?: string;
  /**
   * Present when the server could not be read at the last look (so that it counts as behind, never as in step): `current`
   * and `previous` are then null, and the server counts as not known to be up to date.
   */
  readonly unreachable?: { readonly code: string; readonly message: string };
}

/** The `servers` output: FQDN → what it reported at the last look. */
export type ServersOutput = Readonly<Record<string, ServerOutput>>;

/**
 * The reports a `servers` output (from state) holds (recorded-servers.ts reads it): a server not
 * read at the last look has no report, so it counts as not known to be up to date.
 */
export function reportsFromOutput(servers: unknown): ServerReport[] {
  return readRecordedServers(servers)
    .filter((look) => !look.unreachable)
    .map(({ server, current, previous, pending }) => ({ server, ...(current ? { current } : {}), ...(previous ? { previous } : {}), ...(pending ? { pending } : {}) }));
}

/**
 * The Windows time zone every server of a `servers` output (from state) reported at the last
 * look, or undefined when none did or they did not agree (up then stops with TIME_ZONE_MISMATCH).
 */
export function recordedTimeZone(servers: unknown): string | undefined {
  const zones = new Set(readRecordedServers(servers).flatMap((look) => (look.timeZone !== undefined ? [look.timeZone] : [])));
  return zones.size === 1 ? [...zones][0] : undefined;
}

/**
 * The previous certificate a `servers` output (from state) shows kept past its NotAfter, if any:
 * the first such server's, with that NotAfter.
 */
export function expiredPrevious(servers: unknown, now: Date): { readonly thumbprint: string; readonly notAfter: Date } | undefined {
  for (const look of readRecordedServers(servers)) {
    const notAfter = look.previousNotAfter?.date;
    if (look.previous !== undefined && notAfter !== undefined && notAfter.getTime() <= now.getTime()) return { thumbprint: look.previous, notAfter };
  }
  return undefined;
}

/**
 * The servers of `pool` an up has work on, from a `servers` output: those that do not show the
 * declared state, and (STAGE's last step) those that still keep a previous certificate whose
 * NotAfter has passed, other than the declared one.
 */
export function serversBehind(servers: unknown, pool: Pick<PoolSettings, 'servers'>, desired: Pick<DesiredDeployment, 'thumbprint' | 'effectiveDate'>, now: Date): string[] {
  const reports = new Map(reportsFromOutput(servers).map((r) => [r.server.toLowerCase(), r]));
  const wanted = { ...desired, notBefore: now, notAfter: now };
  const expired = expiredPrevious(servers, now);
  const keepsExpired = (report: ServerReport | undefined) => expired !== undefined && expired.thumbprint !== desired.thumbprint && report?.previous === expired.thumbprint;
  return pool.servers.filter((server) => {
    const report = reports.get(server.toLowerCase());
    return !serverHasDesired(report, wanted, now) || keepsExpired(report);
  });
}
