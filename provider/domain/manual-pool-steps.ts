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
import type { ErrorCode } from './errors';
import { planDeployment, serverHasDesired, type DeploymentOutcome, type DeploymentFacts, type DesiredDeployment, type RollRef } from './front-end-pool-plan';
import { previewPool } from './front-end-pool-preview';
import type { PoolLook } from './front-end-pool-steps';
import { reportOf, settingsOf, type KnownNotAfter } from './front-end-pool-facts';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { serverList } from './plan-lines';
import { shortThumbprint } from './roll-plan';
import { isoSecond } from './server-date';
import { isoMinute } from './time';
import type { FrontEndCertificates, PoolSnapshot } from '../ports/front-end-pool';

/** Whether a pool runs in manual mode. */
export function isManualPool(spec: Pick<FrontEndPoolSpec, 'mode'> | null | undefined): boolean {
  return spec?.mode === 'manual';
}

/** One server this run tried and could not bring to the declared state. */
export interface ServerFailure {
  readonly server: string;
  readonly code: ErrorCode;
  /** The error's sentence (the adapter's: never a secret). */
  readonly message: string;
}

/** What this run of the manual step already did. */
export interface ManualAttempts {
  /** The PFX copies an interrupted run left were swept (the first step of every run). */
  readonly swept: boolean;
  /** Servers installed in this run (each is installed once per run). */
  readonly installed: readonly string[];
  /** Servers whose installation failed in this run. */
  readonly failed: readonly ServerFailure[];
}

/** Nothing tried yet. */
export const NOTHING_INSTALLED: ManualAttempts = { swept: false, installed: [], failed: [] };

/** Everything the decision reads. */
export interface ManualStepInput extends PoolLook {
  readonly tried: ManualAttempts;
  /** The servers the last `up` recorded (the `servers` output's keys): those no longer in the pool are named. */
  readonly recordedServers: readonly string[];
}

/** The next step; each carries the line the shell prints or the error it fails with. */
export type ManualStep =
  /** Remove the PFX copies an interrupted run left on any server (a hard cancel skips the `finally` that removes them). */
  | { readonly kind: 'sweep' }
  /**
   * Install on one server: copy the PFX there and import it into its local computer store
   * (`import`; false: the server's store already holds it), then assign it there, now or as a
   * roll at `effectiveAt` (ISO 8601 UTC).
   */
  | { readonly kind: 'install'; readonly server: string; readonly thumbprint: string; readonly import: boolean; readonly effectiveAt?: string; readonly line: string }
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

/** The next step of the manual-mode pool step, from one look. */
export function decideManualStep(input: ManualStepInput): ManualStep {
  const { snapshot, desired, now, pool, tried } = input;
  if (!tried.swept) return { kind: 'sweep' };
  const byServer = new Map(snapshot.servers.map((s) => [s.server.toLowerCase(), s]));
  const reachable = snapshot.servers.filter((s) => s.unreachable === undefined);
  const outcome = planDeployment(manualFactsOf(snapshot, input.known, input.ownRolls, desired), desired, { ...settingsOf(pool).settings, servers: reachable.map((s) => s.server) }, now);
  if (!outcome.plan) return { kind: 'refuse', code: outcome.issues[0]!.code, message: outcome.issues.map((i) => i.message).join(' ') };

  const has = (server: string) => {
    const s = byServer.get(server);
    return s !== undefined && s.unreachable === undefined && serverHasDesired(reportOf(s), desired, now);
  };
  const triedOn = (server: string) => tried.installed.includes(server) || tried.failed.some((f) => f.server === server);
  const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
  const what = scheduled ? `roll ${shortThumbprint(desired.thumbprint)} at ${isoSecond(desired.effectiveDate!)}` : `${shortThumbprint(desired.thumbprint)} current now`;

  const next = pool.servers.find((server) => !has(server) && !triedOn(server) && byServer.get(server)?.unreachable === undefined);
  if (next !== undefined) {
    const s = byServer.get(next);
    const importing = !(s && storeHolds(s, desired.thumbprint));
    return {
      kind: 'install',
      server: next,
      thumbprint: desired.thumbprint,
      import: importing,
      ...(scheduled ? { effectiveAt: desired.effectiveDate!.toISOString() } : {}),
      line: `${input.description} (manual mode): ${describe(s, next)}: ${importing ? 'copying the PFX over the remoting session, importing it into its local computer store and assigning' : 'assigning'} ${what} there (no replication).`,
    };
  }

  const left = serversLeftAlone(input.recordedServers, pool.servers);
  const behind = pool.servers.filter((server) => !has(server));
  const n = pool.servers.length;
  if (behind.length === 0) {
    const installed = tried.installed.length > 0 ? `; installed this run on ${serverList(tried.installed)}` : '';
    return { kind: 'done', line: `${input.description} (manual mode): every server reports ${shortThumbprint(desired.thumbprint)} ${scheduled ? 'scheduled' : 'current'}, each assigned on the server itself${installed}${leftAloneClause(left)}.` };
  }
  const why = (server: string): string => {
    const failure = tried.failed.find((f) => f.server === server);
    if (failure) return `${server} (${failure.code})`;
    const s = byServer.get(server);
    if (s?.unreachable) return `${server} (could not be read: ${s.unreachable.code})`;
    return `${describe(s, server)} after its assignment`;
  };
  const details = tried.failed.filter((f) => behind.includes(f.server)).map((f) => `${f.server}: ${f.message}`);
  return {
    kind: 'not-converged',
    code: 'POOL_NOT_CONVERGED',
    servers: behind,
    message:
      `Manual mode: ${n - behind.length} of ${n} servers report the declared OAuthTokenIssuer certificate ${desired.thumbprint} (${what}); not yet: ${serverList(behind.map(why))}. ` +
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
  if (behind.length === 0) {
    return { plan: { action: 'none', steps: [], behind: [], summary: `servers (manual mode): all ${n} have ${shortThumbprint(desired.thumbprint)} ${scheduled ? 'scheduled' : 'current'}, each assigned on the server itself${leftAloneClause(left)}` }, issues: [] };
  }
  return {
    plan: {
      action: scheduled ? 'roll' : 'set',
      steps: [],
      behind,
      summary: `servers (manual mode): ${what} on ${serverList(behind)}, each imported into its local computer store and assigned there (no replication), then verify each${leftAloneClause(left)}`,
    },
    issues: [],
  };
}
