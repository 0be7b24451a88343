/**
 * The Front End step of `pulumi up` and `pulumi refresh`, after the store step: inspect the pool
 * (its CMS, replication status and servers), let the domain decide the next step
 * (domain/front-end-pool-steps.ts), execute it, print its line, and look again, bounded by the
 * pool's `replicationTimeoutSeconds` on the injected clock.
 *
 * A server that does not get there in time fails the operation with POOL_NOT_CONVERGED naming
 * it; lifecycle.ts keeps the state as a partial success (the store step done, `servers` as last
 * seen), so the next `pulumi up` sees the server behind and resumes. A deployment that already
 * has the declared certificate is adopted: nothing is run but the inspection.
 *
 * Secrets: the PFX and password go to the adapter only when a step imports; they are never logged.
 */
import { createPowerShellPool, type PoolSecrets } from '../adapters/powershell';
import { isSfbError, REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import type { ServersOutput } from '../domain/front-end-pool-plan';
import { desiredOf, knownNotAfter, ownRollsOf, serversOutput, type DeclaredCertificate } from '../domain/front-end-pool-facts';
import { decidePoolStep, NOTHING_TRIED, poolDrift, type PoolStep } from '../domain/front-end-pool-steps';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import type { AssignRequest, FrontEndPool, PoolSnapshot } from '../ports/front-end-pool';
import { driftPlan, isDriftPlan, serverList } from '../domain/plan-lines';
import { isManualPool, manualDrift } from '../domain/manual-pool-steps';
import { convergeManualPool } from './manual-pool-step';
import { pfxToImport } from './pool-pfx';
import { assignFromServer, serverHeldOf } from './server-held-assign';
import { parsePoolState } from '../domain/certificate-state';

/** What the pool step needs of the checked inputs. */
export interface PoolInputs extends DeclaredCertificate {
  readonly pool?: FrontEndPoolSpec | null;
  readonly pfx?: string | null;
  readonly password?: string | null;
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

/** The pool's secrets from the inputs: the remoting credential's password, when declared. */
function secretsOf(inputs: PoolInputs): PoolSecrets {
  return typeof inputs.poolPassword === 'string' ? { credentialPassword: inputs.poolPassword } : {};
}

/** The port's request for an `assign` step: the PFX and its password only when it imports. */
function assignRequestOf(step: Extract<PoolStep, { kind: 'assign' }>, inputs: PoolInputs): AssignRequest {
  return {
    thumbprint: step.thumbprint,
    ...pfxToImport(step.import, inputs),
    ...(step.roll ? { effectiveAt: step.roll.effectiveAt, sessionTimeZone: step.roll.sessionTimeZone } : {}),
  };
}

/**
 * Brings the pool to the declared certificate: inspect, decide, act, wait. Returns the `servers`
 * output, or undefined without a pool. Throws {@link PoolStepError}.
 */
export async function convergePool(inputs: PoolInputs, now: Date, deps: PoolDeps = defaultDeps): Promise<ServersOutput | undefined> {
  const spec = inputs.pool;
  if (!spec) return undefined;
  const pool = deps.open(spec, secretsOf(inputs));
  if (isManualPool(spec)) {
    return convergeManualPool(inputs, spec, pool, now, deps, ({ error, servers }) => {
      throw new PoolStepError(error.code, error.message, servers);
    });
  }
  const desired = desiredOf(inputs);
  const ownRolls = ownRollsOf(inputs.declaredBefore);
  let snapshot: PoolSnapshot | undefined;
  // Every certificate's NotAfter seen at the first look (before it, the old current's): the
  // expired previous one is recognised, and recorded in `servers` for preview and the next up.
  let known = knownNotAfter(inputs.servers, inputs);
  let tried = NOTHING_TRIED;
  // Set once the first look is planned: the wait for the servers starts then.
  let deadline: number | undefined;
  try {
    snapshot = await pool.inspect();
    known = knownNotAfter(inputs.servers, inputs, snapshot);
    for (;;) {
      const secondsLeft = deadline === undefined ? spec.replicationTimeoutSeconds : Math.max(0, Math.ceil((deadline - deps.clock()) / 1000));
      const step = decidePoolStep({ description: pool.description, snapshot, desired, known, ownRolls, pool: spec, tried, secondsLeft, now });
      switch (step.kind) {
        case 'refuse':
        case 'report-local':
        case 'not-converged':
          throw new SfbError(step.code, step.message);
        case 'done':
          deps.progress(step.line);
          return serversOutput(snapshot, known);
        case 'assign': {
          // A certificate a Front End Server already has is checked again and assigned from it.
          const held = serverHeldOf(inputs);
          const request = held ? undefined : assignRequestOf(step, inputs);
          deps.progress(step.line);
          await (held ? assignFromServer(held, step, { ...inputs, pool: spec }, now) : pool.assign(request!));
          break;
        }
        case 'verify':
          if (step.line !== undefined) deps.progress(step.line);
          break;
        case 'remove-previous':
          deps.progress(step.line);
          await pool.removePrevious();
          tried = { ...tried, removed: step.thumbprint };
          break;
        case 'replicate':
        case 'remove-local':
          deps.progress(step.line);
          await (step.kind === 'replicate' ? pool.replicate(step.server) : pool.removeLocal(step.server));
          tried = { ...tried, repaired: [...tried.repaired, step.server] };
          // The same look still shows the other servers behind: decide again on it.
          continue;
        case 'wait':
          deps.progress(step.line);
          await deps.sleep(step.sleepMs);
          break;
      }
      // The first look is planned (the wait for the servers starts now), the CMS changed, or time
      // passed: look again.
      if (!tried.planned) {
        tried = { ...tried, planned: true };
        deadline = deps.clock() + spec.replicationTimeoutSeconds * 1000;
      }
      snapshot = await pool.inspect();
    }
  } catch (error) {
    if (!isSfbError(error)) throw error;
    throw new PoolStepError(error.code, error.message, snapshot ? serversOutput(snapshot, known) : undefined);
  }
}

/**
 * Refresh: what every server reports now, and the servers that differ from the declared state.
 * A server that could not be read is one of them (marked in `servers`): refresh succeeds with
 * what it could read, and diff then asks for an update, so the drift gate fails: a server nobody
 * could read is not known to be in step.
 */
export async function readPool(inputs: PoolInputs, now: Date, deps: Pick<PoolDeps, 'open'> = defaultDeps): Promise<{ servers: ServersOutput; drift: string[] } | undefined> {
  const spec = inputs.pool;
  if (!spec) return undefined;
  const snapshot = await deps.open(spec, secretsOf(inputs)).inspect();
  const desired = desiredOf(inputs);
  const drift = isManualPool(spec) ? manualDrift(snapshot, desired, now) : poolDrift(snapshot, desired, now);
  return { servers: serversOutput(snapshot, knownNotAfter(inputs.servers, inputs, snapshot)), drift };
}

/**
 * The pool step of create and update, after the store step: `outs` gains `servers`. A failure is a
 * partial success: the store step's state with the servers as last seen, so the next `pulumi up`
 * sees what is behind and resumes (`describeFailure` is lifecycle's failureMessage).
 */
export async function poolStep<S extends { readonly plan?: unknown }>(
  id: string,
  outs: S,
  inputs: PoolInputs | Record<string, unknown>,
  now: Date,
  describeFailure: (error: unknown) => string,
  deps: Partial<PoolDeps> = {},
): Promise<S & { readonly servers?: ServersOutput }> {
  // The checked inputs (their pool checked by checkPoolSpec), and the serialized provider.
  const declared = inputs as PoolInputs & { readonly __provider?: unknown };
  if (!declared.pool) {
    const { servers: _dropped, ...rest }: S & { readonly servers?: unknown } = outs;
    return rest as S;
  }
  try {
    return { ...outs, servers: await convergePool(declared, now, { ...defaultDeps, ...deps }) };
  } catch (error) {
    const message = describeFailure(error);
    const servers = error instanceof PoolStepError ? error.servers : undefined;
    const properties: Record<string, unknown> = { ...outs, ...(servers ? { servers } : {}), plan: `${String(outs.plan)}; servers: not converged (${isSfbError(error) ? error.code : 'failed'}), the next up resumes` };
    // The engine keeps these properties as the resource's state; the host adds its serialized
    // provider only on success, so it is carried here.
    if (declared.__provider !== undefined) properties.__provider = declared.__provider;
    throw Object.assign(new Error(message), { id, properties, reasons: [message] });
  }
}

/** Refresh's pool step: `servers` as reported now, and a drift line when a server differs. */
export async function poolRefresh(props: Record<string, unknown>, now: Date, deps: Partial<Pick<PoolDeps, 'open'>> = {}): Promise<Record<string, unknown>> {
  const parsed = parsePoolState(props);
  if (!parsed.ok) {
    const keys = parsed.unread.map((u) => `\`${u.key}\` (${u.reason})`).join(', ');
    throw new SfbError('INTERNAL_ERROR', `The state of secret "${String(props.secretName)}" reached the pool step of refresh unreadable: ${keys}. Run \`pulumi up\`, which records the pool again, and if it repeats, ${REPORT_A_PROBLEM}.`);
  }
  if (!parsed.inputs) return props;
  const seen = await readPool(parsed.inputs, now, { ...defaultDeps, ...deps });
  if (!seen) return props;
  const next: Record<string, unknown> = { ...props, servers: seen.servers };
  if (seen.drift.length > 0 && !isDriftPlan(props.plan)) {
    next.plan = driftPlan(`${serverList(seen.drift)} instead of the declared ${parsed.inputs.thumbprint}`);
  }
  return next;
}
