/**
 * The ACME account key in the AWS Secrets Manager store, through the real Pulumi CLI, on moto
 * (the real AWS SDK over HTTP) and Pebble over HTTP-01 hooks: the first order makes the key and
 * stores it once, inside the certificate's secret (no other secret holds it); the renewal signs
 * in with that key and carries it on to the new version; it is never in state, in the CLI's
 * output, or in the hooks' argv. Read back with plain SDK calls, not through the adapter.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, ListSecretsCommand, ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DAY_MS } from '../../provider/domain/time';
import { CliProject } from '../harness/cli-project';
import { engineProgram } from '../harness/engine-program';
import { MOTO_REGION, motoAwsEnv, requireMoto, secretsManagerClient } from '../harness/moto';
import { startPebble, type RunningPebble } from '../harness/pebble';

const HOOK = join(__dirname, '..', 'fixtures', 'issuers', 'challtestsrv-hook.js');
const SECRET_NAME = `sfb/acme-aws/${randomUUID()}`;

const PROGRAM = engineProgram({
  imports: ["import { readFileSync } from 'node:fs';"],
  setup: ["const hook = config.requireObject<string[]>('hook');"],
  args: [
    `certificate: Issuers.acme({
  directoryUrl: config.require('directoryUrl'),
  caCertificatesPem: readFileSync(config.require('caFile'), 'utf8'),
  challenge: AcmeChallenges.http01Hook({ present: hook, cleanUp: hook }),
  timeoutSeconds: 60,
})`,
    `secretName: '${SECRET_NAME}'`,
    `store: CertificateStores.awsSecretsManager({ region: '${MOTO_REGION}', endpoint: config.require('endpoint') })`,
  ],
  exports: ['thumbprint', 'plan'],
});

type Outs = { thumbprint: string; pendingThumbprint: string | null; plan: string; notBefore: string; notAfter: string };
type Document = { thumbprint: string; acmeAccountKeyPem?: string; password: string; pfxBase64: string };

describe('the ACME account key in AWS Secrets Manager (moto) through the Pulumi CLI', () => {
  let pebble: RunningPebble;
  let project: CliProject;
  let sdk: SecretsManagerClient;
  const dir = mkdtempSync(join(tmpdir(), 'sfb-renewal-acme-aws-'));
  const saved: Record<string, string | undefined> = {};

  /** Every version of the secret, read with plain SDK calls: its stages and its document. */
  const versions = async () => {
    const listed = await sdk.send(new ListSecretVersionIdsCommand({ SecretId: SECRET_NAME }));
    return Promise.all(
      (listed.Versions ?? []).map(async (version) => {
        const value = await sdk.send(new GetSecretValueCommand({ SecretId: SECRET_NAME, VersionId: version.VersionId! }));
        return { stages: [...(version.VersionStages ?? [])].sort(), document: JSON.parse(value.SecretString!) as Document };
      }),
    );
  };

  beforeAll(async () => {
    const endpoint = await requireMoto();
    sdk = secretsManagerClient(endpoint);
    // The provider reaches moto with these (and the test clock is allowed: the endpoint is loopback).
    for (const [name, value] of Object.entries(motoAwsEnv())) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    pebble = await startPebble({ validitySeconds: 10 * DAY_MS / 1000 });
    project = await CliProject.create({ program: PROGRAM });
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pebble.tlsRootPem);
    await project.setConfig('directoryUrl', pebble.directoryUrl);
    await project.setConfig('caFile', caFile);
    await project.setConfig('hook', JSON.stringify([process.execPath, HOOK, pebble.challengeServerUrl, join(dir, 'hook.log')]));
    await project.setConfig('endpoint', endpoint);
    project.shiftClock(0);
  });

  afterAll(async () => {
    project?.cleanup();
    await pebble?.stop();
    sdk?.destroy();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('is stored once with the certificate, signs the renewal, and is carried on; never in state, output or argv', async () => {
    await project.ok(['up', '--yes']);
    const created = await project.resourceOutputs<Outs>();
    expect(created.plan).toMatch(/^test clock: order the first certificate from ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook /);
    const [first, ...others] = await versions();
    expect(others).toEqual([]);
    expect(first!.stages).toEqual(['AWSCURRENT']);
    expect(first!.document.thumbprint).toBe(created.thumbprint);
    const accountKeyPem = first!.document.acmeAccountKeyPem!;
    expect(accountKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    // Only the certificate's own secret holds it: no other secret in the account does.
    const holders: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sdk.send(new ListSecretsCommand({ IncludePlannedDeletion: true, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const secret of page.SecretList ?? []) {
        const value = await sdk.send(new GetSecretValueCommand({ SecretId: secret.ARN! })).catch(() => undefined);
        if (value?.SecretString?.includes(accountKeyPem.split('\n')[1]!)) holders.push(secret.Name!);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    expect(holders).toEqual([SECRET_NAME]);

    // Past renewBefore (a third of 10 days): the renewal orders with the stored key.
    project.shiftClock(7 * DAY_MS / 1000);
    await project.ok(['up', '--yes']);
    const renewed = await project.resourceOutputs<Outs>();
    expect(renewed.thumbprint).not.toBe(created.thumbprint);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    const after = await versions();
    expect(after).toHaveLength(2);
    expect(after.map((v) => v.document.thumbprint).sort()).toEqual([created.thumbprint, renewed.thumbprint].sort());
    for (const version of after) expect(version.document.acmeAccountKeyPem).toBe(accountKeyPem);

    // Never in state, in anything the CLI printed, nor in the hooks' argv (the program's config).
    const exported = (await project.ok(['stack', 'export'])).stdout;
    const printed = project.printed.join('\n');
    const config = (await project.ok(['config', '--show-secrets', '--json'])).stdout;
    const keyBody = accountKeyPem.split('\n').slice(1, -2).join('');
    for (const text of [exported, printed, config]) {
      for (const line of accountKeyPem.split('\n').slice(1, -2)) expect(text).not.toContain(line);
      expect(text.replace(/\s|\\n/g, '')).not.toContain(keyBody);
      expect(text).not.toContain('PRIVATE KEY');
      for (const version of after) {
        expect(text).not.toContain(version.document.password);
        expect(text).not.toContain(version.document.pfxBase64.slice(0, 32));
      }
    }
  });
});
