/**
 * The shape of what one version stores ({@link CertificatePayload}): checked on every write, on
 * every local store file read back, and on every AWS document read back, with one set of words.
 * The reasons name the field at fault, never its value (the value may be the PFX or the password).
 */
import { SfbError } from './errors';
import { parseIsoInstant } from './time';
import { holdsPfx, type CertificatePayload } from '../ports/certificate-store';

const PFX_FIELDS: readonly string[] = ['pfxBase64', 'password', 'thumbprint', 'effectiveDate'];
const SERVER_HELD_FIELDS: readonly string[] = ['heldBy', 'thumbprint', 'effectiveDate'];
const SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

/**
 * What is wrong with a payload's shape, as a phrase naming the field, or `undefined` when it is
 * well formed.
 */
export function payloadProblem(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'the payload is not an object';
  const fields = payload as Record<string, unknown>;
  // A version without a PFX names the server holding the certificate; one with a PFX names none.
  const serverHeld = !('pfxBase64' in fields) && 'heldBy' in fields;
  if (serverHeld) {
    const heldBy = fields['heldBy'];
    if (typeof heldBy !== 'string' || !SERVER_NAME.test(heldBy)) return 'heldBy is not a server name';
  } else {
    const pfx = fields['pfxBase64'];
    if (typeof pfx !== 'string' || pfx.length === 0 || pfx.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(pfx)) {
      return 'pfxBase64 is not a non-empty standard base64 string without line breaks';
    }
    const password = fields['password'];
    if (password !== null && typeof password !== 'string') return 'password is neither a string nor null';
  }
  const thumbprint = fields['thumbprint'];
  if (typeof thumbprint !== 'string' || !/^[0-9A-F]{40}$/.test(thumbprint)) return 'thumbprint is not 40 uppercase hex digits';
  const effectiveDate = fields['effectiveDate'];
  if (effectiveDate !== undefined && (typeof effectiveDate !== 'string' || !parseIsoInstant(effectiveDate).ok)) {
    return 'effectiveDate is not an ISO 8601 date-time such as 2030-01-31T00:00:00Z';
  }
  const unknown = Object.keys(fields).filter((key) => !(serverHeld ? SERVER_HELD_FIELDS : PFX_FIELDS).includes(key));
  if (unknown.length > 0) return `the payload has unknown fields (${unknown.join(', ')})`;
  return undefined;
}

/** Throws INVALID_ARGUMENT when a payload to be written is malformed. */
export function assertPayload(name: string, versionId: string, payload: unknown): asserts payload is CertificatePayload {
  const problem = payloadProblem(payload);
  if (problem !== undefined) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The payload of version ${versionId} of secret "${name}" is not valid: ${problem}. Pass the PFX as base64 and the password as a string or null (or, for a certificate a Front End Server holds, the server's name as heldBy), and the thumbprint as 40 uppercase hex digits.`,
    );
  }
}

/** Copies only the known fields, so an absent and an undefined `effectiveDate` compare equal. */
export function normalizePayload(payload: CertificatePayload): CertificatePayload {
  const when = payload.effectiveDate === undefined ? {} : { effectiveDate: payload.effectiveDate };
  if (!holdsPfx(payload)) return { heldBy: payload.heldBy, thumbprint: payload.thumbprint, ...when };
  return { pfxBase64: payload.pfxBase64, password: payload.password, thumbprint: payload.thumbprint, ...when };
}

/** Whether two payloads store the same thing (a retried write, not a conflicting one). */
export function samePayload(a: CertificatePayload, b: CertificatePayload): boolean {
  if (a.thumbprint !== b.thumbprint || a.effectiveDate !== b.effectiveDate) return false;
  if (holdsPfx(a) && holdsPfx(b)) return a.pfxBase64 === b.pfxBase64 && a.password === b.password;
  return !holdsPfx(a) && !holdsPfx(b) && a.heldBy === b.heldBy;
}
