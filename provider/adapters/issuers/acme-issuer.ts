/**
 * The `acme` issuer: an ACME CA (RFC 8555), public or an organisation's own, through acme-client
 * (the only module that touches it). The protocol is the library's; this module adds what a
 * deployment tool needs around it:
 *
 * - Every network wait is bounded. Each HTTP request carries the order's AbortSignal and a
 *   per-request timeout, and the whole order races the signal, so a CA that stops answering ends
 *   as ISSUER_TIMEOUT. acme-client's own pre-check of a challenge (it resolves the record through
 *   the machine's DNS before asking the CA, and with no reachable DNS that lookup was measured
 *   hanging ten minutes) is not used: the solver returns once the record is served (Route 53:
 *   INSYNC) and the CA is the judge.
 * - The CA's rate limits are respected, not retried into: acme-client's HTTP layer retries a 429
 *   or 5xx itself, sleeping for Retry-After, which here could outlast the deployment. That retry
 *   is turned off per request, and a 429 or 503 becomes ISSUER_RATE_LIMITED with the instant the
 *   CA named, so the next `pulumi up` after it orders again.
 * - The directory's TLS is trusted as the machine trusts it, plus `caCertificatesPem` for this
 *   client only (an internal CA, Pebble in tests): never process-wide.
 * - Retries reuse what ACME lets a client reuse: the account is found again from its key, and
 *   authorizations the CA still holds valid for it are not validated again. RFC 8555 has no
 *   client-chosen order id, and every attempt brings a new key and CSR, so a retry places a new
 *   order (renewalKey goes unused here); the renewal policy orders only when none is pending.
 *
 * The account key is the caller's (kept in the certificate store as a secret, made once by
 * {@link generateAcmeAccountKey}); it is never logged nor put in a message.
 */
import { generateKeyPair } from 'node:crypto';
import { Agent } from 'node:https';
import { promisify } from 'node:util';
import * as acme from 'acme-client';
import { isSfbError, SfbError, type Finding } from '../../domain/errors';
import { ISSUER_NUMBERS } from '../../domain/issuer-spec';
import type { CertificateIssuer, IssueRequest, IssuedChain } from '../../ports/certificate-issuer';
import type { ChallengeRecord, ChallengeSolver } from './acme-challenge';
import { splitPemChain } from './pem-chain';

const generateEc = promisify(generateKeyPair);

/** A new ACME account key (ECDSA P-256, PKCS#8 PEM): secret, for the caller to store. */
export async function generateAcmeAccountKey(): Promise<string> {
  const { privateKey } = await generateEc('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export interface AcmeIssuerOptions {
  /** The CA's directory URL, e.g. `https://acme-v02.api.letsencrypt.org/directory`. */
  readonly directoryUrl: string;
  /** The account's contact address; CAs send expiry notices there. */
  readonly email?: string;
  /** The account key, PEM (secret). */
  readonly accountKeyPem: string;
  /** How the SIP domain is proven. */
  readonly challenge: ChallengeSolver;
  /** Extra roots (PEM) trusted for the directory's TLS, this client only. */
  readonly caCertificatesPem?: string;
  /** Each HTTP request. @default 30 */
  readonly requestTimeoutSeconds?: number;
  /** The whole order, challenges included. @default ISSUER_NUMBERS.acmeTimeoutSeconds' default (domain/issuer-spec.ts) */
  readonly orderTimeoutSeconds?: number;
  /** Polling of an order or challenge: first wait, then doubling up to `pollMaxMs`. @default 1000 */
  readonly pollMinMs?: number;
  /** @default 10000 */
  readonly pollMaxMs?: number;
  /** The clock that turns a Retry-After of seconds into an instant. @default the system clock */
  readonly now?: () => Date;
  /**
   * Told what went wrong without changing the order's outcome: a challenge that could not be
   * removed afterwards (ACME_CLEANUP_FAILED). @default none: the finding is dropped
   */
  readonly onWarning?: (finding: Finding<'ACME_CLEANUP_FAILED'>) => void;
}

/** An ISSUER_RATE_LIMITED error carries the instant the CA named; recognise it by `retryAt`. */
export interface RateLimitedError extends SfbError {
  /** ISO 8601: do not order from this CA before it. */
  readonly retryAt: string;
}

export function retryAtOf(error: unknown): string | undefined {
  return isSfbError(error) && error.code === 'ISSUER_RATE_LIMITED' ? (error as Partial<RateLimitedError>).retryAt : undefined;
}

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); absent or unreadable: a minute. */
function retryInstant(header: unknown, now: Date): Date {
  const text = typeof header === 'string' ? header.trim() : '';
  if (/^\d+$/.test(text)) return new Date(now.getTime() + Number(text) * 1000);
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? new Date(now.getTime() + 60_000) : date;
}

interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly data?: { readonly detail?: string; readonly type?: string };
}
interface AxiosLikeError {
  readonly code?: string;
}
type Request = (url: string, method: string, opts?: Record<string, unknown>) => Promise<HttpResponse>;

/**
 * The client's HTTPS agent, which also remembers the last socket error: acme-client 5.4's HTTP
 * layer turns a request that got no response (refused, reset, TLS failure, timeout) into a
 * TypeError once its retries are off (its retry handler reads the missing response), so the
 * cause is taken from the socket.
 */
class RecordingAgent extends Agent {
  lastError: string | undefined;
  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args);
    socket?.once('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error.code ?? error.name;
    });
    return socket;
  }
}

/** How long removing a challenge may take: it runs after the order, outside the order's own bound. */
const CLEANUP_TIMEOUT_MS = 60_000;

/**
 * The ACME_CLEANUP_FAILED sentence: what was left where, and why (the solver's SfbError is ours and
 * names no secret; anything else is named by its class only).
 */
function cleanupFailure(record: ChallengeRecord, error: unknown): string {
  const left = record.type === 'dns-01' ? `the TXT record ${record.name}` : `the HTTP-01 response at http://${record.domain}${record.path}`;
  const why = isSfbError(error) ? `${error.code}: ${error.message}` : `an unexpected ${error instanceof Error ? error.name : typeof error}`;
  return `The ${record.type} challenge for ${record.domain} could not be removed after the order (${why}); the order's outcome stands. Remove ${left} by hand; it only ever proved this order.`;
}

/** A wait that ends when `signal` aborts. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fire = () => reject(signal.reason);
    if (signal.aborted) fire();
    else signal.addEventListener('abort', fire, { once: true });
  });
}

/** RFC 8555 section 7.3.1: no account holds this key (the answer to `onlyReturnExisting`). */
const ACCOUNT_DOES_NOT_EXIST = 'urn:ietf:params:acme:error:accountDoesNotExist';

class Order {
  /** The problem type (RFC 8555 section 6.7) of the last answer that carried one: acme-client keeps only its detail. */
  lastProblemType: string | undefined;

  constructor(
    private readonly options: AcmeIssuerOptions,
    private readonly where: string,
    private readonly signal: AbortSignal,
  ) {}

  /** A client whose every request is bounded, trusts `caCertificatesPem`, and stops at a rate limit. */
  client(): acme.Client {
    const client = new acme.Client({
      directoryUrl: this.options.directoryUrl,
      accountKey: this.options.accountKeyPem,
      backoffAttempts: 30,
      backoffMin: this.options.pollMinMs ?? 1000,
      backoffMax: this.options.pollMaxMs ?? 10_000,
    });
    const http = (client as unknown as { http: { request: Request } }).http;
    const original: Request = http.request.bind(http);
    // Without `ca`, the agent trusts what Node trusts by default.
    const httpsAgent = new RecordingAgent(this.options.caCertificatesPem ? { ca: this.options.caCertificatesPem } : {});
    const timeout = (this.options.requestTimeoutSeconds ?? 30) * 1000;
    http.request = async (url, method, opts = {}) => {
      let response: HttpResponse;
      const started = Date.now();
      httpsAgent.lastError = undefined;
      try {
        // retryAttempt past acme-client's maximum: its HTTP layer then never sleeps and retries.
        response = await original(url, method, { ...opts, signal: this.signal, timeout, retryAttempt: Number.MAX_SAFE_INTEGER, httpsAgent });
      } catch (error) {
        const timedOut = Date.now() - started >= timeout;
        throw this.networkError(timedOut ? 'ETIMEDOUT' : (httpsAgent.lastError ?? (error as AxiosLikeError).code ?? 'network error'), method, url);
      }
      if (response.status === 429 || response.status === 503) {
        const at = retryInstant(response.headers['retry-after'], (this.options.now ?? (() => new Date()))());
        const detail = response.data?.detail ? ` ("${response.data.detail.slice(0, 300)}")` : '';
        const error = new SfbError(
          'ISSUER_RATE_LIMITED',
          `${this.where} answered HTTP ${response.status}${detail} and asked to wait until ${at.toISOString()}; nothing was ordered. A \`pulumi up\` after that instant orders again.`,
          true,
        ) as SfbError & { retryAt: string };
        Object.defineProperty(error, 'retryAt', { value: at.toISOString(), enumerable: true });
        throw error;
      }
      this.lastProblemType = response.status >= 400 ? response.data?.type : undefined;
      return response;
    };
    return client;
  }

  private networkError(code: string, method: string, url: string): SfbError {
    if (this.signal.aborted) return this.timedOut();
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return new SfbError('ISSUER_TIMEOUT', `${this.where} did not answer ${method.toUpperCase()} ${new URL(url).pathname} within ${this.options.requestTimeoutSeconds ?? 30} s; nothing was stored. The next \`pulumi up\` retries.`, true);
    }
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
    return new SfbError(
      'ISSUER_FAILED',
      `${this.where} could not be reached (${code} on ${method.toUpperCase()} ${new URL(url).pathname}); nothing was stored. ${tls ? "Its TLS certificate is not trusted: give the CA's root in `caCertificatesPem`." : 'Check `directoryUrl` and that the CA is up; the next `pulumi up` retries.'}`,
      !tls,
    );
  }

  timedOut(): SfbError {
    return new SfbError('ISSUER_TIMEOUT', `${this.where} did not complete the order within ${this.options.orderTimeoutSeconds ?? ISSUER_NUMBERS.acmeTimeoutSeconds[0]} s (or the provider's time for it ran out); it was abandoned and nothing was stored. The next \`pulumi up\` retries.`, true);
  }
}

/** The ACME issuer. */
export function acmeIssuer(options: AcmeIssuerOptions): CertificateIssuer {
  let directory: URL;
  try {
    directory = new URL(options.directoryUrl);
  } catch {
    throw new SfbError('INVALID_ARGUMENT', `The ACME \`directoryUrl\` "${options.directoryUrl}" is not a URL; give the CA's directory, e.g. https://acme-v02.api.letsencrypt.org/directory.`);
  }
  // RFC 8555 requires HTTPS; plain HTTP is let through on loopback only, for a local test CA.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(directory.hostname);
  if (directory.protocol !== 'https:' && !(directory.protocol === 'http:' && loopback)) {
    throw new SfbError('INVALID_ARGUMENT', `The ACME \`directoryUrl\` "${options.directoryUrl}" is not https; RFC 8555 requires HTTPS: give the CA's https:// directory.`);
  }
  if (directory.username || directory.password) {
    throw new SfbError('INVALID_ARGUMENT', 'The ACME `directoryUrl` carries credentials; remove them (ACME authenticates with the account key).');
  }
  const where = `The ACME CA at ${directory.origin}${directory.pathname}`;
  const description = `ACME ${directory.origin}${directory.pathname} (${options.challenge.description})`;

  async function run(request: IssueRequest, order: Order, signal: AbortSignal): Promise<IssuedChain> {
    const client = order.client();
    await signIn(client, order);
    let current = await client.createOrder({ identifiers: [{ type: 'dns', value: request.sipDomain }] });

    if (current.status === 'pending') {
      for (const authorization of await client.getAuthorizations(current)) {
        if (authorization.status === 'valid') continue;
        await prove(client, authorization, signal);
      }
    }
    if (current.status !== 'valid') {
      current = await client.finalizeOrder(current, request.csrPem);
    }
    const pem = await client.getCertificate(current);
    const [leafPem, ...chainPems] = splitPemChain(pem);
    if (leafPem === undefined) throw new SfbError('ISSUER_FAILED', `${where} returned no PEM certificate for the finalized order ${current.url}; report it to the CA's operator.`);
    return { leafPem, chainPems };
  }

  /**
   * Finds the account this key holds, or creates it. Asked first with `onlyReturnExisting`
   * (RFC 8555 section 7.3.1), because acme-client answers a known key's 200 to a plain
   * newAccount with an account update carrying `termsOfServiceAgreed` alone, which CAs refuse as
   * an empty update (Pebble: "Use POST-as-GET to retrieve account data"): without an `email`, every
   * order after the first failed. A known account's contact is set to `email` when one is given.
   */
  async function signIn(client: acme.Client, order: Order): Promise<void> {
    const contact = options.email ? { contact: [`mailto:${options.email}`] } : undefined;
    try {
      await client.createAccount({ onlyReturnExisting: true });
    } catch (error) {
      if (order.lastProblemType !== ACCOUNT_DOES_NOT_EXIST) throw error;
      await client.createAccount({ termsOfServiceAgreed: true, ...contact });
      return;
    }
    if (contact) await client.updateAccount(contact);
  }

  async function prove(client: acme.Client, authorization: acme.Authorization, signal: AbortSignal): Promise<void> {
    const domain = authorization.identifier.value;
    const challenge = authorization.challenges.find((candidate) => candidate.type === options.challenge.type);
    if (!challenge) {
      const offered = authorization.challenges.map((c) => c.type).join(', ') || 'none';
      throw new SfbError('ACME_CHALLENGE_FAILED', `${where} offers no ${options.challenge.type} challenge for ${domain} (it offers ${offered}); choose a challenge the CA offers.`);
    }
    const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
    const record: ChallengeRecord =
      challenge.type === 'dns-01'
        ? { type: 'dns-01', domain, name: `_acme-challenge.${domain}`, value: keyAuthorization }
        : { type: 'http-01', domain, token: challenge.token, path: `/.well-known/acme-challenge/${challenge.token}`, content: keyAuthorization };
    await options.challenge.present(record, signal);
    try {
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(authorization).catch((error: unknown) => {
        if (isSfbError(error)) throw error;
        // acme-client reports an invalid authorization with the CA's problem detail.
        const detail = error instanceof Error ? error.message.slice(0, 500) : String(error);
        throw new SfbError(
          'ACME_CHALLENGE_FAILED',
          `${where} could not validate the ${challenge.type} challenge for ${domain} ("${detail}"); nothing was stored. ${challenge.type === 'dns-01' ? `Check that the TXT record ${record.type === 'dns-01' ? record.name : ''} is published where the CA resolves it` : `Check that http://${domain}${record.type === 'http-01' ? record.path : ''} reaches the hook's web server from the internet`}, then run \`pulumi up\` again.`,
        );
      });
    } finally {
      // Removed whatever happened; a failing clean-up must not hide the order's own outcome,
      // but it is reported: a TXT record or token left behind is the operator's to remove.
      await options.challenge.cleanUp(record, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch((error: unknown) => {
        options.onWarning?.({ code: 'ACME_CLEANUP_FAILED', message: cleanupFailure(record, error) });
      });
    }
  }

  return {
    description,
    async issue(request) {
      const signal = AbortSignal.any([request.signal, AbortSignal.timeout((options.orderTimeoutSeconds ?? ISSUER_NUMBERS.acmeTimeoutSeconds[0]) * 1000)]);
      const order = new Order(options, where, signal);
      try {
        return await Promise.race([run(request, order, signal), untilAborted(signal)]);
      } catch (error) {
        if (signal.aborted) throw isSfbError(error) && error.code !== 'ISSUER_FAILED' ? error : order.timedOut();
        if (isSfbError(error)) throw error;
        const detail = error instanceof Error ? error.message.slice(0, 500) : String(error);
        throw new SfbError('ISSUER_FAILED', `${where} refused the order for ${request.sipDomain} ("${detail}"); nothing was stored. Fix what it reports (the CA's policy for the name, the account), then run \`pulumi up\` again.`);
      }
    },
  };
}
