/**
 * `check` for a certificate a Front End Server already has (`certificate: { thumbprint }` or
 * `{ fromType: 'Default', server }`): the one place preview reaches a server. It reads the
 * certificate from the named server's store (and, for `fromType`, which certificate that is now),
 * lets the domain check it (server-certificate-checks.ts) and plan the roll, and returns the facts
 * as inputs. `up` assigns the thumbprint check resolved (kept in state), never a newer one: a
 * Default certificate renewed since shows at the next preview as a change of thumbprint, a roll.
 *
 * Nothing secret is read: the private key stays on the server; the plan line says which checks
 * were made there and which the server gave no fact for.
 */
import { createHash } from 'node:crypto';
import { createServerCertificates } from '../adapters/powershell/server-certificates';
import type { PoolSecrets } from '../adapters/powershell';
import { describeSource, serverHeldOutcome, serverHeldQuery, type ServerHeldRead, type ServerHeldSource } from '../domain/certificate-source';
import { isSfbError, type Finding, type PfxWarningCode } from '../domain/errors';
import { previewPool, retiredCertificate } from '../domain/front-end-pool-preview';
import type { FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import type { DeclaredInputs } from '../domain/resource-inputs';
import { shortThumbprint, planRoll } from '../domain/roll-plan';
import { ourVersionId } from '../domain/secret-versions';
import { checkServerCertificate, checksPhrase, type ServerCertificateFacts, type ServerCertificateVerdict } from '../domain/server-certificate-checks';
import { certificateFactKeys, parseStoredValues } from '../domain/certificate-state';
import { slotsFromState } from '../domain/state-slots';
import type { ServerCertificates } from '../ports/server-certificates';

/** What check reports: the same shape as the PFX path's. */
export interface ServerHeldOutcome {
  readonly inputs: Record<string, unknown>;
  readonly failures: { property: string; reason: string }[];
  readonly warnings: readonly Finding<PfxWarningCode>[];
}

/** Opens the port for a pool (tests give an emulated or fake one). */
export type ServerCertificatesOpener = (spec: FrontEndPoolSpec, secrets: PoolSecrets) => ServerCertificates;

export const openServerCertificates: ServerCertificatesOpener = (spec, secrets) => createServerCertificates(spec, secrets);

/** The store version id of a server-held certificate: its thumbprint, the server and the effective date. */
export function serverHeldVersionId(thumbprint: string, server: string, effectiveDate: string | undefined): string {
  return ourVersionId(thumbprint, createHash('sha256').update(`server-held\u0000${server}\u0000${effectiveDate ?? ''}`).digest('hex'));
}

/** Which property a finding is reported on (never `pfx` or `password`). */
function propertyOf(code: string, hasEffectiveDate: boolean): string {
  if (code === 'SIP_DOMAIN_MISSING') return 'sipDomain';
  if (code === 'KEY_TOO_SMALL') return 'minKeyBits';
  if ((code === 'CERT_NOT_YET_VALID' || code === 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE') && hasEffectiveDate) return 'effectiveDate';
  return 'certificate';
}

/** The facts of the certificate the source names, read on its server, or the failure (domain: serverHeldOutcome). */
export async function readServerHeld(port: ServerCertificates, source: ServerHeldSource, thumbprint?: string): Promise<ServerHeldRead> {
  try {
    return serverHeldOutcome(source, await port.read(source.server, serverHeldQuery(source, thumbprint)));
  } catch (error) {
    if (isSfbError(error)) return { failure: { code: error.code, message: error.message } };
    throw error;
  }
}

/** The verdict's errors as one thrown-ready list of findings, for `up`'s second look. */
export function verdictOf(facts: ServerCertificateFacts, inputs: Pick<DeclaredInputs, 'sipDomain' | 'minKeyBits' | 'warnBeforeExpiryDays' | 'effectiveAt'>, now: Date): ServerCertificateVerdict {
  return checkServerCertificate(facts, { sipDomain: inputs.sipDomain, minKeyBits: inputs.minKeyBits, warnBeforeExpiryDays: inputs.warnBeforeExpiryDays, now, ...(inputs.effectiveAt ? { effectiveDate: inputs.effectiveAt } : {}) });
}

/** Check's work for a server-held source. `pool` is checked (the source rule requires it). */
export async function checkServerHeldInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  declared: DeclaredInputs & { readonly pool: FrontEndPoolSpec },
  source: ServerHeldSource,
  now: Date,
  open: ServerCertificatesOpener = openServerCertificates,
): Promise<ServerHeldOutcome> {
  const { sipDomain, secretName, effectiveDate, effectiveAt, minKeyBits, warnBeforeExpiryDays, adopt, pool } = declared;
  const secrets: PoolSecrets = typeof news.poolPassword === 'string' ? { credentialPassword: news.poolPassword } : {};
  const read = await readServerHeld(open(pool, secrets), source);
  if ('failure' in read) return { inputs: news, failures: [{ property: 'certificate', reason: `${read.failure.code}: ${read.failure.message}` }], warnings: [] };
  const { facts } = read;
  const verdict = verdictOf(facts, declared, now);
  const failures = verdict.errors.map((e) => ({ property: propertyOf(e.code, effectiveDate !== undefined), reason: `${e.code}: ${e.message}` }));
  if (failures.length > 0) return { inputs: news, failures, warnings: verdict.warnings };

  const old = parseStoredValues(olds).state;
  const versionId = serverHeldVersionId(facts.thumbprint, source.server, effectiveDate);
  const plan = planRoll(slotsFromState(old, now), { versionId, thumbprint: facts.thumbprint, ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) }, now);
  const parts: string[] = [];
  // A Default certificate renewed on its server since the last up: said first (preview shortens
  // long lines), as such, not only as a new thumbprint.
  if (source.kind === 'fromType' && old.thumbprint !== undefined && old.thumbprint !== '' && old.thumbprint !== facts.thumbprint) {
    parts.push(`${describeSource(source)} renewed: ${shortThumbprint(old.thumbprint)} → ${shortThumbprint(facts.thumbprint)}`);
  }
  parts.push(plan.summary);
  const deployment = previewPool(olds, pool, { thumbprint: facts.thumbprint, notBefore: new Date(facts.notBefore), notAfter: new Date(facts.notAfter), ...(effectiveAt ? { effectiveDate: effectiveAt } : {}) }, now);
  for (const issue of deployment.issues) failures.push({ property: effectiveDate ? 'effectiveDate' : 'certificate', reason: `${issue.code}: ${issue.message}` });
  if (failures.length > 0) return { inputs: news, failures, warnings: verdict.warnings };
  if (deployment.plan) parts.push(deployment.plan.summary);
  parts.push(checksPhrase(verdict, source.server));

  const { pfx: _pfx, certificateFacts: _facts, ...kept } = news;
  const inputs: Record<string, unknown> = {
    ...kept,
    sipDomain,
    secretName,
    password: null,
    minKeyBits,
    warnBeforeExpiryDays,
    adopt,
    pool,
    ...certificateFactKeys(facts),
    versionId,
    plan: parts.join('; '),
  };
  if (effectiveDate) inputs.effectiveDate = effectiveDate;
  else delete inputs.effectiveDate;
  const retired = retiredCertificate(olds, facts.thumbprint);
  if (retired) inputs.retiredCertificate = retired;
  else delete inputs.retiredCertificate;
  return { inputs, failures, warnings: verdict.warnings };
}
