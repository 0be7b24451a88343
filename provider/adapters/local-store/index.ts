/**
 * The embedded local store: the default {@link CertificateStore}, one encrypted file per secret
 * in a directory. It emulates AWS Secrets Manager (versions, stage labels, idempotent writes,
 * deletion with a recovery window) so a stack behaves the same when it moves to the AWS backend.
 *
 * Each operation gathers (reads and decrypts the file), decides (a pure rule from
 * `record-decisions.ts`, over Secrets Manager's rules in provider/domain: the owner check first,
 * then the operation's own) and acts (writes the new file atomically). Every change happens under the secret's lock, the owner check included.
 * See docs/local-store.md for the file format and the operator's view.
 */
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';
import { assertRecoveryWindow } from '../../domain/recovery-window';
import { checkPutVersion } from '../../domain/store-rules';
import { assertSecretName } from '../../domain/secret-names';
import { assertClaimGiven, assertOwnerClaim } from '../../domain/secret-owners';
import { assertVersionId } from '../../domain/secret-versions';
import { assertStage } from '../../domain/stage-labels';
import { currentHost, type HostPlatform } from '../files/host-platform';
import type {
  CertificatePayload,
  CertificateStage,
  CertificateStore,
  OwnerClaim,
  PutVersionRequest,
  StoredSecret,
} from '../../ports/certificate-store';
import { ensureDirectory, inspectDirectory, readFileIfExists, removeFile, removeOrphanedTempFiles, replaceIfUnchanged } from './atomic-file';
import {
  DEFAULT_SCRYPT_PARAMS,
  decodeSecretFile,
  encodeSecretFile,
  type FileKey,
  KeyRing,
  type ScryptParams,
  scryptParamsProblem,
} from './file-format';
import { DEFAULT_LOCK_TIMEOUT_MS, type Lease, withLock } from './lock';
import {
  assertClaim,
  type Decision,
  decideClaim,
  decideGetVersion,
  decideMoveStage,
  decidePutVersion,
  decideRestore,
  decideScheduleDeletion,
  describeRecord,
  isPurgeDue,
  type SecretRecord,
  type SecretRef,
  withClaim,
} from './record-decisions';
import { type LocalStorePaths, localStorePaths } from './secret-files';

export { DEFAULT_SCRYPT_PARAMS, FORMAT_VERSION, type ScryptParams } from './file-format';
export { DEFAULT_LOCK_TIMEOUT_MS, LOCK_HEARTBEAT_MS, STALE_LOCK_MS } from './lock';
export { localStorePaths, type LocalStorePaths } from './secret-files';
export { MAX_UNLABELED_VERSIONS } from './record-decisions';

/**
 * Configuration of {@link createLocalStore} (the adapter's; the resource's user-facing options
 * are `LocalStoreOptions` in provider/pulumi/resource.ts).
 */
export interface LocalStoreConfig {
  /** The store directory; created with mode 0700 on the first write. Relative paths resolve against the working directory at creation. */
  readonly directory: string;
  /** The passphrase the file keys are derived from. Never appears in a message. Must not be empty. */
  readonly passphrase: string;
  /**
   * How the operator sets the passphrase, for messages, e.g.
   * `the SFB_STORE_PASSPHRASE environment variable`.
   * @default "the store passphrase"
   */
  readonly passphraseSource?: string;
  /** The clock for `createdAt`, deletion dates and purging. @default () => new Date() */
  readonly clock?: () => Date;
  /** How long a write waits for another writer's lock before failing with STORE_LOCKED. @default 10000 */
  readonly lockTimeoutMs?: number;
  /**
   * scrypt parameters for files written from now on. Each file records its own, so changing this
   * never breaks existing files; they move to the new parameters on their next write.
   * @default { N: 2 ** 15, r: 8, p: 1 }
   */
  readonly scryptParams?: ScryptParams;
  /**
   * The machine the store runs on: its platform decides how the directory is made private and
   * checked (mode bits, or on Windows its ACL). Tests inject another platform.
   * @default the machine this process runs on
   */
  readonly host?: HostPlatform;
}

/**
 * Creates a local store. Nothing touches the disk until the first operation. Throws
 * INVALID_ARGUMENT for unusable options.
 */
export function createLocalStore(options: LocalStoreConfig): CertificateStore {
  const settings = checkOptions(options);
  return new LocalStore(settings);
}

interface Settings {
  readonly directory: string;
  readonly absoluteDirectory: string;
  readonly passphraseSource: string;
  readonly clock: () => Date;
  readonly lockTimeoutMs: number;
  readonly keys: KeyRing;
  readonly host: HostPlatform;
}

/** The secret as read from disk: its record, the key that decrypted it (reused on rewrite) and its bytes. */
interface Loaded {
  readonly record: SecretRecord;
  readonly key: FileKey;
  readonly bytes: Buffer;
}

class LocalStore implements CertificateStore {
  readonly description: string;

  constructor(private readonly settings: Settings) {
    this.description = `local store at ${settings.directory}`;
  }

  async describe(name: string): Promise<StoredSecret | undefined> {
    assertSecretName(name);
    const record = await this.readLive(name, this.now());
    return record === undefined ? undefined : describeRecord(record);
  }

  async describeExisting(name: string): Promise<StoredSecret> {
    assertSecretName(name);
    const record = await this.readLive(name, this.now());
    if (record !== undefined) return describeRecord(record);
    const directory = this.settings.absoluteDirectory;
    const where = await inspectDirectory(directory, this.settings.host);
    const lost =
      where === 'missing'
        ? `The local store directory ${directory} does not exist`
        : where === 'empty'
          ? `The local store directory ${directory} is empty (as an unmounted disk's mount point is)`
          : `The local store directory ${directory} has no file for secret "${name}" (${path.basename(this.paths(name).secretFile)}), or its recovery window ended and it was purged`;
    throw new SfbError(
      'STORE_NOT_FOUND',
      `${lost}, so secret "${name}" cannot be found there. Restore it: mount the disk, correct the store directory, or copy the directory back from a backup.`,
    );
  }

  async getVersion(name: string, versionId: string): Promise<CertificatePayload> {
    assertSecretName(name);
    assertVersionId(versionId);
    const record = await this.readLive(name, this.now());
    return decideGetVersion(record, this.ref(name), versionId);
  }

  async putVersion(request: PutVersionRequest): Promise<StoredSecret> {
    // The AWS store's limit, measured on the document AWS would store (secret-document.ts says why).
    const { name, versionId, stage, payload, claim } = checkPutVersion(request, this.description).request;
    const now = this.now();
    const change = { claim, action: `write version ${versionId} of it` };
    return describeRecord(await this.update(name, now, true, change, (record) => decidePutVersion(record, { name, versionId, stage, payload }, now)));
  }

  async moveStage(name: string, stage: CertificateStage, versionId: string, claim?: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertVersionId(versionId);
    assertStage(stage, name);
    assertOwnerClaim(claim);
    const change = { claim, action: `move its ${stage} label` };
    return describeRecord(await this.update(name, this.now(), false, change, (record) => decideMoveStage(record, this.ref(name), stage, versionId)));
  }

  async scheduleDeletion(name: string, recoveryWindowDays: number, claim?: OwnerClaim): Promise<void> {
    assertSecretName(name);
    // Validate before looking, as Secrets Manager does: a bad window is reported even for a missing secret.
    assertRecoveryWindow(recoveryWindowDays);
    assertOwnerClaim(claim);
    const now = this.now();
    await this.update(name, now, false, { claim, action: 'schedule its deletion' }, (record) => decideScheduleDeletion(record, this.ref(name), recoveryWindowDays, now));
  }

  async restore(name: string, claim?: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertOwnerClaim(claim);
    return describeRecord(await this.update(name, this.now(), false, { claim, action: 'restore it' }, (record) => decideRestore(record, this.ref(name))));
  }

  async claim(name: string, claim: OwnerClaim): Promise<StoredSecret> {
    assertSecretName(name);
    assertClaimGiven(name, claim);
    return describeRecord(await this.update(name, this.now(), false, { claim, action: 'manage it' }, (record) => decideClaim(record, this.ref(name))));
  }

  private ref(name: string): SecretRef {
    return { name, where: this.description };
  }

  private now(): Date {
    const now = this.settings.clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new SfbError('INVALID_ARGUMENT', 'The local store clock returned an invalid date. Pass a clock that returns a valid Date.');
    }
    return now;
  }

  private paths(name: string): LocalStorePaths {
    return localStorePaths(this.settings.absoluteDirectory, name);
  }

  private async load(paths: LocalStorePaths, name: string): Promise<Loaded | undefined> {
    const bytes = await readFileIfExists(paths.secretFile);
    if (bytes === undefined) return undefined;
    const decoded = await decodeSecretFile(bytes, { file: paths.secretFile, name, passphraseSource: this.settings.passphraseSource }, this.settings.keys);
    return { ...decoded, bytes };
  }

  /**
   * Reads without the lock (a file is only ever replaced by rename, so a read is consistent).
   * A secret whose recovery window has ended is purged, under the lock, and reads as absent.
   * A missing directory reads as "no secret" here; describeExisting says which it was.
   */
  private async readLive(name: string, now: Date): Promise<SecretRecord | undefined> {
    if ((await inspectDirectory(this.settings.absoluteDirectory, this.settings.host)) === 'missing') return undefined;
    const loaded = await this.load(this.paths(name), name);
    if (loaded === undefined || !isPurgeDue(loaded.record, now)) return loaded?.record;
    // Re-read under the lock: another process may have purged it and written a new secret since.
    return this.locked(name, async (paths) => (await this.loadPurging(paths, name, now))?.record);
  }

  /** Loads under the lock, deleting the file when its recovery window has ended. */
  private async loadPurging(paths: LocalStorePaths, name: string, now: Date): Promise<Loaded | undefined> {
    const loaded = await this.load(paths, name);
    if (loaded === undefined || !isPurgeDue(loaded.record, now)) return loaded;
    await removeFile(paths.secretFile, this.settings.host);
    return undefined;
  }

  /**
   * The read-modify-write every change goes through: lock, load, decide, write if the decision
   * says so. A failure before the write (wrong passphrase, corrupt file, a refused change) leaves
   * the file as it was. `creates`: whether this operation may create the secret (and so the
   * store directory); the others fail with STORE_NOT_FOUND on an empty store without creating it.
   * `now` is read once per operation, so the purge check and the decision agree. The owner
   * check runs on the record read under the lock, so two stacks racing to create one secret
   * cannot both own it.
   */
  private async update(
    name: string,
    now: Date,
    creates: boolean,
    change: { readonly claim: OwnerClaim | undefined; readonly action: string },
    decide: (record: SecretRecord | undefined) => Decision,
  ): Promise<SecretRecord> {
    if (creates) await ensureDirectory(this.settings.absoluteDirectory, this.settings.host);
    else if ((await inspectDirectory(this.settings.absoluteDirectory, this.settings.host)) === 'missing') return decide(undefined).record;
    return this.locked(name, async (paths, lease) => {
      await removeOrphanedTempFiles(paths.secretFile);
      const loaded = await this.loadPurging(paths, name, now);
      assertClaim(loaded?.record, name, change.claim, change.action);
      const decision = withClaim(decide(loaded?.record), change.claim);
      if (decision.kind === 'write') {
        // Keep the file's salt (and so its cached key) unless its parameters are outdated.
        const reuse = loaded !== undefined && sameParams(loaded.key.params, this.settings.keys.params);
        const key = reuse ? loaded.key : await this.settings.keys.fresh();
        const bytes = encodeSecretFile(decision.record, key);
        lease.assertHeld();
        await replaceIfUnchanged(paths.secretFile, loaded?.bytes, bytes, this.settings.host);
      }
      return decision.record;
    });
  }

  private locked<T>(name: string, action: (paths: LocalStorePaths, lease: Lease) => Promise<T>): Promise<T> {
    const paths = this.paths(name);
    const request = { file: paths.secretFile, lockFile: paths.lockFile, secretName: name, timeoutMs: this.settings.lockTimeoutMs };
    return withLock(request, (lease) => action(paths, lease));
  }
}

function sameParams(a: ScryptParams, b: ScryptParams): boolean {
  return a.N === b.N && a.r === b.r && a.p === b.p;
}

function checkOptions(options: LocalStoreConfig): Settings {
  const { directory, passphrase, passphraseSource = 'the store passphrase', clock = () => new Date() } = options;
  const { lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS, scryptParams = DEFAULT_SCRYPT_PARAMS, host = currentHost() } = options;
  if (typeof directory !== 'string' || directory.trim() === '') {
    throw new SfbError('INVALID_ARGUMENT', 'The local store directory is empty. Set it to a directory path, for example ./.sfb-store.');
  }
  if (typeof passphrase !== 'string' || passphrase === '') {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The local store at ${directory} has no passphrase: ${passphraseSource} is empty. Set ${passphraseSource} to a long random passphrase and keep it with your other deployment secrets.`,
    );
  }
  if (typeof lockTimeoutMs !== 'number' || !Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new SfbError('INVALID_ARGUMENT', `The local store lock timeout ${String(lockTimeoutMs)} ms is not valid. Use a number of milliseconds of 0 or more.`);
  }
  const problem = scryptParamsProblem(scryptParams);
  if (problem !== undefined) {
    throw new SfbError('INVALID_ARGUMENT', `The local store scrypt parameters are not valid: ${problem}. Omit them to use N=2^15, r=8, p=1.`);
  }
  return {
    directory,
    absoluteDirectory: path.resolve(directory),
    passphraseSource,
    clock,
    lockTimeoutMs,
    keys: new KeyRing(passphrase, { N: scryptParams.N, r: scryptParams.r, p: scryptParams.p }),
    host,
  };
}
