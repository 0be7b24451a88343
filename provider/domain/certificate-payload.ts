/**
 * The shape of what one version stores ({@link CertificatePayload}): checked on every write, on
 * every local store file read back, and on every AWS document read back, with one set of words.
 * The reasons name the field at fault, never its value (the value may be the PFX or the password).
 */
import { z } from 'zod';
import { SfbError } from './errors';
import { jsonObject, parseWith, worded } from './schema-sentences';
import { parseIsoInstant } from './time';
import { holdsPfx, type CertificatePayload } from '../ports/certificate-store';

const PFX_PROBLEM = 'pfxBase64 is not a non-empty standard base64 string without line breaks';
const THUMBPRINT_PROBLEM = 'thumbprint is not 40 uppercase hex digits';
const DATE_PROBLEM = 'effectiveDate is not an ISO 8601 date-time such as 2030-01-31T00:00:00Z';
const SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;

/** The fields both kinds of payload carry. */
const payloadFacts = {
  thumbprint: z.string(worded(() => THUMBPRINT_PROBLEM)).regex(/^[0-9A-F]{40}$/, worded(() => THUMBPRINT_PROBLEM)),
  effectiveDate: z
    .string(worded(() => DATE_PROBLEM))
    .refine((date) => parseIsoInstant(date).ok, worded(() => DATE_PROBLEM))
    .optional(),
};

const payloadShape = {
  error: (issue: { readonly code: string; readonly keys?: readonly string[] }) =>
    issue.code === 'unrecognized_keys' ? `the payload has unknown fields (${(issue.keys ?? []).join(', ')})` : 'the payload is not an object',
};

/** A payload holding the PFX; each issue reads as a phrase naming the field, never its value. */
const pfxPayload = z.strictObject(
  {
    pfxBase64: z
      .string(worded(() => PFX_PROBLEM))
      .min(1, worded(() => PFX_PROBLEM))
      .refine((pfx) => pfx.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(pfx), worded(() => PFX_PROBLEM)),
    password: z.string(worded(() => 'password is neither a string nor null')).nullable(),
    acmeAccountKeyPem: z
      .string(worded(() => 'acmeAccountKeyPem is not a PEM private key'))
      .refine((pem) => pem.includes('-----BEGIN '), worded(() => 'acmeAccountKeyPem is not a PEM private key'))
      .optional(),
    ...payloadFacts,
  },
  payloadShape,
);

/** A payload naming the Front End Server that holds the certificate (no PFX, nothing secret). */
const serverHeldPayload = z.strictObject(
  {
    heldBy: z.string(worded(() => 'heldBy is not a server name')).regex(SERVER_NAME, worded(() => 'heldBy is not a server name')),
    ...payloadFacts,
  },
  payloadShape,
);

/**
 * What is wrong with a payload's shape, as a phrase naming the field (the first found), or
 * `undefined` when it is well formed.
 */
export function payloadProblem(payload: unknown): string | undefined {
  // A version without a PFX names the server holding the certificate; one with a PFX names none.
  const serverHeld = jsonObject.safeParse(payload).success && !('pfxBase64' in (payload as object)) && 'heldBy' in (payload as object);
  const parsed = parseWith(serverHeld ? serverHeldPayload : pfxPayload, payload);
  return parsed.ok ? undefined : parsed.problems[0];
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
  const account = payload.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: payload.acmeAccountKeyPem };
  return { pfxBase64: payload.pfxBase64, password: payload.password, thumbprint: payload.thumbprint, ...when, ...account };
}

/** Whether two payloads store the same thing (a retried write, not a conflicting one). */
export function samePayload(a: CertificatePayload, b: CertificatePayload): boolean {
  if (a.thumbprint !== b.thumbprint || a.effectiveDate !== b.effectiveDate) return false;
  if (holdsPfx(a) && holdsPfx(b)) return a.pfxBase64 === b.pfxBase64 && a.password === b.password && a.acmeAccountKeyPem === b.acmeAccountKeyPem;
  return !holdsPfx(a) && !holdsPfx(b) && a.heldBy === b.heldBy;
}
