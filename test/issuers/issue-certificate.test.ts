/**
 * issueCertificate with in-process issuers: the key and CSR the provider makes, the checks on
 * what an issuer returns, and the PFX it packages (checked with the project's own validatePfx).
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { issueCertificate } from '../../provider/adapters/issuers/issue-certificate';
import { selfSignedIssuer } from '../../provider/adapters/issuers/self-signed';
import type { CertificateIssuer, IssueRequest } from '../../provider/ports/certificate-issuer';
import { validatePfx } from '../../provider/validate-pfx';

const NOW = new Date('2026-12-07T12:00:00Z');
const SIP = 'contoso.com';
const base = { sipDomain: SIP, renewalKey: 'renewal-1', signal: new AbortController().signal, now: NOW };

/** An issuer that returns whatever `answer` makes of the request. */
function fakeIssuer(answer: (request: IssueRequest) => { leafPem: string; chainPems: string[] }): CertificateIssuer & { requests: IssueRequest[] } {
  const requests: IssueRequest[] = [];
  return { description: 'fake CA', requests, issue: async (request) => (requests.push(request), answer(request)) };
}

/** A certificate for `publicKeyPem` signed by a throwaway RSA key, named `name`. */
function certificateFor(publicKeyPem: string, name: string): string {
  const signer = forge.pki.privateKeyFromPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(NOW.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(NOW.getTime() + 90 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: name }]);
  cert.setIssuer([{ name: 'commonName', value: 'fake CA' }]);
  cert.sign(signer, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

describe('issueCertificate', () => {
  it('self-signed: a PFX that validatePfx accepts, for an RSA 2048 key made here, naming the SIP domain in CN and SAN', async () => {
    const issued = await issueCertificate(selfSignedIssuer({ now: () => NOW }), base);
    const validation = await validatePfx(issued.pfxBase64, issued.password, { sipDomain: SIP, now: NOW });
    expect(validation.errors).toEqual([]);
    expect(validation).toMatchObject({ valid: true, thumbprint: issued.thumbprint, keyAlgorithm: 'rsa', keyBits: 2048, subject: `CN=${SIP}`, dnsNames: [SIP] });
    expect(issued.facts).toMatchObject({ thumbprint: issued.thumbprint, keyBits: 2048, chainComplete: true, hasMac: true, notAfter: '2027-12-07T12:00:00.000Z' });
    expect(issued.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(issued.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('generates a key of minKeyBits and hands the issuer a CSR for it that names the SIP domain', async () => {
    const seen = fakeIssuer(() => ({ leafPem: 'none', chainPems: [] }));
    await expect(issueCertificate(seen, base)).rejects.toMatchObject({ code: 'ISSUED_CERTIFICATE_INVALID' });
    const csr = forge.pki.certificationRequestFromPem(seen.requests[0]!.csrPem);
    expect(csr.verify()).toBe(true);
    expect(csr.subject.getField('CN').value).toBe(SIP);
    const extensions = csr.getAttribute({ name: 'extensionRequest' })!.extensions as { name: string; altNames?: { type: number; value: string }[] }[];
    expect(extensions.find((e) => e.name === 'subjectAltName')!.altNames).toEqual([{ type: 2, value: SIP }]);
    expect((csr.publicKey as forge.pki.rsa.PublicKey).n.bitLength()).toBe(2048);
    expect(seen.requests[0]).toMatchObject({ sipDomain: SIP, renewalKey: 'renewal-1' });
  });

  it('refuses a minKeyBits below Skype\'s 2048 before making anything', async () => {
    const seen = fakeIssuer(() => ({ leafPem: '', chainPems: [] }));
    await expect(issueCertificate(seen, { ...base, minKeyBits: 1024 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(seen.requests).toEqual([]);
  });

  it.each([
    ['no PEM at all', () => ({ leafPem: 'not a certificate', chainPems: [] }), 'is empty (no PEM certificate)'],
    ['a leaf that is not X.509', () => ({ leafPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', chainPems: [] }), 'has a leaf that is not a readable X.509 certificate'],
    [
      'a leaf for another key',
      () => ({ leafPem: certificateFor(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), SIP), chainPems: [] }),
      'does not carry the key the provider generated for the CSR',
    ],
  ])('refuses %s with ISSUED_CERTIFICATE_INVALID', async (_row, answer, words) => {
    const error = await issueCertificate(fakeIssuer(answer), base).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ISSUED_CERTIFICATE_INVALID' });
    expect((error as Error).message).toContain(words);
    expect((error as Error).message).toContain('fake CA');
  });

  it('refuses a certificate for our key that lacks the SIP domain, quoting the PFX check', async () => {
    const issuer = fakeIssuer((request) => {
      const csr = forge.pki.certificationRequestFromPem(request.csrPem);
      return { leafPem: certificateFor(forge.pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey), 'fabrikam.com'), chainPems: [] };
    });
    const error = await issueCertificate(issuer, base).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ISSUED_CERTIFICATE_INVALID' });
    expect((error as Error).message).toContain('SIP_DOMAIN_MISSING: ');
  });

  it('refuses an expired certificate (a CA clock far behind)', async () => {
    const issuer = selfSignedIssuer({ validDays: 7, now: () => new Date(NOW.getTime() - 10 * 86_400_000) });
    const error = await issueCertificate(issuer, base).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ISSUED_CERTIFICATE_INVALID' });
    expect((error as Error).message).toContain('CERT_EXPIRED: ');
  });

  it('passes an issuer\'s SfbError through and wraps anything else as INTERNAL_ERROR', async () => {
    await expect(issueCertificate({ description: 'x', issue: () => Promise.reject(new Error('boom')) }, base)).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });

  it('self-signed: valid from an hour before now for validDays, serverAuth, not a CA', async () => {
    const issuer = selfSignedIssuer({ validDays: 30, now: () => NOW });
    const { pfxBase64, password } = await issueCertificate(issuer, base);
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(pfxBase64)), password);
    const cert = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]![0]!.cert!;
    const x509 = new X509Certificate(forge.pki.certificateToPem(cert));
    expect(new Date(x509.validFrom).toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(new Date(x509.validTo).toISOString()).toBe('2027-01-06T12:00:00.000Z');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(() => selfSignedIssuer({ validDays: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
