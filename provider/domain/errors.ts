/**
 * The closed vocabulary of codes. Every error and finding this project reports carries one of
 * these, with a sentence that names the input, the value seen (never a secret) and the fix.
 */

/** Codes of PFX validation findings that make a PFX unusable. */
export const PFX_ERROR_CODES = [
  'PFX_UNREADABLE',
  'PFX_TOO_LARGE',
  'PFX_ITERATION_LIMIT',
  'PFX_BAD_PASSWORD',
  'PFX_NO_PRIVATE_KEY',
  'PFX_KEY_MISMATCH',
  'PFX_AMBIGUOUS',
  'KEY_NOT_RSA',
  'KEY_TOO_SMALL',
  'SIP_DOMAIN_MISSING',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE',
] as const;
export type PfxErrorCode = (typeof PFX_ERROR_CODES)[number];

/** Codes of findings that do not block use but deserve a reader's attention. */
export const PFX_WARNING_CODES = [
  'PFX_NO_MAC',
  'CERT_EXPIRES_SOON',
  'CERT_SHA1_SIGNATURE',
  'CHAIN_INCOMPLETE',
] as const;
export type PfxWarningCode = (typeof PFX_WARNING_CODES)[number];

/** Codes of operational errors (stores, configuration, the engine). */
export const OPERATION_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'STORE_WRONG_PASSPHRASE',
  'STORE_CORRUPT',
  'STORE_LOCKED',
  'STORE_NOT_FOUND',
  'STORE_UNAVAILABLE',
  'STORE_CONFLICT',
  'STORE_ACCESS_DENIED',
  'STATE_UNSUPPORTED',
  /** The store's location is unsafe to use, e.g. a directory every user may write. */
  'STORE_INSECURE',
  /** Another project/stack manages this secret. */
  'STORE_OWNED_ELSEWHERE',
  /** A bug of ours, not the store's: says what was being done and asks for a report. */
  'INTERNAL_ERROR',
  // Front End convergence: the roll rules, the shell, the servers.
  /** A scheduled roll's effective date is less than 24 hours before the current certificate's NotAfter. */
  'ROLL_TOO_LATE',
  /** The pool's shell command cannot be started (not installed, not executable). */
  'SHELL_NOT_FOUND',
  /** The shell ran but failed: non-zero exit, a terminating error, output that is not the JSON asked for or too large. */
  'SHELL_FAILED',
  /** A shell call did not finish within its time limit; it was killed. */
  'SHELL_TIMEOUT',
  /** `Invoke-Command -ComputerName` could not reach a Front End Server. */
  'SERVER_UNREACHABLE',
  /** A Skype cmdlet reported an error (its text is quoted; it never holds a secret). */
  'CMDLET_FAILED',
  /** Replication or a server did not reach the declared certificate in time: a partial success. */
  'POOL_NOT_CONVERGED',
  // AWS Secrets Manager store.
  /** The certificate's document would pass Secrets Manager's 65,536-byte limit on a secret value. */
  'SECRET_TOO_LARGE',
  /** AWS KMS refused the secret's key (missing, disabled, or not usable by the deploying identity). */
  'STORE_KMS_FAILURE',
  // Windows PowerShell 5.1 Management Shell.
  /** The session that runs Import/Set-CsCertificate is not in the Front End Servers' time zone: -EffectiveDate would land at another instant. */
  'TIME_ZONE_MISMATCH',
  /** The effective date falls in a repeated or skipped local hour of the servers' time zone (a DST change). */
  'EFFECTIVE_DATE_AMBIGUOUS',
  /** Warning: the declared `serverTimeZone` is not the zone the Front End Servers reported; the reported one is used. */
  'SERVER_TIME_ZONE_DIFFERS',
  /** Warning: a pool option this version accepts but ignores (`dateCulture`), so typed programs keep compiling. */
  'POOL_OPTION_DEPRECATED',
  // Hardening.
  /** A roll the declaration did not ask for is pending on the servers; up does not replace it unless told to. */
  'FOREIGN_ROLL_PENDING',
  /** The secret exists but holds no document of this provider: nothing is written to it unless adopted. */
  'STORE_NOT_OURS',
  /** The Node.js running the provider is older than the supported range. */
  'NODE_UNSUPPORTED',
  // The agent is a Windows machine.
  /** Another process (an antivirus scanner, a backup or indexing service, an editor) held a file the provider must replace or delete, past the retries. */
  'FILE_IN_USE',
  /** The provider could not make, or remove, the owner-only directory that carries secrets to another program: no secret is written there. */
  'PRIVATE_FILES_FAILED',
  // Automatic renewal through an issuer.
  /** The issuer (an ACME CA, a CA command, the self-signed issuer) failed to issue: its error is quoted, nothing was stored, the current certificate stays. */
  'ISSUER_FAILED',
  /** The ACME CA could not validate a challenge (DNS-01 or HTTP-01): nothing was stored. */
  'ACME_CHALLENGE_FAILED',
  /** The CA asked us to wait (HTTP 429 or 503 with Retry-After): nothing was ordered again before that time. */
  'ISSUER_RATE_LIMITED',
  /** An issuer call did not finish within its time limit; it was abandoned and nothing was stored. */
  'ISSUER_TIMEOUT',
  /** The issued certificate failed the checks a PFX must pass (RSA >= minKeyBits, the SIP domain, validity, the key we asked for). */
  'ISSUED_CERTIFICATE_INVALID',
  /** Warning: the ACME challenge (a TXT record, an HTTP token) could not be removed after the order; the order's outcome stands, the record is left for the operator to remove. */
  'ACME_CLEANUP_FAILED',
  // A certificate a Front End Server already has (`certificate: { thumbprint }`).
  /** The thumbprint (or the server's Default certificate) is not in `Cert:\LocalMachine\My` of the named server. */
  'CERT_NOT_ON_SERVER',
  /** The certificate on the server has no private key there. */
  'CERT_NO_PRIVATE_KEY',
  /** The certificate's private key cannot be exported, which the global assignment and replication need. */
  'CERT_KEY_NOT_EXPORTABLE',
  /** Warning: renewal is due too late for the roll lead time; the roll is scheduled at the latest instant that still lets replication finish before the current NotAfter. */
  'RENEWAL_LATE',
] as const;
export type OperationErrorCode = (typeof OPERATION_ERROR_CODES)[number];

/**
 * Codes of the warnings the provider's check reports, the closed set `pulumi preview` shows
 * (`warning CODE: sentence` on the dynamic provider's stderr) and `sfb-oauth-cert review` quotes:
 * the PFX warnings, a deprecated pool option, and an issuer's renewal that is late.
 */
export const CHECK_WARNING_CODES = [...PFX_WARNING_CODES, 'POOL_OPTION_DEPRECATED', 'RENEWAL_LATE'] as const satisfies readonly (PfxWarningCode | OperationErrorCode)[];
export type CheckWarningCode = (typeof CHECK_WARNING_CODES)[number];

/** Codes of `sfb-oauth-cert status` warnings: what an operator must look at between deployments. */
export const STATUS_WARNING_CODES = [
  /** Warning: Front End Servers (or a server and the Central Management Store) report different OAuthTokenIssuer certificates, or a server has its own local assignment. */
  'SERVERS_DISAGREE',
  /** Warning: the store, or what the stack recorded, names another certificate than the deployment reports. */
  'STORE_DISAGREES',
  /** Warning: the previous certificate Skype still keeps has expired; `Remove-CsCertificate -Previous` removes it. */
  'PREVIOUS_CERT_EXPIRED',
  /** Warning: a Central Management Store replica has not taken the latest change yet. */
  'REPLICATION_PENDING',
] as const;
export type StatusWarningCode = (typeof STATUS_WARNING_CODES)[number];

export type ErrorCode = PfxErrorCode | PfxWarningCode | OperationErrorCode | StatusWarningCode;

/**
 * How a sentence about one of our bugs (INTERNAL_ERROR) sends the reader on: to the README's
 * section on reporting a problem, which says where and with what.
 */
export const REPORT_A_PROBLEM = 'report it as the "Reporting a problem" section of the sfb-oauth-cert README says';

/** One finding: a code from the vocabulary and a full sentence. */
export interface Finding<C extends string = ErrorCode> {
  readonly code: C;
  readonly message: string;
}

const BRAND = 'SfbOAuthCertError';

/**
 * The error type every adapter throws after translating its vendor's error. Recognise it with
 * {@link isSfbError}, not `instanceof`: provider code is serialized into state and may be
 * loaded twice.
 */
export class SfbError extends Error {
  readonly brand = BRAND;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Whether retrying the same call may succeed (throttling, transient network failures). */
    readonly retryable = false,
  ) {
    super(message);
    // Uncaught (a program's constructor error), Node prints `name: message`: show the code there.
    this.name = `SfbError ${code}`;
  }
}

export function isSfbError(value: unknown): value is SfbError {
  return typeof value === 'object' && value !== null && (value as { brand?: unknown }).brand === BRAND;
}
