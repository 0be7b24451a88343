/**
 * Versions and secrets this provider did not write, on the AWS store,
 * through the provider's handlers (check, diff, create, update, read) against moto behind the
 * counting moto.proxy. Each foreign value is written with plain SDK calls, as an operator's
 * `aws secretsmanager put-secret-value` or a rotation Lambda would:
 * - a foreign AWSCURRENT is drift: refresh names the label and version id (never the value),
 *   preview plans its move to previous, up puts the declared certificate back;
 * - a foreign AWSPREVIOUS or AWSPENDING blocks neither a refresh nor a write;
 * - rotation enabled on the secret is a warning in preview;
 * - another team's secret is never tagged or written before it is checked: STORE_NOT_OURS,
 *   unless `adopt: true`.
 * Labels and tags are read back with plain SDK calls. Needs moto (`scripts/moto start`).
 */
import { randomUUID } from 'node:crypto';

import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

import * as handlers from '../../provider/pulumi/handlers';
import { awsCertificateInputs, checkedInputs, TEST_OWNER as OWNER, type Props } from '../harness/certificate-inputs';
import { useMotoBehindProxy } from '../harness/moto-proxy';
import { warnings } from '../support/console-warnings';
import { entry } from '../support/pfx-corpus';

const NOW = new Date('2026-06-01T00:00:00Z');
const LATER = '2026-07-01T00:00:00.000Z';
const A = entry('openssl3-default');
const B = entry('rsa-4096');
/** What an operator or another team writes: never to appear in state, a plan or a message. */
const JUNK = 'hello, not json';
const TEAM_SECRET = '{"username":"svc-billing","password":"Billing-Team-Pa55"}';

const moto = useMotoBehindProxy();

const uniqueName = () => `sfb/foreign/${randomUUID()}`;
const newsFor = (e: typeof A, name: string, extra: Props = {}) => awsCertificateInputs(e, name, moto.proxy.endpoint, extra);
const checked = (olds: Props, news: Props) => checkedInputs(olds, news, NOW);

/** `{ versionId: [labels] }` with plain SDK calls. */
async function labelsBySdk(name: string): Promise<Record<string, string[]>> {
  const out = await moto.sdk.send(new DescribeSecretCommand({ SecretId: name }));
  return Object.fromEntries(Object.entries(out.VersionIdsToStages ?? {}).map(([id, stages]) => [id, [...(stages ?? [])].sort()]));
}

async function tagsBySdk(name: string): Promise<Record<string, string>> {
  const out = await moto.sdk.send(new DescribeSecretCommand({ SecretId: name }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** An out-of-band `put-secret-value`, as the AWS CLI does it (a random version id). */
async function putForeign(name: string, value: string, stage: 'AWSCURRENT' | 'AWSPENDING' = 'AWSCURRENT'): Promise<string> {
  const out = await moto.sdk.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, VersionStages: [stage] }));
  return out.VersionId!;
}

/** A stack that created certificate A: its inputs and state. */
async function aCreated(name = uniqueName()): Promise<{ name: string; inputs: Props; state: Props }> {
  const inputs = await checked({}, newsFor(A, name));
  const { outs } = await handlers.create(inputs, NOW);
  return { name, inputs, state: outs as unknown as Props };
}

function expectNoForeignContent(value: unknown): void {
  const text = JSON.stringify(value);
  expect(text).not.toContain(JUNK);
  expect(text).not.toContain('Billing-Team-Pa55');
}

describe('a foreign AWSCURRENT (an out-of-band put-secret-value) is drift, and up puts the declared certificate back', () => {
  it('refresh reports it by label and version id; preview sees an update; up restores the declared certificate, its plan line saying where the foreign version went; later refreshes and writes pass', async () => {
    const { name, inputs, state } = await aCreated();
    const junk = await putForeign(name, JUNK);

    const { result: refreshed, lines } = await warnings(() => handlers.read(name, state, NOW));
    const props = refreshed.props!;
    expect(props.versionId).toBe(junk);
    expect(props.thumbprint).toBe('');
    expect(props.plan).toBe(`drift: store holds version ${junk} (AWSCURRENT), which is not a certificate of sfb-oauth-cert, as current`);
    expect(lines).toEqual([]);
    expectNoForeignContent(props);

    // Preview: the engine hands check the old inputs (not refreshed state), and diff the state,
    // where the drift shows: an update. Its plan line says where the foreign version went.
    const planned = await checked(inputs, newsFor(A, name));
    expect(handlers.diff(props, planned, NOW).changes).toBe(true);

    const { outs } = await handlers.update(name, props, planned, NOW);
    expect(outs.versionId).toBe(inputs.versionId);
    expect(outs.thumbprint).toBe(inputs.thumbprint);
    expect(outs.previousThumbprint).toBeNull();
    expect(outs.plan).toBe(`current version ${junk} (not a certificate) → previous; new ${String(inputs.thumbprint).slice(0, 4)}.. current now`);
    expect(await labelsBySdk(name)).toEqual({ [String(inputs.versionId)]: ['AWSCURRENT'], [junk]: ['AWSPREVIOUS'] });

    // The foreign version now holds AWSPREVIOUS: a refresh reports it, and is no drift.
    moto.proxy.reset();
    const again = await warnings(() => handlers.read(name, outs as unknown as Props, NOW));
    expect(again.result.props?.versionId).toBe(inputs.versionId);
    expect(again.result.props?.plan).toBe(outs.plan);
    expect(again.lines).toEqual([
      `warning STORE_NOT_OURS: secret "${name}" in the AWS Secrets Manager store in us-east-1 at ${moto.proxy.endpoint}: version ${junk} (AWSPREVIOUS) is not a certificate of sfb-oauth-cert (something else wrote it), so the store holds no previous certificate; nothing needs doing: the next certificate written moves AWSPREVIOUS off it.`,
    ]);
    expect(handlers.diff(again.result.props!, planned, NOW).changes).toBe(false);
    expect(moto.proxy.counts()).toEqual({ DescribeSecret: 1, GetSecretValue: 1 });

    // A new certificate is written over it. (Its labels are checked only for the new version:
    // moto 5.2.5 does not update its default version when UpdateSecretVersionStage moves
    // AWSCURRENT, so its next PutSecretValue puts AWSPREVIOUS on the version current before that
    // move, here the foreign one, and leaves AWSCURRENT on ours too; docs/aws-store.md.)
    const next = await checked(planned, newsFor(B, name));
    const { outs: rolled } = await handlers.update(name, again.result.props!, next, NOW);
    expect(rolled.previousThumbprint).toBe(inputs.thumbprint);
    expect((await labelsBySdk(name))[String(next.versionId)]).toEqual(['AWSCURRENT']);
  });

  it('up with a new certificate while a foreign version is current (no refresh first) writes it, the foreign version becoming previous', async () => {
    const { name, inputs, state } = await aCreated();
    const junk = await putForeign(name, JUNK);
    const next = await checked(inputs, newsFor(B, name));
    const { outs } = await handlers.update(name, state, next, NOW);
    expect(outs.plan).toBe(`current version ${junk} (not a certificate) → previous; new ${String(next.thumbprint).slice(0, 4)}.. current now`);
    expect(outs.previousThumbprint).toBeNull();
    expect(await labelsBySdk(name)).toMatchObject({ [junk]: ['AWSPREVIOUS'], [String(next.versionId)]: ['AWSCURRENT'] });
  });

  it('a foreign AWSPREVIOUS left after the current one was moved back by hand blocks neither refresh nor up', async () => {
    const { name, inputs, state } = await aCreated();
    const junk = await putForeign(name, JUNK);
    // The operator moves AWSCURRENT back onto ours: Secrets Manager puts AWSPREVIOUS on the junk.
    await moto.sdk.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: String(inputs.versionId), RemoveFromVersionId: junk }));
    expect(await labelsBySdk(name)).toEqual({ [String(inputs.versionId)]: ['AWSCURRENT'], [junk]: ['AWSPREVIOUS'] });

    const { result, lines } = await warnings(() => handlers.read(name, state, NOW));
    expect(result.props?.plan).toBe(state.plan);
    expect(result.props?.previousThumbprint).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`version ${junk} (AWSPREVIOUS) is not a certificate of sfb-oauth-cert`);
    const next = await checked(inputs, newsFor(B, name));
    await handlers.update(name, result.props!, next, NOW);
    expect((await labelsBySdk(name))[String(next.versionId)]).toEqual(['AWSCURRENT']);
  });
});

describe('a rotation Lambda: a foreign AWSPENDING, and rotation enabled', () => {
  it('a foreign AWSPENDING blocks neither refresh nor a scheduled roll, which takes the label', async () => {
    const { name, inputs, state } = await aCreated();
    const lambdaVersion = await putForeign(name, '{"username":"app","password":"Rotated-By-Lambda-1"}', 'AWSPENDING');
    const { result, lines } = await warnings(() => handlers.read(name, state, NOW));
    expect(result.props?.versionId).toBe(inputs.versionId);
    expect(result.props?.pendingThumbprint).toBeNull();
    expect(lines).toEqual([expect.stringContaining(`version ${lambdaVersion} (AWSPENDING) is not a certificate of sfb-oauth-cert`)]);
    expect(lines.join('\n')).not.toContain('Rotated-By-Lambda-1');

    const scheduled = await checked(inputs, newsFor(B, name, { effectiveDate: LATER }));
    const { outs } = await handlers.update(name, result.props!, scheduled, NOW);
    expect(outs.pendingThumbprint).toBe(scheduled.thumbprint);
    const labels = await labelsBySdk(name);
    expect(labels[String(scheduled.versionId)]).toEqual(['AWSPENDING']);
    expect(labels[lambdaVersion]).toEqual([]);
  });

  it('rotation enabled on the secret is a warning in refresh, and in every preview after it (diff has the state)', async () => {
    const { name, inputs, state } = await aCreated();
    // moto records RotationEnabled (and starts a version) even though the Lambda does not exist.
    await moto.sdk
      .send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb', RotationRules: { AutomaticallyAfterDays: 30 } }))
      .catch(() => undefined);
    expect((await moto.sdk.send(new DescribeSecretCommand({ SecretId: name }))).RotationEnabled).toBe(true);
    // The Lambda's first step (createSecret) puts the new value under AWSPENDING.
    await putForeign(name, '{"username":"app","password":"Rotated-By-Lambda-2"}', 'AWSPENDING');

    const { result, lines } = await warnings(() => handlers.read(name, state, NOW));
    expect(lines[0]).toBe(`warning STORE_CONFLICT: Secret "${name}" has rotation enabled (Lambda arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb): a rotation Lambda and this resource would fight over AWSCURRENT, each rotation replacing the declared certificate (drift that the next refresh shows and up reverts). Turn rotation off (\`aws secretsmanager cancel-rotate-secret --secret-id ${name}\`); sfb-oauth-cert rolls the certificate itself.`);
    expect(result.props?.storeRotation).toEqual({ lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb' });
    // Preview: diff has the state (check only the old inputs), and prints the warning.
    const previewed = await warnings(async () => handlers.diff(result.props!, inputs, NOW));
    expect(previewed.result.changes).toBe(false);
    expect(previewed.lines).toEqual([lines[0]]);
    expect(handlers.storeWarnings(result.props!, inputs)).toEqual([
      {
        code: 'STORE_CONFLICT',
        message: `Secret "${name}" has rotation enabled (Lambda arn:aws:lambda:us-east-1:123456789012:function:rotate-sfb): a rotation Lambda and this resource would fight over AWSCURRENT, each rotation replacing the declared certificate (drift that the next refresh shows and up reverts). Turn rotation off (\`aws secretsmanager cancel-rotate-secret --secret-id ${name}\`); sfb-oauth-cert rolls the certificate itself.`,
      },
    ]);
  });
});

describe('another team\'s secret is never tagged or written before it is checked', () => {
  it.each([
    ['a value that is not JSON', 'team-api-key-0123', 'the value is not JSON'],
    ['a JSON value of another shape', TEAM_SECRET, 'its "format" is not "sfb-oauth-cert/oauth-token-issuer"'],
  ])('with %s: create fails with STORE_NOT_OURS naming adopt, writing nothing; with adopt it proceeds', async (_row, value, reason) => {
    const name = uniqueName();
    await moto.sdk.send(new CreateSecretCommand({ Name: name, SecretString: value, Tags: [{ Key: 'team', Value: 'billing' }] }));
    const before = await labelsBySdk(name);
    const inputs = await checked({}, newsFor(A, name));
    moto.proxy.reset();
    const failure = await handlers.create(inputs, NOW).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const [theirs] = Object.keys(before);
    expect(failure?.message).toBe(
      `STORE_NOT_OURS: The secret "${name}" in the AWS Secrets Manager store in us-east-1 at ${moto.proxy.endpoint} already exists and is not one of sfb-oauth-cert's: its current version ${theirs} (AWSCURRENT) holds no certificate document (${reason}) and no stack has claimed it (no owner recorded). It looks like another team's secret, so nothing was written to it: no tag, no version. Use another \`secretName\`, or set \`adopt: true\` on the resource to take it over (its present value then becomes the previous version).`,
    );
    expect(moto.proxy.calls.map((c) => c.action).filter((a) => a !== 'DescribeSecret' && a !== 'GetSecretValue')).toEqual([]);
    expect(await tagsBySdk(name)).toEqual({ team: 'billing' });
    expect(await labelsBySdk(name)).toEqual(before);

    const adopted = await checked({}, newsFor(A, name, { adopt: true }));
    const { outs } = await handlers.create(adopted, NOW);
    expect(outs.versionId).toBe(adopted.versionId);
    expect(await labelsBySdk(name)).toEqual({ [theirs!]: ['AWSPREVIOUS'], [String(adopted.versionId)]: ['AWSCURRENT'] });
    expect(await tagsBySdk(name)).toEqual({ team: 'billing', 'sfb-oauth-cert:owner': OWNER });
    expect((await moto.sdk.send(new GetSecretValueCommand({ SecretId: name, VersionId: theirs }))).SecretString).toBe(value);
  });

  it('an empty secret made for this resource (no value yet, no owner) is taken without adopt', async () => {
    const name = uniqueName();
    await moto.sdk.send(new CreateSecretCommand({ Name: name }));
    const inputs = await checked({}, newsFor(A, name));
    const { outs } = await handlers.create(inputs, NOW);
    expect(await labelsBySdk(name)).toEqual({ [String(outs.versionId)]: ['AWSCURRENT'] });
    expect((await tagsBySdk(name))['sfb-oauth-cert:owner']).toBe(OWNER);
  });
});
