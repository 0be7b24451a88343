/**
 * The PFX and its password as a pool request carries them (the global import, a server's local
 * import in manual mode): only for a step that imports. Secrets: they go to the adapter, never to
 * a line or an error.
 */
import { REPORT_A_PROBLEM, SfbError } from '../domain/errors';
import type { AssignRequest } from '../ports/front-end-pool';
import type { PoolInputs } from './front-end-pool-step';

/** `{ pfx }` for a step that imports (`imports`), else nothing; a PFX missing from the inputs is a defect. */
export function pfxToImport(imports: boolean, inputs: Pick<PoolInputs, 'thumbprint' | 'pfx' | 'password'>): Pick<AssignRequest, 'pfx'> {
  if (!imports) return {};
  if (typeof inputs.pfx !== 'string') {
    throw new SfbError('INTERNAL_ERROR', `The PFX of ${inputs.thumbprint} did not reach the pool step; run \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
  }
  return { pfx: { pfxBase64: inputs.pfx, password: inputs.password ?? null } };
}
