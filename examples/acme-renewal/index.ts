// The OAuthTokenIssuer certificate of one Skype for Business deployment, ordered from an ACME CA
// over DNS-01 and renewed by the daily `pulumi up` of a scheduled pipeline
// (examples/scheduled-pipelines). See README.md for the commands, Pebble included.
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { AcmeChallenges, CertificateStores, Issuers, OAuthTokenIssuerCertificate } from 'sfb-oauth-cert';

const config = new pulumi.Config();
// Optional keys are empty strings by default (Pulumi.yaml): empty means "not set".
const email = config.get('acmeEmail') || undefined;
const caFile = config.get('acmeCaCertificatesFile') || undefined;
const hostedZoneId = config.get('hostedZoneId') || undefined;
const renewBefore = config.get('renewBefore') || undefined;

// DNS-01 in Route 53 (the zone by id; credentials from the AWS SDK's default chain), or through
// two commands for any other DNS: they read the record's name and value as JSON on stdin.
const challenge = hostedZoneId
  ? AcmeChallenges.route53({ hostedZoneId })
  : AcmeChallenges.dns01Hook({
      present: ['pwsh', '-NoProfile', '-File', 'dns-hooks/add-record.ps1'],
      cleanUp: ['pwsh', '-NoProfile', '-File', 'dns-hooks/remove-record.ps1'],
    });

const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
  sipDomain: config.require('sipDomain'),
  certificate: Issuers.acme({
    directoryUrl: config.require('acmeDirectoryUrl'),
    ...(email ? { email } : {}),
    ...(caFile ? { caCertificatesPem: readFileSync(caFile, 'utf8') } : {}),
    challenge,
  }),
  ...(renewBefore ? { renewBefore } : {}),
  rollLeadTime: config.get('rollLeadTime') ?? '24h',
  store: CertificateStores.local(),
});

export const thumbprint = certificate.thumbprint;
export const plan = certificate.plan;
export const notAfter = certificate.notAfter;
export const nextRenewalAt = certificate.nextRenewalAt;
export const pendingThumbprint = certificate.pendingThumbprint;
export const renewalFailure = certificate.renewalFailure;
