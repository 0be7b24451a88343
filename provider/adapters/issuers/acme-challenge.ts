/**
 * How an ACME order proves control of the SIP domain: a solver publishes the challenge (a DNS
 * TXT record for dns-01, an HTTP response for http-01) and removes it afterwards. Solvers:
 * Route 53 (route53-dns01.ts) and hook commands (challenge-hooks.ts). Nothing here is secret:
 * the CA and the world read these values.
 */

/** A dns-01 challenge: the TXT record `name` must hold `value` (RFC 8555 section 8.4). */
export interface Dns01Record {
  readonly type: 'dns-01';
  /** The identifier being validated, e.g. `contoso.com`. */
  readonly domain: string;
  /** `_acme-challenge.<domain>`, without a trailing dot. */
  readonly name: string;
  /** The TXT value: base64url of the key authorization's SHA-256. */
  readonly value: string;
}

/** An http-01 challenge: `http://<domain>/<path>` must answer `content` (RFC 8555 section 8.3). */
export interface Http01Record {
  readonly type: 'http-01';
  readonly domain: string;
  readonly token: string;
  /** `/.well-known/acme-challenge/<token>`. */
  readonly path: string;
  /** The key authorization, the exact response body. */
  readonly content: string;
}

export type ChallengeRecord = Dns01Record | Http01Record;

/** Publishes and removes one kind of challenge. Errors are SfbErrors (ISSUER_FAILED, ISSUER_TIMEOUT). */
export interface ChallengeSolver {
  readonly type: ChallengeRecord['type'];
  /** For the issuer's description: `dns-01 via Route 53 zone Z123`, `http-01 via hook \`/opt/publish\``. */
  readonly description: string;
  /** Resolves once the record is served (Route 53: the change is INSYNC). */
  present(record: ChallengeRecord, signal: AbortSignal): Promise<void>;
  cleanUp(record: ChallengeRecord, signal: AbortSignal): Promise<void>;
}
