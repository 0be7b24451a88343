/**
 * The port for a certificate a Front End Server already has (`certificate: { thumbprint }` or
 * `{ fromType: 'Default', server }`): find it in that server's `Cert:\LocalMachine\My`, read the
 * facts the checks need, and assign it globally from that server, as the Skype documentation
 * runs it: `$x = (Get-CsCertificate -Type Default).Thumbprint; Set-CsCertificate -Identity global
 * -Type OAuthTokenIssuer -Thumbprint $x [-EffectiveDate ... -Roll]`, once, on one Front End
 * (docs/skype-oauth-token-issuer.md). The PowerShell adapter implements it
 * (provider/adapters/powershell/server-certificates.ts).
 */
import type { ServerCertificateFacts } from '../domain/server-certificate-checks';

/** Which certificate to find on the server. */
export type ServerCertificateQuery = { readonly thumbprint: string } | { readonly fromType: 'Default' };

/** What the server showed. */
export interface ServerCertificateAnswer {
  /** The thumbprint looked for, or the one `Get-CsCertificate -Type <fromType>` reported; absent: that type has none there. */
  readonly thumbprint?: string;
  /** The certificate's facts from its store; absent: the store has no such certificate. */
  readonly facts?: ServerCertificateFacts;
}

export interface ServerCertificates {
  /** Finds the certificate on `server` and reads its facts. */
  read(server: string, query: ServerCertificateQuery): Promise<ServerCertificateAnswer>;
  /**
   * `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint` run on `server`
   * (where the certificate and its key are), now or as a roll (`effectiveAt`, ISO 8601 UTC, in a
   * session that must be in `sessionTimeZone`).
   */
  assign(server: string, request: { readonly thumbprint: string; readonly effectiveAt?: string; readonly sessionTimeZone?: string }): Promise<void>;
}
