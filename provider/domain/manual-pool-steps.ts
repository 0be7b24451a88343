/**
 * The pool's manual mode (`pool.mode: 'manual'`), decided one step at a time: the documentation's
 * manual alternative (skype-oauth-token-issuer.md, "Manual alternative"; skype-cmdlets.md section
 * 3): the certificate is imported on **each** Front End Server and assigned there, and Skype does
 * not replicate it. So each server is a deployment of its own: its local assignment is the desired
 * state (never drift), it is installed and verified on its own, and one that fails does not stop
 * the others. The shell (provider/pulumi/manual-pool-step.ts) executes each step and looks again.
 *
 * The order:
 * 0. the PFX copies an interrupted run left on the servers are swept;
 * 1. every look: the rules of the replicated plan (front-end-pool-plan.ts: the 24-hour rule,
 *    validity at the effective date, a roll nobody declared, the servers' zone for a roll) over
 *    what the servers report; a rule broken stops the step before anything more is sent;
 * 2. the first server of the pool, in order, that does not report the declared state and was not
 *    tried in this run is installed (copy, import, assign, on that server);
 * 3. when none is left: done if every server reports the declared state, else POOL_NOT_CONVERGED
 *    naming each server left and why (a partial success: the next `up` resumes with them).
 * A server no longer in the pool is left alone (its local assignment stays) and named.
 *
 * Scheduled rolls: Set-CsCertificate's -EffectiveDate and -Roll are in every parameter set, with
 * or without -Identity (skype-cmdlets.md section 1), and STAGE's contrast for A/V certificates
 * rolls them on each Edge Server with Set-CsCertificate there. That a local OAuthTokenIssuer
 * assignment rolls the same way is assumed (the documentation shows no such example): the roll is
 * set on each server, its DateTime built on that server from the instant.
 * Pure: `now` and every fact are parameters.
 */
import type { ErrorCode, Finding } from './errors';
import { expiredPreviousOf, planDeployment, serverHasDesired, type DeploymentOutcome, type DeploymentFacts, type DeploymentStep, type DesiredDeployment, type RollRef } from './front-end-pool-plan';
import { previewPool } from './front-end-pool-preview';
import type { PoolLook } from './front-end-pool-steps';
import { reportOf, settingsOf, type KnownNotAfter } from './front-end-pool-facts';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { serverList } from './plan-lines';
import { shortThumbprint } from './roll-plan';
import { isoSecond } from './server-date';
import { isoMinute } from './time';
import type { FrontEndCertificates, LocalInstallRequest, PoolSnapshot } from '../ports/front-end-pool';

/** Whether a pool runs in manual mode. */
export function isManualPool(spec: Pick<FrontEndPoolSpec, 'mode'> | null | undefined): boolean {
  return spec?.mode === 'manual';
}

/** One server this run tried and could not bring to the declared state: the error's code and sentence (the adapter's: never a secret). */
export interface ServerFailure extends Finding {
  readonly server: string;
}

/** What this run of the manual step already did. */
export interface ManualAttempts {
  /** The PFX copies an interrupted run left were swept (the first step of every run). */
  readonly swept: boolean;
  /** Servers installed in this run (each is installed once per run). */
  readonly installed: readonly string[];
  /** Servers whose expired previous certificate was removed in this run (once per run). */
  readonly removed: readonly string[];
  /** Servers whose installation or removal failed in this run. */
  readonly failed: readonly ServerFailure[];
}

/** Nothing tried yet. */
export const NOTHING_INSTALLED: ManualAttempts = { swept: false, installed: [], removed: [], failed: [] };

/** Everything the decision reads. */
export interface ManualStepInput extends PoolLook {
  readonly tried: ManualAttempts;
  /** The servers the last `up` recorded (the `servers` output's keys): those no longer in the pool are named. */
  readonly recordedServers: readonly string[];
}

/**
 * One server's installation: the port's request without the PFX (the shell adds it when `import`:
 * the server's store lacks the certificate), and the line the shell prints for it.
 */
export interface ServerInstall extends Omit<LocalInstallRequest, 'pfx'> {
  readonly server: string;
  readonly import: boolean;
  readonly line: string;
}

/** One server's expired previous certificate, removed from its local assignment there. */
export interface ServerRemoval {
  readonly server: string;
  readonly thumbprint: string;
  /** Its NotAfter (ISO 8601 UTC), passed. */
  readonly notAfter: string;
  readonly line: string;
}

/** The next step; each carries the lines the shell prints or the error it fails with. */
export type ManualStep =
  /** Remove the PFX copies an interrupted run left on any server (a hard cancel skips the `finally` that removes them). */
  | { readonly kind: 'sweep' }
  /** Install on each of these servers, each on its own (the shell runs at most the pool's `parallelism` at once). */
  | { readonly kind: 'install'; readonly installs: readonly ServerInstall[] }
  /** Remove the expired previous certificate on each of these servers, each on its own (STAGE's last step, per server). */
  | { readonly kind: 'remove-previous'; readonly removals: readonly ServerRemoval[] }
  /** Every server reports the declared state. */
  | { readonly kind: 'done'; readonly line: string }
  /** A rule the declaration breaks: stop before sending anything more. */
  | { readonly kind: 'refuse'; readonly code: ErrorCode; readonly message: string }
  /** Some servers are left (a partial success): the next `up` resumes with them. */
  | { readonly kind: 'not-converged'; readonly code: 'POOL_NOT_CONVERGED'; readonly servers: readonly string[]; readonly message: string };

/** Servers recorded before (or in the old pool) that the pool no longer lists, in order, once each. */
export function serversLeftAlone(recorded: readonly string[], pool: readonly string[]): string[] {
  const current = new Set(pool.map((s) => s.toLowerCase()));
  return [...new Set(recorded.map((s) => s.toLowerCase()))].filter((s) => !current.has(s));
}

function leftAloneClause(left: readonly string[]): string {
  return left.length === 0 ? '' : `; left alone (no longer in the pool, their local assignment stays): ${serverList(left)}`;
}

/**
 * The planner's facts in manual mode: the servers' own reports, the current certificate the one a
 * server reports current that expires first (the 24-hour rule holds for every server), and the
 * servers' zones. The session's zone is not involved (each server builds the DateTime of a roll
 * itself), so the first server's zone stands for it: the servers must still agree on one zone,
 * where the clock-change rule is checked.
 */
export function manualFactsOf(snapshot: PoolSnapshot, known: KnownNotAfter, ownRolls: readonly RollRef[], desired: Pick<DesiredDeployment, 'thumbprint'>): DeploymentFacts {
  const read = snapshot.servers.filter((s) => s.unreachable === undefined);
  const withNotAfter = (thumbprint: string) => ({ thumbprint, ...(known.get(thumbprint) ? { notAfter: known.get(thumbprint)!.date } : {}) });
  const currents = [...new Set(read.map((s) => s.current).filter((t): t is string => t !== undefined && t !== desired.thumbprint))].map(withNotAfter);
  currents.sort((a, b) => (a.notAfter?.getTime() ?? Infinity) - (b.notAfter?.getTime() ?? Infinity));
  const zone = read.find((s) => s.timeZone !== undefined)?.timeZone;
  return {
    reports: read.map(reportOf),
    ...(currents[0] ? { current: currents[0] } : {}),
    ownRolls,
    zones: { servers: read, ...(zone ? { session: { timeZone: zone } } : {}) },
  };
}

/** One server as a manual-mode line names it. */
function describe(s: FrontEndCertificates | undefined, server: string): string {
  if (!s) return `${server} (not reported)`;
  if (s.unreachable) return `${server} (could not be read: ${s.unreachable.code})`;
  const parts = [s.current ? `current ${shortThumbprint(s.current)}` : 'no current certificate'];
  if (s.scheduled) parts.push(`${shortThumbprint(s.scheduled.thumbprint)} pending at ${isoMinute(new Date(s.scheduled.effectiveDate))}`);
  return `${server} (${parts.join(', ')})`;
}

/** Refresh's drift in manual mode: each server that does not report the declared state (a local assignment of it is not drift). */
export function manualDrift(snapshot: PoolSnapshot, desired: DesiredDeployment, now: Date): string[] {
  return snapshot.servers.filter((s) => s.unreachable !== undefined || !serverHasDesired(reportOf(s), desired, now)).map((s) => describe(s, s.server));
}

/** Whether the certificate is in this server's store already: it reports it as current, previous or pending. */
function storeHolds(s: FrontEndCertificates, thumbprint: string): boolean {
  return s.current === thumbprint || s.previous === thumbprint || s.scheduled?.thumbprint === thumbprint;
}

/** Whether the declared certificate becomes current later (a scheduled roll) rather than now. */
function isScheduled(look: Pick<PoolLook, 'desired' | 'now'>): boolean {
  return look.desired.effectiveDate !== undefined && look.desired.effectiveDate.getTime() > look.now.getTime();
}

/** What the lines say is assigned: `BBBB.. current now`, or `roll BBBB.. at <instant>`. */
function assignedWhat(look: Pick<PoolLook, 'desired' | 'now'>): string {
  return isScheduled(look) ? `roll ${shortThumbprint(look.desired.thumbprint)} at ${isoSecond(look.desired.effectiveDate!)}` : `${shortThumbprint(look.desired.thumbprint)} current now`;
}

/** The planner's rules over one look (front-end-pool-plan.ts): a refusal, or nothing. */
function refusalOf(look: PoolLook): Extract<ManualStep, { kind: 'refuse' }> | undefined {
  const { snapshot, desired, now, pool } = look;
  const reachable = snapshot.servers.filter((s) => s.unreachable === undefined).map((s) => s.server);
  const outcome = planDeployment(manualFactsOf(snapshot, look.known, look.ownRolls, desired), desired, { ...settingsOf(pool).settings, servers: reachable }, now);
  return outcome.plan ? undefined : { kind: 'refuse', code: outcome.issues[0]!.code, message: outcome.issues.map((i) => i.message).join(' ') };
}

/** The server's report at this look, by name (any case). */
function reportsOf(snapshot: PoolSnapshot): (server: string) => FrontEndCertificates | undefined {
  const byServer = new Map(snapshot.servers.map((s) => [s.server.toLowerCase(), s]));
  return (server) => byServer.get(server.toLowerCase());
}

/** Whether a server reports the declared state at this look. */
function reportsDesired(s: FrontEndCertificates | undefined, look: Pick<PoolLook, 'desired' | 'now'>): s is FrontEndCertificates {
  return s !== undefined && s.unreachable === undefined && serverHasDesired(reportOf(s), look.desired, look.now);
}

/** The installation of one server that lacks the declared state (read at this look). */
function installOf(look: PoolLook, s: FrontEndCertificates | undefined, server: string): ServerInstall {
  const importing = !(s && storeHolds(s, look.desired.thumbprint));
  return {
    server,
    thumbprint: look.desired.thumbprint,
    import: importing,
    ...(isScheduled(look) ? { effectiveAt: look.desired.effectiveDate!.toISOString() } : {}),
    line: `${look.description} (manual mode): ${describe(s, server)}: ${importing ? 'copying the PFX over the remoting session, importing it into its local computer store and assigning' : 'assigning'} ${assignedWhat(look)} there (no replication).`,
  };
}

/**
 * The expired previous certificate of a server's local assignment (STAGE: removed once it has
 * expired), as it is now or, with `installing`, as it will be once the declared certificate is
 * set current there (the current one becomes previous). Only a local assignment: manual mode
 * never touches the global one. Its NotAfter must be known (Skype reports only the thumbprint).
 */
function expiredPreviousOn(look: PoolLook, s: FrontEndCertificates, installing: boolean): { readonly thumbprint: string; readonly notAfter: Date } | undefined {
  if (s.unreachable !== undefined || s.scope !== 'local') return undefined;
  const previous = installing && !isScheduled(look) && s.current !== look.desired.thumbprint ? s.current : s.previous;
  if (previous === undefined) return undefined;
  const notAfter = look.known.get(previous)?.date;
  return expiredPreviousOf({ thumbprint: previous, ...(notAfter ? { notAfter } : {}) }, look.desired, look.now);
}

function removalOf(look: PoolLook, server: string, expired: { readonly thumbprint: string; readonly notAfter: Date }): ServerRemoval {
  return {
    server,
    thumbprint: expired.thumbprint,
    notAfter: expired.notAfter.toISOString(),
    line: `${look.description} (manual mode): ${server}: removing its previous certificate ${shortThumbprint(expired.thumbprint)} (expired ${isoMinute(expired.notAfter)}) with Remove-CsCertificate -Type OAuthTokenIssuer -Previous there.`,
  };
}

/** One server's part of a manual-mode run, as `sfb-oauth-cert plan` prints it. */
export interface ManualServerWork {
  readonly server: string;
  readonly install?: ServerInstall;
  readonly removal?: ServerRemoval;
}

/** A manual-mode run planned from one look, server by server. */
export interface ManualPoolPlan {
  /** `none`: nothing on any server; `remove-previous`: removals only; else the assignment (`set` now, or `roll`). */
  readonly action: 'none' | 'set' | 'roll' | 'remove-previous';
  /** Every server of the pool, in order, with its work (none: it has the declared state). */
  readonly servers: readonly ManualServerWork[];
  /** The servers that get an installation. */
  readonly behind: readonly string[];
  readonly summary: string;
}

/**
 * The whole run from one look, server by server (what `plan` prints): the rules first, then each
 * server of the pool, in order: its installation if it lacks the declared state, and the removal
 * of the previous certificate its local assignment keeps, or will keep, past its NotAfter. The
 * same decisions {@link decideManualStep} takes one look at a time.
 */
export function planManualPool(look: PoolLook): { readonly refuse: Extract<ManualStep, { kind: 'refuse' }> } | { readonly plan: ManualPoolPlan } {
  const refuse = refusalOf(look);
  if (refuse) return { refuse };
  const reportFor = reportsOf(look.snapshot);
  const servers = look.pool.servers.map((server): ManualServerWork => {
    const s = reportFor(server);
    const install = reportsDesired(s, look) ? undefined : installOf(look, s, server);
    const expired = s ? expiredPreviousOn(look, s, install !== undefined) : undefined;
    return { server, ...(install ? { install } : {}), ...(expired ? { removal: removalOf(look, server, expired) } : {}) };
  });
  const behind = servers.filter((w) => w.install !== undefined).map((w) => w.server);
  const removing = servers.filter((w) => w.removal !== undefined).map((w) => `${w.removal!.server} (${shortThumbprint(w.removal!.thumbprint)}, expired ${isoMinute(new Date(w.removal!.notAfter))})`);
  const removalClause = removing.length > 0 ? `; remove the expired previous certificate on ${serverList(removing)}` : '';
  const n = look.pool.servers.length;
  if (behind.length === 0) {
    return { plan: { action: removing.length > 0 ? 'remove-previous' : 'none', servers, behind, summary: `servers (manual mode): all ${n} have ${shortThumbprint(look.desired.thumbprint)} ${isScheduled(look) ? 'scheduled' : 'current'}, each assigned on the server itself${removalClause}` } };
  }
  const what = isScheduled(look) ? assignedWhat(look) : `set ${assignedWhat(look)}`;
  return { plan: { action: isScheduled(look) ? 'roll' : 'set', servers, behind, summary: `servers (manual mode): ${what} on ${serverList(behind)}, each on its own (no replication), then verify each${removalClause}` } };
}

/**
 * The next step of the manual-mode pool step, from one look: every server that lacks the declared
 * state installed (each once per run), then every server whose local assignment keeps an expired
 * previous certificate rid of it (each once per run), then done or a partial success.
 */
export function decideManualStep(input: ManualStepInput): ManualStep {
  const { snapshot, desired, pool, tried } = input;
  if (!tried.swept) return { kind: 'sweep' };
  const refuse = refusalOf(input);
  if (refuse) return refuse;
  const reportFor = reportsOf(snapshot);
  const failedOn = (server: string) => tried.failed.some((f) => f.server === server);
  const readable = (server: string) => reportFor(server) !== undefined && reportFor(server)!.unreachable === undefined;

  const installs = pool.servers.filter((server) => !reportsDesired(reportFor(server), input) && !tried.installed.includes(server) && !failedOn(server) && readable(server));
  if (installs.length > 0) return { kind: 'install', installs: installs.map((server) => installOf(input, reportFor(server), server)) };

  const expiredOn = (server: string) => {
    const s = reportFor(server);
    return reportsDesired(s, input) ? expiredPreviousOn(input, s, false) : undefined;
  };
  const removals = pool.servers.filter((server) => !tried.removed.includes(server) && !failedOn(server) && expiredOn(server) !== undefined);
  if (removals.length > 0) return { kind: 'remove-previous', removals: removals.map((server) => removalOf(input, server, expiredOn(server)!)) };

  const left = serversLeftAlone(input.recordedServers, pool.servers);
  // A server whose removal ran (or failed) and that still keeps the expired certificate is not done.
  const keepsExpired = (server: string) => (tried.removed.includes(server) || failedOn(server)) && expiredOn(server) !== undefined;
  const behind = pool.servers.filter((server) => !reportsDesired(reportFor(server), input) || keepsExpired(server));
  const n = pool.servers.length;
  const inPoolOrder = (servers: readonly string[]) => pool.servers.filter((server) => servers.includes(server));
  if (behind.length === 0) {
    const installed = tried.installed.length > 0 ? `; installed this run on ${serverList(inPoolOrder(tried.installed))}` : '';
    const removed = tried.removed.length > 0 ? `; expired previous certificate removed on ${serverList(inPoolOrder(tried.removed))}` : '';
    return { kind: 'done', line: `${input.description} (manual mode): every server reports ${shortThumbprint(desired.thumbprint)} ${isScheduled(input) ? 'scheduled' : 'current'}, each assigned on the server itself${installed}${removed}${leftAloneClause(left)}.` };
  }
  const why = (server: string): string => {
    const failure = tried.failed.find((f) => f.server === server);
    if (failure) return `${server} (${failure.code})`;
    const s = reportFor(server);
    if (s?.unreachable) return `${server} (could not be read: ${s.unreachable.code})`;
    const expired = keepsExpired(server) ? expiredOn(server) : undefined;
    if (expired) return `${server} (still keeps its previous certificate ${shortThumbprint(expired.thumbprint)}, expired ${isoMinute(expired.notAfter)}, after its removal)`;
    return `${describe(s, server)} after its assignment`;
  };
  const details = tried.failed.filter((f) => behind.includes(f.server)).map((f) => `${f.server}: ${f.message}`);
  return {
    kind: 'not-converged',
    code: 'POOL_NOT_CONVERGED',
    servers: behind,
    message:
      `Manual mode: ${n - behind.length} of ${n} servers report the declared OAuthTokenIssuer certificate ${desired.thumbprint} (${assignedWhat(input)}); not yet: ${serverList(behind.map(why))}. ` +
      `The servers done keep their local assignment and the store holds the certificate; the next \`pulumi up\` resumes with ${serverList(behind)}. ` +
      (details.length > 0 ? `${details.join(' ')} ` : '') +
      `Fix what is named (Test-WSMan <server> for remoting; Get-CsCertificate -Type OAuthTokenIssuer on the server), or remove a decommissioned server from the pool's \`servers\`, then run \`pulumi up\` again${leftAloneClause(left)}.`,
  };
}

/**
 * Preview's line in manual mode: the replicated preview's rules (front-end-pool-preview.ts: the
 * last `up` assumed to have left every server of the old pool with the certificate declared then),
 * and the servers that need an installation: those new to the pool, those the last `up` could not
 * finish (the recorded `servers` output), or all of them for a new certificate or roll.
 */
export function previewManualPool(olds: Record<string, unknown>, spec: FrontEndPoolSpec, desired: DesiredDeployment, now: Date, recordedZone?: string): DeploymentOutcome {
  const outcome = previewPool(olds, spec, desired, now, recordedZone);
  if (!outcome.plan) return outcome;
  const oldPool = olds.pool as { servers?: unknown } | undefined | null;
  const oldServers = new Set(oldPool && Array.isArray(oldPool.servers) && typeof olds.thumbprint === 'string' ? oldPool.servers.filter((s): s is string => typeof s === 'string') : []);
  const recorded = typeof olds.servers === 'object' && olds.servers !== null && !Array.isArray(olds.servers) ? (olds.servers as Record<string, unknown>) : {};
  // What the last look recorded of a server: it had the declared certificate current, or the
  // declared roll pending (current by now, if its date has passed). Anything else, an
  // unreachable entry included, is work the last `up` left.
  const recordedHas = (server: string): boolean => {
    const entry = recorded[server] as { current?: unknown; pending?: { thumbprint?: unknown; effectiveDate?: unknown } | null } | null | undefined;
    if (entry === undefined || entry === null) return true;
    const pendingDate = typeof entry.pending?.effectiveDate === 'string' ? Date.parse(entry.pending.effectiveDate) : NaN;
    return entry.current === desired.thumbprint || (entry.pending?.thumbprint === desired.thumbprint && desired.effectiveDate !== undefined && pendingDate === desired.effectiveDate.getTime());
  };
  const planned = outcome.plan.action !== 'none' && outcome.plan.action !== 'remove-previous';
  const behind = spec.servers.filter((server) => !oldServers.has(server) || !recordedHas(server) || (planned && outcome.plan!.behind.includes(server)));
  const left = serversLeftAlone([...oldServers, ...Object.keys(recorded)], spec.servers);
  const n = spec.servers.length;
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  const what = scheduled ? `roll ${shortThumbprint(desired.thumbprint)} at ${isoSecond(desired.effectiveDate!)}` : `set ${shortThumbprint(desired.thumbprint)} current now`;
  // The certificate the declared one replaced, past its NotAfter: each server's local assignment
  // that keeps it is rid of it (the replicated preview's removal step, per server).
  // (A removal step that is not yet due, the replaced certificate's, waits for a later `up`.)
  const removal = outcome.plan.steps.find((step): step is Extract<DeploymentStep, { kind: 'remove-previous' }> => step.kind === 'remove-previous' && Date.parse(step.notBefore) <= now.getTime());
  const removalClause = removal ? `; remove previous ${shortThumbprint(removal.thumbprint)} (expired ${isoMinute(new Date(removal.notBefore))}) on each server that keeps it` : '';
  if (behind.length === 0) {
    const have = `servers (manual mode): all ${n} have ${shortThumbprint(desired.thumbprint)} ${scheduled ? 'scheduled' : 'current'}, each assigned on the server itself`;
    return { plan: { action: removal ? 'remove-previous' : 'none', steps: removal ? [removal] : [], behind: [], summary: `${have}${removalClause}${leftAloneClause(left)}` }, issues: [] };
  }
  return {
    plan: {
      action: scheduled ? 'roll' : 'set',
      steps: [],
      behind,
      summary: `servers (manual mode): ${what} on ${serverList(behind)}, each imported into its local computer store and assigned there (no replication), then verify each${removalClause}${leftAloneClause(left)}`,
    },
    issues: [],
  };
}
