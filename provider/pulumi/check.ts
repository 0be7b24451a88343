/**
 * Pulumi `check` and `diff`: they run offline in `pulumi preview` (no store access). `check`
 * validates the PFX and every input and returns the reviewable facts and plan as inputs; `diff`
 * says what changes in place and what replaces.
 *
 * Secrets: Pulumi hands this code plaintext. Nothing here logs or echoes the PFX, its password
 * or the store passphrase; check failures are reported on non-secret property names, because
 * Pulumi prints a failing property's value next to the reason.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { PfxErrorCode } from '../domain/errors';
import { isPlausibleDomain } from '../domain/sip-domain';
import { planRoll, type CertificateSlots } from '../domain/roll-plan';
import { migrateState, type StoreSpec } from '../domain/resource-state';
import { validatePfx, type PfxValidation } from '../validate-pfx';
import { checkPfx } from '../domain/pfx-checks';
import type { CertificateFacts } from '../domain/certificate-facts';

/** What Pulumi's check returns on failure. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}


const INPUT_NAME = '`pfx` input';

/** Which non-secret property a finding is reported on (never `pfx` or `password`). */
function propertyFor(code: PfxErrorCode, hasEffectiveDate: boolean): string {
  switch (code) {
    case 'SIP_DOMAIN_MISSING':
      return 'sipDomain';
    case 'KEY_TOO_SMALL':
      return 'minKeyBits';
    case 'CERT_NOT_YET_VALID':
    case 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE':
      return hasEffectiveDate ? 'effectiveDate' : 'certificate';
    default:
      return 'certificate';
  }
}

function isUnknown(value: unknown): boolean {
  // pulumi.runtime.unknownValue: a value not known during preview.
  return value === '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
}

/** The store version id: the thumbprint (so any listing names the certificate) and a digest. */
export function versionIdFor(thumbprint: string, pfxBase64: string, effectiveDate: string | undefined): string {
  const digest = createHash('sha256').update(Buffer.from(pfxBase64, 'base64')).update('\u0000').update(effectiveDate ?? '').digest('hex');
  return `${thumbprint}-${digest.slice(0, 16)}`;
}

function normaliseEffectiveDate(value: unknown): { iso?: string; failure?: CheckFailure } {
  if (value === undefined || value === null || value === '') return {};
  const date = new Date(String(value));
  if (typeof value !== 'string' || Number.isNaN(date.getTime())) {
    return { failure: { property: 'effectiveDate', reason: `The effective date "${String(value)}" is not an ISO 8601 date; write it like 2026-12-01T00:00:00Z.` } };
  }
  return { iso: date.toISOString() };
}

/** Pulumi `check`: validates the PFX and returns the reviewable facts and plan as inputs. */
export async function check(olds: Record<string, unknown>, news: Record<string, unknown>, now: Date): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const failures: CheckFailure[] = [];
  const sipDomain = news.sipDomain;
  if (!isUnknown(sipDomain) && (typeof sipDomain !== 'string' || !isPlausibleDomain(sipDomain))) {
    failures.push({ property: 'sipDomain', reason: `The SIP domain must be a DNS domain such as contoso.com; got ${JSON.stringify(sipDomain ?? null)}.` });
  }
  const effective = normaliseEffectiveDate(news.effectiveDate);
  if (effective.failure) failures.push(effective.failure);
  const minKeyBits = typeof news.minKeyBits === 'number' ? news.minKeyBits : 2048;
  const warnBeforeExpiryDays = typeof news.warnBeforeExpiryDays === 'number' ? news.warnBeforeExpiryDays : 30;
  const pfx = news.pfx;
  const password = news.password === undefined ? null : news.password;
  if ([pfx, password, sipDomain, news.effectiveDate].some(isUnknown)) {
    // Preview with values computed elsewhere: nothing can be validated yet.
    return { inputs: news, failures };
  }
  if (typeof pfx !== 'string' || pfx.length === 0) {
    failures.push({ property: 'certificate', reason: 'The `pfx` input is empty; pass the PFX as base64, e.g. with pfxFromFile("s2s.pfx").' });
  }
  if (password !== null && typeof password !== 'string') {
    failures.push({ property: 'certificate', reason: 'The `password` input must be a string (or absent for a PFX without a password).' });
  }
  if (failures.length > 0) return { inputs: news, failures };

  // The same PFX and password as before: reuse the facts, re-check only what time changes.
  const unchanged = olds.pfx === pfx && olds.password === password && typeof olds.thumbprint === 'string' && typeof olds.notAfter === 'string';
  const policy = {
    inputName: INPUT_NAME,
    sipDomain: sipDomain as string,
    minKeyBits,
    warnBeforeExpiryDays,
    now,
    ...(effective.iso ? { effectiveDate: effective.iso } : {}),
  };
  const validation = unchanged ? revalidateFacts(olds, policy) : await validatePfx(pfx as string, password as string | null, policy);
  for (const error of validation.errors) failures.push({ property: propertyFor(error.code, effective.iso !== undefined), reason: `${error.code}: ${error.message}` });
  for (const warning of validation.warnings) console.warn(`warning ${warning.code}: ${warning.message}`);
  if (failures.length > 0 || !validation.thumbprint) return { inputs: news, failures };

  const versionId = versionIdFor(validation.thumbprint, pfx as string, effective.iso);
  const existing = slotsFromState(olds, now);
  const plan = planRoll(existing, { versionId, thumbprint: validation.thumbprint, ...(effective.iso ? { effectiveDate: new Date(effective.iso) } : {}) }, now);
  const inputs: Record<string, unknown> = {
    ...news,
    password,
    minKeyBits,
    warnBeforeExpiryDays,
    thumbprint: validation.thumbprint,
    subject: validation.subject,
    dnsNames: validation.dnsNames,
    keyBits: validation.keyBits,
    notBefore: validation.notBefore,
    notAfter: validation.notAfter,
    versionId,
    plan: plan.summary,
  };
  if (effective.iso) inputs.effectiveDate = effective.iso;
  else delete inputs.effectiveDate;
  return { inputs, failures };
}

/**
 * Re-runs the checks on the facts recorded from the same PFX, without decrypting it again: only
 * time (expiry, effective date) and the policy can have changed.
 */
function revalidateFacts(olds: Record<string, unknown>, policy: { inputName: string; sipDomain: string; minKeyBits: number; warnBeforeExpiryDays: number; now: Date; effectiveDate?: string }): PfxValidation {
  const certificate: CertificateFacts = {
    thumbprint: String(olds.thumbprint),
    subject: String(olds.subject ?? ''),
    commonNames: [...String(olds.subject ?? '').matchAll(/(?:^|, )CN=([^,]+)/g)].map((m) => m[1]!),
    dnsNames: Array.isArray(olds.dnsNames) ? olds.dnsNames.map(String) : [],
    notBefore: new Date(String(olds.notBefore)),
    notAfter: new Date(String(olds.notAfter)),
    signatureHash: 'sha2',
    selfSigned: true,
    issuerIndexes: [],
  };
  const verdict = checkPfx(
    { hasMac: true, keys: [{ algorithm: 'rsa', bits: Number(olds.keyBits), matchingCertificateIndexes: [0] }], certificates: [certificate] },
    { ...policy, ...(policy.effectiveDate ? { effectiveDate: new Date(policy.effectiveDate) } : { effectiveDate: undefined }) },
  );
  return {
    valid: verdict.valid,
    thumbprint: certificate.thumbprint,
    subject: certificate.subject,
    dnsNames: certificate.dnsNames,
    keyAlgorithm: 'rsa',
    keyBits: Number(olds.keyBits),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    chainSize: 1,
    errors: verdict.errors,
    warnings: verdict.warnings,
  };
}

/** The slots as old state records them (check has no store access: it runs offline in preview). */
function slotsFromState(olds: Record<string, unknown>, now: Date): CertificateSlots {
  if (typeof olds.versionId !== 'string' || typeof olds.thumbprint !== 'string') return {};
  const declared = { versionId: olds.versionId, thumbprint: olds.thumbprint };
  // A declared effective date still ahead: that certificate is scheduled, not yet current.
  if (typeof olds.effectiveDate === 'string' && new Date(olds.effectiveDate).getTime() > now.getTime()) {
    return { pending: { ...declared, effectiveDate: new Date(olds.effectiveDate) } };
  }
  return { current: declared };
}

/** Pulumi `diff`: which changes update in place and which replace (another secret or store). */
export function diff(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const { state } = migrateState(olds);
  // Compare store directories as resolved paths: `.sfb-store` and its absolute path are one store.
  const comparable = (props: Record<string, unknown>, key: string): unknown => {
    const value = props[key];
    if (key !== 'store' || typeof value !== 'object' || value === null) return value ?? null;
    const spec = value as StoreSpec;
    return { ...spec, directory: typeof spec.directory === 'string' ? resolve(spec.directory) : spec.directory };
  };
  const same = (key: string) => JSON.stringify(comparable(state, key)) === JSON.stringify(comparable(news, key));
  const replaces = ['secretName', 'store'].filter((key) => !same(key));
  // A new PFX shows as a new versionId (its digest); the PFX and password are not in the outputs.
  const updates = ['versionId', 'sipDomain', 'effectiveDate', 'minKeyBits', 'warnBeforeExpiryDays', 'storePassphrase'].filter((key) => !same(key));
  return { changes: replaces.length > 0 || updates.length > 0, replaces, deleteBeforeReplace: false };
}
