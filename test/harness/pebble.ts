/**
 * Pebble (Let's Encrypt's ACME test server) and pebble-challtestsrv on loopback, for the ACME
 * issuer's tests: each on free ports, Pebble resolving names through challtestsrv's DNS and
 * fetching HTTP-01 answers from its HTTP server (every name resolves to 127.0.0.1). Installed by
 * scripts/install-pebble (run-tests.js runs it); a missing install fails the test, never skips.
 *
 * Pebble's knobs for tests: no random validation sleeps (PEBBLE_VA_NOSLEEP), no random nonce
 * rejections (PEBBLE_WFE_NONCEREJECT=0), no reuse of valid authorizations (PEBBLE_AUTHZREUSE=0,
 * so every order validates for real); PEBBLE_VA_ALWAYS_VALID only when a test asks for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pebbleLayout } from '../../scripts/pebble-layout';

export interface PebbleOptions {
  /** PEBBLE_VA_ALWAYS_VALID: every challenge passes without a lookup. @default false */
  readonly alwaysValid?: boolean;
  /**
   * How long the certificates it issues are valid, in seconds (its only profile's
   * ValidityPeriod). Pebble dates them by the real clock. @default Pebble's, 90 days
   */
  readonly validitySeconds?: number;
}

export interface RunningPebble {
  /** https://127.0.0.1:<port>/dir */
  readonly directoryUrl: string;
  /** The root of Pebble's listener certificate: trust it for the ACME client only. */
  readonly tlsRootPem: string;
  /** challtestsrv's management API (set-txt, add-http01, ...). */
  readonly challengeServerUrl: string;
  /** Pebble's process id (a hook stops the CA mid-order with it). */
  readonly caPid: number;
  /** Stops Pebble only (the CA going away mid-order). */
  stopCa(): void;
  /**
   * Starts Pebble again on the same ports (challtestsrv keeps running) with these options: a
   * new CA (new roots, no accounts: a known account key registers again) at the same directory.
   */
  restartCa(options?: PebbleOptions): Promise<void>;
  /** Stops both. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, log: string[]): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const keep = (chunk: Buffer) => log.push(chunk.toString('utf8'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Resolves once the process has exited (at once if it has), so its ports are free. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once `url` answers (TLS checked against `ca`), or rejects after `timeoutMs`. */
async function waitForHttps(url: string, ca: string, timeoutMs: number, log: string[]): Promise<void> {
  const agent = new Agent({ ca });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const req = get(url, { agent, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.on('timeout', () => req.destroy());
    });
    // Any answer means it is up (Pebble answers 400 to a request without a User-Agent).
    if (status !== 0) return;
    if (Date.now() > deadline) throw new Error(`Pebble did not answer ${url} within ${timeoutMs} ms; its output:\n${log.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPebble(options: PebbleOptions = {}): Promise<RunningPebble> {
  const layout = pebbleLayout();
  for (const file of [layout.pebble, layout.challtestsrv, layout.tlsCert, layout.tlsKey, layout.tlsRoot]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/install-pebble (scripts/run-tests.js does).`);
  }
  const [acmePort, managementPort, dnsPort, httpPort, challengeApiPort, tlsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'sfb-pebble-'));
  const config = join(dir, 'pebble-config.json');
  const writeConfig = (caOptions: PebbleOptions) =>
    writeFileSync(
      config,
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${managementPort}`,
          certificate: layout.tlsCert,
          privateKey: layout.tlsKey,
          httpPort,
          tlsPort,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
          retryAfter: { authz: 1, order: 1 },
          ...(caOptions.validitySeconds !== undefined ? { profiles: { default: { description: 'the tests\' only profile', validityPeriod: caOptions.validitySeconds } } } : {}),
        },
      }),
    );
  const log: string[] = [];
  const challtestsrv = start(
    layout.challtestsrv,
    ['-management', `127.0.0.1:${challengeApiPort}`, '-dnsserver', `127.0.0.1:${dnsPort}`, '-http01', `127.0.0.1:${httpPort}`, '-https01', '', '-doh', '', '-tlsalpn01', '', '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''],
    process.env,
    log,
  );
  const startCa = (caOptions: PebbleOptions): ChildProcess => {
    writeConfig(caOptions);
    const env = { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0', ...(caOptions.alwaysValid ? { PEBBLE_VA_ALWAYS_VALID: '1' } : {}) };
    return start(layout.pebble, ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], env, log);
  };
  let pebble = startCa(options);
  const tlsRootPem = readFileSync(layout.tlsRoot, 'utf8');
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const stop = async () => {
    kill(pebble);
    kill(challtestsrv);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttps(directoryUrl, tlsRootPem, 20_000, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    directoryUrl,
    tlsRootPem,
    challengeServerUrl: `http://127.0.0.1:${challengeApiPort}`,
    get caPid() {
      return pebble.pid!;
    },
    stopCa: () => kill(pebble),
    async restartCa(caOptions = {}) {
      kill(pebble);
      await exited(pebble);
      pebble = startCa(caOptions);
      await waitForHttps(directoryUrl, tlsRootPem, 20_000, log);
    },
    stop,
  };
}
