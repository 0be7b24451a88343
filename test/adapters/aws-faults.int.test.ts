/**
 * The AWS Secrets Manager store behind the fault-injecting proxy (test/harness/fault-moto.proxy.ts)
 * in front of moto: throttling and 500s are retried by the SDK, bounded, with no
 * duplicate version; connection resets too (before and after the call reached moto); errors
 * that retrying cannot fix are not retried and get their code; the endpoint going down in the
 * middle of an update leaves the previous certificate current, and the next update converges.
 * Calls are counted at the endpoint. Needs moto (`scripts/moto start`): fails without it.
 */
import { randomUUID } from 'node:crypto';

import { DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';

import { createAwsSecretsManagerStore } from '../../provider/adapters/aws-secrets-manager';
import * as handlers from '../../provider/pulumi/handlers';
import type { CertificateStore } from '../../provider/ports/certificate-store';
import { aVersion } from '../contract/certificate-store.contract';
import { awsCertificateInputs, checkedInputs, type Props } from '../harness/certificate-inputs';
import { MOTO_REGION } from '../harness/moto';
import { useMotoBehindProxy } from '../harness/moto-proxy';
import { entry } from '../support/pfx-corpus';

const NOW = new Date('2026-06-01T00:00:00Z');

const moto = useMotoBehindProxy();

function aStore(maxAttempts = 4): CertificateStore {
  return createAwsSecretsManagerStore({ region: MOTO_REGION, endpoint: moto.proxy.endpoint, maxAttempts, connectionTimeoutMs: 1000 });
}

const uniqueName = () => `sfb/faults/${randomUUID()}`;

/** Labels of a secret read with plain SDK calls, not through the adapter. */
async function labelsBySdk(name: string): Promise<Record<string, string[]>> {
  const out = await moto.sdk.send(new DescribeSecretCommand({ SecretId: name }));
  return Object.fromEntries(Object.entries(out.VersionIdsToStages ?? {}).map(([id, stages]) => [id, [...(stages ?? [])].sort()]));
}

describe('retried faults (the SDK standard retry strategy)', () => {
  it.each([
    ['throttling (400 ThrottlingException) twice', 'throttle' as const],
    ['a 500 twice', 'server-error' as const],
    ['a connection reset before the call reached the endpoint, twice', 'reset' as const],
  ])('retries %s on PutSecretValue: one version, labels right', async (_label, fault) => {
    const store = aStore();
    const name = uniqueName();
    const A = aVersion('A');
    const B = aVersion('B');
    await store.putVersion({ name, ...A, stage: 'current' });
    moto.proxy.reset();
    moto.proxy.inject({ action: 'PutSecretValue', fault, times: 2 });
    await store.putVersion({ name, ...B, stage: 'current' });
    expect(moto.proxy.calls.filter((c) => c.action === 'PutSecretValue').map((c) => c.outcome)).toEqual([fault, fault, 'forwarded']);
    expect(await labelsBySdk(name)).toEqual({ [A.versionId]: ['AWSPREVIOUS'], [B.versionId]: ['AWSCURRENT'] });
  });

  it('retries a write whose answer was lost after moto made it (reset after): the retry is a no-op, no duplicate version', async () => {
    const store = aStore();
    const name = uniqueName();
    const A = aVersion('A');
    const B = aVersion('B');
    await store.putVersion({ name, ...A, stage: 'current' });
    moto.proxy.reset();
    moto.proxy.inject({ action: 'PutSecretValue', fault: 'reset-after' });
    await store.putVersion({ name, ...B, stage: 'current' });
    expect(moto.proxy.calls.filter((c) => c.action === 'PutSecretValue').map((c) => c.outcome)).toEqual(['reset-after', 'forwarded']);
    expect(await labelsBySdk(name)).toEqual({ [A.versionId]: ['AWSPREVIOUS'], [B.versionId]: ['AWSCURRENT'] });
  });

  it('retries a 500 on DescribeSecret and on GetSecretValue', async () => {
    const store = aStore();
    const name = uniqueName();
    const A = aVersion('A');
    await store.putVersion({ name, ...A, stage: 'current' });
    moto.proxy.reset();
    moto.proxy.inject({ action: 'DescribeSecret', fault: 'server-error' });
    moto.proxy.inject({ action: 'GetSecretValue', fault: 'throttle' });
    expect((await store.describe(name))?.versions.map((v) => v.versionId)).toEqual([A.versionId]);
    expect(await store.getVersion(name, A.versionId)).toEqual(A.payload);
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 2, GetSecretValue: 2 });
  });

  it('gives up after maxAttempts with STORE_UNAVAILABLE (retryable), naming the throttling and the attempts', async () => {
    const store = aStore(3);
    const name = uniqueName();
    moto.proxy.inject({ action: 'DescribeSecret', fault: 'throttle', times: 10 });
    await expect(store.describe(name)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      retryable: true,
      message: expect.stringContaining('throttled the request to describe it (ThrottlingException) after 3 attempts'),
    });
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 3 });
  });
});

describe('errors retrying cannot fix: one call, our code, the fix', () => {
  it.each([
    ['AccessDeniedException', 400, 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: secretsmanager:DescribeSecret', 'STORE_ACCESS_DENIED', 'give it the secretsmanager permissions listed in docs/aws-store.md'],
    ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.', 'STORE_ACCESS_DENIED', 'aws sts get-caller-identity'],
    ['DecryptionFailure', 400, "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", 'STORE_KMS_FAILURE', 'kms:Decrypt'],
    ['InvalidRequestException', 400, "You can't perform this operation on the secret because it was marked for deletion.", 'STORE_CONFLICT', 'Restore the secret first'],
    ['InvalidParameterException', 400, 'Invalid parameter', 'INVALID_ARGUMENT', "Check the store's options"],
  ])('%s (HTTP %d) becomes our code and the fix', async (type, status, message, code, fix) => {
    const store = aStore();
    moto.proxy.inject({ action: 'DescribeSecret', fault: { status, type, message } });
    await expect(store.describe(uniqueName())).rejects.toMatchObject({ code, message: expect.stringContaining(fix) });
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 1 });
  });

  it('reports a reachable-but-refusing endpoint (connection refused) as STORE_UNAVAILABLE naming the endpoint', async () => {
    const store = aStore(2);
    await moto.proxy.down();
    try {
      const failure = store.describe(uniqueName());
      await expect(failure).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('could not be reached to describe it (ECONNREFUSED) after 2 attempts') });
      await expect(failure).rejects.toMatchObject({ message: expect.stringContaining(moto.proxy.endpoint) });
    } finally {
      await moto.proxy.up();
    }
  });
});

// moto accepts any kmsKeyId, so how real Secrets Manager refuses a key is
// injected at the endpoint (the SDK deserializes it into its own error classes, as from AWS).
// The names and texts are AWS's: EncryptionFailure's is the API reference's (CommonErrors);
// "Access to KMS is not allowed" is Secrets Manager's AccessDeniedException for a key policy
// that refuses (AWS knowledge center, secrets-manager-cross-account-key; aws/aws-cdk#7677);
// the default-key cross-account InvalidRequestException text is the one LocalStack's parity
// test recorded against AWS (localstack tests/aws/services/secretsmanager/test_secretsmanager.py);
// KMS's own errors for a missing, disabled or deleted key (NotFoundException "Key '...' does not
// exist" / "Alias ... is not found.", DisabledException "... is disabled.",
// KMSInvalidStateException "... is pending deletion.") as KMS words them (boto/botocore#2107,
// cloudposse/docs#152, the KMS API reference). Which of them Secrets Manager passes through on
// CreateSecret and PutSecretValue, and whether a missing key comes back as a
// ResourceNotFoundException naming the key, AWS does not document: assumed, each row below.
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KMS_REFUSALS: readonly [string, number, string][] = [
  ['EncryptionFailure', 400, "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state."],
  ['ResourceNotFoundException', 400, `Key '${KEY_ARN}' does not exist`],
  ['ResourceNotFoundException', 400, 'Alias arn:aws:kms:us-east-1:123456789012:alias/sfb-missing is not found.'],
  ['NotFoundException', 400, `Key '${KEY_ARN}' does not exist`],
  ['DisabledException', 400, `${KEY_ARN} is disabled.`],
  ['KMSInvalidStateException', 400, `${KEY_ARN} is pending deletion.`],
  ['AccessDeniedException', 400, 'Access to KMS is not allowed'],
  ['InvalidRequestException', 400, "You can't access a secret from a different AWS account if you encrypt the secret with the default KMS service key."],
];

describe('KMS refusing the key on CreateSecret and PutSecretValue: STORE_KMS_FAILURE, never STORE_NOT_FOUND', () => {
  it.each(KMS_REFUSALS)('CreateSecret answering %s (HTTP %d) %s', async (type, status, message) => {
    const store = aStore();
    const name = uniqueName();
    moto.proxy.inject({ action: 'CreateSecret', fault: { status, type, message } });
    await expect(store.putVersion({ name, ...aVersion('A'), stage: 'current' })).rejects.toMatchObject({
      code: 'STORE_KMS_FAILURE',
      message: expect.stringContaining(`could not create it because AWS KMS refused the secret's key (${type}: "${message}")`),
    });
    expect(moto.proxy.counts().CreateSecret).toBe(1);
  });

  it.each(KMS_REFUSALS)('PutSecretValue answering %s (HTTP %d) %s', async (type, status, message) => {
    const store = aStore();
    const name = uniqueName();
    const A = aVersion('A');
    const B = aVersion('B');
    await store.putVersion({ name, ...A, stage: 'current' });
    moto.proxy.reset();
    moto.proxy.inject({ action: 'PutSecretValue', fault: { status, type, message } });
    await expect(store.putVersion({ name, ...B, stage: 'current' })).rejects.toMatchObject({
      code: 'STORE_KMS_FAILURE',
      message: expect.stringContaining(`could not write version ${B.versionId} of it because AWS KMS refused the secret's key (${type}: "${message}")`),
    });
    expect(await labelsBySdk(name)).toEqual({ [A.versionId]: ['AWSCURRENT'] });
  });

  it('keeps a ResourceNotFoundException that names no key what it is: the secret is gone (STORE_NOT_FOUND)', async () => {
    const store = aStore();
    const name = uniqueName();
    await store.putVersion({ name, ...aVersion('A'), stage: 'current' });
    moto.proxy.inject({ action: 'PutSecretValue', fault: { status: 400, type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } });
    await expect(store.putVersion({ name, ...aVersion('B'), stage: 'current' })).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });
});

describe('through the provider handlers', () => {
  const A = entry('openssl3-default');
  const B = entry('rsa-4096');

  const newsFor = (e: typeof A, name: string) => awsCertificateInputs(e, name, moto.proxy.endpoint);
  const checked = (olds: Props, news: Props) => checkedInputs(olds, news, NOW);

  async function currentBySdk(name: string): Promise<string | undefined> {
    return (await moto.sdk.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSCURRENT' }))).VersionId;
  }

  it('the endpoint down in the middle of an update: a clear error, the previous certificate still current, the next update converges', async () => {
    const name = uniqueName();
    const first = await checked({}, newsFor(A, name));
    const { outs: state } = await handlers.create(first, NOW);
    const second = await checked(state as unknown as Props, newsFor(B, name));
    moto.proxy.reset();
    moto.proxy.inject({ action: 'PutSecretValue', fault: 'down' });
    const failure = await handlers.update(name, state as unknown as Props, second, NOW).catch((e: unknown) => e);
    await moto.proxy.up();
    expect((failure as Error).message).toMatch(/^STORE_UNAVAILABLE: The AWS Secrets Manager store in us-east-1 at http:\/\/127\.0\.0\.1:\d+ could not be reached to write version /);
    // A partial success keeps the old state, so the next up sees the difference and finishes.
    expect((failure as { properties?: Props }).properties?.versionId).toBe(first.versionId);
    expect(await currentBySdk(name)).toBe(first.versionId);
    const { outs } = await handlers.update(name, state as unknown as Props, second, NOW);
    expect(outs.versionId).toBe(second.versionId);
    expect(await labelsBySdk(name)).toEqual({ [String(first.versionId)]: ['AWSPREVIOUS'], [String(second.versionId)]: ['AWSCURRENT'] });
  });

  it('a refresh makes one call (DescribeSecret) when nothing is scheduled, and reads thumbprints from our version ids', async () => {
    const name = uniqueName();
    const first = await checked({}, newsFor(A, name));
    const { outs: s1 } = await handlers.create(first, NOW);
    const second = await checked(s1 as unknown as Props, newsFor(B, name));
    const { outs: s2 } = await handlers.update(name, s1 as unknown as Props, second, NOW);
    moto.proxy.reset();
    const { props } = await handlers.read(name, s2 as unknown as Props, NOW);
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 1 });
    expect(props?.previousThumbprint).toBe(first.thumbprint);
    expect(props?.thumbprint).toBe(second.thumbprint);
    expect(props?.plan).toBe(s2.plan);
  });

  it('a retried update (the same certificate again) writes nothing new', async () => {
    const name = uniqueName();
    const first = await checked({}, newsFor(A, name));
    const { outs } = await handlers.create(first, NOW);
    moto.proxy.reset();
    await handlers.update(name, outs as unknown as Props, first, NOW);
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 1 });
  });
});
