/**
 * `OAuthTokenIssuerCertificate`: the Skype for Business Server OAuthTokenIssuer certificate as
 * one declarative resource. `pulumi preview` validates the PFX and shows the roll plan;
 * `pulumi up` stores it; `pulumi refresh` reports what the store holds.
 */
import * as pulumi from '@pulumi/pulumi';
import { programError } from './program-error';
import { AWS_STORE_KIND, awsStoreOptionProblems, type AwsStoreOptions } from '../domain/aws-store-options';
import { nodeVersionProblem } from '../domain/node-support';
import { checkDeclaredInputs, DEFAULT_WARN_BEFORE_EXPIRY_DAYS, SKYPE_MIN_KEY_BITS } from '../domain/resource-inputs';
import type { RecordedFacts } from '../domain/pfx-checks';
import type { DeclaredCertificateSource } from '../domain/certificate-source';
export type { DeclaredCertificateSource } from '../domain/certificate-source';
import { oauthTokenIssuerProvider } from './provider';
export { pfxFromFile } from './pfx-from-file';
import type { FrontEndPoolArgs } from './front-end-pool-args';
export { FrontEndPools, type FrontEndPoolArgs, type PowerShellPoolOptions } from './front-end-pool-args';
import type { IssuerCertificateSource } from './issuers';
export { Issuers, AcmeChallenges, type IssuerCertificateSource, type AcmeIssuerOptions, type AcmeChallenge, type HookChallengeOptions } from './issuers';

/** Where the certificate is kept. Build one with {@link CertificateStores}. */
export type CertificateStoreSpec = LocalCertificateStoreSpec | AwsSecretsManagerStoreSpec;

/** The embedded local store, from {@link CertificateStores.local}. */
export interface LocalCertificateStoreSpec {
  readonly kind: 'local';
  readonly directory: string;
  readonly passphrase: pulumi.Input<string>;
}

/** AWS Secrets Manager, from {@link CertificateStores.awsSecretsManager}. */
export interface AwsSecretsManagerStoreSpec extends AwsSecretsManagerStoreOptions {
  readonly kind: typeof AWS_STORE_KIND;
}

/**
 * Options of the AWS Secrets Manager store (one declaration, with its rules, in
 * provider/domain/aws-store-options.ts).
 */
export type AwsSecretsManagerStoreOptions = AwsStoreOptions;

/** Options of the embedded local store. */
export interface LocalStoreOptions {
  /**
   * Directory of the store; a relative one is relative to the Pulumi program's directory.
   * @default ".sfb-store" (git-ignored)
   */
  readonly directory?: string;
  /**
   * Passphrase the store's key is derived from (scrypt). Made secret whatever you pass.
   * @default secret config `sfb-oauth-cert:storePassphrase`, else the environment variable SFB_STORE_PASSPHRASE
   */
  readonly passphrase?: pulumi.Input<string>;
}

/** Factories for certificate stores. */
export const CertificateStores = {
  /** The embedded local store: an encrypted directory beside the program (the default). */
  local(options: LocalStoreOptions = {}): CertificateStoreSpec {
    const directory = options.directory ?? '.sfb-store';
    const passphrase =
      options.passphrase ??
      new pulumi.Config('sfb-oauth-cert').getSecret('storePassphrase') ??
      // Read by the program (not the provider), so it never lands in the serialized provider.
      process.env.SFB_STORE_PASSPHRASE;
    if (passphrase === undefined) {
      throw programError(
        'INVALID_ARGUMENT',
        'The local certificate store needs a passphrase; run `pulumi config set --secret sfb-oauth-cert:storePassphrase` and type the value at the prompt (or pipe it from a file: `pulumi config set --secret sfb-oauth-cert:storePassphrase < passphrase.txt`), never on the command line, or set the SFB_STORE_PASSPHRASE environment variable.',
      );
    }
    // Kept as written: the provider resolves a relative directory against the program's
    // directory, so state does not change with the checkout's path.
    return { kind: 'local', directory, passphrase };
  },

  /**
   * AWS Secrets Manager: one secret per certificate, versions labelled AWSCURRENT, AWSPREVIOUS and
   * AWSPENDING by Secrets Manager itself. Options are checked now (a bad one throws
   * INVALID_ARGUMENT naming it) and again in preview.
   */
  awsSecretsManager(options: AwsSecretsManagerStoreOptions): AwsSecretsManagerStoreSpec {
    const given = (typeof options === 'object' && options !== null ? options : {}) as Record<string, unknown>;
    const problems = awsStoreOptionProblems(given, isKnownNow);
    if (problems.length > 0) throw programError('INVALID_ARGUMENT', problems.join(' '));
    // The options were checked above. Only those given, so state holds no `undefined` keys and
    // compares stably.
    const { region, endpoint, kmsKeyId, tags, description, recoveryWindowDays, forceDeleteWithoutRecovery } = options;
    const present = <T>(key: string, value: T | null | undefined): Record<string, T> => (value === undefined || value === null ? {} : { [key]: value });
    return {
      kind: AWS_STORE_KIND,
      region,
      ...present('endpoint', endpoint),
      ...present('kmsKeyId', kmsKeyId),
      ...present('tags', tags),
      ...present('description', description),
      ...present('recoveryWindowDays', recoveryWindowDays),
      ...present('forceDeleteWithoutRecovery', forceDeleteWithoutRecovery),
    };
  },
};

/** The non-secret part of a store spec, as the provider receives it. */
function storeInput(store: CertificateStoreSpec): Record<string, unknown> {
  if (store.kind === 'local') return { kind: store.kind, directory: store.directory };
  return { ...store };
}

/** Arguments of {@link OAuthTokenIssuerCertificate}. */
export interface OAuthTokenIssuerCertificateArgs {
  /** The Skype SIP domain; the certificate must carry it (subject CN or SAN), e.g. `contoso.com`. */
  readonly sipDomain: pulumi.Input<string>;
  /**
   * The PFX (certificate with its private key), base64. Use {@link pfxFromFile}. Made secret.
   * Give it or `certificate`, not both.
   */
  readonly pfx?: pulumi.Input<string>;
  /** The PFX password; absent: the PFX has none. Made secret. */
  readonly password?: pulumi.Input<string>;
  /**
   * In place of `pfx`: a certificate a Front End Server of the `pool` already has,
   * `{ thumbprint: '7F3A...' }` (in the store of `server`, by default the pool's first) or
   * `{ fromType: 'Default', server: 'fe01.contoso.com' }` (the certificate that server uses as its
   * Default one), checked on that server and assigned from it (`Set-CsCertificate -Identity Global
   * -Thumbprint`), nothing secret stored; or a certificate that renews itself, from an issuer:
   * `Issuers.acme({...})`, `Issuers.command({...})` or `Issuers.selfSigned()`.
   */
  readonly certificate?: DeclaredCertificateSource | IssuerCertificateSource;
  /**
   * With an issuer: how long before NotAfter a renewal is ordered, as `720h` or `1h30m`.
   * @default a third of each certificate's lifetime
   */
  readonly renewBefore?: pulumi.Input<string>;
  /** With an issuer: how long after the order the new certificate rolls (partners fetch Skype's metadata meanwhile). @default "24h" */
  readonly rollLeadTime?: pulumi.Input<string>;
  /** With an issuer: when no roll can be scheduled any more before the current certificate expires, make the new one current at once. @default false */
  readonly allowImmediateRenewal?: pulumi.Input<boolean>;
  /**
   * When the certificate becomes current (ISO 8601): a scheduled roll, as
   * `Set-CsCertificate -EffectiveDate ... -Roll`; the current one becomes previous then.
   * @default now
   */
  readonly effectiveDate?: pulumi.Input<string>;
  /** @default CertificateStores.local() */
  readonly store?: CertificateStoreSpec;
  /** @default `sfb/oauth-token-issuer/<sipDomain>` */
  readonly secretName?: pulumi.Input<string>;
  /** @default 2048 (the Skype requirement) */
  readonly minKeyBits?: pulumi.Input<number>;
  /** Warn in preview and up when the certificate expires within this many days. @default 30 */
  readonly warnBeforeExpiryDays?: pulumi.Input<number>;
  /**
   * Take over a secret that another project or stack manages. Without it, a secret owned
   * elsewhere is refused with STORE_OWNED_ELSEWHERE, so two stacks never roll each other's
   * certificate.
   * @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /**
   * The Front End Servers to converge: after the store, `pulumi up` assigns the
   * certificate (`-Identity Global`) and waits until every server reports it.
   * @default none: the certificate is kept in the store only
   */
  readonly pool?: FrontEndPoolArgs;
}

/**
 * `<organization>/<project>/<stack>` of the program declaring the resource: who manages the secret.
 * Self-managed backends have no organizations; the engine calls that one "organization", and an
 * SDK run without one (older engines) gets the same name.
 */
function ownerOfThisProgram(): string {
  let organization = 'organization';
  try {
    organization = pulumi.getOrganization();
  } catch {
    // Not set by this engine: keep the self-managed backends' name.
  }
  return `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** The pool without its credential's password (the userName stays: it is not a secret). */
function poolInput(pool: FrontEndPoolArgs | undefined): Omit<FrontEndPoolArgs, 'credential'> & { credential?: { userName: string } } | undefined {
  if (!pool?.credential) return pool;
  return { ...pool, credential: { userName: pool.credential.userName } };
}

/** Whether a value is known while the program runs (not an Output or a Promise still to resolve). */
function isKnownNow(value: unknown): boolean {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

// Outputs that must be secret in state. The provider returns only storePassphrase of these (the
// PFX and password stay in the store), but listing all three keeps them secret should that change.
const SECRET_KEYS = ['pfx', 'password', 'storePassphrase', 'poolPassword', 'issuerSecrets'];

/** The Skype for Business OAuthTokenIssuer certificate, validated, stored and rolled. */
export class OAuthTokenIssuerCertificate extends pulumi.dynamic.Resource {
  /** SHA-1 thumbprint of the current (or scheduled) certificate, as Windows shows it. */
  declare readonly thumbprint: pulumi.Output<string>;
  declare readonly subject: pulumi.Output<string>;
  declare readonly dnsNames: pulumi.Output<string[]>;
  declare readonly keyBits: pulumi.Output<number>;
  declare readonly notBefore: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;
  /** The roll plan in one line, e.g. `current 7F3A.. → previous; new 12AB.. current now`. */
  declare readonly plan: pulumi.Output<string>;
  declare readonly previousThumbprint: pulumi.Output<string | null>;
  declare readonly pendingThumbprint: pulumi.Output<string | null>;
  declare readonly versionId: pulumi.Output<string>;
  declare readonly secretName: pulumi.Output<string>;
  declare readonly storeDescription: pulumi.Output<string>;
  /**
   * Every non-secret fact of the certificate the checks use (names, dates, key, MAC, chain), so a
   * later preview of the same PFX re-checks them without decrypting it again (the
   * README lists it, so the class registers it).
   */
  declare readonly certificateFacts: pulumi.Output<RecordedFacts>;
  /** With a pool: what each server reported at the last up or refresh, FQDN → { current, previous, pending?, timeZone?, unreachable? } (`unreachable`: it could not be read then). */
  /** With an issuer: when the next renewal is due (ISO 8601), as of the last up. */
  declare readonly nextRenewalAt: pulumi.Output<string | null | undefined>;
  /** With an issuer: the last order that failed (its code, when, and a CA's Retry-After), or null. */
  declare readonly renewalFailure: pulumi.Output<{ code: string; at: string; retryAfter?: string } | null | undefined>;
  declare readonly servers: pulumi.Output<Record<string, { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string }; timeZone?: string; unreachable?: { code: string; message: string } }> | undefined>;

  constructor(name: string, args: OAuthTokenIssuerCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // Before anything else: on an unsupported Node the user gets one error, not the AWS SDK's
    // warning on every up.
    const unsupportedNode = nodeVersionProblem(process.version);
    if (unsupportedNode !== undefined) throw programError('NODE_UNSUPPORTED', unsupportedNode);
    if (typeof args !== 'object' || args === null) {
      throw programError('INVALID_ARGUMENT', `OAuthTokenIssuerCertificate "${name}" needs its arguments ({ sipDomain, pfx, password, ... } or { sipDomain, certificate, pool, ... }); got ${args === null ? 'null' : typeof args}.`);
    }
    const store = args.store ?? CertificateStores.local();
    // Every value already known is checked now, so a forgotten config value fails at once with the
    // argument's name (thrown inside an apply, it would leave the program hanging).
    // Values still to be computed (Outputs, Promises) are checked by the provider's `check`.
    const declared = {
      sipDomain: args.sipDomain,
      pfx: args.pfx,
      password: args.password,
      certificate: args.certificate,
      renewBefore: args.renewBefore,
      rollLeadTime: args.rollLeadTime,
      allowImmediateRenewal: args.allowImmediateRenewal,
      effectiveDate: args.effectiveDate,
      minKeyBits: args.minKeyBits,
      warnBeforeExpiryDays: args.warnBeforeExpiryDays,
      secretName: args.secretName,
      adopt: args.adopt,
      pool: poolInput(args.pool),
      store: storeInput(store),
      storePassphrase: store.kind === 'local' ? store.passphrase : null,
    };
    const { issues } = checkDeclaredInputs(declared, isKnownNow);
    if (issues.length > 0) {
      throw programError('INVALID_ARGUMENT', `OAuthTokenIssuer certificate "${name}": ${issues.map((issue) => issue.message).join(' ')}`);
    }
    const issuer = args.certificate !== undefined && 'issuer' in args.certificate ? args.certificate : undefined;
    const props: Record<string, unknown> = {
      sipDomain: args.sipDomain,
      pfx: args.pfx === undefined ? null : pulumi.secret(args.pfx),
      password: args.password === undefined ? null : pulumi.secret(args.password),
      effectiveDate: args.effectiveDate ?? null,
      // A certificate a server holds, as declared; an issuer's spec in the clear (neither holds a
      // secret); the issuer's secret environment apart, secret.
      certificate: issuer ? { issuer: issuer.issuer } : (args.certificate ?? null),
      issuerSecrets: issuer?.secretEnvironment ? pulumi.secret(issuer.secretEnvironment) : null,
      renewBefore: args.renewBefore ?? null,
      rollLeadTime: args.rollLeadTime ?? null,
      allowImmediateRenewal: args.allowImmediateRenewal ?? null,
      minKeyBits: args.minKeyBits ?? SKYPE_MIN_KEY_BITS,
      warnBeforeExpiryDays: args.warnBeforeExpiryDays ?? DEFAULT_WARN_BEFORE_EXPIRY_DAYS,
      // Absent: the provider's check derives it from the canonical SIP domain.
      secretName: args.secretName ?? null,
      store: storeInput(store),
      storePassphrase: store.kind === 'local' ? pulumi.secret(store.passphrase) : null,
      owner: ownerOfThisProgram(),
      adopt: args.adopt ?? false,
      // The pool is kept in state in the clear; its credential's password travels apart, as a
      // secret like `password`, and reaches the shell only in an owner-only file.
      pool: poolInput(args.pool) ?? null,
      poolPassword: args.pool?.credential ? pulumi.secret(args.pool.credential.password) : null,
      // Outputs, filled by the provider:
      thumbprint: undefined,
      subject: undefined,
      dnsNames: undefined,
      keyBits: undefined,
      notBefore: undefined,
      notAfter: undefined,
      plan: undefined,
      previousThumbprint: undefined,
      pendingThumbprint: undefined,
      versionId: undefined,
      storeDescription: undefined,
      certificateFacts: undefined,
      nextRenewalAt: undefined,
      renewalFailure: undefined,
      servers: undefined,
    };
    super(oauthTokenIssuerProvider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_KEYS] }, 'sfb', 'OAuthTokenIssuerCertificate');
  }
}
