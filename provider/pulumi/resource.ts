/**
 * `OAuthTokenIssuerCertificate`: the Skype for Business Server OAuthTokenIssuer certificate as
 * one declarative resource. `pulumi preview` validates the PFX and shows the roll plan;
 * `pulumi up` stores it; `pulumi refresh` reports what the store holds.
 */
import * as pulumi from '@pulumi/pulumi';
import { oauthTokenIssuerProvider } from './provider';
export { pfxFromFile } from './pfx-from-file';

/** Where the certificate is kept. Build one with {@link CertificateStores}. */
export interface CertificateStoreSpec {
  readonly kind: 'local';
  readonly directory: string;
  readonly passphrase: pulumi.Input<string>;
}

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
      throw new Error(
        'INVALID_ARGUMENT: the local certificate store needs a passphrase; set it with `pulumi config set --secret sfb-oauth-cert:storePassphrase <value>` or the SFB_STORE_PASSPHRASE environment variable.',
      );
    }
    // Kept as written: the provider resolves a relative directory against the program's
    // directory, so state does not change with the checkout's path.
    return { kind: 'local', directory, passphrase };
  },
};

/** Arguments of {@link OAuthTokenIssuerCertificate}. */
export interface OAuthTokenIssuerCertificateArgs {
  /** The Skype SIP domain; the certificate must carry it (subject CN or SAN), e.g. `contoso.com`. */
  readonly sipDomain: pulumi.Input<string>;
  /** The PFX (certificate with its private key), base64. Use {@link pfxFromFile}. Made secret. */
  readonly pfx: pulumi.Input<string>;
  /** The PFX password; absent: the PFX has none. Made secret. */
  readonly password?: pulumi.Input<string>;
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
}

// Outputs that must be secret in state. The provider returns only storePassphrase of these (the
// PFX and password stay in the store), but listing all three keeps them secret should that change.
const SECRET_KEYS = ['pfx', 'password', 'storePassphrase'];

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

  constructor(name: string, args: OAuthTokenIssuerCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const store = args.store ?? CertificateStores.local();
    const props: Record<string, unknown> = {
      sipDomain: args.sipDomain,
      pfx: pulumi.secret(args.pfx),
      password: args.password === undefined ? null : pulumi.secret(args.password),
      effectiveDate: args.effectiveDate,
      minKeyBits: args.minKeyBits ?? 2048,
      warnBeforeExpiryDays: args.warnBeforeExpiryDays ?? 30,
      secretName: args.secretName ?? pulumi.output(args.sipDomain).apply((d) => `sfb/oauth-token-issuer/${d.toLowerCase()}`),
      store: { kind: store.kind, directory: store.directory },
      storePassphrase: pulumi.secret(store.passphrase),
      owner: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
      adopt: args.adopt ?? false,
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
    };
    super(oauthTokenIssuerProvider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_KEYS] }, 'sfb', 'OAuthTokenIssuerCertificate');
  }
}
