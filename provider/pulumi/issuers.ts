/**
 * `Issuers`: where a certificate that renews itself comes from, as named factories (in the
 * manner of cert-manager's issuer kinds). Each returns the `certificate` argument of
 * OAuthTokenIssuerCertificate; the rules are the domain's (provider/domain/issuer-spec.ts),
 * applied now to what is known and again in preview.
 *
 * Secrets in an issuer's options (a hook's environment, e.g. a DNS API token) are taken out of
 * the spec here and travel as one secret input, never in the spec state keeps in the clear.
 */
import type * as pulumi from '@pulumi/pulumi';
import { programError } from './program-error';
import { issuerRule, type AcmeChallengeSpec, type IssuerSpec } from '../domain/issuer-spec';

/** The `certificate` argument for a certificate from an issuer. Build it with {@link Issuers}. */
export interface IssuerCertificateSource {
  readonly issuer: IssuerSpec;
  /** Environment variables for the issuer's commands (hooks, a CA command): made secret, never in state in the clear. */
  readonly secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options of {@link Issuers.acme}. */
export interface AcmeIssuerOptions {
  /** The CA's ACME directory, e.g. `https://acme-v02.api.letsencrypt.org/directory` (https; http only on loopback). */
  readonly directoryUrl: string;
  /** The account's contact address. @default none */
  readonly email?: string;
  /** How the CA validates the SIP domain: {@link AcmeChallenges}. */
  readonly challenge: AcmeChallenge;
  /** Extra CA certificates (PEM) to trust for the directory's TLS (an internal CA, Pebble's test root). */
  readonly caCertificatesPem?: string;
  /** Bound of one order, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
}

/** A challenge, from {@link AcmeChallenges}. */
export interface AcmeChallenge {
  readonly spec: AcmeChallengeSpec;
  readonly secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Options of a hook challenge: the commands get the record (or token) as JSON on stdin, never in argv. */
export interface HookChallengeOptions {
  /** Creates the DNS record (or serves the HTTP token), e.g. `["pwsh", "-File", "add-record.ps1"]`. */
  readonly present: readonly string[];
  /** Removes it again, after validation (also after a failed one). */
  readonly cleanUp: readonly string[];
  /** Environment for both commands (API tokens): made secret. */
  readonly secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

function checked(source: IssuerCertificateSource): IssuerCertificateSource {
  const problems: string[] = [];
  issuerRule({ issuer: source.issuer }, (message) => problems.push(message));
  if (problems.length > 0) throw programError('INVALID_ARGUMENT', problems.join(' '));
  return source;
}

/** The challenges an ACME issuer can answer. */
export const AcmeChallenges = {
  /** DNS-01 in a Route 53 hosted zone, named by id (credentials: the AWS SDK's default chain when the provider runs). */
  route53(options: { readonly hostedZoneId: string; readonly region?: string }): AcmeChallenge {
    return { spec: { type: 'dns-01', via: 'route53', hostedZoneId: options.hostedZoneId, ...(options.region ? { region: options.region } : {}) } };
  },
  /** DNS-01 through commands: any DNS (an Active Directory DNS server with Add-DnsServerResourceRecord, a provider's API). */
  dns01Hook(options: HookChallengeOptions): AcmeChallenge {
    return { spec: { type: 'dns-01', via: 'hook', present: options.present, cleanUp: options.cleanUp }, ...(options.secretEnvironment ? { secretEnvironment: options.secretEnvironment } : {}) };
  },
  /** HTTP-01 through commands that serve the token at http://<sipDomain>/.well-known/acme-challenge/. */
  http01Hook(options: HookChallengeOptions): AcmeChallenge {
    return { spec: { type: 'http-01', via: 'hook', present: options.present, cleanUp: options.cleanUp }, ...(options.secretEnvironment ? { secretEnvironment: options.secretEnvironment } : {}) };
  },
};

/** Factories for the `certificate` argument of a certificate that renews itself. */
export const Issuers = {
  /** An ACME CA (RFC 8555): a public CA, or an organisation's internal one (step-ca, ...). The account key is made once and kept in the certificate store. */
  acme(options: AcmeIssuerOptions): IssuerCertificateSource {
    const { challenge, ...rest } = options;
    return checked({ issuer: { kind: 'acme', ...rest, challenge: challenge?.spec } as IssuerSpec, ...(challenge?.secretEnvironment ? { secretEnvironment: challenge.secretEnvironment } : {}) });
  },
  /** A command that signs the CSR (PEM on stdin) and prints the chain (PEM, leaf first): an enterprise CA's tooling, e.g. a certreq wrapper. */
  command(options: { readonly command: readonly string[]; readonly timeoutSeconds?: number; readonly secretEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>> }): IssuerCertificateSource {
    const { secretEnvironment, ...rest } = options;
    return checked({ issuer: { kind: 'command', ...rest } as IssuerSpec, ...(secretEnvironment ? { secretEnvironment } : {}) });
  },
  /** A certificate signed with its own key, for labs (partners read Skype's OAuth metadata, not a chain). */
  selfSigned(options: { readonly validDays?: number } = {}): IssuerCertificateSource {
    return checked({ issuer: { kind: 'selfSigned', ...options } as IssuerSpec });
  },
};
