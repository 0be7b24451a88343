/**
 * One look at a pool as the step deciders read it (PoolLook, domain/front-end-pool-steps.ts), for
 * the replicated and the manual decisions' table tests: B declared (valid from 2025 to `notAfter`),
 * and A's NotAfter known from an earlier look (a recorded `servers` output in which A was
 * current), as after the `up` that made A previous. `aNotAfter: null`: A was never seen current.
 */
import { knownNotAfter } from '../../provider/domain/front-end-pool-facts';
import type { FrontEndPoolSpec } from '../../provider/domain/front-end-pool-spec';
import type { PoolLook } from '../../provider/domain/front-end-pool-steps';
import type { PoolSnapshot } from '../../provider/ports/front-end-pool';

export interface PoolLookOptions {
  readonly description: string;
  readonly pool: FrontEndPoolSpec;
  readonly now: Date;
  /** The declared certificate B: its thumbprint and NotAfter (ISO 8601). */
  readonly declared: { readonly thumbprint: string; readonly notAfter: string };
  /** A, the certificate seen current before, and its NotAfter; `notAfter: null`: never seen. */
  readonly seenBefore: { readonly thumbprint: string; readonly notAfter: string | null };
  readonly effectiveDate?: string;
}

export function aPoolLook(snapshot: PoolSnapshot, options: PoolLookOptions): PoolLook {
  const { declared, seenBefore } = options;
  const recorded = seenBefore.notAfter === null ? {} : { [snapshot.servers[0]?.server ?? 'fe01.contoso.com']: { current: seenBefore.thumbprint, previous: null, currentNotAfter: seenBefore.notAfter } };
  return {
    description: options.description,
    snapshot,
    desired: { thumbprint: declared.thumbprint, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date(declared.notAfter), ...(options.effectiveDate ? { effectiveDate: new Date(options.effectiveDate) } : {}) },
    known: knownNotAfter(recorded, declared, snapshot),
    ownRolls: [],
    pool: options.pool,
    now: options.now,
  };
}
