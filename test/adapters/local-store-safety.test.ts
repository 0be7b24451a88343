/**
 * What keeps a local store from silently doing the wrong thing: a store that is gone is not
 * "no secret", a secret has one owner, the store directory must be a directory nobody else can
 * write, and a write commits only over the file it read.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { createLocalStore, type LocalStoreConfig, localStorePaths } from '../../provider/adapters/local-store';
import { replaceIfUnchanged } from '../../provider/adapters/local-store/atomic-file';
import { isSfbError, type ErrorCode, type SfbError } from '../../provider/domain/errors';
import type { CertificateStore, OwnerClaim } from '../../provider/ports/certificate-store';
import { aPayload, aVersionId } from '../builders/store-payloads';
import { temporaryDirectories } from '../support/temporary-directories';

const PASSPHRASE = 'safety-test-passphrase-41c9';
const NAME = 'sfb/oauth-token-issuer/contoso.com';
const ALICE: OwnerClaim = { owner: 'organization/certs/prod' };
const BOB: OwnerClaim = { owner: 'organization/certs-copy/dev' };

const aRoot = temporaryDirectories('sfb-store-safety-');

function aStore(directory: string, options: Partial<LocalStoreConfig> = {}): CertificateStore {
  return createLocalStore({ directory, passphrase: PASSPHRASE, ...options });
}

function put(store: CertificateStore, label: string, claim?: OwnerClaim) {
  return store.putVersion({ name: NAME, versionId: aVersionId(label), payload: aPayload(label), stage: 'current', ...(claim ? { claim } : {}) });
}

async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<SfbError> {
  await expect(promise).rejects.toMatchObject({ code });
  const error: unknown = await promise.catch((e: unknown) => e);
  if (!isSfbError(error)) throw new Error(`expected an SfbError, got ${String(error)}`);
  expect(error.message).not.toContain(PASSPHRASE);
  return error;
}

describe('describeExisting: a secret state says exists', () => {
  it('returns the metadata of a secret that is there, scheduled deletion included', async () => {
    const directory = path.join(await aRoot(), 'store');
    const store = aStore(directory);
    await put(store, 'A');
    expect(await store.describeExisting(NAME)).toEqual(await store.describe(NAME));
    await store.scheduleDeletion(NAME, 7);
    expect((await store.describeExisting(NAME)).deletionDate).toBeDefined();
  });

  it.each<{ row: string; lose: (directory: string) => Promise<void>; says: (directory: string) => string }>([
    {
      row: 'the directory deleted',
      lose: (directory) => fs.rm(directory, { recursive: true }),
      says: (directory) => `The local store directory ${directory} does not exist, so secret "${NAME}" cannot be found there. Restore it: mount the disk, correct the store directory, or copy the directory back from a backup.`,
    },
    {
      row: 'an empty directory in its place (an unmounted disk)',
      lose: async (directory) => {
        await fs.rm(directory, { recursive: true });
        await fs.mkdir(directory, { mode: 0o700 });
      },
      says: (directory) => `The local store directory ${directory} is empty (as an unmounted disk's mount point is), so secret "${NAME}"`,
    },
    {
      row: "the secret's file deleted",
      lose: async (directory) => {
        await fs.rm(localStorePaths(directory, NAME).secretFile);
        await fs.writeFile(path.join(directory, 'other.sfbsecret'), '');
      },
      says: (directory) => `The local store directory ${directory} has no file for secret "${NAME}" (${path.basename(localStorePaths(directory, NAME).secretFile)})`,
    },
  ])('fails with STORE_NOT_FOUND naming what is missing after $row, and creates nothing', async ({ lose, says }) => {
    const directory = path.join(await aRoot(), 'store');
    await put(aStore(directory), 'A');
    await lose(directory);
    const before = await fs.readdir(path.dirname(directory));

    const error = await rejection(aStore(directory).describeExisting(NAME), 'STORE_NOT_FOUND');

    expect(error.message).toContain(says(directory));
    expect(await fs.readdir(path.dirname(directory))).toEqual(before);
  });

  it('still reads a missing directory as "no secret" for describe (a first create)', async () => {
    const directory = path.join(await aRoot(), 'store');
    expect(await aStore(directory).describe(NAME)).toBeUndefined();
    await expect(fs.stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the store directory', () => {
  it.each<{ row: string; directory: (file: string) => string }>([
    { row: 'is a regular file', directory: (file) => file },
    { row: 'lies below a regular file', directory: (file) => path.join(file, 'store') },
  ])('that $row gets the dedicated message for every operation, not ENOTDIR', async ({ directory: at }) => {
    const file = path.join(await aRoot(), 'not-a-directory');
    await fs.writeFile(file, 'in the way');
    const store = aStore(at(file));
    for (const operation of [() => store.describe(NAME), () => put(store, 'A'), () => store.describeExisting(NAME), () => store.getVersion(NAME, aVersionId('A'))]) {
      const error = await rejection(operation(), 'STORE_UNAVAILABLE');
      expect(error.message).toBe(
        `The local store directory ${at(file)} exists but is not a directory (it, or a directory above it, is a file). Point the store at a directory, or move the file that is in the way.`,
      );
    }
  });

  it.each<{ row: string; mode: number; shown: string }>([
    { row: 'world-writable', mode: 0o777, shown: 'mode 0777' },
    { row: 'world-writable with the sticky bit, like /tmp', mode: 0o1777, shown: 'mode 1777, sticky' },
  ])('that is $row, even through a symlink, is refused with STORE_INSECURE for reads and writes', async ({ mode, shown }) => {
    const root = await aRoot();
    const target = path.join(root, 'shared');
    await fs.mkdir(target);
    await put(aStore(target), 'A');
    await fs.chmod(target, mode);
    const link = path.join(root, 'store');
    await fs.symlink(target, link);
    const bytes = await fs.readFile(localStorePaths(target, NAME).secretFile);

    const store = aStore(link);
    for (const operation of [() => store.describe(NAME), () => store.getVersion(NAME, aVersionId('A')), () => put(store, 'B'), () => store.scheduleDeletion(NAME, 7)]) {
      const error = await rejection(operation(), 'STORE_INSECURE');
      expect(error.message).toBe(
        `The local store directory ${link} is writable by every user (${shown}), so anyone on this machine could replace or roll back its encrypted certificate files; the store refuses to use it. Run \`chmod 700 ${link}\` (if it is a symlink, on the directory it points to), or point the store at a directory only the deploying user can write.`,
      );
    }
    expect(await fs.readFile(localStorePaths(target, NAME).secretFile)).toEqual(bytes);

    await fs.chmod(target, 0o700);
    expect((await store.describe(NAME))?.versions).toHaveLength(1);
  });

  it('accepts a group-writable directory (a deployment group sharing a store)', async () => {
    const directory = path.join(await aRoot(), 'store');
    await fs.mkdir(directory);
    await fs.chmod(directory, 0o770);
    await put(aStore(directory), 'A');
    expect((await aStore(directory).describe(NAME))?.versions).toHaveLength(1);
  });
});

describe('owners', () => {
  async function ownedBy(claim: OwnerClaim): Promise<{ directory: string; store: CertificateStore }> {
    const directory = path.join(await aRoot(), 'store');
    const store = aStore(directory);
    await put(store, 'A', claim);
    return { directory, store };
  }

  it('records the owner of the first claimed write, and describes it', async () => {
    const { store } = await ownedBy(ALICE);
    expect((await store.describe(NAME))?.owner).toBe(ALICE.owner);
    // A fresh instance reads it from the file.
    expect((await aStore((await ownedBy(ALICE)).directory).describe(NAME))?.owner).toBe(ALICE.owner);
  });

  it('lets the owner change its secret', async () => {
    const { store } = await ownedBy(ALICE);
    await put(store, 'B', ALICE);
    await store.moveStage(NAME, 'current', aVersionId('A'), ALICE);
    await store.scheduleDeletion(NAME, 7, ALICE);
    await store.restore(NAME, ALICE);
    expect(await store.describe(NAME)).toMatchObject({ owner: ALICE.owner, versions: [{ stages: ['current'] }, { stages: ['previous'] }] });
  });

  it.each<{ op: string; run: (store: CertificateStore) => Promise<unknown>; action: string }>([
    { op: 'putVersion', run: (store) => put(store, 'B', BOB), action: `write version ${aVersionId('B')} of it` },
    { op: 'moveStage', run: (store) => store.moveStage(NAME, 'pending', aVersionId('A'), BOB), action: 'move its pending label' },
    { op: 'scheduleDeletion', run: (store) => store.scheduleDeletion(NAME, 7, BOB), action: 'schedule its deletion' },
    { op: 'restore', run: (store) => store.restore(NAME, BOB), action: 'restore it' },
    { op: 'claim', run: (store) => store.claim(NAME, BOB), action: 'manage it' },
  ])('refuses $op by another owner with STORE_OWNED_ELSEWHERE naming both and the fix, and changes nothing', async ({ run, action }) => {
    const { directory, store } = await ownedBy(ALICE);
    const file = localStorePaths(directory, NAME).secretFile;
    const bytes = await fs.readFile(file);

    const error = await rejection(run(store), 'STORE_OWNED_ELSEWHERE');

    expect(error.message).toBe(
      `The secret "${NAME}" is managed by ${ALICE.owner}, not by ${BOB.owner}, so ${BOB.owner} will not ${action}: two stacks declaring one secret would roll each other's certificate. If ${ALICE.owner} no longer manages it (the stack was renamed, moved or retired), set \`adopt: true\` on this resource once to take it over (the store then records ${BOB.owner} as its owner); otherwise give this stack its own secretName or store.`,
    );
    expect(await fs.readFile(file)).toEqual(bytes);
  });

  it('lets another owner adopt the secret, which records the new owner and refuses the old one', async () => {
    const { store } = await ownedBy(ALICE);
    await put(store, 'B', { ...BOB, adopt: true });
    expect(await store.describe(NAME)).toMatchObject({ owner: BOB.owner });
    await rejection(put(store, 'C', ALICE), 'STORE_OWNED_ELSEWHERE');
  });

  it('records an owner by claim alone, without writing a version', async () => {
    const { store } = await ownedBy(ALICE);
    const claimed = await store.claim(NAME, { ...BOB, adopt: true });
    expect(claimed.owner).toBe(BOB.owner);
    expect(claimed.versions).toHaveLength(1);
    await rejection(aStore(path.join(await aRoot(), 'empty')).claim(NAME, ALICE), 'STORE_NOT_FOUND');
  });

  it('lets the first claim take a secret nobody claimed (written without a claim, or before owners existed)', async () => {
    const directory = path.join(await aRoot(), 'store');
    const store = aStore(directory);
    await put(store, 'A');
    expect((await store.describe(NAME))?.owner).toBeUndefined();
    // A no-op write (same version) still records the owner.
    await put(store, 'A', BOB);
    expect((await store.describe(NAME))?.owner).toBe(BOB.owner);
  });

  it('leaves the owner alone on changes without a claim (an operator with the passphrase)', async () => {
    const { store } = await ownedBy(ALICE);
    await put(store, 'B');
    expect((await store.describe(NAME))?.owner).toBe(ALICE.owner);
  });

  it('lets exactly one of two owners racing to create a secret own it', async () => {
    const directory = path.join(await aRoot(), 'store');
    const [alice, bob] = [aStore(directory), aStore(directory)];
    const results = await Promise.allSettled([put(alice as CertificateStore, 'A', ALICE), put(bob as CertificateStore, 'B', BOB)]);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as SfbError);
    expect(refused.map((e) => e.code)).toEqual(['STORE_OWNED_ELSEWHERE']);
    expect((await aStore(directory).describe(NAME))?.versions).toHaveLength(1);
  });

  it.each([
    { row: 'an empty owner', claim: { owner: '' } },
    { row: 'an owner with a newline', claim: { owner: 'org/project\nstack' } },
    { row: 'an owner longer than an AWS tag value', claim: { owner: 'o'.repeat(257) } },
    { row: 'adopt that is not a boolean', claim: { owner: 'org/p/s', adopt: 'yes' } },
  ])('rejects $row with INVALID_ARGUMENT', async ({ claim }) => {
    const directory = path.join(await aRoot(), 'store');
    await rejection(put(aStore(directory), 'A', claim as unknown as OwnerClaim), 'INVALID_ARGUMENT');
  });
});

describe('replaceIfUnchanged: the commit check behind the lock', () => {
  it('replaces a file that still holds what was read, and creates one that still does not exist', async () => {
    const file = path.join(await aRoot(), 'secret');
    await replaceIfUnchanged(file, undefined, Buffer.from('one'));
    await replaceIfUnchanged(file, Buffer.from('one'), Buffer.from('two'));
    expect(await fs.readFile(file, 'utf8')).toBe('two');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it.each<{ row: string; read: Buffer | undefined; meanwhile: string | undefined }>([
    { row: 'changed since it was read', read: Buffer.from('one'), meanwhile: 'another writer' },
    { row: 'created since it was read as absent', read: undefined, meanwhile: 'another writer' },
    { row: 'deleted since it was read', read: Buffer.from('one'), meanwhile: undefined },
  ])('refuses, retryably and without writing, a file $row', async ({ read, meanwhile }) => {
    const file = path.join(await aRoot(), 'secret');
    if (meanwhile !== undefined) await fs.writeFile(file, meanwhile);

    const error = await rejection(replaceIfUnchanged(file, read, Buffer.from('mine')), 'STORE_LOCKED');

    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`The local store file ${file} changed while this writer held its lock`);
    expect(await fs.readFile(file, 'utf8').catch(() => undefined)).toBe(meanwhile);
    expect(await fs.readdir(path.dirname(file))).toEqual(meanwhile === undefined ? [] : ['secret']);
  });
});
