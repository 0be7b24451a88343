/**
 * The example: one OAuthTokenIssuer certificate for contoso.com on the embedded local store.
 * Config: `sipDomain` (default contoso.com), `pfxFile`, secret `pfxPassword`, secret
 * `sfb-oauth-cert:storePassphrase`, and optionally `effectiveDate` for a scheduled roll.
 * With `frontEndServers` (a JSON list of FQDNs) and `frontEndShell` (the shell command as a JSON
 * list), the certificate is also set on every Front End Server through that shell; the demo
 * points it at the Skype cmdlet emulator with three servers (docs/skype-emulator.md).
 */
import * as pulumi from '@pulumi/pulumi';
import { FrontEndPools, OAuthTokenIssuerCertificate, pfxFromFile } from '../../provider';

export async function program(): Promise<Record<string, pulumi.Output<unknown>>> {
  const config = new pulumi.Config();
  const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
    sipDomain: config.get('sipDomain') ?? 'contoso.com',
    pfx: pfxFromFile(config.require('pfxFile')),
    password: config.requireSecret('pfxPassword'),
    ...(config.get('effectiveDate') ? { effectiveDate: config.get('effectiveDate') } : {}),
    ...(config.getObject<string[]>('frontEndServers')
      ? {
          pool: FrontEndPools.powershell({
            servers: config.requireObject<string[]>('frontEndServers'),
            command: config.requireObject<string[]>('frontEndShell'),
            pollIntervalSeconds: 1,
          }),
        }
      : {}),
  });
  return {
    thumbprint: certificate.thumbprint,
    notAfter: certificate.notAfter,
    plan: certificate.plan,
    previousThumbprint: certificate.previousThumbprint,
    store: certificate.storeDescription,
    servers: certificate.servers,
  };
}
