/**
 * A certificate store in memory, for shell tests that need no files: the same rules as the local
 * store (the pure decisions of its record-decisions module: labels, owners, deletion), without
 * encryption, locks or a directory. Lost-store and file-safety behaviour stay with the real
 * local store's tests.
 */
import {
  assertClaim,
  decideClaim,
  decideGetVersion,
  decideMoveStage,
  decidePutVersion,
  decideRestore,
  decideScheduleDeletion,
  describeRecord,
  withClaim,
  type Decision,
  type SecretRecord,
  type SecretRef,
} from '../../provider/adapters/local-store/record-decisions';
import { assertRecoveryWindow } from '../../provider/domain/recovery-window';
import { SfbError } from '../../provider/domain/errors';
import type { CertificateStage, CertificatePayload, CertificateStore, OwnerClaim, PutVersionRequest, StoredSecret } from '../../provider/ports/certificate-store';

export interface MemoryStore extends CertificateStore {
  /** The records by secret name, for assertions. */
  readonly records: Map<string, SecretRecord>;
}

/** An empty in-memory store; `clock`: the moment writes are stamped with. */
export function createMemoryStore(clock: () => Date = () => new Date(), description = 'memory store'): MemoryStore {
  const records = new Map<string, SecretRecord>();
  const ref = (name: string): SecretRef => ({ name, where: description });
  const update = (name: string, claim: OwnerClaim | undefined, action: string, decide: (record: SecretRecord | undefined) => Decision): SecretRecord => {
    const record = records.get(name);
    assertClaim(record, name, claim, action);
    const decision = withClaim(decide(record), claim);
    if (decision.kind === 'write') records.set(name, decision.record);
    return decision.record;
  };
  return {
    description,
    records,
    async describe(name: string): Promise<StoredSecret | undefined> {
      const record = records.get(name);
      return record === undefined ? undefined : describeRecord(record);
    },
    async describeExisting(name: string): Promise<StoredSecret> {
      const record = records.get(name);
      if (record === undefined) throw new SfbError('STORE_NOT_FOUND', `The ${description} has no secret "${name}".`);
      return describeRecord(record);
    },
    async getVersion(name: string, versionId: string): Promise<CertificatePayload> {
      return decideGetVersion(records.get(name), ref(name), versionId);
    },
    async putVersion(request: PutVersionRequest): Promise<StoredSecret> {
      return describeRecord(update(request.name, request.claim, `write version ${request.versionId} of it`, (record) => decidePutVersion(record, request, clock())));
    },
    async moveStage(name: string, stage: CertificateStage, versionId: string, claim?: OwnerClaim): Promise<StoredSecret> {
      return describeRecord(update(name, claim, `move its ${stage} label`, (record) => decideMoveStage(record, ref(name), stage, versionId)));
    },
    async scheduleDeletion(name: string, recoveryWindowDays: number, claim?: OwnerClaim): Promise<void> {
      assertRecoveryWindow(recoveryWindowDays);
      update(name, claim, 'schedule its deletion', (record) => decideScheduleDeletion(record, ref(name), recoveryWindowDays, clock()));
    },
    async restore(name: string, claim?: OwnerClaim): Promise<StoredSecret> {
      return describeRecord(update(name, claim, 'restore it', (record) => decideRestore(record, ref(name))));
    },
    async claim(name: string, claim: OwnerClaim): Promise<StoredSecret> {
      return describeRecord(update(name, claim, 'manage it', (record) => decideClaim(record, ref(name))));
    },
  };
}
