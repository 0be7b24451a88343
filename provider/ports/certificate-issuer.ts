/**
 * The port every issuer implements (automatic renewal): the provider makes the RSA key and the
 * CSR; an issuer turns the CSR into a certificate chain. Kinds follow cert-manager's issuers:
 * an ACME CA (RFC 8555), a command that runs an organisation's CA tooling (certreq, an
 * internal CA's CLI), and a self-signed issuer for labs. Each kind is one adapter under
 * provider/adapters/issuers/ and translates its vendor's errors into SfbError codes
 * (ISSUER_FAILED, ACME_CHALLENGE_FAILED, ISSUER_RATE_LIMITED, ISSUER_TIMEOUT).
 */

/** What the provider asks an issuer for. */
export interface IssueRequest {
  /** The SIP domain, canonical (lower case, no trailing dot): the name the certificate must carry. */
  readonly sipDomain: string;
  /** The CSR in PEM, made by the provider for its own key; the certificate must carry that key. */
  readonly csrPem: string;
  /**
   * Identifies this renewal, stable across retries (derived from the stack's state, e.g. the
   * current thumbprint being renewed), so a retried order reuses what the issuer supports
   * reusing instead of placing a second order.
   */
  readonly renewalKey: string;
  /** Abandon the call at this signal; every network or process wait is bounded by it. */
  readonly signal: AbortSignal;
}

/** What an issuer returns: PEM certificates, leaf first. */
export interface IssuedChain {
  /** The leaf certificate, PEM. */
  readonly leafPem: string;
  /** The CA certificates after the leaf, PEM, in the order the issuer gave them (may be empty; may use keys node-forge cannot parse, e.g. ECDSA). */
  readonly chainPems: readonly string[];
}

/** One issuer, configured. Its description appears in plan lines; it never holds a secret. */
export interface CertificateIssuer {
  /** e.g. `ACME https://acme.example/directory (dns-01 via Route 53 zone Z123)`, `command certreq-wrapper`, `self-signed`. */
  readonly description: string;
  issue(request: IssueRequest): Promise<IssuedChain>;
}
