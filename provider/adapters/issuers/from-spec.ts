/**
 * The issuer a resource's `certificate` argument names (domain/issuer-spec.ts), built on the
 * provider's clock, with the issuer's secret environment for its commands and, for ACME, the
 * account key the caller keeps in the store.
 */
import type { Finding } from '../../domain/errors';
import type { IssuerSpec } from '../../domain/issuer-spec';
import { warningLine } from '../../domain/plan-lines';
import type { CertificateIssuer } from '../../ports/certificate-issuer';
import { acmeIssuer } from './acme-issuer';
import { challengeHooks } from './challenge-hooks';
import { commandEnvironment } from './command-environment';
import { commandIssuer } from './command-issuer';
import { route53Dns01 } from './route53-dns01';
import { selfSignedIssuer } from './self-signed';

export interface IssuerContext {
  /** The provider's clock. */
  readonly now: () => Date;
  /** What the operator declared for the issuer's commands (secret; never logged), beside the allow-listed part of the provider's environment (command-environment.ts). */
  readonly environment?: Readonly<Record<string, string>>;
  /** ACME only: the account key, PEM (secret; generateAcmeAccountKey makes one). */
  readonly accountKeyPem?: string;
  /**
   * What an issuer reports without failing (a challenge left behind). @default a `warning CODE:
   * sentence` line on stderr, which the Pulumi engine shows as the resource's warning
   */
  readonly warn?: (finding: Finding<string>) => void;
}

export function issuerFromSpec(spec: IssuerSpec, context: IssuerContext): CertificateIssuer {
  const env = commandEnvironment(context.environment);
  switch (spec.kind) {
    case 'selfSigned':
      return selfSignedIssuer({ validDays: spec.validDays, now: context.now });
    case 'command':
      return commandIssuer({ command: spec.command, timeoutSeconds: spec.timeoutSeconds, env });
    case 'acme': {
      const challenge =
        spec.challenge.via === 'route53'
          ? route53Dns01({ hostedZoneId: spec.challenge.hostedZoneId, ...(spec.challenge.region ? { clientConfig: { region: spec.challenge.region } } : {}) })
          : challengeHooks({ type: spec.challenge.type, present: spec.challenge.present, cleanUp: spec.challenge.cleanUp, env });
      if (context.accountKeyPem === undefined) throw new Error('issuerFromSpec: an ACME issuer needs the account key');
      return acmeIssuer({
        directoryUrl: spec.directoryUrl,
        ...(spec.email ? { email: spec.email } : {}),
        accountKeyPem: context.accountKeyPem,
        challenge,
        ...(spec.caCertificatesPem ? { caCertificatesPem: spec.caCertificatesPem } : {}),
        orderTimeoutSeconds: spec.timeoutSeconds,
        now: context.now,
        onWarning: context.warn ?? ((finding) => console.warn(warningLine(finding))),
      });
    }
  }
}
