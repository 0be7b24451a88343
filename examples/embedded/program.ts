/**
 * The example: one OAuthTokenIssuer certificate for contoso.com on the embedded local store.
 * Config: `sipDomain` (default contoso.com), `pfxFile`, secret `pfxPassword`, secret
 * `sfb-oauth-cert:storePassphrase`, and optionally `effectiveDate` for a scheduled roll.
 */
import * as pulumi from '@pulumi/pulumi';
import { OAuthTokenIssuerCertificate, pfxFromFile } from '../../provider';

export async function program(): Promise<Record<string, pulumi.Output<unknown>>> {
  const config = new pulumi.Config();
  const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
    sipDomain: config.get('sipDomain') ?? 'contoso.com',
    pfx: pfxFromFile(config.require('pfxFile')),
    password: config.requireSecret('pfxPassword'),
    ...(config.get('effectiveDate') ? { effectiveDate: config.get('effectiveDate') } : {}),
  });
  return {
    thumbprint: certificate.thumbprint,
    notAfter: certificate.notAfter,
    plan: certificate.plan,
    previousThumbprint: certificate.previousThumbprint,
    store: certificate.storeDescription,
  };
}
