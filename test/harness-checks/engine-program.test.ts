import { emulatedPool, engineProgram, localStore, pfxFile } from '../harness/engine-program';

describe('engineProgram: the index.ts of an engine test', () => {
  it('writes the program around the arguments and imports only the package names it uses', () => {
    const program = engineProgram({ args: [pfxFile('a.pfx'), localStore({ directory: '.sfb-store' }), emulatedPool("mode: 'manual',")], exports: ['plan', 'servers'] });
    expect(program).toBe(`import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, FrontEndPools, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

const config = new pulumi.Config();
const certificate = new OAuthTokenIssuerCertificate('oauth', {
  sipDomain: 'contoso.com',
  pfx: pfxFromFile('a.pfx'),
  password: config.requireSecret('pfxPassword'),
  store: CertificateStores.local({ directory: '.sfb-store' }),
  pool: FrontEndPools.powershell({
    servers: config.requireObject<string[]>('servers'),
    command: config.requireObject<string[]>('command'),
    mode: 'manual',
    replicationTimeoutSeconds: 8,
    pollIntervalSeconds: 1,
  }),
});
export const plan = certificate.plan;
export const servers = certificate.servers;
`);
  });

  it('takes the name, the SIP domain, extra imports and statements, and the PFX file from config', () => {
    const program = engineProgram({
      imports: ["import { readFileSync } from 'node:fs';"],
      setup: ["const domain = config.require('sipDomain');"],
      name: 'issuer',
      sipDomain: 'domain',
      args: [pfxFile(), localStore({ directorySource: "config.get('storeDir') ?? '.store'" })],
      beforeExports: ['// the outputs'],
      exports: ['thumbprint'],
    });
    expect(program).toBe(`import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
import { CertificateStores, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

const config = new pulumi.Config();
const domain = config.require('sipDomain');
const certificate = new OAuthTokenIssuerCertificate('issuer', {
  sipDomain: domain,
  pfx: pfxFromFile(config.require('pfxFile')),
  password: config.requireSecret('pfxPassword'),
  store: CertificateStores.local({ directory: config.get('storeDir') ?? '.store' }),
});
// the outputs
export const thumbprint = certificate.thumbprint;
`);
  });

  it("writes the store's default directory as no options", () => {
    expect(localStore()).toBe('store: CertificateStores.local()');
  });
});
