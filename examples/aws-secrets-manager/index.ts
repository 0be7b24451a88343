// The OAuthTokenIssuer certificate of one Skype for Business deployment, kept in AWS Secrets
// Manager. Everything that differs between stacks (domain, PFX, secret name, region) is stack
// config: see Pulumi.yaml for the keys and README.md for the commands.
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

const config = new pulumi.Config();
// Optional keys are empty strings by default (Pulumi.yaml): empty means "not set".
const endpoint = config.get('endpoint') || undefined;
const effectiveDate = config.get('effectiveDate') || undefined;

const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
  sipDomain: config.require('sipDomain'),
  pfx: pfxFromFile(config.require('pfxFile')),
  password: config.requireSecret('pfxPassword'),
  secretName: config.require('secretName'),
  // Credentials come from the AWS SDK's default chain when the provider runs (AWS_PROFILE, SSO,
  // the environment, an instance or task role): never config, never state.
  store: CertificateStores.awsSecretsManager({ region: config.require('region'), ...(endpoint ? { endpoint } : {}) }),
  ...(effectiveDate ? { effectiveDate } : {}),
  adopt: config.getBoolean('adopt') ?? false,
});

export const thumbprint = certificate.thumbprint;
export const plan = certificate.plan;
export const previousThumbprint = certificate.previousThumbprint;
export const pendingThumbprint = certificate.pendingThumbprint;
export const versionId = certificate.versionId;
export const notAfter = certificate.notAfter;
export const store = certificate.storeDescription;
