// Smoke test of the local Secrets Manager endpoint: a real AWS SDK v3 client over HTTP to moto.
import { randomUUID } from 'crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { requireMoto, secretsManagerClient } from '../harness/moto';

describe('moto Secrets Manager', () => {
  let client: SecretsManagerClient;

  beforeAll(async () => {
    // No resetMoto(): other test files may be using moto in parallel; names are unique instead.
    const endpoint = await requireMoto();
    client = secretsManagerClient(endpoint);
  });

  afterAll(() => client?.destroy());

  it('round-trips create, idempotent put and get by version stage', async () => {
    const name = `sfb/smoke/${randomUUID()}`;
    const created = await client.send(
      new CreateSecretCommand({ Name: name, SecretString: 'first', ClientRequestToken: randomUUID() }),
    );
    expect(created.ARN).toContain(name);
    const firstVersion = created.VersionId;
    expect(firstVersion).toBeTruthy();

    const token = randomUUID();
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'second', ClientRequestToken: token }),
    );
    expect(put.VersionId).toBe(token);
    expect(put.VersionStages).toEqual(['AWSCURRENT']);

    // Same token, same value: idempotent, no new version.
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'second', ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(token);
    const versions = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect((versions.Versions ?? []).map((v) => v.VersionId).sort()).toEqual([firstVersion, token].sort());

    const current = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSCURRENT' }));
    expect(current.SecretString).toBe('second');
    expect(current.VersionId).toBe(token);

    const previous = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('first');
    expect(previous.VersionId).toBe(firstVersion);

    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.VersionIdsToStages?.[token]).toEqual(['AWSCURRENT']);
  });
});
