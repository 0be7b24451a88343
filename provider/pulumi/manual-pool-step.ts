/**
 * The Front End step of `pulumi up` in manual mode (`pool.mode: 'manual'`): inspect the pool, let
 * the domain decide the next server to install (domain/manual-pool-steps.ts), install it through
 * the port, look again. A server whose installation fails is recorded and the others go on; the
 * step then fails with POOL_NOT_CONVERGED naming the servers left, which lifecycle keeps as a
 * partial success (the `servers` as last seen), so the next `up` resumes with them.
 *
 * Secrets: the PFX and password go to the adapter only for a step that imports; never logged.
 */
import { isSfbError, REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import { knownNotAfter, ownRollsOf, desiredOf, serversOutput } from '../domain/front-end-pool-facts';
import type { ServersOutput } from '../domain/front-end-pool-plan';
import { serverList } from '../domain/plan-lines';
import { decideManualStep, NOTHING_INSTALLED, type ManualAttempts, type ManualStep } from '../domain/manual-pool-steps';
import type { LocalInstallRequest, PoolSnapshot } from '../ports/front-end-pool';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import type { FrontEndPool } from '../ports/front-end-pool';
import type { PoolInputs } from './front-end-pool-step';

/** A failed manual step: the error, and what the servers showed last. */
export interface ManualFailure {
  readonly error: SfbError;
  readonly servers: ServersOutput | undefined;
}

/** The port's request for an `install` step: the PFX and its password only when it imports. */
function installRequestOf(step: Extract<ManualStep, { kind: 'install' }>, inputs: PoolInputs): LocalInstallRequest {
  if (step.import && typeof inputs.pfx !== 'string') {
    throw new SfbError('INTERNAL_ERROR', `The PFX of ${inputs.thumbprint} did not reach the pool step; run \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
  }
  return {
    thumbprint: step.thumbprint,
    ...(step.import ? { pfx: { pfxBase64: inputs.pfx!, password: inputs.password ?? null } } : {}),
    ...(step.effectiveAt ? { effectiveAt: step.effectiveAt } : {}),
  };
}

/** The servers the last `up` recorded (the old `servers` output's keys). */
function recordedServersOf(servers: unknown): string[] {
  return typeof servers === 'object' && servers !== null && !Array.isArray(servers) ? Object.keys(servers) : [];
}

/**
 * Installs the declared certificate on every server of a manual-mode pool that lacks it. Returns
 * the `servers` output, or throws `{ error, servers }` ({@link ManualFailure}) through `fail`.
 */
export async function convergeManualPool(
  inputs: PoolInputs,
  spec: FrontEndPoolSpec,
  pool: FrontEndPool,
  now: Date,
  deps: { readonly progress: (line: string) => void },
  fail: (failure: ManualFailure) => never,
): Promise<ServersOutput> {
  const desired = desiredOf(inputs);
  const ownRolls = ownRollsOf(inputs.declaredBefore);
  const recordedServers = recordedServersOf(inputs.servers);
  let snapshot: PoolSnapshot | undefined;
  let known = knownNotAfter(inputs.servers, inputs);
  let tried: ManualAttempts = NOTHING_INSTALLED;
  try {
    // Bounded: the sweep, then each server installed at most once per run, and the last look.
    for (let looks = 0; looks <= spec.servers.length + 2; looks++) {
      snapshot = await pool.inspect();
      known = knownNotAfter(inputs.servers, inputs, snapshot);
      const step = decideManualStep({ description: pool.description, snapshot, desired, known, ownRolls, pool: spec, tried, recordedServers, now });
      switch (step.kind) {
        case 'refuse':
        case 'not-converged':
          throw new SfbError(step.code, step.message);
        case 'done':
          deps.progress(step.line);
          return serversOutput(snapshot, known);
        case 'sweep': {
          const swept = await pool.sweepCopies();
          if (swept.length > 0) deps.progress(`removed the PFX copy an interrupted run left on ${serverList(swept)}.`);
          tried = { ...tried, swept: true };
          break;
        }
        case 'install': {
          const request = installRequestOf(step, inputs);
          deps.progress(step.line);
          try {
            await pool.installLocal(step.server, request);
            tried = { ...tried, installed: [...tried.installed, step.server] };
          } catch (error) {
            // One server's failure is its own: the others are still installed.
            if (!isSfbError(error) || error.code === 'INTERNAL_ERROR') throw error;
            deps.progress(`${step.server}: not installed (${error.code}); going on with the other servers.`);
            tried = { ...tried, failed: [...tried.failed, { server: step.server, code: error.code, message: error.message }] };
          }
          break;
        }
      }
    }
    throw new SfbError('INTERNAL_ERROR', `The manual-mode pool step looked at the servers more often than it has servers; ${REPORT_A_PROBLEM}.`);
  } catch (error) {
    if (!isSfbError(error)) throw error;
    return fail({ error, servers: snapshot ? serversOutput(snapshot, known) : undefined });
  }
}
