/**
 * Preview's view of the Front End pool: check runs offline and sees the old inputs, not the
 * servers, so it plans from what the last `up` left. Pure: dates are read with time.ts's strict
 * parser, `now` is a parameter. The old inputs are still untyped state here (`Record<string, unknown>`).
 */
import { planDeployment, type DeploymentOutcome, type DesiredDeployment, type ServerReport } from './front-end-pool-plan';
import { settingsOf } from './front-end-pool-facts';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { parseIsoInstant } from './time';

const THUMBPRINT = /^[0-9A-F]{40}$/;

/**
 * The certificate the declared one replaced, with its NotAfter: what Skype keeps as previous
 * once the declared one is current. Check sees only the old inputs (never the `servers` output),
 * so it carries this in the inputs (`retiredCertificate`): the thumbprint and NotAfter declared
 * before when the certificate changes, else the one carried so far. Preview plans the removal
 * from it; diff asks for the update only while a server still reports it (serversBehind).
 */
export function retiredCertificate(olds: Record<string, unknown>, thumbprint: string): { thumbprint: string; notAfter: string } | undefined {
  const valid = (t: unknown, n: unknown): t is string => typeof t === 'string' && THUMBPRINT.test(t) && t !== thumbprint && parseIsoInstant(n).ok;
  if (olds.thumbprint !== thumbprint) return valid(olds.thumbprint, olds.notAfter) ? { thumbprint: olds.thumbprint, notAfter: olds.notAfter as string } : undefined;
  const carried = olds.retiredCertificate as Record<string, unknown> | undefined | null;
  return carried && valid(carried.thumbprint, carried.notAfter) ? { thumbprint: carried.thumbprint, notAfter: carried.notAfter as string } : undefined;
}

/**
 * Preview's plan for the pool. It assumes the last `up` left every server of the old pool with
 * the certificate declared then (a refresh shows otherwise as drift, and diff then asks for an
 * update). So the same desired state plans nothing, a changed roll not yet effective re-plans,
 * and the 24-hour rule checks the certificate current now (the one declared before, whose
 * NotAfter check recorded).
 */
export function previewPool(olds: Record<string, unknown>, spec: FrontEndPoolSpec, desired: DesiredDeployment, now: Date, recordedZone?: string): DeploymentOutcome {
  const oldPool = olds.pool as FrontEndPoolSpec | undefined | null;
  const oldThumbprint = typeof olds.thumbprint === 'string' ? olds.thumbprint : undefined;
  const oldDate = parseIsoInstant(olds.effectiveDate);
  const oldScheduled = oldDate.ok && oldDate.date.getTime() > now.getTime();
  const reports: ServerReport[] =
    oldPool && Array.isArray(oldPool.servers) && oldThumbprint
      ? oldPool.servers.map((server) => (oldScheduled && oldDate.ok ? { server, pending: { thumbprint: oldThumbprint, effectiveDate: oldDate.date } } : { server, current: oldThumbprint }))
      : [];
  const oldNotAfter = parseIsoInstant(olds.notAfter);
  const current = oldThumbprint && !oldScheduled ? { thumbprint: oldThumbprint, ...(oldNotAfter.ok ? { notAfter: oldNotAfter.date } : {}) } : undefined;
  // The certificate the declared one replaced (check carries it in the inputs): past its
  // NotAfter, the up removes it.
  const retired = oldPool ? retiredCertificate(olds, desired.thumbprint) : undefined;
  const retiredNotAfter = retired ? parseIsoInstant(retired.notAfter) : undefined;
  const previous = retired && retiredNotAfter?.ok ? { thumbprint: retired.thumbprint, notAfter: retiredNotAfter.date } : undefined;
  // The roll declared before, assumed pending (above), is this resource's own: a changed
  // declaration replaces it.
  const ownRolls = oldScheduled && oldThumbprint ? [{ thumbprint: oldThumbprint, effectiveDate: oldDate.date }] : [];
  return planDeployment({ reports, ...(current ? { current } : {}), ...(previous ? { previous } : {}), ownRolls }, desired, settingsOf(spec, recordedZone).settings, now);
}
