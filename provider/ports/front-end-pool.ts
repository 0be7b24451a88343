/**
 * The port the Front End convergence (the rolls issue) implements: the Skype Front End Servers
 * of a pool, as the Skype for Business Server Management Shell shows them. Defined now so the
 * resource's shape does not change when it arrives; nothing implements it yet.
 *
 * Semantics follow the documented cmdlets (docs/skype-oauth-token-issuer.md):
 * `Get-CsCertificate -Type OAuthTokenIssuer` lists a server's current (and previous) certificate;
 * `Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint X [-EffectiveDate D -Roll]`
 * and `Import-CsCertificate` run once, on any one Front End, and replication deploys the
 * certificate to every Front End; where replication is off, each server imports it itself.
 */

/** The OAuthTokenIssuer certificates one Front End Server reports. */
export interface FrontEndCertificates {
  /** The server's FQDN, e.g. `fe01.contoso.com`. */
  readonly server: string;
  /** Thumbprint of the current OAuthTokenIssuer certificate; absent: none assigned. */
  readonly current?: string;
  /** Thumbprint of the previous one, if Skype still keeps it. */
  readonly previous?: string;
  /** A scheduled roll not yet effective. */
  readonly scheduled?: { readonly thumbprint: string; readonly effectiveDate: string };
}

/** What the provider asks of the pool. */
export interface FrontEndPool {
  /** A short description for messages, e.g. `pool fe-pool.contoso.com (3 servers)`. */
  readonly description: string;
  /** What every Front End Server reports now: the facts drift detection compares. */
  inspect(): Promise<readonly FrontEndCertificates[]>;
  /**
   * Assigns the certificate globally (import with its key, then set it; with an effective date,
   * a roll). Idempotent: assigning the certificate that is already current changes nothing.
   */
  assign(request: {
    readonly pfxBase64: string;
    readonly password: string | null;
    readonly thumbprint: string;
    readonly effectiveDate?: string;
  }): Promise<void>;
}
