/**
 * The embedded local store: the default {@link CertificateStore}, one encrypted file per secret
 * in a directory. It emulates AWS Secrets Manager (versions, stage labels, idempotent writes,
 * deletion with a recovery window) so a stack behaves the same when it moves to the AWS backend.
 *
 * Each operation gathers (reads and decrypts the file), decides (a pure rule from
 * `secret-rules.ts`) and acts (writes the new file atomically). Writes happen under a lock.
 * See docs/local-store.md for the file format and the operator's view.
 */
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';
import type {
  CertificatePayload,
  CertificateStage,
  CertificateStore,
  PutVersionRequest,
  StoredSecret,
} from '../../ports/certificate-store';
import { directoryExists, ensureDirectory, readFileIfExists, removeFile, removeOrphanedTempFiles, writeFileAtomic } from './atomic-file';
import {
  DEFAULT_SCRYPT_PARAMS,
  decodeSecretFile,
  encodeSecretFile,
  type FileKey,
  KeyRing,
  type ScryptParams,
  scryptParamsProblem,
} from './file-format';
import { DEFAULT_LOCK_TIMEOUT_MS, withLock } from './lock';
import { assertSecretName, assertVersionId, type LocalStorePaths, localStorePaths } from './names';
import {
  assertPayload,
  assertRecoveryWindow,
  type Decision,
  decideGetVersion,
  decideMoveStage,
  decidePutVersion,
  decideRestore,
  decideScheduleDeletion,
  describeRecord,
  isPurgeDue,
  type SecretRecord,
  STAGES,
} from './secret-rules';

export { DEFAULT_SCRYPT_PARAMS, FORMAT_VERSION, type ScryptParams } from './file-format';
export { DEFAULT_LOCK_TIMEOUT_MS } from './lock';
export { localStorePaths, type LocalStorePaths } from './names';
export { MAX_UNLABELED_VERSIONS } from './secret-rules';

/** Options of {@link createLocalStore}. */
export interface LocalStoreOptions {
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
}

/**
 * Creates a local store. Nothing touches the disk until the first operation. Throws
 * INVALID_ARGUMENT for unusable options.
 */
export function createLocalStore(options: LocalStoreOptions): CertificateStore {
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
}

/** The secret as read from disk: its record and the key that decrypted it (reused on rewrite). */
interface Loaded {
  readonly record: SecretRecord;
  readonly key: FileKey;
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

  async getVersion(name: string, versionId: string): Promise<CertificatePayload> {
    assertSecretName(name);
    assertVersionId(versionId);
    const record = await this.readLive(name, this.now());
    return decideGetVersion(record, name, versionId);
  }

  async putVersion(request: PutVersionRequest): Promise<StoredSecret> {
    const { name, versionId, stage, payload } = request ?? ({} as Partial<PutVersionRequest>);
    assertSecretName(name);
    assertVersionId(versionId);
    if (stage !== 'current' && stage !== 'pending') {
      throw new SfbError(
        'INVALID_ARGUMENT',
        `The stage ${JSON.stringify(stage)} for version ${versionId} of secret "${name}" is not valid: write a version as "current" or "pending".`,
      );
    }
    assertPayload(name, versionId, payload);
    const now = this.now();
    return describeRecord(await this.update(name, now, true, (record) => decidePutVersion(record, { name, versionId, stage, payload }, now)));
  }

  async moveStage(name: string, stage: CertificateStage, versionId: string): Promise<StoredSecret> {
    assertSecretName(name);
    assertVersionId(versionId);
    if (!STAGES.includes(stage)) {
      throw new SfbError(
        'INVALID_ARGUMENT',
        `The stage ${JSON.stringify(stage)} for secret "${name}" is not valid: move one of ${STAGES.map((s) => `"${s}"`).join(', ')}.`,
      );
    }
    return describeRecord(await this.update(name, this.now(), false, (record) => decideMoveStage(record, name, stage, versionId)));
  }

  async scheduleDeletion(name: string, recoveryWindowDays: number): Promise<void> {
    assertSecretName(name);
    // Validate before looking, as Secrets Manager does: a bad window is reported even for a missing secret.
    assertRecoveryWindow(recoveryWindowDays);
    const now = this.now();
    await this.update(name, now, false, (record) => decideScheduleDeletion(record, name, recoveryWindowDays, now));
  }

  async restore(name: string): Promise<StoredSecret> {
    assertSecretName(name);
    return describeRecord(await this.update(name, this.now(), false, (record) => decideRestore(record, name)));
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
    return decodeSecretFile(bytes, { file: paths.secretFile, name, passphraseSource: this.settings.passphraseSource }, this.settings.keys);
  }

  /**
   * Reads without the lock (a file is only ever replaced by rename, so a read is consistent).
   * A secret whose recovery window has ended is purged, under the lock, and reads as absent.
   */
  private async readLive(name: string, now: Date): Promise<SecretRecord | undefined> {
    const loaded = await this.load(this.paths(name), name);
    if (loaded === undefined || !isPurgeDue(loaded.record, now)) return loaded?.record;
    // Re-read under the lock: another process may have purged it and written a new secret since.
    return this.locked(name, async (paths) => (await this.loadPurging(paths, name, now))?.record);
  }

  /** Loads under the lock, deleting the file when its recovery window has ended. */
  private async loadPurging(paths: LocalStorePaths, name: string, now: Date): Promise<Loaded | undefined> {
    const loaded = await this.load(paths, name);
    if (loaded === undefined || !isPurgeDue(loaded.record, now)) return loaded;
    await removeFile(paths.secretFile);
    return undefined;
  }

  /**
   * The read-modify-write every change goes through: lock, load, decide, write if the decision
   * says so. A failure before the write (wrong passphrase, corrupt file, a refused change) leaves
   * the file as it was. `creates`: whether this operation may create the secret (and so the
   * store directory); the others fail with STORE_NOT_FOUND on an empty store without creating it.
   * `now` is read once per operation, so the purge check and the decision agree.
   */
  private async update(
    name: string,
    now: Date,
    creates: boolean,
    decide: (record: SecretRecord | undefined) => Decision,
  ): Promise<SecretRecord> {
    if (!creates && !(await directoryExists(this.settings.absoluteDirectory))) return decide(undefined).record;
    await ensureDirectory(this.settings.absoluteDirectory);
    return this.locked(name, async (paths) => {
      await removeOrphanedTempFiles(paths.secretFile);
      const loaded = await this.loadPurging(paths, name, now);
      const decision = decide(loaded?.record);
      if (decision.kind === 'write') {
        // Keep the file's salt (and so its cached key) unless its parameters are outdated.
        const reuse = loaded !== undefined && sameParams(loaded.key.params, this.settings.keys.params);
        const key = reuse ? loaded.key : await this.settings.keys.fresh();
        await writeFileAtomic(paths.secretFile, encodeSecretFile(decision.record, key));
      }
      return decision.record;
    });
  }

  private locked<T>(name: string, action: (paths: LocalStorePaths) => Promise<T>): Promise<T> {
    const paths = this.paths(name);
    return withLock({ lockFile: paths.lockFile, secretName: name, timeoutMs: this.settings.lockTimeoutMs }, () => action(paths));
  }
}

function sameParams(a: ScryptParams, b: ScryptParams): boolean {
  return a.N === b.N && a.r === b.r && a.p === b.p;
}

function checkOptions(options: LocalStoreOptions): Settings {
  const { directory, passphrase, passphraseSource = 'the store passphrase', clock = () => new Date() } = options;
  const { lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS, scryptParams = DEFAULT_SCRYPT_PARAMS } = options;
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
  };
}
