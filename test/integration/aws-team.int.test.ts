/**
 * The team setup, end to end through the real CLI: examples/aws-secrets-manager (a
 * Pulumi.yaml project, `runtime: nodejs`, importing `sfb-oauth-cert`) copied to a temp directory
 * and run as its README says, one CLI process per command, in its directory:
 *
 *   pulumi login 's3://<bucket>?endpoint=...&region=us-east-1&use_path_style=true'   state in S3 (moto)
 *   pulumi stack init dev --secrets-provider 'awskms://<key id>?region=...&endpoint=...'  moto's KMS
 *   pulumi config set ... / config set --secret pfxPassword (value on stdin)
 *   pulumi preview --diff, up --yes, preview --expect-no-changes, refresh --yes, destroy --yes
 *
 * No passphrase anywhere in the environment: secret config and secrets in state go through KMS.
 * What the store holds is read back with plain @aws-sdk/client-secrets-manager calls
 * (DescribeSecret's VersionIdsToStages, ListSecretVersionIds, GetSecretValue), never through the
 * adapter; drift is made the same way. The stacks' state files are read from the bucket with plain
 * S3 calls, and they, the stack config files and every byte any command printed are searched for
 * the PFX, its private key and the password. Needs moto (`scripts/moto start`) and the pinned CLI:
 * fails, never skips, without them.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CreateKeyCommand, DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

import { DAY_MS, HOUR_MS } from '../../provider/domain/time';
import { engineEnv } from '../../scripts/engine-environment';
import { projectRoot } from '../../scripts/project-paths';
import { CliProject } from '../harness/cli-project';
import { createMotoBucket, MOTO_CREDENTIALS, MOTO_REGION, motoAwsEnv, requireMoto, secretsManagerClient } from '../harness/moto';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';
import { pfxSecretNeedles } from '../support/secret-needles';

const EXAMPLE = path.join(projectRoot(), 'examples', 'aws-secrets-manager');
const PROJECT = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(EXAMPLE, 'Pulumi.yaml'), 'utf8'))?.[1] ?? 'no name in Pulumi.yaml';
const TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const C = entry('wildcard');
const a = A.expected.thumbprint!;
const b = B.expected.thumbprint!;
const c = C.expected.thumbprint!;
const short = (thumbprint: string) => `${thumbprint.slice(0, 4)}..`;

/**
 * The example copied to a temp directory, its own PULUMI_HOME, the CLI run as a process per
 * command. Its dependencies (sfb-oauth-cert, @pulumi/pulumi) come from the repository's
 * node_modules, where scripts/link-self.js links sfb-oauth-cert to this checkout's build.
 */
function teamProject(): Promise<CliProject> {
  return CliProject.create({
    copyOf: EXAMPLE,
    files: Object.fromEntries(([['a.pfx', A], ['b.pfx', B], ['c.pfx', C]] as const).map(([file, e]) => [file, fs.readFileSync(path.join(CORPUS_DIR, e.file))])),
    stackName: null,
    environment: ({ pulumiHome, cli }) => {
      const env: NodeJS.ProcessEnv = {};
      // A user's shell: nothing of this process's Pulumi, AWS, ts-node or store settings, and no
      // passphrase at all, so every secret must go through the awskms:// provider.
      for (const [key, value] of Object.entries(process.env)) {
        if (!/^(PULUMI_|AWS_|SFB_|TS_NODE_)/i.test(key)) env[key] = value;
      }
      Object.assign(env, engineEnv({ base: env, pulumiHome, cli }), motoAwsEnv());
      // The backend is the one `pulumi login` records in PULUMI_HOME, as the README says.
      delete env.PULUMI_BACKEND_URL;
      delete env.PULUMI_CONFIG_PASSPHRASE;
      // moto's S3 answers carry no checksum, and the CLI's Go SDK would print a warning for each read.
      env.AWS_RESPONSE_CHECKSUM_VALIDATION = 'when_required';
      return env;
    },
  });
}

/** The README's stack set-up: init with the KMS secrets provider, then config (the password on stdin). */
async function initStack(project: CliProject, stack: string, secretsProvider: string, config: Record<string, string>, password: string): Promise<void> {
  await project.ok(['stack', 'init', stack, '--secrets-provider', secretsProvider]);
  for (const [key, value] of Object.entries(config)) {
    // `secretName` looks like a secret to the CLI by its name: the README says --plaintext.
    await project.ok(['config', 'set', '--stack', stack, ...(key === 'secretName' ? ['--plaintext'] : []), '--', key, value]);
  }
  await project.ok(['config', 'set', '--stack', stack, '--secret', 'pfxPassword'], password);
}

async function outputsOf(project: CliProject, stack: string): Promise<Record<string, unknown>> {
  return JSON.parse((await project.ok(['stack', 'output', '--json', '--stack', stack])).stdout) as Record<string, unknown>;
}

interface SecretSeen {
  /** Stage -> thumbprint of the version holding it (from the version's own document); empty while scheduled for deletion. */
  stages: Record<string, string>;
  /** Stage -> version id. */
  versionOf: Record<string, string>;
  versionCount: number;
  owner: string | undefined;
  deletedDate: Date | undefined;
}

/** What Secrets Manager holds, read with plain SDK calls (not through the adapter). */
async function readSecret(sdk: SecretsManagerClient, name: string): Promise<SecretSeen> {
  const described = await sdk.send(new DescribeSecretCommand({ SecretId: name }));
  const listed = await sdk.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
  const stages: Record<string, string> = {};
  const versionOf: Record<string, string> = {};
  for (const [versionId, labels] of Object.entries(described.VersionIdsToStages ?? {})) {
    // The two calls agree on every labelled version.
    expect([...(listed.Versions?.find((v) => v.VersionId === versionId)?.VersionStages ?? [])].sort()).toEqual([...(labels ?? [])].sort());
    for (const stage of labels ?? []) {
      versionOf[stage] = versionId;
      // A secret scheduled for deletion refuses GetSecretValue (as AWS does): its labels only.
      if (described.DeletedDate) continue;
      const value = await sdk.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
      stages[stage] = (JSON.parse(value.SecretString ?? '{}') as { thumbprint?: string }).thumbprint ?? `not ours: ${versionId}`;
    }
  }
  return {
    stages,
    versionOf,
    versionCount: listed.Versions?.length ?? 0,
    owner: described.Tags?.find((t) => t.Key === 'sfb-oauth-cert:owner')?.Value,
    deletedDate: described.DeletedDate,
  };
}

const leaksIn = (texts: Record<string, string>, needles: string[]) =>
  Object.entries(texts).flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${where}: ${n.slice(0, 12)}...`));

describe('the team setup (examples/aws-secrets-manager): state in S3, secrets through awskms://, the certificate in Secrets Manager, as CLI processes', () => {
  let project: CliProject;
  let endpoint: string;
  let bucket: string;
  let backendUrl: string;
  let secretsProvider: string;
  let keyId: string;
  let sdk: SecretsManagerClient;
  let kms: KMSClient;
  let s3: S3Client;
  const secretName = `sfb/oauth-token-issuer/team-${randomUUID()}/contoso.com`;

  const devConfig = () => ({ sipDomain: 'contoso.com', pfxFile: 'a.pfx', secretName, region: MOTO_REGION, endpoint });

  beforeAll(async () => {
    endpoint = await requireMoto();
    sdk = secretsManagerClient(endpoint);
    kms = new KMSClient({ endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
    s3 = new S3Client({ endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS, forcePathStyle: true });
    bucket = `sfb-team-state-${randomUUID()}`;
    await createMotoBucket(bucket, endpoint);
    keyId = (await kms.send(new CreateKeyCommand({ Description: 'Pulumi secrets of the sfb-oauth-cert team-setup test' }))).KeyMetadata!.KeyId!;
    backendUrl = `s3://${bucket}?endpoint=${endpoint}&region=${MOTO_REGION}&use_path_style=true`;
    secretsProvider = `awskms://${keyId}?region=${MOTO_REGION}&endpoint=${endpoint}`;
    project = await teamProject();
  });

  afterAll(async () => {
    // moto is shared by the test files running in parallel: leave no secret of ours behind.
    await sdk?.send(new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
    sdk?.destroy();
    kms?.destroy();
    s3?.destroy();
    project?.cleanup();
  });

  it('the example is a project as a user has it: runtime nodejs, and it depends on sfb-oauth-cert and @pulumi/pulumi as the README says to install them', () => {
    expect(fs.readFileSync(path.join(EXAMPLE, 'Pulumi.yaml'), 'utf8')).toMatch(/^runtime: nodejs$/m);
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const repo = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string; peerDependencies: Record<string, string> };
    expect(example.dependencies).toEqual({ 'sfb-oauth-cert': `^${repo.version}`, '@pulumi/pulumi': repo.peerDependencies['@pulumi/pulumi'] });
    expect(fs.readFileSync(path.join(EXAMPLE, 'index.ts'), 'utf8')).toContain("from 'sfb-oauth-cert'");
    // What the linked node_modules gives the copy: this checkout's package.
    expect(fs.realpathSync(path.join(project.dir, 'node_modules', 'sfb-oauth-cert'))).toBe(fs.realpathSync(projectRoot()));
  });

  it('pulumi login s3://... and stack init --secrets-provider awskms://...: the stack file holds a data key wrapped by moto\'s KMS key, and the password only as ciphertext', async () => {
    expect((await project.ok(['login', backendUrl])).output).toContain(`Logged in to`);
    await initStack(project, 'dev', secretsProvider, devConfig(), A.password!);
    const stackFile = fs.readFileSync(path.join(project.dir, 'Pulumi.dev.yaml'), 'utf8');
    expect(stackFile).toContain(`secretsprovider: ${secretsProvider}`);
    expect(stackFile).toMatch(new RegExp(`${PROJECT}:pfxPassword:\\s*\\n\\s*secure: `));
    expect(stackFile).not.toContain(A.password!);
    // The wrapped key opens with KMS Decrypt on that key: the CLI really used moto's KMS.
    const encryptedKey = /^encryptedkey: (\S+)$/m.exec(stackFile)?.[1] ?? '';
    const dataKey = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(encryptedKey, 'base64') }));
    expect(dataKey.KeyId).toContain(keyId);
    expect(dataKey.Plaintext?.length).toBe(32);
    expect((await project.ok(['stack', 'ls', '--json'])).stdout).toContain('"name": "dev"');
  });

  it("Pulumi.yaml's config schema: a stack missing keys, or with the password not set as a secret, fails before the program runs, naming them", async () => {
    await project.ok(['stack', 'init', 'incomplete', '--secrets-provider', secretsProvider]);
    await project.ok(['config', 'set', '--stack', 'incomplete', 'sipDomain', 'contoso.com']);
    const missing = await project.run(['preview', '--stack', 'incomplete']);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain("Stack 'incomplete' is missing configuration values 'pfxFile', 'pfxPassword', 'region' and 'secretName'");
    for (const [key, value] of Object.entries({ pfxFile: 'a.pfx', region: MOTO_REGION })) await project.ok(['config', 'set', '--stack', 'incomplete', key, value]);
    await project.ok(['config', 'set', '--stack', 'incomplete', '--plaintext', 'secretName', secretName]);
    // Without --secret (a slip the CLI accepts at `config set`): a placeholder, not a real password.
    await project.ok(['config', 'set', '--stack', 'incomplete', 'pfxPassword'], 'placeholder-not-a-password');
    const plaintext = await project.run(['preview', '--stack', 'incomplete']);
    expect(plaintext.code).not.toBe(0);
    expect(plaintext.output).toContain("Stack 'incomplete' with configuration key 'pfxPassword' must be encrypted as it's secret");
    expect(plaintext.output).not.toContain(TYPE);
    await project.ok(['stack', 'rm', '--yes', '--stack', 'incomplete']);
  });

  it('pulumi preview --diff shows the certificate to create, its plan line and its store', async () => {
    const { output } = await project.ok(['preview', '--diff', '--stack', 'dev']);
    expect(output).toContain(`+ ${TYPE}: (create)`);
    expect(output).toMatch(new RegExp(`plan\\s*: "new ${short(a)} current now"`));
    expect(output).toMatch(/kind\s*: "aws-secrets-manager"/);
    expect(output).toMatch(/pfx\s*: \[secret\]/);
    expect(output).toMatch(/\+ 2 to create/);
  });

  it('pulumi up --yes creates the secret: AWSCURRENT holds A, the owner tag names the stack, the state is in the bucket', async () => {
    expect((await project.ok(['up', '--yes', '--stack', 'dev'])).output).toMatch(/\+ 2 created/);
    const seen = await readSecret(sdk, secretName);
    expect(seen.stages).toEqual({ AWSCURRENT: a });
    expect(seen.versionCount).toBe(1);
    expect(seen.owner).toBe(`organization/${PROJECT}/dev`);
    expect(await outputsOf(project, 'dev')).toMatchObject({ thumbprint: a, plan: `new ${short(a)} current now`, versionId: seen.versionOf.AWSCURRENT });
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys).toContain(`.pulumi/stacks/${PROJECT}/dev.json`);
  });

  it('pulumi preview --expect-no-changes exits 0 when nothing changed', async () => {
    const gate = await project.run(['preview', '--expect-no-changes', '--stack', 'dev']);
    expect(gate.code).toBe(0);
    expect(gate.output).toMatch(/2 unchanged/);
  });

  it('a new PFX: up --yes makes B current and keeps A as AWSPREVIOUS', async () => {
    await project.ok(['config', 'set', '--stack', 'dev', 'pfxFile', 'b.pfx']);
    await project.ok(['config', 'set', '--stack', 'dev', '--secret', 'pfxPassword'], B.password!);
    const preview = await project.ok(['preview', '--diff', '--stack', 'dev']);
    expect(preview.output).toMatch(new RegExp(`thumbprint\\s*: "${a}" => "${b}"`));
    expect((await project.ok(['up', '--yes', '--stack', 'dev'])).output).toMatch(/~ 1 updated/);
    const seen = await readSecret(sdk, secretName);
    expect(seen.stages).toEqual({ AWSCURRENT: b, AWSPREVIOUS: a });
    expect(seen.versionCount).toBe(2);
    expect(await outputsOf(project, 'dev')).toMatchObject({ thumbprint: b, previousThumbprint: a, plan: `current ${short(a)} → previous; new ${short(b)} current now` });
  });

  it('drift made with the SDK behind Pulumi\'s back (AWSCURRENT moved back to A): refresh shows it, the gate then fails, up puts B back', async () => {
    const before = await readSecret(sdk, secretName);
    await sdk.send(
      new UpdateSecretVersionStageCommand({ SecretId: secretName, VersionStage: 'AWSCURRENT', MoveToVersionId: before.versionOf.AWSPREVIOUS, RemoveFromVersionId: before.versionOf.AWSCURRENT }),
    );
    expect((await readSecret(sdk, secretName)).stages).toMatchObject({ AWSCURRENT: a, AWSPREVIOUS: b });

    // The preview compares the program with the state only: it cannot see the store.
    expect((await project.run(['preview', '--expect-no-changes', '--stack', 'dev'])).code).toBe(0);
    expect((await project.ok(['refresh', '--yes', '--stack', 'dev'])).output).toMatch(/~ 1 updated/);
    const exported = JSON.parse((await project.ok(['stack', 'export', '--stack', 'dev'])).stdout) as { deployment: { resources: { type: string; outputs: Record<string, unknown> }[] } };
    expect(exported.deployment.resources.find((r) => r.type === TYPE)?.outputs).toMatchObject({ thumbprint: a, plan: `drift: store holds ${a} as current` });
    const gate = await project.run(['preview', '--expect-no-changes', '--stack', 'dev']);
    expect(gate.code).not.toBe(0);
    expect(gate.code).not.toBeNull();
    expect(gate.output).toContain('error: no changes were expected for preview but changes were proposed');

    expect((await project.ok(['up', '--yes', '--stack', 'dev'])).output).toMatch(/~ 1 updated/);
    expect((await readSecret(sdk, secretName)).stages).toMatchObject({ AWSCURRENT: b, AWSPREVIOUS: a });
    expect((await project.run(['preview', '--expect-no-changes', '--stack', 'dev'])).code).toBe(0);
  });

  it('a roll scheduled a day ahead: AWSPENDING until its date, then a refresh with the clock moved past it moves AWSCURRENT onto it (B becomes AWSPREVIOUS)', async () => {
    const at = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
    const effectiveDate = at.toISOString().replace('.000Z', 'Z');
    await project.ok(['config', 'set', '--stack', 'dev', 'pfxFile', 'c.pfx']);
    await project.ok(['config', 'set', '--stack', 'dev', '--secret', 'pfxPassword'], C.password!);
    await project.ok(['config', 'set', '--stack', 'dev', 'effectiveDate', effectiveDate]);
    const preview = await project.ok(['preview', '--diff', '--stack', 'dev']);
    expect(preview.output).toMatch(new RegExp(`plan\\s*: "[^"\\n]*" => "current ${short(b)} → previous at [0-9T:-]+Z; new ${short(c)} current at [0-9T:-]+Z"`));
    await project.ok(['up', '--yes', '--stack', 'dev']);
    expect((await readSecret(sdk, secretName)).stages).toEqual({ AWSCURRENT: b, AWSPREVIOUS: a, AWSPENDING: c });
    expect(await outputsOf(project, 'dev')).toMatchObject({ thumbprint: c, pendingThumbprint: c });

    // A day and an hour on for the provider (moto is a local stand-in), and from here to the end:
    // the stack's dates are in the past from now on.
    project.shiftClock((DAY_MS + HOUR_MS) / 1000);
    await project.ok(['refresh', '--yes', '--stack', 'dev']);
    const seen = await readSecret(sdk, secretName);
    // Secrets Manager leaves AWSPENDING on the promoted version (its own rotation does the same).
    expect(seen.stages).toEqual({ AWSCURRENT: c, AWSPREVIOUS: b, AWSPENDING: c });
    expect(seen.versionCount).toBe(3);
    // Promoted and recorded by the refresh: the program (its effectiveDate now past) changes nothing.
    expect((await project.run(['preview', '--expect-no-changes', '--stack', 'dev'])).code).toBe(0);
  });

  it('pulumi destroy --yes schedules the secret for deletion (30 days); pulumi up --yes again restores it', async () => {
    const before = await readSecret(sdk, secretName);
    expect((await project.ok(['destroy', '--yes', '--stack', 'dev'])).output).toMatch(/- 2 deleted/);
    const deleted = await readSecret(sdk, secretName);
    expect(deleted.deletedDate).toBeInstanceOf(Date);
    expect(deleted.versionOf).toEqual(before.versionOf);
    const days = (deleted.deletedDate!.getTime() - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    await project.ok(['up', '--yes', '--stack', 'dev']);
    const restored = await readSecret(sdk, secretName);
    expect(restored.deletedDate).toBeUndefined();
    expect(restored.stages).toEqual(before.stages);
    expect(restored.stages).toMatchObject({ AWSCURRENT: c });
    expect(restored.versionCount).toBe(before.versionCount);
    expect(restored.owner).toBe(`organization/${PROJECT}/dev`);
    expect((await project.run(['preview', '--expect-no-changes', '--stack', 'dev'])).code).toBe(0);
  });

  it('a second stack in the same S3 backend declaring the same secretName fails with STORE_OWNED_ELSEWHERE, then takes it over with adopt', async () => {
    await initStack(project, 'other', secretsProvider, devConfig(), A.password!);
    const refused = await project.run(['up', '--yes', '--stack', 'other']);
    expect(refused.code).not.toBe(0);
    expect(refused.code).not.toBeNull();
    expect(refused.output).toContain(`STORE_OWNED_ELSEWHERE: The secret "${secretName}" is managed by organization/${PROJECT}/dev`);
    const untouched = await readSecret(sdk, secretName);
    expect(untouched.stages.AWSCURRENT).toBe(c);
    expect(untouched.owner).toBe(`organization/${PROJECT}/dev`);

    await project.ok(['config', 'set', '--stack', 'other', 'adopt', 'true']);
    const adopted = await project.ok(['up', '--yes', '--stack', 'other']);
    expect(adopted.output).toContain(`was managed by organization/${PROJECT}/dev`);
    const seen = await readSecret(sdk, secretName);
    expect(seen.stages).toMatchObject({ AWSCURRENT: a, AWSPREVIOUS: c });
    expect(seen.owner).toBe(`organization/${PROJECT}/other`);
    expect((await project.ok(['stack', 'ls', '--json'])).stdout).toMatch(/"name": "other"/);
  });

  it('the state files in the bucket and the stack files hold the PFX and password only encrypted with the KMS secrets provider', async () => {
    const needles = await pfxSecretNeedles(A, B, C);
    const stored: Record<string, string> = {};
    for (const stack of ['dev', 'other']) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `.pulumi/stacks/${PROJECT}/${stack}.json` }));
      const text = await object.Body!.transformToString();
      const state = JSON.parse(text) as {
        checkpoint: { latest: { secrets_providers: { type: string; state: { url: string } }; resources: { type: string; inputs: Record<string, unknown> }[] } };
      };
      expect(state.checkpoint.latest.secrets_providers).toMatchObject({ type: 'cloud', state: { url: secretsProvider } });
      const certificate = state.checkpoint.latest.resources.find((r) => r.type === TYPE);
      expect(certificate?.inputs.pfx).toMatchObject({ ciphertext: expect.any(String) });
      expect(certificate?.inputs.password).toMatchObject({ ciphertext: expect.any(String) });
      stored[`s3 ${stack}.json`] = text;
      stored[`Pulumi.${stack}.yaml`] = fs.readFileSync(path.join(project.dir, `Pulumi.${stack}.yaml`), 'utf8');
      stored[`stack export ${stack}`] = (await project.ok(['stack', 'export', '--stack', stack])).stdout;
    }
    // Control: the scan finds a needle where there is one.
    expect(leaksIn({ control: `x${needles[2]}x` }, needles)).toEqual([`control: ${needles[2]!.slice(0, 12)}...`]);
    expect(leaksIn(stored, needles)).toEqual([]);
  });

  it('printed none of the secrets, in any command', async () => {
    const needles = await pfxSecretNeedles(A, B, C);
    expect(project.printed.length).toBeGreaterThanOrEqual(40);
    expect(leaksIn(Object.fromEntries(project.printed.map((out, i) => [`command ${i}`, out])), needles)).toEqual([]);
  });
});
