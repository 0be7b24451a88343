/**
 * The Front End pool step of `pulumi up`, decided one step at a time: given one look at the pool
 * (the port's snapshot), the declared certificate, what this run already did and the time left,
 * the next thing to do, as a value that can be printed and tested with `toEqual`. The shell
 * (provider/pulumi/front-end-pool-step.ts) executes the step, prints its line, and looks again.
 *
 * The order, as Skype deploys a certificate (docs/skype-oauth-token-issuer.md, STAGE's steps):
 * 1. the first look is planned (front-end-pool-plan.ts): nothing to do, or assign once, globally
 *    (Skype's assignment is global: once the CMS has it, only replication is missing);
 * 2. every later look: a server that differs although its replica is up to date was changed by
 *    hand. Set on the server itself (a local assignment, which replication never undoes), that
 *    assignment is removed there, so the server uses the global one again, but only when the
 *    pool's `removeLocalAssignments` allows it, because `Remove-CsCertificate -Force` there revokes
 *    the certificate's bindings; otherwise a full replication puts the CMS's assignment back. Each
 *    server is repaired once per run; then the step waits, bounded, naming who is behind;
 * 3. once every server has the declared state and replication is up to date, the expired
 *    previous certificate is removed (once), and the loop waits until no server keeps it.
 * Pure: `now`, the time left and every fact are parameters.
 */
import type { ErrorCode } from './errors';
import { expiredPreviousOf, planDeployment, serverHasDesired, type DesiredDeployment, type RollRef } from './front-end-pool-plan';
import { deploymentFactsOf, reportOf, settingsOf, type KnownNotAfter } from './front-end-pool-facts';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { shortThumbprint } from './roll-plan';
import { isoMinute } from './time';
import type { FrontEndCertificates, PoolSnapshot } from '../ports/front-end-pool';

/** What this run of the step already did; the shell records each step it executed. */
export interface PoolAttempts {
  /** The first look was planned: the assignment made, or none needed. Later looks wait for the servers. */
  readonly planned: boolean;
  /** Servers already replicated or rid of their local assignment in this run (each is repaired once). */
  readonly repaired: readonly string[];
  /** The previous certificate already removed in this run (removed once; then waited for). */
  readonly removed?: string;
}

/** Nothing tried yet: the start of a run. */
export const NOTHING_TRIED: PoolAttempts = { planned: false, repaired: [] };

/** What every pool step decision reads of the pool at one look (both modes). */
export interface PoolLook {
  /** The pool's description for progress lines (the port's, e.g. `PowerShell pool of 3 Front End Servers`). */
  readonly description: string;
  readonly snapshot: PoolSnapshot;
  readonly desired: DesiredDeployment;
  /** Every certificate's NotAfter known at the first look (knownNotAfter). */
  readonly known: KnownNotAfter;
  /** The rolls the previous declaration scheduled (ownRollsOf): not foreign. */
  readonly ownRolls: readonly RollRef[];
  readonly pool: FrontEndPoolSpec;
  readonly now: Date;
}

/** Everything the decision reads. */
export interface PoolStepInput extends PoolLook {
  readonly tried: PoolAttempts;
  /** Whole seconds left before `replicationTimeoutSeconds` runs out (the shell's clock); 0: out of time. */
  readonly secondsLeft: number;
}

/** A roll as the assignment carries it: the instant (ISO 8601 UTC) and the Windows zone the session must be in. */
export interface AssignRoll {
  readonly effectiveAt: string;
  readonly sessionTimeZone: string;
}

/**
 * The next step. Each carries the line the shell prints (`line`) or the error it fails with
 * (`code`, `message`). After `assign`, `verify` and `remove-previous` the shell looks again at
 * once; after `replicate` and `remove-local` it decides again on the same look (another server may
 * be behind); after `wait` it sleeps `sleepMs`, then looks again.
 */
export type PoolStep =
  /** Assign the declared certificate globally; `import`: from the PFX (Skype does not know it yet). */
  | { readonly kind: 'assign'; readonly thumbprint: string; readonly import: boolean; readonly roll?: AssignRoll; readonly line: string }
  /** The first look needs no assignment: look again and wait for the servers. */
  | { readonly kind: 'verify'; readonly line?: string }
  /** Force a full replication of one server whose replica is up to date but which differs. */
  | { readonly kind: 'replicate'; readonly server: string; readonly line: string }
  /** Remove one server's local assignment (the pool's `removeLocalAssignments` allows it). */
  | { readonly kind: 'remove-local'; readonly server: string; readonly line: string }
  /** Remove the expired previous certificate globally. */
  | { readonly kind: 'remove-previous'; readonly thumbprint: string; readonly line: string }
  /** Some servers are behind: sleep, then look again. */
  | { readonly kind: 'wait'; readonly sleepMs: number; readonly line: string }
  /** Every server has the declared state. */
  | { readonly kind: 'done'; readonly line: string }
  /** A server that could not be read, or a rule the plan breaks: stop before changing anything more. */
  | { readonly kind: 'refuse'; readonly code: ErrorCode; readonly message: string }
  /** A local assignment the pool does not let `up` remove: stop, naming the command that does. */
  | { readonly kind: 'report-local'; readonly server: string; readonly code: 'POOL_NOT_CONVERGED'; readonly message: string }
  /** Out of time with servers behind. */
  | { readonly kind: 'not-converged'; readonly code: 'POOL_NOT_CONVERGED'; readonly message: string };

/**
 * The command an administrator runs to remove `server`'s local assignment by hand, for messages.
 * The name is a checked host name (checkPoolSpec: letters, digits, hyphens and dots), so it
 * needs no escaping inside the quotes.
 */
export function removeLocalCommand(server: string): string {
  return `Invoke-Command -ComputerName '${server}' -ScriptBlock { Import-Module SkypeForBusiness; Remove-CsCertificate -Type OAuthTokenIssuer -Force }`;
}

/** One server as lines and drift name it: what it reports, or why it could not be read. */
export function describeServer(s: FrontEndCertificates): string {
  if (s.unreachable) return `${s.server} (could not be read: ${s.unreachable.code})`;
  // A local assignment is never removed by default (it revokes the certificate's bindings on
  // that server): the line names the command that removes it.
  const local = s.scope === 'local' ? ` set on the server itself; remove it there with ${removeLocalCommand(s.server)}, or set the pool's removeLocalAssignments: true` : '';
  const parts = [s.current ? `current ${shortThumbprint(s.current)}${local}` : 'no current certificate'];
  if (s.scheduled) parts.push(`${shortThumbprint(s.scheduled.thumbprint)} pending at ${isoMinute(reportOf(s).pending!.effectiveDate)}`);
  return `${s.server} (${parts.join(', ')})`;
}

/** Servers behind (or still keeping `removed`, a previous certificate removed) and replicas not up to date, in one look. */
function lag(snapshot: PoolSnapshot, desired: DesiredDeployment, now: Date, removed?: string): { behind: FrontEndCertificates[]; stale: string[] } {
  const behind = snapshot.servers.filter((s) => !serverHasDesired(reportOf(s), desired, now) || (removed !== undefined && s.previous === removed));
  const servers = new Set(snapshot.servers.map((s) => s.server.toLowerCase()));
  const stale = snapshot.replicas.filter((r) => servers.has(r.server) && !r.upToDate).map((r) => r.server);
  return { behind, stale };
}

/** Refresh's drift: each server that does not show the declared state, described. */
export function poolDrift(snapshot: PoolSnapshot, desired: DesiredDeployment, now: Date): string[] {
  return lag(snapshot, desired, now).behind.map(describeServer);
}

/** The first look: planned once (front-end-pool-plan.ts), then assigned globally if the CMS lacks the declared state. */
function firstStep(input: PoolStepInput): PoolStep {
  const { snapshot, desired, now } = input;
  const outcome = planDeployment(deploymentFactsOf(snapshot, input.known, input.ownRolls), desired, settingsOf(input.pool).settings, now);
  if (!outcome.plan) return { kind: 'refuse', code: outcome.issues[0]!.code, message: outcome.issues.map((i) => i.message).join(' ') };
  const plan = outcome.plan;
  const line = `${input.description}: ${plan.summary}`;
  if (plan.action === 'none' && lag(snapshot, desired, now).stale.length === 0) return { kind: 'done', line: `${line}; nothing to do.` };
  if (!serverHasDesired(reportOf(snapshot.global), desired, now)) {
    const roll = plan.steps.find((s) => s.kind === 'roll');
    return {
      kind: 'assign',
      thumbprint: desired.thumbprint,
      import: plan.steps.some((s) => s.kind === 'import'),
      ...(roll?.kind === 'roll' ? { roll: { effectiveAt: roll.effectiveAt, sessionTimeZone: roll.sessionTimeZone } } : {}),
      line,
    };
  }
  return { kind: 'verify', ...(plan.action === 'remove-previous' ? { line } : {}) };
}

/** A later look: repair, remove the expired previous certificate, wait, or stop. */
function laterStep(input: PoolStepInput): PoolStep {
  const { snapshot, desired, now, tried, pool } = input;
  const { behind, stale } = lag(snapshot, desired, now, tried.removed);
  if (behind.length === 0 && stale.length === 0) {
    // On up only (refresh changes nothing); once: the loop then waits until no server keeps it.
    const previous = snapshot.global.previous;
    const notAfter = previous ? input.known.get(previous)?.date : undefined;
    const expired = tried.removed === undefined && previous ? expiredPreviousOf({ thumbprint: previous, ...(notAfter ? { notAfter } : {}) }, desired, now) : undefined;
    if (expired) {
      return {
        kind: 'remove-previous',
        thumbprint: expired.thumbprint,
        line: `${input.description}: removing the previous certificate ${shortThumbprint(expired.thumbprint)} (expired ${isoMinute(expired.notAfter)}) with Remove-CsCertificate -Identity Global -Previous.`,
      };
    }
    const scheduled = desired.effectiveDate !== undefined && desired.effectiveDate.getTime() > now.getTime();
    const removed = tried.removed ? `, previous ${shortThumbprint(tried.removed)} removed` : '';
    return { kind: 'done', line: `${input.description}: every server reports ${shortThumbprint(desired.thumbprint)} ${scheduled ? 'scheduled' : 'current'}${removed}; replication up to date.` };
  }
  const server = behind.find((s) => !tried.repaired.includes(s.server) && !stale.includes(s.server.toLowerCase()));
  if (server?.scope === 'local' && !pool.removeLocalAssignments) {
    return {
      kind: 'report-local',
      server: server.server,
      code: 'POOL_NOT_CONVERGED',
      message: `${server.server} uses an OAuthTokenIssuer certificate set on the server itself (${shortThumbprint(server.current ?? '')}, a local assignment), which replication never replaces; the provider does not remove it unless the pool's \`removeLocalAssignments\` is true, because Remove-CsCertificate -Force there revokes that certificate's bindings. Remove it in the Management Shell with ${removeLocalCommand(server.server)}, or set removeLocalAssignments: true, then run \`pulumi up\` again.`,
    };
  }
  if (server?.scope === 'local') {
    return { kind: 'remove-local', server: server.server, line: `${server.server} uses a certificate set on the server itself (${describeServer(server)}); removing that local assignment so it uses the global one.` };
  }
  if (server) return { kind: 'replicate', server: server.server, line: `${server.server} differs from the Central Management Store (${describeServer(server)}); starting a full replication of it.` };
  const notReplicated = stale.filter((s) => !behind.some((b) => b.server.toLowerCase() === s));
  const n = snapshot.servers.length;
  if (input.secondsLeft <= 0) {
    const names = [...behind.map(describeServer), ...notReplicated.map((s) => `${s} (replication not up to date)`)];
    return {
      kind: 'not-converged',
      code: 'POOL_NOT_CONVERGED',
      message: `After ${pool.replicationTimeoutSeconds} s, ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} not reached the declared OAuthTokenIssuer certificate ${desired.thumbprint} (${n - behind.length} of ${n} servers have). The assignment is in the Central Management Store and the store holds the certificate; the resource keeps this state, and the next \`pulumi up\` resumes. Check replication on ${[...behind.map((b) => b.server), ...notReplicated][0]} (Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>; Invoke-CsManagementStoreReplication -ReplicaFqdn <server>), or raise the pool's \`replicationTimeoutSeconds\`.`,
    };
  }
  return {
    kind: 'wait',
    sleepMs: Math.min(pool.pollIntervalSeconds, input.secondsLeft) * 1000,
    line: `waiting for ${behind.length + notReplicated.length} of ${n} servers: ${[...behind.map(describeServer), ...stale.map((s) => `${s} replication not up to date`)].join('; ')} (${input.secondsLeft} s left)`,
  };
}

/** The next step of the pool step, from one look. A server that could not be read stops it first: up cannot converge what it cannot read. */
export function decidePoolStep(input: PoolStepInput): PoolStep {
  const unread = input.snapshot.servers.filter((s) => s.unreachable !== undefined);
  if (unread.length > 0) return { kind: 'refuse', code: unread[0]!.unreachable!.code, message: unread.map((s) => s.unreachable!.message).join(' ') };
  return input.tried.planned ? laterStep(input) : firstStep(input);
}
