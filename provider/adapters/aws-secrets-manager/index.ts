/**
 * The AWS Secrets Manager store: the {@link CertificateStore} port over
 * `@aws-sdk/client-secrets-manager` (the only file that imports it). One secret per certificate
 * resource; each certificate version is a secret version whose id is our content-derived version
 * id (passed as ClientRequestToken, so a retried or repeated write never makes a second version).
 *
 * Stage labels are Secrets Manager's own, not emulated: current = AWSCURRENT, previous =
 * AWSPREVIOUS, pending = AWSPENDING. PutSecretValue with VersionStages [AWSCURRENT] makes Secrets
 * Manager move AWSPREVIOUS onto the version that was current; UpdateSecretVersionStage promotes.
 * Reads always name the version (VersionId), never rely on the default stage (moto, for one,
 * may answer a stage-less GetSecretValue with a stale version).
 *
 * Owners are the tag `sfb-oauth-cert:owner`. Secrets Manager has no conditional write, so the
 * owner check is a read (DescribeSecret) just before the write: two stacks starting a change of
 * one secret within that moment could both pass it (docs/aws-store.md). Creation is exclusive
 * (CreateSecret carries the tag and fails for the second creator, which then sees the owner).
 *
 * Credentials come from the SDK's default chain at call time, and a client is built inside each
 * operation and destroyed after it: nothing here is captured by the serialized provider
 * (pulumi/pulumi#13960), and rotated credentials are picked up on the next call.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

import { awsStoreOptionProblems, endpointForDisplay, OWNER_TAG_KEY, type AwsStoreOptions } from '../../domain/aws-store-options';
import { payloadProblem } from '../../domain/certificate-payload';
import { SfbError } from '../../domain/errors';
import { assertRecoveryWindow } from '../../domain/recovery-window';
import { decodeSecretDocument, encodeSecretDocument, type DecodedSecretDocument } from '../../domain/secret-document';
import { assertSecretName } from '../../domain/secret-names';
import { assertClaimAllowed, assertClaimGiven, assertOwnerClaim, ownerAfterClaim } from '../../domain/secret-owners';
import { assertVersionId, thumbprintOfVersionId, versionNotFoundError } from '../../domain/secret-versions';
import { assertStage, AWS_LABELS, stageHolder, stagesOfAwsLabels } from '../../domain/stage-labels';
import { checkPutVersion, notOursError, refuseIfScheduledForDeletion, secretNotFoundError } from '../../domain/store-rules';
import type { CertificatePayload, CertificateStage, CertificateStore, OwnerClaim, PutVersionRequest, StoredSecret, StoredVersion } from '../../ports/certificate-store';
import { awsErrorName, type CallContext, translateAwsError } from './errors';

/** Attempts per SDK call (the first and the retries) unless configured. */
export const DEFAULT_MAX_ATTEMPTS = 4;

/** Configuration of {@link createAwsSecretsManagerStore}. */
export interface AwsSecretsManagerStoreConfig extends Omit<AwsStoreOptions, 'recoveryWindowDays'> {
  /**
   * Attempts per call in the SDK's standard retry mode; only throttling, 5xx and network
   * failures are retried, with the SDK's backoff and retry quota. @default 4
   */
  readonly maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection. @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds to wait for a response. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/** Creates the store. Nothing is called until the first operation; bad options throw INVALID_ARGUMENT. */
export function createAwsSecretsManagerStore(config: AwsSecretsManagerStoreConfig): CertificateStore {
  const problems = awsStoreOptionProblems({ ...config });
  const { maxAttempts = DEFAULT_MAX_ATTEMPTS, connectionTimeoutMs = 5000, requestTimeoutMs = 30000 } = config;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) problems.push(`The AWS store's maxAttempts ${String(maxAttempts)} is not a whole number from 1 to 10.`);
  if (problems.length > 0) throw new SfbError('INVALID_ARGUMENT', problems.join(' '));
  return new AwsSecretsManagerStore({ ...config, maxAttempts, connectionTimeoutMs, requestTimeoutMs });
}

/** Why a version may be gone from Secrets Manager, for the version-not-found sentence. */
const DROPPED = 'Secrets Manager drops unlabeled versions over time';

type Settings = AwsSecretsManagerStoreConfig & { readonly maxAttempts: number; readonly connectionTimeoutMs: number; readonly requestTimeoutMs: number };

/** A secret as DescribeSecret shows it, with what the port needs taken out. */
interface Described {
  readonly secret: StoredSecret;
  readonly tags: ReadonlyMap<string, string>;
}

class AwsSecretsManagerStore implements CertificateStore {
  readonly description: string;
  readonly stageLabels = AWS_LABELS;

  constructor(private readonly settings: Settings) {
    const endpoint = settings.endpoint ?? process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? process.env.AWS_ENDPOINT_URL;
    // The description reaches state (storeDescription) and every message: never the user info
    // an environment variable's URL may carry.
    this.description = `AWS Secrets Manager store in ${settings.region}${endpoint ? ` at ${endpointForDisplay(endpoint)}` : ''}`;
  }

  async describe(name: string): Promise<StoredSecret | undefined> {
    assertSecretName(name);
    return this.session(name, 'describe it', async (sm) => (await sm.describe())?.secret);
  }

  async describeExisting(name: string): Promise<StoredSecret> {
    const secret = await this.describe(name);
    if (secret !== undefined) return secret;
    throw new SfbError(
      'STORE_NOT_FOUND',
      `The ${this.description} has no secret "${name}": it was deleted without a recovery window, purged after its window ended, or the region, endpoint or AWS account (of the credentials) is not the one it was created in. Check the store's region and \`aws sts get-caller-identity\`; if it was deleted, recover it from a backup.`,
    );
  }

  async getVersion(name: string, versionId: string): Promise<CertificatePayload> {
    assertSecretName(name);
    assertVersionId(versionId);
    return this.session(name, `read version ${versionId} of it`, async (sm) => {
      const read = await sm.readDocument(versionId);
      if (read.kind === 'foreign') {
        throw new SfbError(
          'STORE_NOT_OURS',
          `Version ${versionId} of secret "${name}" in the ${this.description} holds no certificate document of sfb-oauth-cert (${read.reason}): something else wrote it, such as \`aws secretsmanager put-secret-value\` or a rotation Lambda. Declare the certificate and run \`pulumi up\` to make it current again.`,
        );
      }
      const decoded = read.decoded;
      if (!decoded.ok) {
        if (decoded.newer) {
          throw new SfbError('STATE_UNSUPPORTED', `Version ${versionId} of secret "${name}" in the ${this.description} was written by a newer sfb-oauth-cert (${decoded.reason}); upgrade the sfb-oauth-cert package.`);
        }
        throw this.corrupt(name, versionId, decoded.reason);
      }
      const { notAfter: _notAfter, ...payload } = decoded.fields;
      const problem = payloadProblem(payload);
      if (problem !== undefined) throw this.corrupt(name, versionId, problem);
      return payload;
    });
  }

  async putVersion(request: PutVersionRequest): Promise<StoredSecret> {
    const { request: checked, fields } = checkPutVersion(request);
    const { name, versionId, stage, claim } = checked;
    const document = encodeSecretDocument(fields);
    const action = `write version ${versionId} of it`;
    return this.session(name, action, async (sm) => {
      let found = await sm.describe();
      if (found === undefined) {
        found = await sm.create(stage === 'current' ? { versionId, document } : undefined, claim);
        // Created with this version as its first value: done (AWSCURRENT is on it).
        if (found === undefined) return (await sm.describe(true))!.secret;
      }
      refuseIfScheduledForDeletion(found.secret, action);
      await sm.claim(found, claim, action);
      await sm.call(action, (client) =>
        client.send(new PutSecretValueCommand({ SecretId: name, ClientRequestToken: versionId, SecretString: document, VersionStages: [AWS_LABELS[stage]] })),
      );
      return (await sm.describe(true))!.secret;
    });
  }

  async moveStage(name: string, stage: CertificateStage, versionId: string, claim?: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertVersionId(versionId);
    assertStage(stage, name);
    assertOwnerClaim(claim);
    const action = `move the ${stage} label onto version ${versionId}`;
    return this.session(name, action, async (sm) => {
      const found = this.requireSecret(await sm.describe(), name, action);
      refuseIfScheduledForDeletion(found.secret, action);
      await sm.claim(found, claim, action);
      const target = found.secret.versions.find((v) => v.versionId === versionId);
      if (target === undefined) throw versionNotFoundError(found.secret, versionId, DROPPED);
      if (target.stages.includes(stage)) return sm.withOwner(found, claim).secret;
      const holder = stageHolder(found.secret.versions, stage);
      // Moving AWSCURRENT makes Secrets Manager move AWSPREVIOUS onto the version it came from.
      await sm.call(action, (client) =>
        client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: name,
            VersionStage: AWS_LABELS[stage],
            MoveToVersionId: versionId,
            ...(holder === undefined ? {} : { RemoveFromVersionId: holder.versionId }),
          }),
        ),
      );
      return (await sm.describe(true))!.secret;
    });
  }

  async scheduleDeletion(name: string, recoveryWindowDays: number, claim?: OwnerClaim): Promise<void> {
    assertSecretName(name);
    // Validated before looking, as DeleteSecret does: a bad window is reported even for a missing secret.
    assertRecoveryWindow(recoveryWindowDays);
    assertOwnerClaim(claim);
    const action = 'schedule its deletion';
    await this.session(name, action, async (sm) => {
      const found = this.requireSecret(await sm.describe(), name, action);
      refuseIfScheduledForDeletion(found.secret, action);
      await sm.claim(found, claim, action);
      const force = this.settings.forceDeleteWithoutRecovery === true;
      try {
        await sm.call(action, (client) =>
          client.send(new DeleteSecretCommand({ SecretId: name, ...(force ? { ForceDeleteWithoutRecovery: true } : { RecoveryWindowInDays: recoveryWindowDays }) })),
        );
      } catch (error) {
        // A retry of a DeleteSecret that did reach AWS finds the secret already scheduled: done.
        const after = await sm.describe(true).catch(() => undefined);
        if (after?.secret.deletionDate === undefined) throw error;
      }
    });
  }

  async restore(name: string, claim?: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertOwnerClaim(claim);
    const action = 'restore it';
    return this.session(name, action, async (sm) => {
      const found = this.requireSecret(await sm.describe(), name, action);
      // RestoreSecret first: Secrets Manager refuses TagResource on a secret scheduled for deletion.
      assertClaimAllowed(found.secret.owner, name, claim, action);
      if (found.secret.deletionDate === undefined) {
        await sm.claim(found, claim, action);
        return sm.withOwner(found, claim).secret;
      }
      await sm.call(action, (client) => client.send(new RestoreSecretCommand({ SecretId: name })));
      const restored = (await sm.describe(true))!;
      await sm.claim(restored, claim, action);
      return sm.withOwner(restored, claim).secret;
    });
  }

  async claim(name: string, claim: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertClaimGiven(name, claim);
    const action = 'manage it';
    return this.session(name, action, async (sm) => {
      const found = this.requireSecret(await sm.describe(), name, action);
      await sm.claim(found, claim, action);
      return sm.withOwner(found, claim).secret;
    });
  }

  /** One client for one operation, destroyed after it (never kept: see the file comment). */
  private async session<T>(name: string, action: string, work: (sm: Session) => Promise<T>): Promise<T> {
    const { region, endpoint, maxAttempts, connectionTimeoutMs, requestTimeoutMs } = this.settings;
    const client = new SecretsManagerClient({
      region,
      // Absent: the SDK's own resolution, AWS_ENDPOINT_URL_SECRETS_MANAGER included.
      ...(endpoint === undefined ? {} : { endpoint }),
      maxAttempts,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs },
    });
    try {
      return await work(new Session(client, name, this.settings, this.description, { action, name, where: `The ${this.description}`, store: this.description, maxAttempts }));
    } finally {
      client.destroy();
    }
  }

  private requireSecret(found: Described | undefined, name: string, action: string): Described {
    if (found === undefined) throw secretNotFoundError(name, this.description, action);
    return found;
  }

  private corrupt(name: string, versionId: string, reason: string): SfbError {
    return new SfbError(
      'STORE_CORRUPT',
      `Version ${versionId} of secret "${name}" in the ${this.description} is a damaged certificate document of sfb-oauth-cert: ${reason}. Write the declared certificate again with \`pulumi up\` (a new PFX export makes a new version), or restore the secret's value from a backup.`,
    );
  }
}

/** The SDK calls of one operation, sharing one client and one error context. */
class Session {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly name: string,
    private readonly settings: Settings,
    /** The store's description, as in messages: `AWS Secrets Manager store in us-east-1`. */
    private readonly description: string,
    private readonly context: CallContext,
  ) {}

  /** One SDK call, its failure translated (after the SDK's own retries). */
  async call<T>(action: string, send: (client: SecretsManagerClient) => Promise<T>): Promise<T> {
    try {
      return await send(this.client);
    } catch (error) {
      throw translateAwsError(error, { ...this.context, action });
    }
  }

  /**
   * DescribeSecret: versions with their labels, tags, the deletion date. `undefined` when there
   * is no such secret. `mustExist`: after a write, a missing secret is an error.
   */
  async describe(mustExist = false): Promise<Described | undefined> {
    let out: DescribeSecretCommandOutput;
    try {
      out = await this.client.send(new DescribeSecretCommand({ SecretId: this.name }));
    } catch (error) {
      if (!mustExist && awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw translateAwsError(error, { ...this.context, action: 'describe it' });
    }
    const tags = new Map((out.Tags ?? []).filter((t) => typeof t.Key === 'string').map((t) => [t.Key as string, t.Value ?? '']));
    const versions: StoredVersion[] = Object.entries(out.VersionIdsToStages ?? {}).map(([versionId, labels]) => {
      const thumbprint = thumbprintOfVersionId(versionId);
      return {
        versionId,
        stages: stagesOfAwsLabels(labels ?? []),
        ...(thumbprint === undefined ? {} : { thumbprint }),
      };
    });
    const owner = tags.get(OWNER_TAG_KEY);
    const secret: StoredSecret = {
      name: this.name,
      versions,
      ...(out.DeletedDate instanceof Date ? { deletionDate: out.DeletedDate.toISOString() } : {}),
      ...(owner === undefined || owner === '' ? {} : { owner }),
      ...(out.RotationEnabled === true ? { rotation: typeof out.RotationLambdaARN === 'string' && out.RotationLambdaARN !== '' ? { lambdaArn: out.RotationLambdaARN } : {} } : {}),
    };
    return { secret, tags };
  }

  /**
   * CreateSecret, tagged with the owner and the configured tags, with a first value (which
   * Secrets Manager labels AWSCURRENT) or none. Returns `undefined` when this call created it;
   * the existing secret when another writer created it first (then the caller's checks apply).
   */
  async create(first: { readonly versionId: string; readonly document: string } | undefined, claim: OwnerClaim | undefined): Promise<Described | undefined> {
    const { kmsKeyId, description, tags = {} } = this.settings;
    const allTags = [...Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), ...(claim ? [{ Key: OWNER_TAG_KEY, Value: claim.owner }] : [])];
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: this.name,
          ...(first ? { ClientRequestToken: first.versionId, SecretString: first.document } : {}),
          ...(kmsKeyId === undefined ? {} : { KmsKeyId: kmsKeyId }),
          ...(description === undefined ? {} : { Description: description }),
          ...(allTags.length > 0 ? { Tags: allTags } : {}),
        }),
      );
    } catch (error) {
      const name = awsErrorName(error);
      // Someone (or our own earlier attempt) created it first, or a deleted one holds the name.
      if (name !== 'ResourceExistsException' && name !== 'InvalidRequestException') throw translateAwsError(error, { ...this.context, action: 'create it' });
      const existing = await this.describe();
      if (existing === undefined) throw translateAwsError(error, { ...this.context, action: 'create it' });
      return existing;
    }
    return first === undefined ? this.describe(true) : undefined;
  }

  /**
   * The owner rule (STORE_OWNED_ELSEWHERE unless adopting), then the owner tag and any
   * configured tag the secret lacks, in one TagResource call, only when something differs.
   */
  async claim(found: Described, claim: OwnerClaim | undefined, action: string): Promise<void> {
    assertClaimAllowed(found.secret.owner, this.name, claim, action);
    if (claim !== undefined && claim.adopt !== true && found.secret.owner === undefined) await this.refuseIfNotOurs(found);
    const wanted: Record<string, string> = { ...(this.settings.tags ?? {}), ...(claim ? { [OWNER_TAG_KEY]: claim.owner } : {}) };
    const missing = Object.entries(wanted).filter(([key, value]) => found.tags.get(key) !== value);
    if (missing.length === 0) return;
    await this.call(`tag it (${missing.map(([key]) => key).join(', ')})`, (client) =>
      client.send(new TagResourceCommand({ SecretId: this.name, Tags: missing.map(([Key, Value]) => ({ Key, Value })) })),
    );
  }

  /**
   * Nobody has claimed the secret: before its first tag, its current value must be a document of
   * ours (written before owners were recorded, or without a claim), else it is someone else's
   * secret and nothing is written (notOursError in domain/store-rules.ts says why). A secret with
   * no value yet is free to take.
   */
  private async refuseIfNotOurs(found: Described): Promise<void> {
    const current = stageHolder(found.secret.versions, 'current');
    if (current === undefined) return;
    const read = await this.readDocument(current.versionId);
    if (read.kind === 'foreign') {
      throw notOursError({ name: this.name, where: this.description, versionId: current.versionId, label: AWS_LABELS.current, reason: read.reason });
    }
  }

  /**
   * One version's SecretString, sorted: `foreign` when it is no document of ours at all (not a
   * string, not JSON, another format), else the decoded document (which may still be damaged
   * or newer). The reason names what is wrong, never the value.
   */
  async readDocument(versionId: string): Promise<{ readonly kind: 'foreign'; readonly reason: string } | { readonly kind: 'document'; readonly decoded: DecodedSecretDocument }> {
    const out = await this.call(`read version ${versionId} of it`, (client) => client.send(new GetSecretValueCommand({ SecretId: this.name, VersionId: versionId })));
    if (typeof out.SecretString !== 'string') return { kind: 'foreign', reason: 'it has no SecretString (a binary value)' };
    const decoded = decodeSecretDocument(out.SecretString);
    if (!decoded.ok && decoded.foreign === true) return { kind: 'foreign', reason: decoded.reason };
    return { kind: 'document', decoded };
  }

  /** The secret with the claim's owner recorded (what a successful claim leaves). */
  withOwner(found: Described, claim: OwnerClaim | undefined): Described {
    const owner = ownerAfterClaim(found.secret.owner, claim);
    return owner === undefined ? found : { ...found, secret: { ...found.secret, owner } };
  }
}
