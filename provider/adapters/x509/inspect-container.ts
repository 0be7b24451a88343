/**
 * Turns the raw contents of a PFX into plain facts with node:crypto (X509Certificate,
 * createPrivateKey, checkPrivateKey): the only module that inspects certificates and keys.
 */
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateFacts, ContainerFacts, KeyFacts, SignatureHash } from '../../domain/certificate-facts';
import { SfbError } from '../../domain/errors';
import type { PfxContainer } from '../pfx/pfx-container';

const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3', '1.3.14.3.2.29']);
const MD5_SIGNATURES = new Set(['1.2.840.113549.1.1.4']);
const SHA2_SIGNATURES = new Set([
  '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13', '1.2.840.113549.1.1.14',
  '1.2.840.10045.4.3.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4',
]);

function signatureHashOf(oid: string): SignatureHash {
  if (SHA1_SIGNATURES.has(oid)) return 'sha1';
  if (MD5_SIGNATURES.has(oid)) return 'md5';
  if (SHA2_SIGNATURES.has(oid)) return 'sha2';
  return 'other';
}

/**
 * `CN=a\nO=b` (node's form) to `CN=a, O=b`. An empty subject, as ACME CAs issue (the name is in
 * the SAN only), is `undefined` in node's X509Certificate: it reads as ''.
 */
function subjectLine(subject: string | undefined): string {
  return (subject ?? '').split('\n').filter(Boolean).join(', ');
}

function commonNamesOf(subject: string | undefined): string[] {
  return (subject ?? '').split('\n').filter((line) => line.startsWith('CN=')).map((line) => line.slice(3));
}

function dnsNamesOf(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).replace(/^"(.*)"$/, '$1'));
}

function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  // Names and signature, not checkIssued: OpenSSL's check also demands keyCertSign, which
  // self-signed leaf certificates (the usual OAuthTokenIssuer case) do not carry.
  try {
    return subject.issuer === issuer.subject && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function keyBits(key: KeyObject): number | undefined {
  const details = key.asymmetricKeyDetails;
  if (details?.modulusLength) return details.modulusLength;
  const curves: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  return details?.namedCurve ? curves[details.namedCurve] : undefined;
}

/** Inspects every certificate and key; `inputName` names the input in messages. */
export function inspectContainer(container: PfxContainer, inputName: string): ContainerFacts {
  const parsed = container.certificates.map((certificate) => {
    try {
      return new X509Certificate(certificate.der);
    } catch {
      throw new SfbError('PFX_UNREADABLE', `The ${inputName} holds a certificate that cannot be parsed as X.509; re-export the PFX from the certificate store.`);
    }
  });
  const certificates: CertificateFacts[] = parsed.map((x509, index) => ({
    // SHA-1 over the original bag bytes, never a re-encoding (pfx-pitfalls.md).
    thumbprint: createHash('sha1').update(container.certificates[index]!.der).digest('hex').toUpperCase(),
    subject: subjectLine(x509.subject),
    commonNames: commonNamesOf(x509.subject),
    dnsNames: dnsNamesOf(x509.subjectAltName),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    signatureHash: signatureHashOf(container.certificates[index]!.signatureAlgorithmOid),
    selfSigned: issued(x509, x509),
    issuerIndexes: parsed.flatMap((candidate, i) => (i !== index && issued(candidate, x509) ? [i] : [])),
  }));
  const keys: KeyFacts[] = container.keys.map((raw) => {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: raw.pkcs8Der, format: 'der', type: 'pkcs8' });
    } catch {
      throw new SfbError('PFX_UNREADABLE', `The ${inputName} holds a private key that cannot be parsed as PKCS#8; re-export the PFX with its private key.`);
    }
    const bits = keyBits(key);
    return {
      algorithm: key.asymmetricKeyType ?? 'unknown',
      ...(bits !== undefined ? { bits } : {}),
      matchingCertificateIndexes: parsed.flatMap((x509, i) => {
        try {
          return x509.checkPrivateKey(key) ? [i] : [];
        } catch {
          return [];
        }
      }),
    };
  });
  return { hasMac: container.hasMac, keys, certificates };
}
