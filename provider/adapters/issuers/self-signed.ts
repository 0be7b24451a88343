/**
 * The `selfSigned` issuer, for labs: the certificate is signed with its own key. Partner
 * applications (Exchange, SharePoint, Office Online Server) learn Skype's OAuth certificate
 * from its published metadata document, not from a chain they trust (docs/renewal.md), so a
 * self-signed OAuthTokenIssuer certificate works as well as a CA's; a CA is still the usual
 * choice because operators audit what a CA issued.
 *
 * The port hands an issuer only the CSR, and signing needs the key: issueCertificate hands this
 * issuer the key it just made, in memory, through {@link SigningIssuer.withKey}. The key never
 * leaves the process and is never written anywhere but into the PFX.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateIssuer, IssueRequest, IssuedChain } from '../../ports/certificate-issuer';
import { DAY_MS, HOUR_MS } from '../../domain/time';
import { SfbError } from '../../domain/errors';
import { ISSUER_NUMBERS } from '../../domain/issuer-spec';

/** An issuer that signs with the certificate's own key, which issueCertificate supplies. */
export interface SigningIssuer extends CertificateIssuer {
  /** This issuer with the key of the certificate being issued. */
  withKey(privateKey: KeyObject): CertificateIssuer;
}

/** Recognises a {@link SigningIssuer} by shape (code here may be loaded twice: no instanceof). */
export function isSigningIssuer(issuer: CertificateIssuer): issuer is SigningIssuer {
  return typeof (issuer as Partial<SigningIssuer>).withKey === 'function';
}

export interface SelfSignedOptions {
  /** How long the certificate is valid; default and bounds: ISSUER_NUMBERS.selfSignedValidDays (domain/issuer-spec.ts). */
  readonly validDays?: number;
  /** The clock (the provider's, so the test clock applies). @default the system clock */
  readonly now?: () => Date;
}

/** Backdates notBefore so a server whose clock runs a little behind already accepts the certificate. */
const CLOCK_SKEW_MS = HOUR_MS;

function sign(request: IssueRequest, privateKey: KeyObject, validDays: number, now: Date): IssuedChain {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(request.csrPem);
  } catch {
    throw new SfbError('ISSUER_FAILED', 'The self-signed issuer was handed a CSR that is not a readable PKCS#10 RSA request; this is a bug of the provider, report it.');
  }
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey as forge.pki.rsa.PublicKey;
  // A positive 128-bit serial (RFC 5280: at most 20 octets, positive).
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(now.getTime() + validDays * DAY_MS);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(csr.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: request.sipDomain }] },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { leafPem: forge.pki.certificateToPem(cert), chainPems: [] };
}

/** The self-signed issuer. */
export function selfSignedIssuer(options: SelfSignedOptions = {}): SigningIssuer {
  const [fallback, min, max] = ISSUER_NUMBERS.selfSignedValidDays;
  const validDays = options.validDays ?? fallback;
  if (!Number.isInteger(validDays) || validDays < min || validDays > max) {
    throw new SfbError('INVALID_ARGUMENT', `The self-signed issuer's \`validDays\` is ${String(validDays)}; give a whole number of days from ${min} to ${max} (e.g. ${fallback}).`);
  }
  const now = options.now ?? (() => new Date());
  const description = `self-signed (${validDays} days)`;
  return {
    description,
    issue: () => Promise.reject(new SfbError('INTERNAL_ERROR', 'The self-signed issuer was asked to issue without the certificate\'s key; issue through issueCertificate, which hands it the key.')),
    withKey: (privateKey) => ({
      description,
      issue: async (request) => sign(request, privateKey, validDays, now()),
    }),
  };
}
