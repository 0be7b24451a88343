/**
 * `sfb-oauth-cert status` as a process against AWS Secrets Manager on moto (`scripts/moto start`;
 * without moto this fails, never skips), alone and beside the emulated pool (both editions): the
 * store's labels as thumbprints read with DescribeSecret alone, a store that disagrees with the
 * Central Management Store, a missing secret, and no secret in the output.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsSecretsManagerStore } from '../../provider/adapters/aws-secrets-manager';
import { EMULATOR, fixture, Pool, SERVERS, type Edition } from '../emulator/harness';
import { FaultProxy } from '../harness/fault-proxy';
import { MOTO_REGION, motoAwsEnv, requireMoto } from '../harness/moto';
import { runCli } from '../harness/cli';
import type { ProcessResult } from '../harness/process';

const A = fixture('openssl3-default');
const B = fixture('keytool-genkeypair');
const NOW = '2026-06-01T00:00:00Z';

type Run = ProcessResult;

// Credentials from the environment, as the SDK's default chain finds them in production.
const cli = (args: readonly string[]): Promise<Run> => runCli(args, { timeoutMs: 120_000, env: { ...process.env, ...motoAwsEnv() } });

const scratch = mkdtempSync(join(tmpdir(), 'sfb-status-aws-'));
const pools: Pool[] = [];
afterAll(() => {
  pools.forEach((p) => p.cleanup());
  rmSync(scratch, { recursive: true, force: true });
});

let endpoint: string;
beforeAll(async () => {
  endpoint = await requireMoto();
  Object.assign(process.env, motoAwsEnv());
});

/** A secret of its own on moto, holding `current` (and `previous` before it, if given). */
async function secretHolding(current: typeof A, previous?: typeof A): Promise<string> {
  const name = `sfb/status-test/${randomUUID()}`;
  const store = createAwsSecretsManagerStore({ region: MOTO_REGION, endpoint });
  for (const certificate of previous ? [previous, current] : [current]) {
    await store.putVersion({ name, versionId: `${certificate.thumbprint}-0123456789abcdef`, stage: 'current', payload: { pfxBase64: readFileSync(certificate.file).toString('base64'), password: certificate.password, thumbprint: certificate.thumbprint }, notAfter: '2035-01-01T00:00:00.000Z' });
  }
  return name;
}

function jsonOf(run: Run): { exitStatus: number; store: Record<string, unknown>; warnings: { code: string }[]; unreadable: { code: string }[]; serversAgree: boolean | null } {
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

function expectNoSecret(run: Run): void {
  for (const secret of [A.password!, B.password!]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  // The PFX itself (its base64) neither: status never reads the secret's value.
  expect(run.stdout).not.toContain(readFileSync(A.file).toString('base64').slice(0, 40));
}

describe('status with AWS Secrets Manager (moto)', () => {
  it('exit 0 for the store alone: its labels, as DescribeSecret names them', async () => {
    const name = await secretHolding(B, A);
    const run = await cli(['status', '--aws-region', MOTO_REGION, '--aws-endpoint', endpoint, '--secret-name', name, '--now', NOW, '--json']);
    expect(run.code).toBe(0);
    const report = jsonOf(run);
    expect(report.store).toEqual({
      description: `AWS Secrets Manager store in us-east-1 at ${endpoint}`,
      secretName: name,
      state: 'present',
      current: B.thumbprint,
      previous: A.thumbprint,
      pending: null,
      owner: null,
      deletionDate: null,
      secrets: [],
      note: null,
    });
    expectNoSecret(run);
  });

  it('exit 3 when the secret does not exist', async () => {
    const run = await cli(['status', '--aws-region', MOTO_REGION, '--aws-endpoint', endpoint, '--secret-name', `sfb/status-test/${randomUUID()}`, '--json']);
    expect(run.code).toBe(3);
    expect(jsonOf(run).unreadable.map((u) => u.code)).toEqual(['STORE_NOT_FOUND']);
  });

  it('the secret name from the stack outputs', async () => {
    const name = await secretHolding(A);
    const outputs = join(scratch, 'outputs.json');
    writeFileSync(outputs, JSON.stringify({ thumbprint: A.thumbprint, notAfter: '2035-01-01T00:00:00Z', secretName: name }));
    const run = await cli(['status', '--aws-region', MOTO_REGION, '--aws-endpoint', endpoint, '--stack-outputs', outputs, '--now', NOW, '--json']);
    expect(run.code).toBe(0);
    expect(jsonOf(run).store).toMatchObject({ secretName: name, current: A.thumbprint });
  });

  it('calls DescribeSecret and nothing else: no permission that reads the value is needed', async () => {
    const name = await secretHolding(B, A);
    const proxy = await FaultProxy.start(endpoint);
    try {
      const run = await cli(['status', '--aws-region', MOTO_REGION, '--aws-endpoint', proxy.endpoint, '--secret-name', name, '--now', NOW, '--json']);
      expect(run.code).toBe(0);
      expect(proxy.counts()).toEqual({ DescribeSecret: 1 });
      // Without the permission, the look fails (exit 3) with the store's code, and says so.
      proxy.inject({ action: 'DescribeSecret', fault: { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: secretsmanager:DescribeSecret' } });
      const denied = await cli(['status', '--aws-region', MOTO_REGION, '--aws-endpoint', proxy.endpoint, '--secret-name', name, '--json']);
      expect(denied.code).toBe(3);
      expect(jsonOf(denied).unreadable.map((u) => u.code)).toEqual(['STORE_ACCESS_DENIED']);
    } finally {
      await proxy.stop();
    }
  });

  describe.each<Edition>(['desktop', 'core'])('beside the emulated pool (%s edition)', (edition) => {
    async function poolWith(certificate: string): Promise<string> {
      const pool = await Pool.create({ edition, replicationDelay: 0 });
      pools.push(pool);
      await pool.ok(pool.importScript(certificate));
      const file = join(scratch, `pool-${edition}-${randomUUID()}.json`);
      writeFileSync(file, JSON.stringify({ servers: SERVERS, edition, command: ['env', `SFB_SKYPE_EMULATOR_DIR=${pool.stateDir}`, EMULATOR, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'] }));
      return file;
    }

    it('exit 0 when the store and the servers agree; exit 1 when the store names another certificate', async () => {
      const poolFile = await poolWith('openssl3-default');
      const agreeing = await cli(['status', '--pool', poolFile, '--aws-region', MOTO_REGION, '--aws-endpoint', endpoint, '--secret-name', await secretHolding(A), '--now', NOW, '--json']);
      expect(agreeing.code).toBe(0);
      expect(jsonOf(agreeing)).toMatchObject({ serversAgree: true, warnings: [], unreadable: [] });

      const ahead = await cli(['status', '--pool', poolFile, '--aws-region', MOTO_REGION, '--aws-endpoint', endpoint, '--secret-name', await secretHolding(B, A), '--now', NOW]);
      expect(ahead.code).toBe(1);
      expect(ahead.stdout).toContain(`warning STORE_DISAGREES: The store's AWSCURRENT certificate is ${B.thumbprint}, but the Central Management Store's current one is ${A.thumbprint};`);
      expectNoSecret(agreeing);
      expectNoSecret(ahead);
    });
  });
});
