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
import { SfbError } from './errors';
import type { CertificatePayload } from '../ports/certificate-store';

/** Secrets Manager's limit on a SecretString, in bytes of UTF-8. */
export const MAX_SECRET_STRING_BYTES = 65_536;

/** Names the document's shape, so an operator reading the secret knows what wrote it. */
export const SECRET_DOCUMENT_FORMAT = 'sfb-oauth-cert/oauth-token-issuer';

/** The schema version this code writes; a newer one is refused (upgrade sfb-oauth-cert). */
export const SECRET_DOCUMENT_SCHEMA_VERSION = 1;

/** What one document carries. */
export interface SecretDocumentFields {
  /** The PFX, standard base64 without line breaks. */
  readonly pfxBase64: string;
  /** The PFX password; `null`: none (distinct from the empty password). */
  readonly password: string | null;
  /** SHA-1 thumbprint, 40 uppercase hex digits. */
  readonly thumbprint: string;
  /** The certificate's NotAfter, ISO 8601; absent when the writer did not know it. */
  readonly notAfter?: string;
  /** When this version becomes current, ISO 8601; present for a scheduled roll. */
  readonly effectiveDate?: string;
  /** The ACME account key the certificate was ordered with (PEM); absent for other certificates. Added within schema 1: older documents lack it. */
  readonly acmeAccountKeyPem?: string;
}

/** The fields of the document for one version's payload and, when known, its certificate's NotAfter. */
export function secretDocumentFields(payload: CertificatePayload, notAfter: string | undefined): SecretDocumentFields {
  return {
    pfxBase64: payload.pfxBase64,
    password: payload.password,
    thumbprint: payload.thumbprint,
    ...(notAfter === undefined ? {} : { notAfter }),
    ...(payload.effectiveDate === undefined ? {} : { effectiveDate: payload.effectiveDate }),
    ...(payload.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: payload.acmeAccountKeyPem }),
  };
}

/** The document as text, keys always in one order (so equal fields give equal bytes). */
export function encodeSecretDocument(fields: SecretDocumentFields): string {
  return JSON.stringify({
    format: SECRET_DOCUMENT_FORMAT,
    schemaVersion: SECRET_DOCUMENT_SCHEMA_VERSION,
    thumbprint: fields.thumbprint,
    ...(fields.notAfter === undefined ? {} : { notAfter: fields.notAfter }),
    ...(fields.effectiveDate === undefined ? {} : { effectiveDate: fields.effectiveDate }),
    password: fields.password,
    ...(fields.acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem: fields.acmeAccountKeyPem }),
    pfxBase64: fields.pfxBase64,
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
  if (bytes <= MAX_SECRET_STRING_BYTES) return undefined;
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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, foreign: true, reason: 'the value is not a JSON object' };
  const doc = parsed as Record<string, unknown>;
  if (doc.format !== SECRET_DOCUMENT_FORMAT) return { ok: false, foreign: true, reason: `its "format" is not "${SECRET_DOCUMENT_FORMAT}"` };
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, reason: 'its "schemaVersion" is not a whole number' };
  if (version > SECRET_DOCUMENT_SCHEMA_VERSION) {
    return { ok: false, newer: true, reason: `its schemaVersion ${version} is newer than the ${SECRET_DOCUMENT_SCHEMA_VERSION} this sfb-oauth-cert reads` };
  }
  const { pfxBase64, password, thumbprint, notAfter, effectiveDate, acmeAccountKeyPem } = doc;
  if (typeof pfxBase64 !== 'string') return { ok: false, reason: 'its "pfxBase64" is not a string' };
  if (password !== null && typeof password !== 'string') return { ok: false, reason: 'its "password" is neither a string nor null' };
  if (typeof thumbprint !== 'string') return { ok: false, reason: 'its "thumbprint" is not a string' };
  if (notAfter !== undefined && typeof notAfter !== 'string') return { ok: false, reason: 'its "notAfter" is not a string' };
  if (effectiveDate !== undefined && typeof effectiveDate !== 'string') return { ok: false, reason: 'its "effectiveDate" is not a string' };
  if (acmeAccountKeyPem !== undefined && typeof acmeAccountKeyPem !== 'string') return { ok: false, reason: 'its "acmeAccountKeyPem" is not a string' };
  return {
    ok: true,
    fields: {
      pfxBase64,
      password,
      thumbprint,
      ...(notAfter === undefined ? {} : { notAfter }),
      ...(effectiveDate === undefined ? {} : { effectiveDate }),
      ...(acmeAccountKeyPem === undefined ? {} : { acmeAccountKeyPem }),
    },
  };
}
