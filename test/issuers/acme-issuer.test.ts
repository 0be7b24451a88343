/**
 * The ACME issuer against a real CA: Pebble, validating challenges for real through
 * pebble-challtestsrv (the hooks publish there, as an operator's hooks would in their DNS or web
 * server). Also: a challenge that fails, a hook that fails, Pebble stopped mid-order, a CA that
 * rate-limits, a CA that never answers, and the always-valid shortcut in one explicit test.
 */
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acmeIssuer, generateAcmeAccountKey, retryAtOf, type AcmeIssuerOptions } from '../../provider/adapters/issuers/acme-issuer';
import type { ChallengeSolver } from '../../provider/adapters/issuers/acme-challenge';
import { challengeHooks } from '../../provider/adapters/issuers/challenge-hooks';
import { route53Dns01 } from '../../provider/adapters/issuers/route53-dns01';
import type { Finding } from '../../provider/domain/errors';
import { issueCertificate } from '../../provider/adapters/issuers/issue-certificate';
import { validatePfx } from '../../provider/validate-pfx';
import { pebbleLayout } from '../../scripts/pebble-layout';
import { startPebble, type RunningPebble } from '../harness/pebble';

const HOOK = join(__dirname, '..', 'fixtures', 'issuers', 'challtestsrv-hook.js');
const SIP = 'contoso.com';
const noRejection = (): never => {
  throw new Error('expected the call to reject');
};

let pebble: RunningPebble;
let dir: string;
let accountKeyPem: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sfb-acme-'));
  [pebble, accountKeyPem] = await Promise.all([startPebble(), generateAcmeAccountKey()]);
});
afterAll(async () => {
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Hooks that publish through challtestsrv and log each call to a file of their own. */
function hooks(type: 'dns-01' | 'http-01', mode?: 'fail' | 'fail-cleanup' | 'skip', server = pebble) {
  const log = join(dir, `${type}-${Math.random().toString(36).slice(2)}.log`);
  const command = [process.execPath, HOOK, server.challengeServerUrl, log, ...(mode ? [mode] : [])];
  return { solver: challengeHooks({ type, present: command, cleanUp: command, timeoutSeconds: 30 }), calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

function issuer(challenge: ChallengeSolver, server = pebble, extra: Partial<AcmeIssuerOptions> = {}) {
  return acmeIssuer({ directoryUrl: server.directoryUrl, email: 'pki@contoso.com', accountKeyPem, challenge, caCertificatesPem: server.tlsRootPem, pollMinMs: 200, pollMaxMs: 1000, ...extra });
}

const order = (signal = new AbortController().signal) => ({ sipDomain: SIP, renewalKey: 'renewal-1', signal });

/** No secret in a message: neither the account key nor any private key. */
function expectNoSecret(message: string): void {
  expect(message).not.toContain('PRIVATE KEY');
  expect(message).not.toContain(accountKeyPem.split('\n')[1]!);
}

describe('the ACME issuer on Pebble', () => {
  it.each([['dns-01' as const], ['http-01' as const]])('orders over %s: the challenge published, validated by the CA, removed; a PFX validatePfx accepts', async (type) => {
    const { solver, calls } = hooks(type);
    const issued = await issueCertificate(issuer(solver), order());
    const validation = await validatePfx(issued.pfxBase64, issued.password, { sipDomain: SIP });
    // Pebble leaves the subject empty and names the domain in the SAN only.
    expect(validation).toMatchObject({ valid: true, errors: [], subject: '', dnsNames: [SIP], keyAlgorithm: 'rsa', keyBits: 2048, thumbprint: issued.thumbprint });
    expect(validation.chainSize).toBeGreaterThanOrEqual(2);
    const name = type === 'dns-01' ? `_acme-challenge.${SIP}` : expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/);
    const logged = calls().map((line) => line.split(' '));
    expect(logged).toEqual([['present', type, name], ['cleanup', type, name]]);
  });

  it('an account without email, ordering twice with its key: the second order signs in to the same account (no empty account update)', async () => {
    const key = await generateAcmeAccountKey();
    const { solver } = hooks('http-01');
    const withoutEmail = () => acmeIssuer({ directoryUrl: pebble.directoryUrl, accountKeyPem: key, challenge: solver, caCertificatesPem: pebble.tlsRootPem, pollMinMs: 200, pollMaxMs: 1000 });
    const first = await issueCertificate(withoutEmail(), order());
    const second = await issueCertificate(withoutEmail(), order());
    expect(second.thumbprint).not.toBe(first.thumbprint);
  });

  it('a challenge the CA cannot validate: ACME_CHALLENGE_FAILED quoting the CA, the record removed, nothing returned', async () => {
    const { solver, calls } = hooks('dns-01', 'skip');
    const error = await issueCertificate(issuer(solver), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ACME_CHALLENGE_FAILED' });
    expect(error.message).toMatch(/^The ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir could not validate the dns-01 challenge for contoso\.com \(".+"\); nothing was stored\. Check that the TXT record _acme-challenge\.contoso\.com is published where the CA resolves it, then run `pulumi up` again\.$/);
    expect(calls().map((line) => line.split(' ')[0])).toEqual(['present', 'cleanup']);
    expectNoSecret(error.message);
  });

  it('a present hook that fails: ISSUER_FAILED quoting its stderr, and clean-up is not left undone', async () => {
    const { solver, calls } = hooks('dns-01', 'fail');
    const error = await issueCertificate(issuer(solver), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(error.message).toContain('exited with 4 (stderr: "the DNS server refused the update")');
    expect(calls()[0]).toBe(`present dns-01 _acme-challenge.${SIP}`);
    expectNoSecret(error.message);
  });

  it('a clean-up hook that fails: the order stands, ACME_CLEANUP_FAILED names the record left behind', async () => {
    const { solver, calls } = hooks('dns-01', 'fail-cleanup');
    const warnings: Finding<string>[] = [];
    const issued = await issueCertificate(issuer(solver, pebble, { onWarning: (finding) => warnings.push(finding) }), order());
    expect((await validatePfx(issued.pfxBase64, issued.password, { sipDomain: SIP })).valid).toBe(true);
    expect(calls()).toEqual([`present dns-01 _acme-challenge.${SIP}`, `cleanup dns-01 _acme-challenge.${SIP}`]);
    expect(warnings).toEqual([
      {
        code: 'ACME_CLEANUP_FAILED',
        message: `The dns-01 challenge for contoso.com could not be removed after the order (ISSUER_FAILED: The dns-01 clean-up hook \`${process.execPath}\` exited with 4 (stderr: "the DNS server refused the deletion") for contoso.com; the challenge may still be published. Fix what it reports, then run \`pulumi up\` again.); the order's outcome stands. Remove the TXT record _acme-challenge.contoso.com by hand; it only ever proved this order.`,
      },
    ]);
  });

  it('a Route 53 clean-up that fails (the endpoint gone after the record was published): the order stands, ACME_CLEANUP_FAILED names the record, no credential in it', async () => {
    const { solver: publish } = hooks('dns-01');
    const closed = await new Promise<number>((resolve) => {
      const server = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const route53 = route53Dns01({
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      clientConfig: { endpoint: `http://127.0.0.1:${closed}`, maxAttempts: 1, credentials: { accessKeyId: 'AKIAEXAMPLECLEANUP', secretAccessKey: 'route53-secret-key-c1ea' } },
    });
    const warnings: Finding<string>[] = [];
    await issueCertificate(issuer({ ...publish, cleanUp: route53.cleanUp }, pebble, { onWarning: (finding) => warnings.push(finding) }), order());
    // The socket's code (ECONNREFUSED) reaches the adapter in a plain Node process; under jest the
    // SDK wraps the other realm's error and only "network error" is left to name.
    expect(warnings).toEqual([
      {
        code: 'ACME_CLEANUP_FAILED',
        message: expect.stringMatching(
          /^The dns-01 challenge for contoso\.com could not be removed after the order \(ISSUER_FAILED: Route 53 failed while removing the TXT record _acme-challenge\.contoso\.com in hosted zone Z0123456789ABCDEFGHIJ \((ECONNREFUSED|network error)\); the record may still be published\. Check the AWS credentials and network of the machine that runs Pulumi\.\); the order's outcome stands\. Remove the TXT record _acme-challenge\.contoso\.com by hand; it only ever proved this order\.$/,
        ),
      },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('route53-secret-key-c1ea');
  });

  it('an https directory the client does not trust: ISSUER_FAILED naming caCertificatesPem (trust is per client, never process-wide)', async () => {
    const { solver } = hooks('dns-01');
    const error = await issueCertificate(acmeIssuer({ directoryUrl: pebble.directoryUrl, accountKeyPem, challenge: solver }), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_FAILED' });
    expect(error.message).toContain('give the CA\'s root in `caCertificatesPem`');
  });

  it('the always-valid shortcut (PEBBLE_VA_ALWAYS_VALID), in this one test: an order whose challenge is never published still succeeds', async () => {
    const lenient = await startPebble({ alwaysValid: true });
    try {
      const { solver } = hooks('dns-01', 'skip', lenient);
      const issued = await issueCertificate(issuer(solver, lenient), order());
      expect(issued.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    } finally {
      await lenient.stop();
    }
  });

  it('Pebble stopped mid-order: a clear, retryable ISSUER_FAILED within seconds, nothing returned', async () => {
    const doomed = await startPebble();
    try {
      const { solver } = hooks('dns-01', undefined, doomed);
      const stopping: ChallengeSolver = { ...solver, present: async (record, signal) => (await solver.present(record, signal), doomed.stopCa()) };
      const started = Date.now();
      const error = await issueCertificate(issuer(stopping, doomed), order()).then(noRejection, (e: unknown) => e as Error);
      expect(error).toMatchObject({ code: 'ISSUER_FAILED', retryable: true });
      expect(error.message).toMatch(/^The ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir could not be reached \((ECONNREFUSED|ECONNRESET) on (HEAD|POST) \/[^)]+\); nothing was stored\. Check `directoryUrl` and that the CA is up; the next `pulumi up` retries\.$/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await doomed.stop();
    }
  });
});

describe('the ACME issuer against a CA that rate-limits or hangs', () => {
  let server: Server;
  let requests = 0;
  let behaviour: 'rate-limit' | 'hang' = 'rate-limit';
  let limit: { status: number; retryAfter?: string } = { status: 429, retryAfter: '120' };
  let url: string;
  beforeAll(async () => {
    const layout = pebbleLayout();
    server = createServer({ cert: readFileSync(layout.tlsCert), key: readFileSync(layout.tlsKey) }, (req, res) => {
      requests += 1;
      if (behaviour === 'hang') return;
      res.writeHead(limit.status, { ...(limit.retryAfter ? { 'Retry-After': limit.retryAfter } : {}), 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'urn:ietf:params:acme:error:rateLimited', detail: 'too many new orders recently' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}/directory`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('HTTP 429 with Retry-After: ISSUER_RATE_LIMITED at the instant the CA named, after one request (no retry loop)', async () => {
    behaviour = 'rate-limit';
    limit = { status: 429, retryAfter: '120' };
    requests = 0;
    const now = new Date('2026-12-07T12:00:00Z');
    const { solver } = hooks('dns-01');
    const error = await issueCertificate(acmeIssuer({ directoryUrl: url, accountKeyPem, challenge: solver, caCertificatesPem: pebble.tlsRootPem, now: () => now }), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_RATE_LIMITED', retryable: true, retryAt: '2026-12-07T12:02:00.000Z' });
    expect(retryAtOf(error)).toBe('2026-12-07T12:02:00.000Z');
    expect(error.message).toBe(`The ACME CA at ${url} answered HTTP 429 ("too many new orders recently") and asked to wait until 2026-12-07T12:02:00.000Z; nothing was ordered. A \`pulumi up\` after that instant orders again.`);
    expect(requests).toBe(1);
  });

  it.each([
    ['503 with an HTTP-date', { status: 503, retryAfter: 'Mon, 07 Dec 2026 13:30:00 GMT' }, '2026-12-07T13:30:00.000Z'],
    ['429 without Retry-After (a minute)', { status: 429 }, '2026-12-07T12:01:00.000Z'],
  ])('HTTP %s: ISSUER_RATE_LIMITED until that instant', async (_row, answer, retryAt) => {
    behaviour = 'rate-limit';
    limit = answer;
    const now = new Date('2026-12-07T12:00:00Z');
    const { solver } = hooks('dns-01');
    const error = await issueCertificate(acmeIssuer({ directoryUrl: url, accountKeyPem, challenge: solver, caCertificatesPem: pebble.tlsRootPem, now: () => now }), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_RATE_LIMITED', retryAt });
  });

  it('a CA that never answers: ISSUER_TIMEOUT at the order\'s bound', async () => {
    behaviour = 'hang';
    const { solver } = hooks('dns-01');
    const started = Date.now();
    const error = await issueCertificate(acmeIssuer({ directoryUrl: url, accountKeyPem, challenge: solver, caCertificatesPem: pebble.tlsRootPem, orderTimeoutSeconds: 2 }), order()).then(noRejection, (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'ISSUER_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a directory that is not https, or carries credentials', () => {
    const { solver } = hooks('dns-01');
    expect(() => acmeIssuer({ directoryUrl: 'http://ca.contoso.com/directory', accountKeyPem, challenge: solver })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => acmeIssuer({ directoryUrl: 'https://user:pw@ca.contoso.com/directory', accountKeyPem, challenge: solver })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
