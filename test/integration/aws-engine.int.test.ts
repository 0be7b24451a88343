/**
 * The AWS Secrets Manager store through the real engine (Automation API, inline program, the
 * compiled provider) on moto, behind the counting proxy: a no-op up makes ZERO
 * Secrets Manager calls; a refresh one per certificate; an update keeps the previous
 * certificate; drift made with plain SDK calls shows in refresh and up puts the declared one
 * back; a scheduled roll is promoted after its date; another stack is refused
 * (STORE_OWNED_ELSEWHERE); destroy schedules deletion and declaring again restores. Labels are
 * read back with plain SDK calls, not through the adapter. Needs moto and the Pulumi CLI.
 */
import { randomUUID } from 'node:crypto';

import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import * as pulumi from '@pulumi/pulumi';

import { CertificateStores, OAuthTokenIssuerCertificate } from '../../provider';
import { DAY_MS, HOUR_MS } from '../../provider/domain/time';
import { FaultProxy } from '../harness/fault-proxy';
import { MOTO_REGION, motoAwsEnv, requireMoto, secretsManagerClient } from '../harness/moto';
import { ThrowawayStack } from '../harness/pulumi-stack';
import { bytesOf, entry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');

let proxy: FaultProxy;
let sdk: SecretsManagerClient;
const stacks: ThrowawayStack[] = [];

beforeAll(async () => {
  const moto = await requireMoto();
  proxy = await FaultProxy.start(moto);
  sdk = secretsManagerClient(moto);
});
afterAll(async () => {
  for (const stack of stacks) await stack.cleanup().catch(() => undefined);
  sdk?.destroy();
  await proxy?.stop();
});

interface Declared {
  pfx: typeof A;
  effectiveDate?: string;
  adopt?: boolean;
}

/**
 * A stack declaring one certificate per name; `declared` may change between operations.
 * `envEndpoint`: no `endpoint` option, AWS_ENDPOINT_URL_SECRETS_MANAGER instead.
 */
async function aStack(names: string[], declared: Declared, projectName?: string, envEndpoint?: string): Promise<ThrowawayStack> {
  const program = async () => {
    const store = CertificateStores.awsSecretsManager({ region: MOTO_REGION, ...(envEndpoint === undefined ? { endpoint: proxy.endpoint } : {}), recoveryWindowDays: 7 });
    const out: Record<string, pulumi.Output<unknown>> = {};
    for (const [i, secretName] of names.entries()) {
      const cert = new OAuthTokenIssuerCertificate(`cert-${i}`, {
        sipDomain: 'contoso.com',
        pfx: pulumi.secret(bytesOf(declared.pfx).toString('base64')),
        password: pulumi.secret(declared.pfx.password ?? ''),
        secretName,
        store,
        ...(declared.effectiveDate ? { effectiveDate: declared.effectiveDate } : {}),
        ...(declared.adopt ? { adopt: true } : {}),
      });
      out[`thumbprint${i}`] = cert.thumbprint;
      out[`plan${i}`] = cert.plan;
      out[`previous${i}`] = cert.previousThumbprint;
      out[`version${i}`] = cert.versionId;
    }
    return out;
  };
  const envVars = { ...motoAwsEnv(), ...(envEndpoint === undefined ? {} : { AWS_ENDPOINT_URL_SECRETS_MANAGER: envEndpoint }) };
  const stack = await ThrowawayStack.create({ program, envVars, ...(projectName ? { projectName } : {}) });
  stacks.push(stack);
  return stack;
}

/** `{ AWSCURRENT: thumbprint, AWSPREVIOUS: thumbprint, ... }` read with plain SDK calls. */
async function labelsBySdk(name: string): Promise<Record<string, string>> {
  const described = await sdk.send(new DescribeSecretCommand({ SecretId: name }));
  const out: Record<string, string> = {};
  for (const [versionId, stages] of Object.entries(described.VersionIdsToStages ?? {})) {
    for (const stage of stages ?? []) {
      const value = await sdk.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
      out[stage] = (JSON.parse(value.SecretString ?? '{}') as { thumbprint?: string }).thumbprint ?? `not ours: ${versionId}`;
    }
  }
  return out;
}

const thumbprintOf = async (stack: ThrowawayStack, key: string) => (await stack.stack.outputs())[key]?.value as string;

describe('AWS Secrets Manager store through the engine', () => {
  it('create, no-op up with zero calls, one call per certificate on refresh, update with the previous kept, drift corrected, destroy and restore', async () => {
    const run = randomUUID();
    const names = [`sfb/engine/${run}/one`, `sfb/engine/${run}/two`];
    const declared: Declared = { pfx: A };
    const stack = await aStack(names, declared);

    await stack.up();
    const a = await thumbprintOf(stack, 'thumbprint0');
    expect(await labelsBySdk(names[0]!)).toEqual({ AWSCURRENT: a });
    expect((await sdk.send(new DescribeSecretCommand({ SecretId: names[0] }))).Tags).toContainEqual({ Key: 'sfb-oauth-cert:owner', Value: expect.stringMatching(/\/test$/) });

    proxy.reset();
    const noop = await stack.up();
    expect(noop.summary.resourceChanges).toEqual({ same: 3 });
    expect(proxy.calls).toEqual([]);

    proxy.reset();
    await stack.refresh();
    expect(proxy.counts()).toEqual({ DescribeSecret: 2 });

    declared.pfx = B;
    await stack.up();
    const b = await thumbprintOf(stack, 'thumbprint0');
    expect(b).not.toBe(a);
    expect(await thumbprintOf(stack, 'previous0')).toBe(a);
    expect(await labelsBySdk(names[0]!)).toEqual({ AWSCURRENT: b, AWSPREVIOUS: a });

    // Drift behind Pulumi's back: an operator puts A's document back as current with the SDK.
    const aDocument = (await sdk.send(new GetSecretValueCommand({ SecretId: names[0], VersionStage: 'AWSPREVIOUS' }))).SecretString;
    await sdk.send(new PutSecretValueCommand({ SecretId: names[0], SecretString: aDocument, ClientRequestToken: randomUUID(), VersionStages: ['AWSCURRENT'] }));
    await stack.refresh();
    // Refresh updates the resources' state (stack outputs wait for the next up).
    const refreshed = (await stack.stateResources()).find((r) => r.urn.endsWith('::cert-0'));
    expect(refreshed?.outputs?.thumbprint).toBe(a);
    expect(refreshed?.outputs?.plan).toBe(`drift: store holds ${a} as current`);
    await stack.up();
    expect(await thumbprintOf(stack, 'thumbprint0')).toBe(b);
    expect((await labelsBySdk(names[0]!)).AWSCURRENT).toBe(b);

    await stack.destroy();
    const deleted = await sdk.send(new DescribeSecretCommand({ SecretId: names[0] }));
    expect(deleted.DeletedDate).toBeInstanceOf(Date);
    expect(deleted.DeletedDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    expect(deleted.DeletedDate!.getTime() - Date.now()).toBeLessThan(7.1 * 24 * 3600 * 1000);

    await stack.up();
    const restored = await sdk.send(new DescribeSecretCommand({ SecretId: names[0] }));
    expect(restored.DeletedDate).toBeUndefined();
    expect((await labelsBySdk(names[0]!)).AWSCURRENT).toBe(b);
  });

  it('refuses a second stack declaring the same secret (STORE_OWNED_ELSEWHERE) until it adopts', async () => {
    const name = `sfb/engine/${randomUUID()}/shared`;
    const first = await aStack([name], { pfx: A });
    await first.up();
    const declared: Declared = { pfx: B };
    const project = `sfb-it-other-${randomUUID().slice(0, 6)}`;
    const second = await aStack([name], declared, project);
    await expect(second.up()).rejects.toThrow(/STORE_OWNED_ELSEWHERE: The secret "[^"]+" is managed by organization\/sfb-it-[^/]+\/test/);
    const a = await thumbprintOf(first, 'thumbprint0');
    expect(await labelsBySdk(name)).toEqual({ AWSCURRENT: a });
    declared.adopt = true;
    await second.up();
    expect((await labelsBySdk(name)).AWSPREVIOUS).toBe(a);
    expect((await sdk.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toContainEqual({ Key: 'sfb-oauth-cert:owner', Value: `organization/${project}/test` });
  });

  it('a value put by hand (not ours) is drift: refresh names it, up puts the declared certificate back over it; an endpoint token from the environment stays out of state and output', async () => {
    const name = `sfb/engine/${randomUUID()}/foreign`;
    const token = 'Endpoint-Token-41c7e2';
    const junk = 'hello, not json';
    const stack = await aStack([name], { pfx: A }, undefined, proxy.endpoint.replace('http://', `http://ci-user:${token}@`));
    await stack.up();
    const a = await thumbprintOf(stack, 'thumbprint0');
    const ours = await thumbprintOf(stack, 'version0');
    const stages = async () => (await sdk.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};

    const foreign = (await sdk.send(new PutSecretValueCommand({ SecretId: name, SecretString: junk }))).VersionId!;
    await stack.refresh();
    const refreshed = (await stack.stateResources()).find((r) => r.urn.endsWith('::cert-0'));
    expect(refreshed?.outputs?.plan).toBe(`drift: store holds version ${foreign} (AWSCURRENT), which is not a certificate of sfb-oauth-cert, as current`);
    expect((await stack.preview()).changeSummary.update).toBe(1);

    await stack.up();
    expect(await thumbprintOf(stack, 'thumbprint0')).toBe(a);
    expect(await thumbprintOf(stack, 'plan0')).toBe(`current version ${foreign} (not a certificate) → previous; new ${a.slice(0, 4)}.. current now`);
    expect(await stages()).toEqual({ [ours]: ['AWSCURRENT'], [foreign]: ['AWSPREVIOUS'] });
    // The foreign AWSPREVIOUS blocks neither a refresh (a warning) nor the no-change gate.
    const refreshed2 = await stack.refresh();
    expect(refreshed2.stdout + refreshed2.stderr).toContain(`version ${foreign} (AWSPREVIOUS) is not a certificate of sfb-oauth-cert`);
    await stack.preview({ expectNoChanges: true });

    // Rotation enabled behind Pulumi's back (moto records it though the Lambda does not exist):
    // refresh records it, and every preview after warns, without failing the gate.
    await sdk
      .send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb', RotationRules: { AutomaticallyAfterDays: 30 } }))
      .catch(() => undefined);
    await sdk.send(new PutSecretValueCommand({ SecretId: name, SecretString: '{"rotated":"by a Lambda"}', VersionStages: ['AWSPENDING'] }));
    await stack.refresh();
    const gated = await stack.preview({ expectNoChanges: true });
    expect(gated.stdout + gated.stderr).toContain('has rotation enabled (Lambda arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb): a rotation Lambda and this resource would fight over AWSCURRENT');

    const state = JSON.stringify(await stack.exportState());
    expect(state).toContain(`AWS Secrets Manager store in us-east-1 at ${proxy.endpoint}`);
    for (const text of [state, stack.allText()]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(junk);
    }
  });

  it('promotes a scheduled roll after its date (the clock moved past it): AWSPENDING, then AWSCURRENT with AWSPREVIOUS on the old one', async () => {
    const name = `sfb/engine/${randomUUID()}/roll`;
    const declared: Declared = { pfx: A };
    const stack = await aStack([name], declared);
    await stack.up();
    const a = await thumbprintOf(stack, 'thumbprint0');
    const at = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
    declared.pfx = B;
    declared.effectiveDate = at.toISOString();
    await stack.up();
    const b = await thumbprintOf(stack, 'thumbprint0');
    expect(await labelsBySdk(name)).toEqual({ AWSCURRENT: a, AWSPENDING: b });
    // A day and an hour on for the provider (the store's endpoint is the proxy on this machine).
    stack.shiftClock((DAY_MS + HOUR_MS) / 1000);
    await stack.refresh();
    expect(await labelsBySdk(name)).toEqual({ AWSCURRENT: b, AWSPENDING: b, AWSPREVIOUS: a });
  });
});
