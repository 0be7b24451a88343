/**
 * One issued certificate, end to end: the provider makes the key and the CSR, the issuer turns
 * the CSR into a chain, the chain is checked (the leaf is RSA and carries our key; CA
 * certificates may use any key, e.g. ECDSA), and key and chain become a PFX that passes the
 * same validation as a PFX an operator brings (validatePfx). Nothing is returned, and nothing
 * is stored by the caller, unless every check passed.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type { CertificateIssuer } from '../../ports/certificate-issuer';
import type { RecordedFacts } from '../../domain/pfx-checks';
import { isSfbError, SfbError, type Finding, type PfxWarningCode } from '../../domain/errors';
import { MAX_KEY_BITS, SKYPE_MIN_KEY_BITS } from '../../domain/resource-inputs';
import { validatePfxRecording } from '../../validate-pfx';
import { writePfx } from '../pfx/pfx-writer';
import { makeKeyAndRequest } from '../x509/certificate-request';
import { isSigningIssuer } from './self-signed';
import { splitPemChain } from './pem-chain';

export interface IssueCertificateOptions {
  /** The SIP domain, canonical (lower case, no trailing dot). */
  readonly sipDomain: string;
  /** The RSA key size to generate and to require of the leaf. @default 2048 */
  readonly minKeyBits?: number;
  /** Stable across retries of one renewal (see IssueRequest.renewalKey). */
  readonly renewalKey: string;
  /** Bounds the whole call; an abort ends every wait of the issuer. */
  readonly signal: AbortSignal;
  /**
   * The instant the issued certificate is checked at, or the clock read when the chain has
   * arrived (a CA that does not backdate starts the certificate at the moment it signs, after
   * the order began). @default now
   */
  readonly now?: Date | (() => Date);
}

/** The issued certificate, ready for the store (CertificatePayload) and the roll. */
export interface IssuedCertificate {
  /** The PFX (key and chain), base64. Secret. */
  readonly pfxBase64: string;
  /** Its password: random, made here. Secret. */
  readonly password: string;
  /** The leaf's thumbprint, 40 uppercase hex. */
  readonly thumbprint: string;
  /** The facts validatePfx recorded (what the resource records for a PFX). */
  readonly facts: RecordedFacts;
  /** validatePfx's warnings (e.g. CHAIN_INCOMPLETE: ACME CAs send no root). */
  readonly warnings: readonly Finding<PfxWarningCode>[];
}

function invalid(issuer: CertificateIssuer, why: string): SfbError {
  return new SfbError('ISSUED_CERTIFICATE_INVALID', `The certificate issued by ${issuer.description} ${why}; nothing was stored. Check the issuer's configuration (its certificate template or profile must issue an RSA certificate for the CSR's own key and name).`);
}

function parse(issuer: CertificateIssuer, pem: string, which: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw invalid(issuer, `has a ${which} that is not a readable X.509 certificate`);
  }
}

/** Orders a certificate from `issuer` for a key made here; see the module comment. */
export async function issueCertificate(issuer: CertificateIssuer, options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const keyBits = options.minKeyBits ?? SKYPE_MIN_KEY_BITS;
  if (!Number.isInteger(keyBits) || keyBits < SKYPE_MIN_KEY_BITS || keyBits > MAX_KEY_BITS) {
    throw new SfbError('INVALID_ARGUMENT', `The minimum key size ${String(keyBits)} is outside ${SKYPE_MIN_KEY_BITS}..${MAX_KEY_BITS} bits (Skype requires at least ${SKYPE_MIN_KEY_BITS}); choose a whole number in that range.`);
  }
  const { privateKey, privateKeyPem, csrPem } = await makeKeyAndRequest(options.sipDomain, keyBits);
  const signer = isSigningIssuer(issuer) ? issuer.withKey(privateKey) : issuer;
  let chain;
  try {
    chain = await signer.issue({ sipDomain: options.sipDomain, csrPem, renewalKey: options.renewalKey, signal: options.signal });
  } catch (error) {
    if (isSfbError(error)) throw error;
    // An adapter translates its vendor's errors; anything else escaping one is our bug.
    throw new SfbError('INTERNAL_ERROR', `The issuer ${issuer.description} failed unexpectedly (${error instanceof Error ? error.message : String(error)}); report it as a bug of sfb-oauth-cert.`);
  }

  // Some issuers hand the whole chain in leafPem (a PEM bundle): leaf first, the rest after.
  const [leafPem, ...bundled] = splitPemChain(chain.leafPem);
  if (leafPem === undefined) throw invalid(issuer, 'is empty (no PEM certificate)');
  const leaf = parse(issuer, leafPem, 'leaf');
  const caPems = [...bundled, ...chain.chainPems.flatMap((pem) => splitPemChain(pem))];
  const cas = caPems.map((pem, index) => parse(issuer, pem, `CA certificate (#${index + 1})`));
  if (leaf.publicKey.asymmetricKeyType !== 'rsa') {
    throw invalid(issuer, `has a ${String(leaf.publicKey.asymmetricKeyType).toUpperCase()} leaf key, not the RSA key of the CSR`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw invalid(issuer, `(${leaf.fingerprint.replace(/:/g, '')}) does not carry the key the provider generated for the CSR`);
  }

  const password = randomBytes(24).toString('base64url');
  const pfx = writePfx({ privateKeyPem, certificateDers: [leaf.raw, ...cas.map((ca) => ca.raw)], password, friendlyName: `sfb-oauth-cert ${options.sipDomain}` });
  const { validation, recordedFacts } = await validatePfxRecording(pfx, password, {
    sipDomain: options.sipDomain,
    minKeyBits: keyBits,
    ...(options.now ? { now: typeof options.now === 'function' ? options.now() : options.now } : {}),
    inputName: `certificate issued by ${issuer.description}`,
  });
  if (!validation.valid || !recordedFacts) {
    const findings = validation.errors.map((finding) => `${finding.code}: ${finding.message}`).join(' ');
    throw new SfbError('ISSUED_CERTIFICATE_INVALID', `The certificate issued by ${issuer.description} fails the checks every OAuthTokenIssuer certificate must pass; nothing was stored. ${findings}`);
  }
  return { pfxBase64: pfx.toString('base64'), password, thumbprint: recordedFacts.thumbprint, facts: recordedFacts, warnings: validation.warnings };
}
