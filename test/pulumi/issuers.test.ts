/**
 * The Issuers factories and the renewal arguments of the resource, in the program: bad options
 * throw INVALID_ARGUMENT at once; a secret environment leaves the issuer's spec and is
 * registered as a secret input.
 */
import { recordRegisteredInputs } from '../support/pulumi-mocks';
import { AcmeChallenges, CertificateStores, Issuers, OAuthTokenIssuerCertificate, type OAuthTokenIssuerCertificateArgs } from '../../provider/pulumi/resource';

let registered: Record<string, unknown>[] = [];
beforeAll(() => {
  registered = recordRegisteredInputs();
});

const store = CertificateStores.local({ directory: '.sfb-store-unit', passphrase: 'unit-test-passphrase' });

function thrown(run: () => unknown): { code?: string; message?: string } | undefined {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  return undefined;
}

describe('Issuers', () => {
  it('refuses bad options at once', () => {
    expect(thrown(() => Issuers.selfSigned({ validDays: 1 }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: "INVALID_ARGUMENT: The issuer's `validDays` must be a whole number from 7 to 3650; got number 1; leave it out for 365." });
    expect(thrown(() => Issuers.command({ command: [] }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(thrown(() => Issuers.acme({ directoryUrl: 'ftp://ca', challenge: AcmeChallenges.route53({ hostedZoneId: 'Z123' }) }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('keeps a hook secret out of the spec and registers it as a secret input', async () => {
    const certificate = Issuers.acme({
      directoryUrl: 'https://acme.contoso.com/directory',
      challenge: AcmeChallenges.dns01Hook({ present: ['add-record'], cleanUp: ['remove-record'], secretEnvironment: { DNS_TOKEN: 'tok-5f1e' } }),
    });
    expect(JSON.stringify(certificate.issuer)).not.toContain('tok-5f1e');
    const before = registered.length;
    new OAuthTokenIssuerCertificate('renewing', { sipDomain: 'contoso.com', certificate, renewBefore: '720h', store });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const inputs = registered.slice(before).find((r) => r.sipDomain === 'contoso.com')!;
    expect(inputs.pfx).toBeNull();
    expect(inputs.certificate).toEqual({ issuer: certificate.issuer });
    expect(inputs.renewBefore).toBe('720h');
    expect(JSON.stringify(inputs.certificate)).not.toContain('tok-5f1e');
  });

  it('the resource refuses renewal arguments that do not parse, naming them', () => {
    const args: OAuthTokenIssuerCertificateArgs = { sipDomain: 'contoso.com', certificate: Issuers.selfSigned(), rollLeadTime: 'P1D', store };
    expect(thrown(() => new OAuthTokenIssuerCertificate('bad', args))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'INVALID_ARGUMENT: OAuthTokenIssuer certificate "bad": The `rollLeadTime` argument "P1D" is not a duration; write whole hours, minutes and seconds in that order, e.g. "720h", "24h" or "1h30m" (days are not accepted: a day next to a clock change is not 24 hours).',
    });
  });
});
