/**
 * The SecretString the AWS Secrets Manager store writes for one certificate version: a
 * versioned JSON document, and Secrets Manager's 65,536-byte limit on it. It lives in the domain,
 * pure, because three places need the same bytes: the AWS adapter writes it, `check` measures it
 * offline so a PFX too large for Secrets Manager fails in `pulumi preview` (SECRET_TOO_LARGE),
 * not half-way through `pulumi up`, and the local store refuses what AWS would refuse (with the
 * same code), so a stack can move to the AWS store without finding its certificate too large.
 *
 * The document holds no time of writing or random value: the same certificate always encodes to
 * the same bytes, which is what makes a retried PutSecretValue (same ClientRequestToken, same
 * SecretString) a no-op on Secrets Manager rather than a ResourceExistsException.
 */
import { z } from 'zod';
import { SfbError } from './errors';
import { holdsPfx, type CertificatePayload, type PfxPayload, type ServerHeldPayload } from '../ports/certificate-store';
import { jsonObject, parseWith, worded } from './schema-sentences';

/** Secrets Manager's limit on a SecretString, in bytes of UTF-8. */
export const MAX_SECRET_STRING_BYTES = 65_536;

/** Names the document's shape, so an operator reading the secret knows what wrote it. */
export const SECRET_DOCUMENT_FORMAT = 'sfb-oauth-cert/oauth-token-issuer';

/**
 * The newest schema version this code reads; a newer one is refused (upgrade sfb-oauth-cert). A
 * version holding a PFX is still written as schema 1 (the same bytes as before, so a retried
 * write stays a no-op); one naming a certificate a Front End Server holds, which has no PFX, as
 * schema 2, so an older sfb-oauth-cert says "upgrade" instead of reading it as damaged.
 */
export const SECRET_DOCUMENT_SCHEMA_VERSION = 2;
const PFX_DOCUMENT_SCHEMA_VERSION = 1;

/** What one document carries: the version's payload and, when known, the certificate's NotAfter (ISO 8601). */
export type SecretDocumentFields = (PfxPayload | ServerHeldPayload) & { readonly notAfter?: string };

/** The fields of the document for one version's payload and, when known, its certificate's NotAfter. */
export function secretDocumentFields(payload: CertificatePayload, notAfter: string | undefined): SecretDocumentFields {
  const facts = { thumbprint: payload.thumbprint, ...(notAfter === undefined ? {} : { notAfter }), ...(payload.effectiveDate === undefined ? {} : { effectiveDate: payload.effectiveDate }) };
  if (!holdsPfx(payload)) return { heldBy: payload.heldBy, ...facts };
  return { pfxBase64: payload.pfxBase64, password: payload.password, ...facts, ...(payload.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: payload.acmeAccountKeyPem }) };
}

/** The document as text, keys always in one order (so equal fields give equal bytes). */
export function encodeSecretDocument(fields: SecretDocumentFields): string {
  const pfx = fields.pfxBase64 !== undefined;
  return JSON.stringify({
    format: SECRET_DOCUMENT_FORMAT,
    schemaVersion: pfx ? PFX_DOCUMENT_SCHEMA_VERSION : SECRET_DOCUMENT_SCHEMA_VERSION,
    thumbprint: fields.thumbprint,
    ...(fields.notAfter === undefined ? {} : { notAfter: fields.notAfter }),
    ...(fields.effectiveDate === undefined ? {} : { effectiveDate: fields.effectiveDate }),
    // The ACME account key (an optional field added within schema 1: older documents lack it).
    ...(pfx ? { password: fields.password, ...(fields.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: fields.acmeAccountKeyPem }), pfxBase64: fields.pfxBase64 } : { heldBy: fields.heldBy }),
  });
}

/** Bytes of `text` in UTF-8 (counted by code point: the domain has no Buffer). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Size of the document Secrets Manager would store for these fields. */
export function secretDocumentBytes(fields: SecretDocumentFields): number {
  return utf8Length(encodeSecretDocument(fields));
}

/**
 * The SECRET_TOO_LARGE sentence when the document passes Secrets Manager's limit, else
 * `undefined`. Names sizes only, never the PFX or the password. `localStore`: the description of
 * the local store refusing it (it keeps AWS's limit); absent: the AWS store, or `check` for it.
 */
export function secretDocumentSizeProblem(fields: SecretDocumentFields, localStore?: string): string | undefined {
  const bytes = secretDocumentBytes(fields);
  if (bytes <= MAX_SECRET_STRING_BYTES || fields.pfxBase64 === undefined) return undefined;
  const pfxBytes = Math.floor((fields.pfxBase64.length * 3) / 4);
  const size = `as a ${bytes}-byte document (a PFX of about ${pfxBytes} bytes, in base64 with its password and facts)`;
  const exportAgain = 'Export the PFX again without the chain certificates Skype does not need (the certificate and its private key are enough)';
  if (localStore !== undefined) {
    return `The certificate ${fields.thumbprint} would be stored in the ${localStore} ${size}, more than the ${MAX_SECRET_STRING_BYTES} bytes a secret value may hold in AWS Secrets Manager, a limit the local store keeps so that the secret can move to AWS unchanged. ${exportAgain}.`;
  }
  return `The certificate ${fields.thumbprint} would be stored in AWS Secrets Manager ${size}, more than the ${MAX_SECRET_STRING_BYTES} bytes a secret value may hold. ${exportAgain}, or use CertificateStores.local().`;
}

/** Throws SECRET_TOO_LARGE when the document passes the limit; see {@link secretDocumentSizeProblem}. */
export function assertSecretDocumentFits(fields: SecretDocumentFields, localStore?: string): void {
  const problem = secretDocumentSizeProblem(fields, localStore);
  if (problem !== undefined) throw new SfbError('SECRET_TOO_LARGE', problem);
}

/** The outcome of reading a document: its fields, or why it is not one of ours. */
export type DecodedSecretDocument =
  | { readonly ok: true; readonly fields: SecretDocumentFields }
  | {
      readonly ok: false;
      readonly reason: string;
      /** A document of ours from a newer schema. */
      readonly newer?: boolean;
      /** No document of ours at all (not JSON, not an object, another format): someone else wrote it. */
      readonly foreign?: boolean;
    };

/** The facts every document carries; each issue names the field, never its value. */
const documentFacts = {
  thumbprint: z.string(worded(() => 'its "thumbprint" is not a string')),
  notAfter: z.string(worded(() => 'its "notAfter" is not a string')).optional(),
  effectiveDate: z.string(worded(() => 'its "effectiveDate" is not a string')).optional(),
};

/** A document holding a PFX (schema 1 and 2). */
const pfxDocumentFields = z.looseObject({
  pfxBase64: z.string(worded(() => 'its "pfxBase64" is not a string')),
  password: z.string(worded(() => 'its "password" is neither a string nor null')).nullable(),
  acmeAccountKeyPem: z.string(worded(() => 'its "acmeAccountKeyPem" is not a string')).optional(),
  ...documentFacts,
});

/** A document naming the server that holds the certificate, without a PFX (schema 2). */
const serverHeldDocumentFields = z.looseObject({
  heldBy: z.string(worded(() => 'its "heldBy" is not a string')),
  ...documentFacts,
});

/**
 * Reads a document back. The reason names the field at fault, never its value (the value may be
 * the PFX or the password).
 */
export function decodeSecretDocument(text: string): DecodedSecretDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, foreign: true, reason: 'the value is not JSON' };
  }
  const object = jsonObject.safeParse(parsed);
  if (!object.success) return { ok: false, foreign: true, reason: 'the value is not a JSON object' };
  const doc = object.data;
  if (doc.format !== SECRET_DOCUMENT_FORMAT) return { ok: false, foreign: true, reason: `its "format" is not "${SECRET_DOCUMENT_FORMAT}"` };
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, reason: 'its "schemaVersion" is not a whole number' };
  if (version > SECRET_DOCUMENT_SCHEMA_VERSION) {
    return { ok: false, newer: true, reason: `its schemaVersion ${version} is newer than the ${SECRET_DOCUMENT_SCHEMA_VERSION} this sfb-oauth-cert reads` };
  }
  const optionalFacts = (fields: { readonly notAfter?: string; readonly effectiveDate?: string }) => ({
    ...(fields.notAfter === undefined ? {} : { notAfter: fields.notAfter }),
    ...(fields.effectiveDate === undefined ? {} : { effectiveDate: fields.effectiveDate }),
  });
  // Schema 2 adds the version without a PFX; a PFX document reads the same in both.
  if (doc.pfxBase64 === undefined && version >= 2) {
    const held = parseWith(serverHeldDocumentFields, doc);
    if (!held.ok) return { ok: false, reason: held.problems[0]! };
    return { ok: true, fields: { heldBy: held.value.heldBy, thumbprint: held.value.thumbprint, ...optionalFacts(held.value) } };
  }
  const fields = parseWith(pfxDocumentFields, doc);
  if (!fields.ok) return { ok: false, reason: fields.problems[0]! };
  const { pfxBase64, password, thumbprint, acmeAccountKeyPem } = fields.value;
  return { ok: true, fields: { pfxBase64, password, thumbprint, ...optionalFacts(fields.value), ...(acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem }) } };
}
