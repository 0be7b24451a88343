import { checkServerCertificate, checksPhrase, commonNamesOf, type ServerCertificateFacts } from '../../provider/domain/server-certificate-checks';

const NOW = new Date('2026-06-01T00:00:00Z');
const T = '7F3A0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B';
const POLICY = { sipDomain: 'contoso.com', minKeyBits: 2048, warnBeforeExpiryDays: 30, now: NOW };

function aServerCertificate(overrides: Partial<ServerCertificateFacts> = {}): ServerCertificateFacts {
  return { thumbprint: T, server: 'fe01.contoso.com', subject: 'CN=sfb-fe01.contoso.com, O=Contoso', dnsNames: ['sip.contoso.com'], notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2035-01-01T00:00:00.000Z', keyAlgorithm: 'rsa', keyBits: 2048, hasPrivateKey: true, privateKeyExportable: true, ...overrides };
}
const WHAT = `certificate ${T} in Cert:\\LocalMachine\\My on fe01.contoso.com`;

describe('the checks on a certificate a server holds', () => {
  it('a good one passes every check, all of them made', () => {
    expect(checkServerCertificate(aServerCertificate(), POLICY)).toEqual({ errors: [], warnings: [], made: ['key size', 'SIP domain', 'validity', 'private key', 'exportable'], notMade: [] });
  });

  it.each([
    ['a small key', { keyBits: 1024 }, 'KEY_TOO_SMALL', `The ${WHAT} has a 1024-bit RSA key, below the required 2048; request a certificate with a key of at least 2048 bits.`],
    ['an EC key', { keyAlgorithm: 'ec', keyBits: 256 }, 'KEY_NOT_RSA', `The ${WHAT} has a EC key, not RSA; Skype's OAuthTokenIssuer certificate needs an RSA key of at least 2048 bits: request one with an RSA key.`],
    ['another domain', { subject: 'CN=sfb.fabrikam.com', dnsNames: ['sip.fabrikam.com'] }, 'SIP_DOMAIN_MISSING', `The ${WHAT} names "sfb.fabrikam.com", "sip.fabrikam.com", none of them the SIP domain "contoso.com"; use a certificate whose subject or SAN includes "contoso.com" or a name under it.`],
    ['expired', { notAfter: '2026-01-01T00:00:00.000Z' }, 'CERT_EXPIRED', `The ${WHAT} expired at 2026-01-01T00:00Z; renew it on fe01.contoso.com, or name another certificate.`],
    ['not yet valid', { notBefore: '2027-01-01T00:00:00.000Z' }, 'CERT_NOT_YET_VALID', `The ${WHAT} is valid only from 2027-01-01T00:00Z, after now (2026-06-01T00:00Z); set the effective date to 2027-01-01T00:00Z or later.`],
    ['no private key there', { hasPrivateKey: false, privateKeyExportable: undefined }, 'CERT_NO_PRIVATE_KEY', `The ${WHAT} has no private key there; OAuthTokenIssuer signs with it: import the certificate with its private key on fe01.contoso.com (a PFX), or name the server that holds it.`],
    ['a key that cannot be exported', { privateKeyExportable: false }, 'CERT_KEY_NOT_EXPORTABLE', `The ${WHAT} has a private key that cannot be exported; Set-CsCertificate -Identity Global puts the key in the Central Management Store for replication, so import the certificate again on fe01.contoso.com with an exportable key (Import-PfxCertificate -Exportable, or the Certificates snap-in's "Mark this key as exportable").`],
  ])('%s', (_name, overrides, code, message) => {
    expect(checkServerCertificate(aServerCertificate(overrides), POLICY).errors).toEqual([{ code, message }]);
  });

  it('a subject CN alone carries the domain (no SAN)', () => {
    expect(checkServerCertificate(aServerCertificate({ subject: 'CN=contoso.com', dnsNames: [] }), POLICY).errors).toEqual([]);
  });

  it('an effective date after NotAfter: CERT_EXPIRES_BEFORE_EFFECTIVE_DATE', () => {
    expect(checkServerCertificate(aServerCertificate({ notAfter: '2026-07-01T00:00:00.000Z' }), { ...POLICY, effectiveDate: new Date('2026-08-01T00:00:00Z') }).errors.map((e) => e.code)).toEqual(['CERT_EXPIRES_BEFORE_EFFECTIVE_DATE']);
  });

  it('expiring within warnBeforeExpiryDays: a warning, no error', () => {
    expect(checkServerCertificate(aServerCertificate({ notAfter: '2026-06-20T00:00:00.000Z' }), POLICY)).toMatchObject({ errors: [], warnings: [{ code: 'CERT_EXPIRES_SOON' }] });
  });

  it('what the server did not report is a check not made, said in the plan line, never a check passed', () => {
    const verdict = checkServerCertificate(aServerCertificate({ keyBits: null, privateKeyExportable: undefined }), POLICY);
    expect(verdict).toMatchObject({ errors: [], made: ['SIP domain', 'validity', 'private key'], notMade: ['key size', 'exportable'] });
    expect(checksPhrase(verdict, 'fe01.contoso.com')).toBe('checked on fe01.contoso.com: SIP domain, validity, private key; not reported there: key size, exportable');
  });

  it.each([
    ['CN=a.contoso.com, OU=IT, O=Contoso', ['a.contoso.com']],
    ['CN="x, y", O=z', ['x, y']],
    ['O=Contoso', []],
    ['CN=a.contoso.com + CN=b.contoso.com', ['a.contoso.com', 'b.contoso.com']],
  ])('commonNamesOf(%j)', (subject, names) => {
    expect(commonNamesOf(subject)).toEqual(names);
  });
});
