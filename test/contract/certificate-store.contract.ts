/**
 * One contract for every CertificateStore: the local store claims to behave like AWS
 * Secrets Manager (docs/local-store.md), and this suite is that claim as a test. It runs against
 * the local store (local-store.test.ts) and against the AWS store on moto
 * (aws-secrets-manager.int.test.ts): labels after each write, promotion, the previous version
 * kept, idempotent retries, owners, delete and restore, a lost secret, errors.
 *
 * Names are unique per test, so the AWS run can share one moto server with other test files.
 * Versions are compared by their labels (Secrets Manager drops unlabeled versions from
 * DescribeSecret over time; the local store keeps ten), never by order.
 */
import { createHash, randomUUID } from 'node:crypto';

import { type ErrorCode, isSfbError } from '../../provider/domain/errors';
import type { PfxPayload as CertificatePayload, CertificateStage, CertificateStore, OwnerClaim, StoredSecret } from '../../provider/ports/certificate-store';

/** What a store under test provides. */
export interface StoreUnderTest {
  readonly store: CertificateStore;
  /**
   * The one documented difference: Secrets Manager puts AWSCURRENT on a secret's first version
   * whatever labels the write asked for (PutSecretValue: "If this operation creates the first
   * version for the secret, then Secrets Manager automatically attaches the staging label
   * AWSCURRENT"); the local store labels a first scheduled version `pending` only.
   */
  readonly firstVersionIsAlwaysCurrent: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A payload whose thumbprint is derived from `seed`, and the version id our provider would give it. */
export function aVersion(seed: string, overrides: Partial<CertificatePayload> = {}): { versionId: string; payload: CertificatePayload } {
  const pfx = createHash('sha512').update(`pfx-${seed}`).digest();
  const thumbprint = createHash('sha1').update(seed).digest('hex').toUpperCase();
  const payload: CertificatePayload = { pfxBase64: Buffer.concat([pfx, pfx]).toString('base64'), password: `pw-${seed}-Zq81`, thumbprint, ...overrides };
  const digest = createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 16);
  return { versionId: `${payload.thumbprint}-${digest}`, payload };
}

/** `{ current: 'A', previous: 'B' }`: which seed's version holds each label. */
function labels(secret: StoredSecret | undefined, versions: Record<string, string>): Partial<Record<CertificateStage, string>> {
  const bySeed = new Map(Object.entries(versions).map(([seed, id]) => [id, seed]));
  const out: Partial<Record<CertificateStage, string>> = {};
  for (const version of secret?.versions ?? []) {
    for (const stage of version.stages) out[stage] = bySeed.get(version.versionId) ?? version.versionId;
  }
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'not an SfbError'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isSfbError(error) ? error.code : 'not an SfbError';
  }
}

export function certificateStoreContract(label: string, open: () => Promise<StoreUnderTest>): void {
  describe(`CertificateStore contract: ${label}`, () => {
    let subject: StoreUnderTest;
    let store: CertificateStore;
    let name: string;
    const A = aVersion('A');
    const B = aVersion('B');
    const C = aVersion('C');
    const P = aVersion('P', { effectiveDate: '2031-06-01T00:00:00.000Z' });
    const ids = { A: A.versionId, B: B.versionId, C: C.versionId, P: P.versionId };
    const PROD: OwnerClaim = { owner: 'organization/sfb/prod' };
    const DEV: OwnerClaim = { owner: 'organization/sfb/dev' };

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      name = `sfb/contract/${randomUUID()}`;
    });

    it('has no secret before the first write, and says a secret state expects is lost (STORE_NOT_FOUND)', async () => {
      expect(await store.describe(name)).toBeUndefined();
      await expect(store.describeExisting(name)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
      await expect(store.describeExisting(name)).rejects.toThrow(name);
    });

    it('labels each write: current, then current/previous, and previous follows current', async () => {
      await store.putVersion({ name, ...A, stage: 'current', claim: PROD });
      expect(labels(await store.describe(name), ids)).toEqual({ current: 'A' });
      await store.putVersion({ name, ...B, stage: 'current', claim: PROD });
      expect(labels(await store.describe(name), ids)).toEqual({ current: 'B', previous: 'A' });
      const after = await store.putVersion({ name, ...C, stage: 'current', claim: PROD });
      expect(labels(after, ids)).toEqual({ current: 'C', previous: 'B' });
      expect(labels(await store.describe(name), ids)).toEqual({ current: 'C', previous: 'B' });
    });

    it('keeps every version readable by id, with its payload as written (the previous one too)', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      await store.putVersion({ name, ...P, stage: 'pending' });
      await store.putVersion({ name, ...B, stage: 'current' });
      expect(await store.getVersion(name, A.versionId)).toEqual(A.payload);
      expect(await store.getVersion(name, B.versionId)).toEqual(B.payload);
      expect(await store.getVersion(name, P.versionId)).toEqual(P.payload);
      await expect(store.getVersion(name, aVersion('never').versionId)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    });

    it('keeps a record without a PFX (a certificate a Front End Server holds) beside PFX versions, and rolls between them', async () => {
      const held = { heldBy: 'fe02.contoso.com', thumbprint: createHash('sha1').update('held').digest('hex').toUpperCase() };
      const H = { versionId: `${held.thumbprint}-0123456789abcdef`, payload: held };
      await store.putVersion({ name, ...A, stage: 'current' });
      await store.putVersion({ name, ...H, stage: 'current' });
      expect(await store.getVersion(name, H.versionId)).toEqual(held);
      expect(await store.getVersion(name, A.versionId)).toEqual(A.payload);
      // A retry of the record is a no-op; the same id naming another server is a conflict.
      await store.putVersion({ name, ...H, stage: 'current' });
      expect(await codeOf(store.putVersion({ name, versionId: H.versionId, payload: { ...held, heldBy: 'fe03.contoso.com' }, stage: 'current' }))).toBe('STORE_CONFLICT');
      expect(labels(await store.describe(name), { A: A.versionId, H: H.versionId })).toEqual({ current: 'H', previous: 'A' });
      // A record that is neither a PFX nor names its server is refused before anything is written.
      expect(await codeOf(store.putVersion({ name, versionId: aVersion('bad').versionId, payload: { thumbprint: held.thumbprint } as unknown as CertificatePayload, stage: 'current' }))).toBe('INVALID_ARGUMENT');
    });

    it('names thumbprints right when it gives them from metadata', async () => {
      const secret = await store.putVersion({ name, ...A, stage: 'current' });
      for (const version of secret.versions) if (version.thumbprint !== undefined) expect(version.thumbprint).toBe(A.payload.thumbprint);
    });

    it('schedules a roll as pending beside current, and promotes it: current moves, previous follows, pending stays on it', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      expect(labels(await store.putVersion({ name, ...P, stage: 'pending' }), ids)).toEqual({ current: 'A', pending: 'P' });
      const promoted = await store.moveStage(name, 'current', P.versionId);
      expect(labels(promoted, ids)).toEqual({ current: 'P', previous: 'A', pending: 'P' });
      expect(labels(await store.describe(name), ids)).toEqual({ current: 'P', previous: 'A', pending: 'P' });
      // Moving a label onto the version that has it changes nothing.
      expect(labels(await store.moveStage(name, 'current', P.versionId), ids)).toEqual({ current: 'P', previous: 'A', pending: 'P' });
    });

    it('rolls back by moving current onto the previous version', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      await store.putVersion({ name, ...B, stage: 'current' });
      expect(labels(await store.moveStage(name, 'current', A.versionId), ids)).toEqual({ current: 'A', previous: 'B' });
      await expect(store.moveStage(name, 'current', aVersion('never').versionId)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    });

    it('labels a first scheduled version as the backend documents', async () => {
      const secret = await store.putVersion({ name, ...P, stage: 'pending' });
      expect(labels(secret, ids)).toEqual(subject.firstVersionIsAlwaysCurrent ? { current: 'P', pending: 'P' } : { pending: 'P' });
    });

    it('makes a retried write a no-op: no second version, labels untouched, even after the version lost current', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      await store.putVersion({ name, ...A, stage: 'current' });
      let secret = await store.describe(name);
      expect(secret?.versions.filter((v) => v.versionId === A.versionId)).toHaveLength(1);
      await store.putVersion({ name, ...B, stage: 'current' });
      await store.putVersion({ name, ...A, stage: 'current' });
      secret = await store.describe(name);
      expect(labels(secret, ids)).toEqual({ current: 'B', previous: 'A' });
      expect(secret?.versions.map((v) => v.versionId).sort()).toEqual([A.versionId, B.versionId].sort());
    });

    it('refuses the same version id with another payload (STORE_CONFLICT), changing nothing', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      const other = { ...A.payload, password: 'another-password-Zq81' };
      expect(await codeOf(store.putVersion({ name, versionId: A.versionId, payload: other, stage: 'current' }))).toBe('STORE_CONFLICT');
      expect(await store.getVersion(name, A.versionId)).toEqual(A.payload);
    });

    it('records the owner, refuses another stack (STORE_OWNED_ELSEWHERE) until it adopts', async () => {
      const created = await store.putVersion({ name, ...A, stage: 'current', claim: PROD });
      expect(created.owner).toBe(PROD.owner);
      expect(await codeOf(store.putVersion({ name, ...B, stage: 'current', claim: DEV }))).toBe('STORE_OWNED_ELSEWHERE');
      expect(await codeOf(store.moveStage(name, 'previous', A.versionId, DEV))).toBe('STORE_OWNED_ELSEWHERE');
      expect(await codeOf(store.claim(name, DEV))).toBe('STORE_OWNED_ELSEWHERE');
      expect(await codeOf(store.scheduleDeletion(name, 7, DEV))).toBe('STORE_OWNED_ELSEWHERE');
      const unchanged = await store.describe(name);
      expect(labels(unchanged, ids)).toEqual({ current: 'A' });
      expect(unchanged?.deletionDate).toBeUndefined();
      await expect(store.putVersion({ name, ...B, stage: 'current', claim: DEV })).rejects.toThrow(`managed by ${PROD.owner}`);
      const adopted = await store.putVersion({ name, ...B, stage: 'current', claim: { ...DEV, adopt: true } });
      expect(adopted.owner).toBe(DEV.owner);
      expect((await store.describe(name))?.owner).toBe(DEV.owner);
      expect(await codeOf(store.putVersion({ name, ...C, stage: 'current', claim: PROD }))).toBe('STORE_OWNED_ELSEWHERE');
    });

    it('lets an unclaimed secret be claimed, and claims only what exists', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      expect((await store.describe(name))?.owner).toBeUndefined();
      expect((await store.claim(name, PROD)).owner).toBe(PROD.owner);
      expect((await store.describe(name))?.owner).toBe(PROD.owner);
      expect(await codeOf(store.claim(`${name}-missing`, PROD))).toBe('STORE_NOT_FOUND');
    });

    it('schedules deletion with the window, refuses changes meanwhile, and restores with every version and label', async () => {
      await store.putVersion({ name, ...A, stage: 'current', claim: PROD });
      await store.putVersion({ name, ...B, stage: 'current', claim: PROD });
      const before = Date.now();
      await store.scheduleDeletion(name, 7, PROD);
      const deleted = await store.describe(name);
      expect(deleted?.deletionDate).toBeDefined();
      const at = new Date(deleted!.deletionDate!).getTime();
      expect(at).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 5 * 60 * 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS + 5 * 60 * 1000);
      expect((await store.describeExisting(name)).deletionDate).toBe(deleted!.deletionDate);
      expect(await codeOf(store.getVersion(name, A.versionId))).toBe('STORE_CONFLICT');
      expect(await codeOf(store.putVersion({ name, ...C, stage: 'current', claim: PROD }))).toBe('STORE_CONFLICT');
      expect(await codeOf(store.moveStage(name, 'current', A.versionId, PROD))).toBe('STORE_CONFLICT');
      expect(await codeOf(store.scheduleDeletion(name, 7, PROD))).toBe('STORE_CONFLICT');
      const restored = await store.restore(name, PROD);
      expect(restored.deletionDate).toBeUndefined();
      expect(labels(restored, ids)).toEqual({ current: 'B', previous: 'A' });
      expect(await store.getVersion(name, A.versionId)).toEqual(A.payload);
      // Restoring what is not deleted changes nothing.
      expect(labels(await store.restore(name, PROD), ids)).toEqual({ current: 'B', previous: 'A' });
    });

    it('refuses bad requests with INVALID_ARGUMENT before calling anything', async () => {
      expect(await codeOf(store.describe('bad name with spaces'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.getVersion(name, 'short'))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.scheduleDeletion(name, 3))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.scheduleDeletion(name, 31))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.putVersion({ name, ...A, payload: { ...A.payload, thumbprint: 'abc' }, stage: 'current' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.putVersion({ name, ...A, stage: 'previous' as 'current' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(store.putVersion({ name, ...A, stage: 'current', claim: { owner: 'bad\nowner' } }))).toBe('INVALID_ARGUMENT');
      expect(await store.describe(name)).toBeUndefined();
    });

    it('says STORE_NOT_FOUND for changes to a secret that does not exist', async () => {
      expect(await codeOf(store.moveStage(name, 'current', A.versionId))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(store.scheduleDeletion(name, 7))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(store.restore(name))).toBe('STORE_NOT_FOUND');
      expect(await codeOf(store.getVersion(name, A.versionId))).toBe('STORE_NOT_FOUND');
    });

    it('never puts the PFX or the password in an error message', async () => {
      await store.putVersion({ name, ...A, stage: 'current' });
      const other = { ...A.payload, password: 'another-password-Zq81' };
      const messages: string[] = [];
      for (const attempt of [
        store.putVersion({ name, versionId: A.versionId, payload: other, stage: 'current' }),
        store.putVersion({ name, ...B, stage: 'current', claim: DEV }).then(() => store.putVersion({ name, ...C, stage: 'current', claim: PROD })),
      ]) {
        try {
          await attempt;
        } catch (error) {
          messages.push(String((error as Error).message));
        }
      }
      expect(messages).toHaveLength(2);
      for (const message of messages) {
        for (const secret of [A.payload.pfxBase64.slice(0, 24), A.payload.password!, other.password, B.payload.password!]) expect(message).not.toContain(secret);
      }
    });
  });
}
