/**
 * The Front End step of `pulumi up` in manual mode (`pool.mode: 'manual'`): inspect the pool, let
 * the domain decide (domain/manual-pool-steps.ts), act on each server it names, look again. The
 * servers of one step are installed (or rid of their expired previous certificate) side by side,
 * at most the pool's `parallelism` at once, each reporting on its own; one that fails is recorded
 * and the others go on. The step then fails with POOL_NOT_CONVERGED naming the servers left,
 * which lifecycle keeps as a partial success (the `servers` as last seen), so the next `up`
 * resumes with them.
 *
 * Secrets: the PFX and password go to the adapter only for a server whose step imports; never logged.
 */
import { isSfbError, REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import { knownNotAfter, ownRollsOf, desiredOf, serversOutput } from '../domain/front-end-pool-facts';
import type { ServersOutput } from '../domain/front-end-pool-plan';
import { serverList } from '../domain/plan-lines';
import { decideManualStep, NOTHING_INSTALLED, type ManualAttempts, type ServerFailure } from '../domain/manual-pool-steps';
import type { PoolSnapshot } from '../ports/front-end-pool';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import type { FrontEndPool } from '../ports/front-end-pool';
import type { PoolInputs } from './front-end-pool-step';
import { eachBounded } from './each-bounded';
import { pfxToImport } from './pool-pfx';

/** A failed manual step: the error, and what the servers showed last. */
export interface ManualFailure {
  readonly error: SfbError;
  readonly servers: ServersOutput | undefined;
}

/** The servers the last `up` recorded (the old `servers` output's keys). */
function recordedServersOf(servers: unknown): string[] {
  return typeof servers === 'object' && servers !== null && !Array.isArray(servers) ? Object.keys(servers) : [];
}

/**
 * The sweep, the installations, the removals and the last look: the decisions a run takes at
 * most (each server is installed once and rid of its previous certificate once per run).
 */
const MOST_LOOKS = 4;

/**
 * Runs `act` on each server, at most `parallelism` at once; each server's failure is its own
 * (recorded, printed, and the others go on). Returns the servers done and those that failed.
 */
async function onEachServer<T extends { readonly server: string; readonly line: string }>(
  work: readonly T[],
  parallelism: number,
  progress: (line: string) => void,
  what: string,
  act: (item: T) => Promise<void>,
): Promise<{ done: string[]; failed: ServerFailure[] }> {
  const done: string[] = [];
  const failed: ServerFailure[] = [];
  let defect: unknown;
  await eachBounded(work, parallelism, async (item) => {
    if (defect !== undefined) return;
    progress(item.line);
    try {
      await act(item);
      done.push(item.server);
    } catch (error) {
      // A defect (not an SfbError, or INTERNAL_ERROR) stops the step once the servers running finish.
      if (!isSfbError(error) || error.code === 'INTERNAL_ERROR') {
        defect ??= error;
        return;
      }
      progress(`${item.server}: ${what} failed (${error.code}); going on with the other servers.`);
      failed.push({ server: item.server, code: error.code, message: error.message });
    }
  });
  if (defect !== undefined) throw defect;
  return { done, failed };
}

/**
 * Installs the declared certificate on every server of a manual-mode pool that lacks it, and rids
 * each server's local assignment of its expired previous certificate. Returns the `servers`
 * output, or throws `{ error, servers }` ({@link ManualFailure}) through `fail`.
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
    for (let looks = 0; looks < MOST_LOOKS; looks++) {
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
          const { done, failed } = await onEachServer(step.installs, spec.parallelism, deps.progress, 'its installation', ({ server, thumbprint, effectiveAt, import: imports }) =>
            pool.installLocal(server, { thumbprint, ...pfxToImport(imports, inputs), ...(effectiveAt !== undefined ? { effectiveAt } : {}) }),
          );
          tried = { ...tried, installed: [...tried.installed, ...done], failed: [...tried.failed, ...failed] };
          break;
        }
        case 'remove-previous': {
          const { done, failed } = await onEachServer(step.removals, spec.parallelism, deps.progress, 'the removal of its expired previous certificate', ({ server }) => pool.removeLocalPrevious(server));
          tried = { ...tried, removed: [...tried.removed, ...done], failed: [...tried.failed, ...failed] };
          break;
        }
      }
    }
    throw new SfbError('INTERNAL_ERROR', `The manual-mode pool step looked at the servers more than ${MOST_LOOKS} times; ${REPORT_A_PROBLEM}.`);
  } catch (error) {
    if (!isSfbError(error)) throw error;
    return fail({ error, servers: snapshot ? serversOutput(snapshot, known) : undefined });
  }
}
