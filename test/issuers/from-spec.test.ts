/** issuerFromSpec: each kind of the resource's issuer argument builds its adapter, described without secrets. */
import { issuerFromSpec } from '../../provider/adapters/issuers/from-spec';
import { generateAcmeAccountKey } from '../../provider/adapters/issuers/acme-issuer';

const now = () => new Date('2026-12-07T12:00:00Z');

describe('issuerFromSpec', () => {
  it('builds each kind', async () => {
    const accountKeyPem = await generateAcmeAccountKey();
    expect(issuerFromSpec({ kind: 'selfSigned', validDays: 90 }, { now }).description).toBe('self-signed (90 days)');
    expect(issuerFromSpec({ kind: 'command', command: ['/opt/ca/issue', '--profile', 'oauth'], timeoutSeconds: 60 }, { now, environment: { CA_TOKEN: 'secret' } }).description).toBe('command `/opt/ca/issue` (with 2 arguments)');
    const route53 = issuerFromSpec({ kind: 'acme', directoryUrl: 'https://acme.contoso.com/directory', challenge: { type: 'dns-01', via: 'route53', hostedZoneId: 'Z0123456789ABC', region: 'eu-west-1' }, timeoutSeconds: 600 }, { now, accountKeyPem });
    expect(route53.description).toBe('ACME https://acme.contoso.com/directory (dns-01 via Route 53 zone Z0123456789ABC)');
    const hook = issuerFromSpec({ kind: 'acme', directoryUrl: 'http://127.0.0.1:14000/dir', challenge: { type: 'http-01', via: 'hook', present: ['/opt/publish'], cleanUp: ['/opt/unpublish'] }, timeoutSeconds: 600 }, { now, accountKeyPem });
    expect(hook.description).toBe('ACME http://127.0.0.1:14000/dir (http-01 via hook `/opt/publish`)');
    expect(route53.description + hook.description).not.toContain('PRIVATE KEY');
  });
});
