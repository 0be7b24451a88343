/**
 * The example: one OAuthTokenIssuer certificate for contoso.com on the embedded local store.
 * Config: `sipDomain` (default contoso.com), `pfxFile`, secret `pfxPassword`, secret
 * `sfb-oauth-cert:storePassphrase`, optionally `effectiveDate` for a scheduled roll and
 * `storeDirectory` (default `.sfb-store` beside this file).
 * With `frontEndServers` (a JSON list of FQDNs) and `frontEndShell` (the shell command as a JSON
 * list), the certificate is also set on every Front End Server through that shell; the demo
 * points it at the Skype cmdlet emulator with three servers (docs/skype-emulator.md). The pool's
 * other settings: `frontEndEdition` (`desktop`, Windows PowerShell 5.1, the default, or `core`),
 * `frontEndServerTimeZone` (IANA, default UTC), `frontEndReplicationTimeoutSeconds` and
 * `frontEndPollIntervalSeconds` (default 1: the emulated replication takes seconds).
 */
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, FrontEndPools, OAuthTokenIssuerCertificate, pfxFromFile, type PowerShellPoolOptions } from '../../provider';

export async function program(): Promise<Record<string, pulumi.Output<unknown>>> {
  const config = new pulumi.Config();
  const storeDirectory = config.get('storeDirectory');
  const edition = config.get<NonNullable<PowerShellPoolOptions['edition']>>('frontEndEdition', { allowedValues: ['desktop', 'core'] });
  const serverTimeZone = config.get('frontEndServerTimeZone');
  const replicationTimeoutSeconds = config.getNumber('frontEndReplicationTimeoutSeconds');
  const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
    sipDomain: config.get('sipDomain') ?? 'contoso.com',
    pfx: pfxFromFile(config.require('pfxFile')),
    password: config.requireSecret('pfxPassword'),
    ...(config.get('effectiveDate') ? { effectiveDate: config.get('effectiveDate') } : {}),
    ...(storeDirectory ? { store: CertificateStores.local({ directory: storeDirectory }) } : {}),
    ...(config.getObject<string[]>('frontEndServers')
      ? {
          pool: FrontEndPools.powershell({
            servers: config.requireObject<string[]>('frontEndServers'),
            command: config.requireObject<string[]>('frontEndShell'),
            ...(edition ? { edition } : {}),
            ...(serverTimeZone ? { serverTimeZone } : {}),
            ...(replicationTimeoutSeconds !== undefined ? { replicationTimeoutSeconds } : {}),
            pollIntervalSeconds: config.getNumber('frontEndPollIntervalSeconds') ?? 1,
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
