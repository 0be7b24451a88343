/**
 * The Front End step of `pulumi up` and `pulumi refresh` (issue #10), after the store step:
 * gather (the pool's CMS, replication status and servers), decide (deployment-plan.ts), act
 * (assign once, globally), then wait, bounded, with progress lines, until every replica is up to
 * date and every server reports the declared certificate current (or the declared roll pending).
 *
 * A server that does not get there in time fails the operation with POOL_NOT_CONVERGED naming
 * it; lifecycle.ts keeps the state as a partial success (the store step done, `servers` as last
 * seen), so the next `pulumi up` sees the server behind and resumes. A deployment that already
 * has the declared certificate is adopted: nothing is run but the inspection.
 *
 * Secrets: the PFX and password go to the adapter only when a step imports; they are never logged.
 */
import { createPowerShellPool, type PoolSecrets } from '../adapters/powershell';
import { removeLocalCommand } from '../adapters/powershell/scripts';
import { isSfbError, REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import {
  planDeployment,
  serverHasDesired,
  type DesiredDeployment,
  type PoolSettings,
  type RollRef,
  type ServerOutput,
  type ServerReport,
  type ServersOutput,
} from '../domain/deployment-plan';
import type { FrontEndPoolSpec } from '../domain/pool-spec';
import { previewServerZone, type PreviewZone } from '../domain/server-zone';
import { shortThumbprint } from '../domain/roll-plan';
import { isoMinute, parseIsoInstant } from '../domain/time';
import type { FrontEndCertificates, FrontEndPool, PoolSnapshot } from '../ports/front-end-pool';

/** What the pool step needs of the checked inputs. */
export interface PoolInputs {
  readonly pool?: FrontEndPoolSpec | null;
  readonly pfx?: string;
  readonly password?: string | null;
  readonly thumbprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly effectiveDate?: string | null;
  /** The password of the pool's remoting `credential` (a secret input, like `password`). */
  readonly poolPassword?: string | null;
  /**
   * The `servers` output last recorded (the old state's): the NotAfter of certificates seen
   * current before, which Skype no longer reports once they are previous.
   */
  readonly servers?: unknown;
  /**
   * The previous declaration (update only: the old state's `thumbprint` and `effectiveDate`): a
   * roll it scheduled is this resource's own, not a foreign one (FOREIGN_ROLL_PENDING).
   */
  readonly declaredBefore?: { readonly thumbprint?: unknown; readonly effectiveDate?: unknown };
}

/** The roll the previous declaration scheduled, if it had one. */
function ownRollsOf(declared: { readonly thumbprint?: unknown; readonly effectiveDate?: unknown } | undefined): RollRef[] {
  const when = parseIsoInstant(declared?.effectiveDate);
  return typeof declared?.thumbprint === 'string' && when.ok ? [{ thumbprint: declared.thumbprint, effectiveDate: when.date }] : [];
}

/** NotAfter (ISO 8601) of each certificate seen, by thumbprint. */
type KnownNotAfter = Map<string, string>;

/** What is known of certificates' NotAfter: the declared one, the last `servers` output, snapshots. */
function knownNotAfter(inputs: PoolInputs, ...snapshots: (PoolSnapshot | undefined)[]): KnownNotAfter {
  const known: KnownNotAfter = new Map();
  const add = (thumbprint: unknown, notAfter: unknown) => {
    if (typeof thumbprint === 'string' && typeof notAfter === 'string' && parseIsoInstant(notAfter).ok) known.set(thumbprint.toUpperCase(), notAfter);
  };
  if (typeof inputs.servers === 'object' && inputs.servers !== null) {
    for (const raw of Object.values(inputs.servers as Record<string, unknown>)) {
      if (typeof raw !== 'object' || raw === null) continue;
      const entry = raw as Record<string, unknown>;
      add(entry.current, entry.currentNotAfter);
      add(entry.previous, entry.previousNotAfter);
    }
  }
  for (const snapshot of snapshots) {
    for (const s of snapshot ? [snapshot.global, ...snapshot.servers] : []) add(s.current, s.currentNotAfter);
  }
  add(inputs.thumbprint, inputs.notAfter);
  return known;
}

/** What the step may be given instead of the real world (tests, the benchmark). */
export interface PoolDeps {
  readonly open: (spec: FrontEndPoolSpec, secrets?: PoolSecrets) => FrontEndPool;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly progress: (line: string) => void;
}

// The dynamic provider host turns stderr lines into engine diagnostics: progress shows in the
// output of `pulumi up` as it happens.
const defaultDeps: PoolDeps = {
  open: createPowerShellPool,
  clock: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  progress: (line) => console.warn(`sfb-oauth-cert: ${line}`),
};

/** A failed pool step: the error, and what the servers showed last (kept in state). */
export class PoolStepError extends SfbError {
  constructor(
    code: SfbError['code'],
    message: string,
    readonly servers: ServersOutput | undefined,
  ) {
    super(code, message);
  }
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

function desiredOf(inputs: PoolInputs): DesiredDeployment {
  const when = inputs.effectiveDate ? parseIsoInstant(inputs.effectiveDate) : undefined;
  return {
    thumbprint: inputs.thumbprint,
    notBefore: new Date(inputs.notBefore),
    notAfter: new Date(inputs.notAfter),
    ...(when?.ok ? { effectiveDate: when.date } : {}),
  };
}

function reportOf(certificates: FrontEndCertificates): ServerReport {
  const pending = certificates.scheduled ? { thumbprint: certificates.scheduled.thumbprint, effectiveDate: new Date(certificates.scheduled.effectiveDate) } : undefined;
  return {
    server: certificates.server,
    ...(certificates.current ? { current: certificates.current } : {}),
    ...(certificates.previous ? { previous: certificates.previous } : {}),
    ...(pending ? { pending } : {}),
  };
}

/** The `servers` output of a snapshot; the previous certificate's NotAfter when `known`. */
export function serversOutput(snapshot: PoolSnapshot, known: KnownNotAfter = new Map()): ServersOutput {
  const entries = snapshot.servers.map((s): [string, ServerOutput] => {
    // Not read at this look: nothing is known of it, and the entry says why (issue #19 item 10).
    if (s.unreachable) return [s.server, { current: null, previous: null, unreachable: { code: s.unreachable.code, message: s.unreachable.message } }];
    const previousNotAfter = s.previous ? known.get(s.previous) : undefined;
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

/** The pool's secrets from the inputs: the remoting credential's password, when declared. */
function secretsOf(inputs: PoolInputs): PoolSecrets {
  return typeof inputs.poolPassword === 'string' ? { credentialPassword: inputs.poolPassword } : {};
}

function describeServer(s: FrontEndCertificates): string {
  if (s.unreachable) return `${s.server} (could not be read: ${s.unreachable.code})`;
  // A local assignment is never removed by default (it revokes the certificate's bindings there:
  // issue #15 item 9): the line names the command that removes it.
  const local = s.scope === 'local' ? ` set on the server itself; remove it there with ${removeLocalCommand(s.server)}, or set the pool's removeLocalAssignments: true` : '';
  const parts = [s.current ? `current ${shortThumbprint(s.current)}${local}` : 'no current certificate'];
  if (s.scheduled) parts.push(`${shortThumbprint(s.scheduled.thumbprint)} pending at ${isoMinute(new Date(s.scheduled.effectiveDate))}`);
  return `${s.server} (${parts.join(', ')})`;
}

/** Servers behind (or still keeping `removed`, a previous certificate removed) and replicas not up to date, in one look. */
function lag(snapshot: PoolSnapshot, desired: DesiredDeployment, now: Date, removed?: string): { behind: FrontEndCertificates[]; stale: string[] } {
  const behind = snapshot.servers.filter((s) => !serverHasDesired(reportOf(s), desired, now) || (removed !== undefined && s.previous === removed));
  const servers = new Set(snapshot.servers.map((s) => s.server.toLowerCase()));
  const stale = snapshot.replicas.filter((r) => servers.has(r.server) && !r.upToDate).map((r) => r.server);
  return { behind, stale };
}

/**
 * An up cannot converge a server it cannot read: it stops before changing anything (or, in the
 * wait, before waiting on it), naming each such server with the adapter's sentence; lifecycle
 * keeps the partial state, the unread servers marked.
 */
function failOnUnreadable(snapshot: PoolSnapshot): void {
  const unread = snapshot.servers.filter((s) => s.unreachable !== undefined);
  if (unread.length === 0) return;
  throw new SfbError(unread[0]!.unreachable!.code, unread.map((s) => s.unreachable!.message).join(' '));
}

/**
 * Brings the pool to the declared certificate. Returns the `servers` output, or undefined
 * without a pool. Throws {@link PoolStepError}.
 */
export async function convergePool(inputs: PoolInputs, now: Date, deps: PoolDeps = defaultDeps): Promise<ServersOutput | undefined> {
  const spec = inputs.pool;
  if (!spec) return undefined;
  const pool = deps.open(spec, secretsOf(inputs));
  const desired = desiredOf(inputs);
  let snapshot: PoolSnapshot | undefined;
  // Every certificate's NotAfter seen so far (before the set, the old current's): the expired
  // previous one is recognised, and recorded in `servers` for preview and the next up.
  let known = knownNotAfter(inputs);
  try {
    snapshot = await pool.inspect();
    failOnUnreadable(snapshot);
    known = knownNotAfter(inputs, snapshot);
    const notAfterOf = (thumbprint: string | undefined) => (thumbprint && known.has(thumbprint) ? { notAfter: new Date(known.get(thumbprint)!) } : {});
    const current = snapshot.global.current ? { thumbprint: snapshot.global.current, ...notAfterOf(snapshot.global.current) } : undefined;
    const previous = snapshot.global.previous ? { thumbprint: snapshot.global.previous, ...notAfterOf(snapshot.global.previous) } : undefined;
    const zones = { servers: snapshot.servers, ...(snapshot.session ? { session: snapshot.session } : {}) };
    const cmsPending = reportOf(snapshot.global).pending;
    const facts = { reports: snapshot.servers.map(reportOf), ...(current ? { current } : {}), ...(previous ? { previous } : {}), ...(cmsPending ? { cmsPending } : {}), ownRolls: ownRollsOf(inputs.declaredBefore), zones };
    const outcome = planDeployment(facts, desired, settingsOf(spec).settings, now);
    if (!outcome.plan) throw new SfbError(outcome.issues[0]!.code, outcome.issues.map((i) => i.message).join(' '));
    const plan = outcome.plan;
    if (plan.action === 'none' && lag(snapshot, desired, now).stale.length === 0) {
      deps.progress(`${pool.description}: ${plan.summary}; nothing to do.`);
      return serversOutput(snapshot, known);
    }
    if (plan.action === 'remove-previous') deps.progress(`${pool.description}: ${plan.summary}`);
    // Skype's assignment is global: once the CMS has it, only replication is missing.
    if (!serverHasDesired(reportOf(snapshot.global), desired, now)) {
      const roll = plan.steps.find((s) => s.kind === 'roll');
      const imports = plan.steps.some((s) => s.kind === 'import');
      if (imports && typeof inputs.pfx !== 'string') {
        throw new SfbError('INTERNAL_ERROR', `The PFX of ${inputs.thumbprint} did not reach the pool step; run \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
      }
      deps.progress(`${pool.description}: ${plan.summary}`);
      await pool.assign({
        thumbprint: desired.thumbprint,
        ...(imports ? { pfx: { pfxBase64: inputs.pfx!, password: inputs.password ?? null } } : {}),
        ...(roll?.kind === 'roll' ? { effectiveAt: roll.effectiveAt, sessionTimeZone: roll.sessionTimeZone } : {}),
      });
    }
    const deadline = deps.clock() + spec.replicationTimeoutSeconds * 1000;
    const forced = new Set<string>();
    let removed: string | undefined;
    for (;;) {
      snapshot = await pool.inspect();
      failOnUnreadable(snapshot);
      const { behind, stale } = lag(snapshot, desired, now, removed);
      if (behind.length === 0 && stale.length === 0) {
        // STAGE's last step, on up only (refresh changes nothing): once every server has the
        // declared state, the previous certificate goes if it has expired. Once: the loop then
        // waits until no server keeps it.
        const previous = snapshot.global.previous;
        const previousNotAfter = previous ? known.get(previous) : undefined;
        if (removed === undefined && previous && previous !== desired.thumbprint && previousNotAfter && Date.parse(previousNotAfter) <= now.getTime()) {
          removed = previous;
          deps.progress(`${pool.description}: removing the previous certificate ${shortThumbprint(previous)} (expired ${isoMinute(new Date(previousNotAfter))}) with Remove-CsCertificate -Identity Global -Previous.`);
          await pool.removePrevious();
          continue;
        }
        deps.progress(`${pool.description}: every server reports ${shortThumbprint(desired.thumbprint)} ${desired.effectiveDate && desired.effectiveDate.getTime() > now.getTime() ? 'scheduled' : 'current'}${removed ? `, previous ${shortThumbprint(removed)} removed` : ''}; replication up to date.`);
        return serversOutput(snapshot, known);
      }
      // A server that differs although its replica is up to date was changed by hand. Set on the
      // server itself (a local assignment, which replication never undoes): that assignment is
      // removed there, and the server uses the global one again, as the others do. Otherwise a
      // full replication puts the CMS's assignment back (Invoke-CsManagementStoreReplication).
      for (const server of behind) {
        if (!forced.has(server.server) && !stale.includes(server.server.toLowerCase())) {
          forced.add(server.server);
          if (server.scope === 'local' && !spec.removeLocalAssignments) {
            throw new SfbError(
              'POOL_NOT_CONVERGED',
              `${server.server} uses an OAuthTokenIssuer certificate set on the server itself (${shortThumbprint(server.current ?? '')}, a local assignment), which replication never replaces; the provider does not remove it unless the pool's \`removeLocalAssignments\` is true, because Remove-CsCertificate -Force there revokes that certificate's bindings. Remove it in the Management Shell with ${removeLocalCommand(server.server)}, or set removeLocalAssignments: true, then run \`pulumi up\` again.`,
            );
          }
          if (server.scope === 'local') {
            deps.progress(`${server.server} uses a certificate set on the server itself (${describeServer(server)}); removing that local assignment so it uses the global one.`);
            await pool.removeLocal(server.server);
          } else {
            deps.progress(`${server.server} differs from the Central Management Store (${describeServer(server)}); starting a full replication of it.`);
            await pool.replicate(server.server);
          }
        }
      }
      const left = Math.max(0, Math.ceil((deadline - deps.clock()) / 1000));
      if (left === 0) {
        const names = behind.map(describeServer);
        const notReplicated = stale.filter((s) => !behind.some((b) => b.server.toLowerCase() === s));
        throw new SfbError(
          'POOL_NOT_CONVERGED',
          `After ${spec.replicationTimeoutSeconds} s, ${[...names, ...notReplicated.map((s) => `${s} (replication not up to date)`)].join(', ')} ${names.length + notReplicated.length === 1 ? 'has' : 'have'} not reached the declared OAuthTokenIssuer certificate ${desired.thumbprint} (${snapshot.servers.length - behind.length} of ${snapshot.servers.length} servers have). The assignment is in the Central Management Store and the store holds the certificate; the resource keeps this state, and the next \`pulumi up\` resumes. Check replication on ${[...behind.map((b) => b.server), ...notReplicated][0]} (Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>; Invoke-CsManagementStoreReplication -ReplicaFqdn <server>), or raise the pool's \`replicationTimeoutSeconds\`.`,
        );
      }
      deps.progress(`waiting for ${behind.length + stale.filter((s) => !behind.some((b) => b.server.toLowerCase() === s)).length} of ${snapshot.servers.length} servers: ${[...behind.map(describeServer), ...stale.map((s) => `${s} replication not up to date`)].join('; ')} (${left} s left)`);
      await deps.sleep(Math.min(spec.pollIntervalSeconds * 1000, left * 1000));
    }
  } catch (error) {
    if (!isSfbError(error)) throw error;
    throw new PoolStepError(error.code, error.message, snapshot ? serversOutput(snapshot, known) : undefined);
  }
}

/**
 * Refresh: what every server reports now, and the servers that differ from the declared state.
 * A server that could not be read is one of them (marked in `servers`): refresh succeeds with
 * what it could read, and diff then asks for an update, so the drift gate fails (issue #19 item 10).
 */
export async function readPool(inputs: PoolInputs, now: Date, deps: Pick<PoolDeps, 'open'> = defaultDeps): Promise<{ servers: ServersOutput; drift: string[] } | undefined> {
  const spec = inputs.pool;
  if (!spec) return undefined;
  const snapshot = await deps.open(spec, secretsOf(inputs)).inspect();
  const desired = desiredOf(inputs);
  return { servers: serversOutput(snapshot, knownNotAfter(inputs, snapshot)), drift: lag(snapshot, desired, now).behind.map(describeServer) };
}

/**
 * The pool step of create and update, after the store step: `outs` gains `servers`. A failure is a
 * partial success: the store step's state with the servers as last seen, so the next `pulumi up`
 * sees what is behind and resumes (`describeFailure` is lifecycle's failureMessage).
 */
export async function poolStep(
  id: string,
  outs: Record<string, unknown>,
  inputs: Record<string, unknown>,
  now: Date,
  describeFailure: (error: unknown) => string,
  deps: Partial<PoolDeps> = {},
): Promise<Record<string, unknown>> {
  if (!inputs.pool) {
    const { servers: _dropped, ...rest } = outs;
    return rest;
  }
  try {
    return { ...outs, servers: await convergePool(inputs as unknown as PoolInputs, now, { ...defaultDeps, ...deps }) };
  } catch (error) {
    const message = describeFailure(error);
    const servers = error instanceof PoolStepError ? error.servers : undefined;
    const properties: Record<string, unknown> = { ...outs, ...(servers ? { servers } : {}), plan: `${String(outs.plan)}; servers: not converged (${isSfbError(error) ? error.code : 'failed'}), the next up resumes` };
    // The engine keeps these properties as the resource's state; the host adds its serialized
    // provider only on success, so it is carried here.
    if (inputs.__provider !== undefined) properties.__provider = inputs.__provider;
    throw Object.assign(new Error(message), { id, properties, reasons: [message] });
  }
}

/** Refresh's pool step: `servers` as reported now, and a drift line when a server differs. */
export async function poolRefresh(props: Record<string, unknown>, now: Date, deps: Partial<Pick<PoolDeps, 'open'>> = {}): Promise<Record<string, unknown>> {
  if (!props.pool) return props;
  const seen = await readPool(props as unknown as PoolInputs, now, { ...defaultDeps, ...deps });
  if (!seen) return props;
  const next: Record<string, unknown> = { ...props, servers: seen.servers };
  if (seen.drift.length > 0 && !(typeof props.plan === 'string' && props.plan.startsWith('drift:'))) {
    next.plan = `drift: ${seen.drift.join(', ')} instead of the declared ${String(props.thumbprint)}`;
  }
  return next;
}

/**
 * The certificate the declared one replaced, with its NotAfter: what Skype keeps as previous
 * once the declared one is current. Check sees only the old inputs (never the `servers` output),
 * so it carries this in the inputs (`retiredCertificate`): the thumbprint and NotAfter declared
 * before when the certificate changes, else the one carried so far. Preview plans the removal
 * from it; diff asks for the update only while a server still reports it (serversBehind).
 */
export function retiredCertificate(olds: Record<string, unknown>, thumbprint: string): { thumbprint: string; notAfter: string } | undefined {
  const valid = (t: unknown, n: unknown) => typeof t === 'string' && /^[0-9A-F]{40}$/.test(t) && t !== thumbprint && parseIsoInstant(n).ok;
  if (olds.thumbprint !== thumbprint) return valid(olds.thumbprint, olds.notAfter) ? { thumbprint: olds.thumbprint as string, notAfter: olds.notAfter as string } : undefined;
  const carried = olds.retiredCertificate as Record<string, unknown> | undefined | null;
  return carried && valid(carried.thumbprint, carried.notAfter) ? { thumbprint: carried.thumbprint as string, notAfter: carried.notAfter as string } : undefined;
}

/**
 * Preview's view of the pool. Check runs offline and sees the old inputs, not the servers: it
 * assumes the last `up` left every server of the old pool with the certificate declared then
 * (a refresh shows otherwise as drift, and diff then asks for an update). So the same desired
 * state plans nothing, a changed roll not yet effective re-plans, and the 24-hour rule checks the
 * certificate current now (the one declared before, whose NotAfter check recorded).
 */
export function previewPool(olds: Record<string, unknown>, spec: FrontEndPoolSpec, desired: DesiredDeployment, now: Date, recordedZone?: string): ReturnType<typeof planDeployment> {
  const oldPool = olds.pool as FrontEndPoolSpec | undefined | null;
  const oldThumbprint = typeof olds.thumbprint === 'string' ? olds.thumbprint : undefined;
  const oldDate = parseIsoInstant(olds.effectiveDate);
  const oldScheduled = oldDate.ok && oldDate.date.getTime() > now.getTime();
  const reports: ServerReport[] =
    oldPool && Array.isArray(oldPool.servers) && oldThumbprint
      ? oldPool.servers.map((server) => (oldScheduled && oldDate.ok ? { server, pending: { thumbprint: oldThumbprint, effectiveDate: oldDate.date } } : { server, current: oldThumbprint }))
      : [];
  const oldNotAfter = typeof olds.notAfter === 'string' ? new Date(olds.notAfter) : undefined;
  const current = oldThumbprint && !oldScheduled ? { thumbprint: oldThumbprint, ...(oldNotAfter && !Number.isNaN(oldNotAfter.getTime()) ? { notAfter: oldNotAfter } : {}) } : undefined;
  // The certificate the declared one replaced (check carries it in the inputs): past its
  // NotAfter, the up removes it.
  const retired = oldPool ? retiredCertificate(olds, desired.thumbprint) : undefined;
  const previous = retired ? { thumbprint: retired.thumbprint, notAfter: new Date(retired.notAfter) } : undefined;
  // The roll declared before, assumed pending (above), is this resource's own: a changed
  // declaration replaces it.
  const ownRolls = oldScheduled && oldThumbprint ? [{ thumbprint: oldThumbprint, effectiveDate: oldDate.date }] : [];
  return planDeployment({ reports, ...(current ? { current } : {}), ...(previous ? { previous } : {}), ownRolls }, desired, settingsOf(spec, recordedZone).settings, now);
}
