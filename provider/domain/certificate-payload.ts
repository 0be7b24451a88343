/**
 * The shape of what one version stores ({@link CertificatePayload}): checked on every write, on
 * every local store file read back, and on every AWS document read back, with one set of words.
 * The reasons name the field at fault, never its value (the value may be the PFX or the password).
 */
import { SfbError } from './errors';
import { parseIsoInstant } from './time';
import type { CertificatePayload } from '../ports/certificate-store';

const PAYLOAD_FIELDS: readonly string[] = ['pfxBase64', 'password', 'thumbprint', 'effectiveDate', 'acmeAccountKeyPem'];

/**
 * What is wrong with a payload's shape, as a phrase naming the field, or `undefined` when it is
 * well formed.
 */
export function payloadProblem(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'the payload is not an object';
  const fields = payload as Record<string, unknown>;
  const pfx = fields['pfxBase64'];
  if (typeof pfx !== 'string' || pfx.length === 0 || pfx.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(pfx)) {
    return 'pfxBase64 is not a non-empty standard base64 string without line breaks';
  }
  const password = fields['password'];
  if (password !== null && typeof password !== 'string') return 'password is neither a string nor null';
  const thumbprint = fields['thumbprint'];
  if (typeof thumbprint !== 'string' || !/^[0-9A-F]{40}$/.test(thumbprint)) return 'thumbprint is not 40 uppercase hex digits';
  const effectiveDate = fields['effectiveDate'];
  if (effectiveDate !== undefined && (typeof effectiveDate !== 'string' || !parseIsoInstant(effectiveDate).ok)) {
    return 'effectiveDate is not an ISO 8601 date-time such as 2030-01-31T00:00:00Z';
  }
  const accountKey = fields['acmeAccountKeyPem'];
  if (accountKey !== undefined && (typeof accountKey !== 'string' || !accountKey.includes('-----BEGIN '))) return 'acmeAccountKeyPem is not a PEM private key';
  const unknown = Object.keys(fields).filter((key) => !PAYLOAD_FIELDS.includes(key));
  if (unknown.length > 0) return `the payload has unknown fields (${unknown.join(', ')})`;
  return undefined;
}

/** Throws INVALID_ARGUMENT when a payload to be written is malformed. */
export function assertPayload(name: string, versionId: string, payload: unknown): asserts payload is CertificatePayload {
  const problem = payloadProblem(payload);
  if (problem !== undefined) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The payload of version ${versionId} of secret "${name}" is not valid: ${problem}. Pass the PFX as base64, the password as a string or null, and the thumbprint as 40 uppercase hex digits.`,
    );
  }
}

/** Copies only the known fields, so an absent and an undefined optional field compare equal. */
export function normalizePayload(payload: CertificatePayload): CertificatePayload {
  return {
    pfxBase64: payload.pfxBase64,
    password: payload.password,
    thumbprint: payload.thumbprint,
    ...(payload.effectiveDate === undefined ? {} : { effectiveDate: payload.effectiveDate }),
    ...(payload.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: payload.acmeAccountKeyPem }),
  };
}

/** Whether two payloads store the same thing (a retried write, not a conflicting one). */
export function samePayload(a: CertificatePayload, b: CertificatePayload): boolean {
  return a.pfxBase64 === b.pfxBase64 && a.password === b.password && a.thumbprint === b.thumbprint && a.effectiveDate === b.effectiveDate && a.acmeAccountKeyPem === b.acmeAccountKeyPem;
}
