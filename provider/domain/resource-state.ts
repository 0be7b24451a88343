/**
 * The shapes the resource keeps in Pulumi state, and the migrations that let this provider read
 * state written by its earlier versions ("must handle all state produced by prior iterations",
 * as Pulumi's own dynamic provider host puts it). Pure: no Pulumi types.
 */

/** The version of the state shape this provider writes. */
import type { AWS_STORE_KIND, AwsStoreOptions } from './aws-store-options';
import type { FrontEndPoolSpec } from './front-end-pool-spec';
import { SfbError } from './errors';
import type { StoreRotation } from './store-rules';

export const STATE_SCHEMA_VERSION = 1;

/** Where the certificate is stored. Non-secret: the passphrase travels separately. */
export type StoreSpec = LocalStoreSpec | AwsStoreSpec;

/** The embedded local store. */
export interface LocalStoreSpec {
  readonly kind: 'local';
  /** Directory of the embedded local store, as written (relative: to the program's directory). */
  readonly directory: string;
}

/**
 * AWS Secrets Manager: the options of CertificateStores.awsSecretsManager, all
 * non-secret (credentials come from the SDK's default chain when the provider runs, never from
 * state). Identity of the store: kind and region; the rest changes in place.
 */
export interface AwsStoreSpec extends AwsStoreOptions {
  readonly kind: typeof AWS_STORE_KIND;
}

/** The inputs after `check`: what the user declared plus the reviewable facts. */
export interface CheckedInputs {
  readonly sipDomain: string;
  /** The PFX, base64. Secret. Absent (`null`) for a certificate a Front End Server already has (`certificate`). */
  readonly pfx?: string | null;
  /** The PFX password; `null`: none. Secret. */
  readonly password?: string | null;
  /** A certificate a Front End Server already has, as declared (certificate-source.ts); absent or `null`: the PFX. */
  readonly certificate?: unknown;
  readonly effectiveDate?: string;
  readonly minKeyBits: number;
  readonly warnBeforeExpiryDays: number;
  readonly secretName: string;
  readonly store: StoreSpec;
  /** The passphrase of the embedded store. Secret. `null` for the AWS store, which has none. */
  readonly storePassphrase: string | null;
  /** The password of the pool's remoting credential. Secret. `null`/absent: none. */
  readonly poolPassword?: string | null;
  /** The Front End pool to converge; absent: the store only. */
  readonly pool?: FrontEndPoolSpec;
  /**
   * Who manages the secret: `<organization>/<project>/<stack>` of the declaring program. The store
   * records it; another owner is refused unless `adopt` is set.
   */
  readonly owner: string;
  /** Take over a secret another project/stack manages. @default false */
  readonly adopt: boolean;
  // Facts computed by check, shown by `pulumi preview --diff`:
  readonly thumbprint: string;
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly keyBits: number;
  readonly notBefore: string;
  readonly notAfter: string;
  /** The store version id: the thumbprint and a digest of the PFX and effective date. */
  readonly versionId: string;
  /** The roll plan in one line. */
  readonly plan: string;
}

/** The outputs kept in state: the checked inputs without the PFX and its password. */
export interface CertificateState extends Omit<CheckedInputs, 'pfx' | 'password'> {
  readonly schemaVersion: number;
  /** Thumbprint of the previous certificate, if any (Skype keeps two). */
  readonly previousThumbprint: string | null;
  /** Thumbprint of a scheduled certificate not yet current, if any. */
  readonly pendingThumbprint: string | null;
  readonly storeDescription: string;
  /**
   * The backend's own rotation of the secret, as the last up or refresh saw it (`null`: none);
   * absent in state written before it was recorded. Preview warns of it.
   */
  readonly storeRotation?: StoreRotation | null;
}

/**
 * Brings state from any earlier schema to the current one. Schema 0 (the unreleased first
 * shape, before `schemaVersion` existed) called the current thumbprint `currentThumbprint`
 * and had no `previousThumbprint`/`pendingThumbprint`.
 */
export function migrateState(raw: Record<string, unknown>): { state: Record<string, unknown>; from: number } {
  const from = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (from > STATE_SCHEMA_VERSION) {
    throw new SfbError(
      'STATE_UNSUPPORTED',
      `The state was written by a newer sfb-oauth-cert (schema ${from}, this one reads up to ${STATE_SCHEMA_VERSION}); upgrade the sfb-oauth-cert package.`,
    );
  }
  let state = { ...raw };
  if (from < 1) {
    const { currentThumbprint, ...rest } = state;
    state = {
      ...rest,
      thumbprint: state.thumbprint ?? currentThumbprint,
      previousThumbprint: state.previousThumbprint ?? null,
      pendingThumbprint: state.pendingThumbprint ?? null,
      schemaVersion: 1,
    };
  }
  return { state, from };
}
