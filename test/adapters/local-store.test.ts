/**
 * The local store against real temporary directories: round trip, what is on disk, damaged
 * files, the version and label rules (which the AWS backend must match), deletion, atomic writes.
 * Locking across processes is in local-store-lock.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import fsModule from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import {
  createLocalStore,
  DEFAULT_SCRYPT_PARAMS,
  type LocalStoreConfig,
  localStorePaths,
  MAX_UNLABELED_VERSIONS,
} from '../../provider/adapters/local-store';
import { isSfbError, type ErrorCode, type SfbError } from '../../provider/domain/errors';
import type { PfxPayload as CertificatePayload, CertificateStage, CertificateStore, StoredSecret } from '../../provider/ports/certificate-store';
import { aVersionId } from '../builders/store-payloads';
import { temporaryDirectories } from '../support/temporary-directories';

const PASSPHRASE = 'local-store-test-passphrase-6b1f0c';
const OTHER_PASSPHRASE = 'a-different-passphrase-93e2aa';
const NAME = 'sfb/oauth-token-issuer';
const START = new Date('2030-01-01T00:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Builders

/** A version id of the shape the port requires, readable in test rows: aVersionId('A'). */
/** A payload whose PFX and password are distinctive enough to search for in the file bytes. */
function aPayload(overrides: Partial<CertificatePayload> & { seed?: string } = {}): CertificatePayload {
  const { seed = 'default', ...fields } = overrides;
  const pfx = createHash('sha512').update(`pfx-${seed}`).digest();
  return {
    pfxBase64: Buffer.concat([pfx, pfx, pfx, pfx]).toString('base64'),
    password: `pfx-password-${seed}-Zq81`,
    thumbprint: createHash('sha1').update(seed).digest('hex').toUpperCase(),
    ...fields,
  };
}

/** A clock the test moves. */
function aClock(start = START): { clock: () => Date; set(date: Date): void; advance(ms: number): void } {
  let now = start;
  return {
    clock: () => now,
    set: (date) => {
      now = date;
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

const aTemporaryDirectory = temporaryDirectories('sfb-local-store-');
/** A store directory not made yet, in a fresh temporary directory. */
const aDirectory = async () => path.join(await aTemporaryDirectory(), 'store');

function aStore(directory: string, options: Partial<LocalStoreConfig> = {}): CertificateStore {
  return createLocalStore({ directory, passphrase: PASSPHRASE, clock: aClock().clock, ...options });
}

function secretFile(directory: string, name = NAME): string {
  return localStorePaths(directory, name).secretFile;
}

/** Asserts the rejection code, then that the message leaks neither passphrase nor payload. */
async function expectRejection(promise: Promise<unknown>, code: ErrorCode): Promise<SfbError> {
  await expect(promise).rejects.toMatchObject({ code });
  const error: unknown = await promise.catch((e: unknown) => e);
  if (!isSfbError(error)) throw new Error(`expected an SfbError, got ${String(error)}`);
  for (const secret of [PASSPHRASE, OTHER_PASSPHRASE, aPayload().password ?? '', aPayload().pfxBase64.slice(0, 24)]) {
    expect(error.message).not.toContain(secret);
  }
  return error;
}

/** Label transitions as a compact map: { [versionId]: stages }. */
function labels(secret: StoredSecret | undefined): Record<string, readonly CertificateStage[]> {
  return Object.fromEntries((secret?.versions ?? []).map((version) => [version.versionId, version.stages]));
}

// ---------------------------------------------------------------------------------------------

describe('createLocalStore', () => {
  it('describes itself by its directory as given', () => {
    expect(createLocalStore({ directory: './.sfb-store', passphrase: PASSPHRASE }).description).toBe('local store at ./.sfb-store');
  });

  it.each([
    { row: 'empty directory', options: { directory: '' } },
    { row: 'empty passphrase', options: { passphrase: '' } },
    { row: 'negative lock timeout', options: { lockTimeoutMs: -1 } },
    { row: 'scrypt N not a power of two', options: { scryptParams: { N: 30000, r: 8, p: 1 } } },
    { row: 'scrypt memory above 256 MiB', options: { scryptParams: { N: 2 ** 20, r: 8, p: 1 } } },
  ])('rejects $row with INVALID_ARGUMENT', ({ options }) => {
    expect(() => createLocalStore({ directory: '/tmp/x', passphrase: PASSPHRASE, ...options })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('names the passphrase source, not the passphrase, when it is empty', () => {
    expect(() => createLocalStore({ directory: '/tmp/x', passphrase: '', passphraseSource: 'SFB_STORE_PASSPHRASE' })).toThrow(
      'SFB_STORE_PASSPHRASE is empty',
    );
  });
});

describe('round trip', () => {
  it('returns the payload it stored, with metadata stamped by the clock', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    const payload = aPayload({ effectiveDate: '2030-02-01T00:00:00Z' });

    const written = await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload, stage: 'current' });

    const expected: StoredSecret = {
      name: NAME,
      versions: [{ versionId: aVersionId('A'), stages: ['current'], createdAt: START.toISOString() }],
    };
    expect(written).toEqual(expected);
    expect(await store.describe(NAME)).toEqual(expected);
    expect(await store.getVersion(NAME, aVersionId('A'))).toEqual(payload);
  });

  it('reads what another instance wrote (it is on disk, not in memory)', async () => {
    const directory = await aDirectory();
    const payload = aPayload({ password: null });
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload, stage: 'current' });

    const reread = await aStore(directory).getVersion(NAME, aVersionId('A'));

    expect(reread).toEqual(payload);
    expect(reread.password).toBeNull();
    expect(reread).not.toHaveProperty('effectiveDate');
  });

  it('keeps an ACME account key with its version, encrypted like the PFX, and never in the plaintext header', async () => {
    const directory = await aDirectory();
    const accountKeyPem = '-----BEGIN PRIVATE KEY-----\naccount-key-5d2e9f\n-----END PRIVATE KEY-----\n';
    const payload = aPayload({ acmeAccountKeyPem: accountKeyPem });
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload, stage: 'current' });
    expect(await aStore(directory).getVersion(NAME, aVersionId('A'))).toEqual(payload);
    expect((await fs.readFile(secretFile(directory))).includes('account-key-5d2e9f')).toBe(false);
  });

  it('keeps the empty password distinct from no password', async () => {
    const store = aStore(await aDirectory());
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload({ password: '' }), stage: 'current' });
    expect((await store.getVersion(NAME, aVersionId('A'))).password).toBe('');
  });

  it('describes a missing secret as undefined without creating the directory', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);

    expect(await store.describe(NAME)).toBeUndefined();
    expect(fsSync.existsSync(directory)).toBe(false);

    await store.putVersion({ name: 'other', versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    expect(await store.describe(NAME)).toBeUndefined();
  });

  it('fails with STORE_NOT_FOUND for a missing secret or version', async () => {
    const store = aStore(await aDirectory());
    await expectRejection(store.getVersion(NAME, aVersionId('A')), 'STORE_NOT_FOUND');
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const error = await expectRejection(store.getVersion(NAME, aVersionId('B')), 'STORE_NOT_FOUND');
    expect(error.message).toContain(aVersionId('B'));
  });

  it('keeps secrets apart, including names that differ only in case or look like paths', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    const names = ['Cert', 'cert', 'a/b', 'a_b', '../../escape', 'x'.repeat(512)];

    for (const [index, name] of names.entries()) {
      await store.putVersion({ name, versionId: aVersionId(`N${index}`), payload: aPayload({ seed: name }), stage: 'current' });
    }

    for (const [index, name] of names.entries()) {
      expect(await store.getVersion(name, aVersionId(`N${index}`))).toEqual(aPayload({ seed: name }));
    }
    const files = await fs.readdir(directory);
    expect(files).toHaveLength(names.length);
    // Distinct even on a case-insensitive file system, and nothing escaped the directory.
    expect(new Set(files.map((file) => file.toLowerCase())).size).toBe(names.length);
    expect(await fs.readdir(path.dirname(directory))).toEqual(['store']);
  });

  it.each([
    { row: 'empty', name: '' },
    { row: 'too long', name: 'x'.repeat(513) },
    { row: 'space', name: 'sfb cert' },
    { row: 'backslash', name: 'sfb\\cert' },
    { row: 'non-ASCII', name: 'zertifikat-ä' },
    { row: 'colon', name: 'sfb:cert' },
  ])('rejects a $row secret name with INVALID_ARGUMENT before touching the disk', async ({ name }) => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await expectRejection(store.describe(name), 'INVALID_ARGUMENT');
    const error = await expectRejection(store.putVersion({ name, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' }), 'INVALID_ARGUMENT');
    expect(error.message).toContain('A-Z a-z 0-9 and / _ + = . @ -');
    expect(fsSync.existsSync(directory)).toBe(false);
  });

  it.each<{ row: string; request: object; code: ErrorCode }>([
    { row: 'a short version id', request: { versionId: 'v1' }, code: 'INVALID_ARGUMENT' },
    { row: 'a version id with a dot', request: { versionId: `${aVersionId('A')}.` }, code: 'INVALID_ARGUMENT' },
    { row: 'an unknown stage', request: { stage: 'previous' }, code: 'INVALID_ARGUMENT' },
    { row: 'a PFX that is not base64', request: { payload: aPayload({ pfxBase64: 'not base64!' }) }, code: 'INVALID_ARGUMENT' },
    { row: 'a lowercase thumbprint', request: { payload: aPayload({ thumbprint: 'ab'.repeat(20) }) }, code: 'INVALID_ARGUMENT' },
    { row: 'an effective date that is not ISO 8601', request: { payload: aPayload({ effectiveDate: 'next Tuesday' }) }, code: 'INVALID_ARGUMENT' },
    { row: 'a payload larger than AWS allows', request: { payload: aPayload({ pfxBase64: randomBytes(50_000).toString('base64') }) }, code: 'SECRET_TOO_LARGE' },
  ])('rejects $row with $code and writes nothing', async ({ request, code }) => {
    const directory = await aDirectory();
    const store = aStore(directory);
    const put = { name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current', ...request } as Parameters<CertificateStore['putVersion']>[0];
    await expectRejection(store.putVersion(put), code);
    expect(fsSync.existsSync(directory)).toBe(false);
  });
});

describe('at rest', () => {
  it('creates the directory 0700 and the file 0600', async () => {
    const directory = path.join(await aDirectory(), 'nested');
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });

    expect((await fs.stat(directory)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(secretFile(directory))).mode & 0o777).toBe(0o600);
    // Nothing else is left behind: no lock, no temporary file.
    expect(await fs.readdir(directory)).toEqual([path.basename(secretFile(directory))]);
  });

  it('contains neither the passphrase, the PFX password, the PFX base64 nor the PFX bytes', async () => {
    const directory = await aDirectory();
    const payload = aPayload({ seed: 'needle' });
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload, stage: 'current' });
    const bytes = await fs.readFile(secretFile(directory));

    const pfxBytes = Buffer.from(payload.pfxBase64, 'base64');
    for (const needle of [
      Buffer.from(PASSPHRASE),
      Buffer.from(payload.password ?? ''),
      Buffer.from(payload.pfxBase64.slice(0, 32)),
      pfxBytes.subarray(0, 16),
      Buffer.from(pfxBytes.subarray(0, 12).toString('hex')),
    ]) {
      expect(bytes.includes(needle)).toBe(false);
    }
    // The file really holds it: it decrypts back (guards against a test that passes on an empty file).
    expect(await aStore(directory).getVersion(NAME, aVersionId('A'))).toEqual(payload);
  });

  it('starts with a plaintext JSON header recording the format version, the scrypt parameters, the salt and the IV', async () => {
    const directory = await aDirectory();
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const header = readHeader(await fs.readFile(secretFile(directory)));

    expect(header).toEqual({
      format: 'sfb-oauth-cert/local-store',
      formatVersion: 1,
      name: NAME,
      kdf: { algorithm: 'scrypt', N: 32768, r: 8, p: 1, salt: expect.any(String) },
      cipher: { algorithm: 'aes-256-gcm', iv: expect.any(String) },
    });
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 2 ** 15, r: 8, p: 1 });
    expect(Buffer.from(header.kdf.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(header.cipher.iv, 'base64')).toHaveLength(12);
  });

  it('uses a fresh IV for every write and a fresh salt for every new file', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const first = readHeader(await fs.readFile(secretFile(directory)));
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' });
    const second = readHeader(await fs.readFile(secretFile(directory)));
    await store.putVersion({ name: 'other', versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const other = readHeader(await fs.readFile(secretFile(directory, 'other')));

    expect(second.cipher.iv).not.toBe(first.cipher.iv);
    expect(other.kdf.salt).not.toBe(first.kdf.salt);
  });

  it('derives the key with the parameters in the header, and moves a file to the configured ones on its next write', async () => {
    const directory = await aDirectory();
    const cheap = { N: 2 ** 12, r: 8, p: 1 };
    await aStore(directory, { scryptParams: cheap }).putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    expect(readHeader(await fs.readFile(secretFile(directory))).kdf).toMatchObject(cheap);

    const store = aStore(directory);
    expect(await store.getVersion(NAME, aVersionId('A'))).toEqual(aPayload());
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' });

    expect(readHeader(await fs.readFile(secretFile(directory))).kdf).toMatchObject(DEFAULT_SCRYPT_PARAMS);
    expect(await aStore(directory).getVersion(NAME, aVersionId('A'))).toEqual(aPayload());
  });

  it('authenticates the header: an equivalent header with other bytes no longer decrypts', async () => {
    const directory = await aDirectory();
    await aStore(directory).putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const file = secretFile(directory);
    // Same JSON value, different bytes; the checksum is recomputed so only the AAD can notice.
    await fs.writeFile(file, replaceChecksum(Buffer.from((await fs.readFile(file)).toString('latin1').replace('{"format"', '{ "format"'), 'latin1')));

    await expectRejection(aStore(directory).getVersion(NAME, aVersionId('A')), 'STORE_WRONG_PASSPHRASE');
  });
});

describe('wrong passphrase and damaged files', () => {
  async function aWrittenFile(): Promise<{ directory: string; file: string; bytes: Buffer }> {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'pending' });
    const file = secretFile(directory);
    return { directory, file, bytes: await fs.readFile(file) };
  }

  /** Every operation, so each is shown to read before it writes. */
  const operations: { op: string; run: (store: CertificateStore) => Promise<unknown> }[] = [
    { op: 'describe', run: (store) => store.describe(NAME) },
    { op: 'getVersion', run: (store) => store.getVersion(NAME, aVersionId('A')) },
    { op: 'putVersion', run: (store) => store.putVersion({ name: NAME, versionId: aVersionId('C'), payload: aPayload({ seed: 'c' }), stage: 'current' }) },
    { op: 'moveStage', run: (store) => store.moveStage(NAME, 'current', aVersionId('B')) },
    { op: 'scheduleDeletion', run: (store) => store.scheduleDeletion(NAME, 7) },
    { op: 'restore', run: (store) => store.restore(NAME) },
  ];

  it.each(operations)('$op with the wrong passphrase fails with STORE_WRONG_PASSPHRASE and leaves the file unchanged', async ({ run }) => {
    const { directory, file, bytes } = await aWrittenFile();
    const store = aStore(directory, { passphrase: OTHER_PASSPHRASE, passphraseSource: 'the SFB_STORE_PASSPHRASE environment variable' });

    const error = await expectRejection(run(store), 'STORE_WRONG_PASSPHRASE');

    expect(error.message).toContain(file);
    expect(error.message).toContain('Set the SFB_STORE_PASSPHRASE environment variable to the passphrase used when the file was written');
    expect(await fs.readFile(file)).toEqual(bytes);
    expect(await aStore(directory).getVersion(NAME, aVersionId('A'))).toEqual(aPayload());
  });

  it('mentions "the store passphrase" when no source is configured', async () => {
    const { directory } = await aWrittenFile();
    const error = await expectRejection(aStore(directory, { passphrase: OTHER_PASSPHRASE }).describe(NAME), 'STORE_WRONG_PASSPHRASE');
    expect(error.message).toContain('cannot be decrypted with the store passphrase');
  });

  const damages: { row: string; damage: (bytes: Buffer) => Buffer; detail: string }[] = [
    { row: 'empty file', damage: () => Buffer.alloc(0), detail: 'it is empty' },
    { row: 'truncated ciphertext', damage: (bytes) => bytes.subarray(0, bytes.length - 10), detail: 'checksum does not match' },
    { row: 'truncated to the header', damage: (bytes) => bytes.subarray(0, bytes.indexOf(0x0a) + 5), detail: 'too short' },
    { row: 'truncated inside the header', damage: (bytes) => bytes.subarray(0, 40), detail: 'no header line' },
    { row: 'flipped bit in the ciphertext', damage: (bytes) => flip(bytes, bytes.indexOf(0x0a) + 20), detail: 'checksum does not match' },
    { row: 'flipped bit in the GCM tag', damage: (bytes) => flip(bytes, bytes.length - 40), detail: 'checksum does not match' },
    { row: 'changed scrypt N in the header', damage: (bytes) => Buffer.from(bytes.toString('latin1').replace('"N":32768', '"N":65536'), 'latin1'), detail: 'checksum does not match' },
    { row: 'header that is not JSON', damage: (bytes) => Buffer.concat([Buffer.from('{not json\n'), bytes]), detail: 'not valid JSON' },
    { row: 'JSON that is not a store file', damage: () => Buffer.from('{"hello":"world"}\n'), detail: 'not a local store file' },
    { row: 'random bytes', damage: () => Buffer.from(randomBytes(5000).map((b) => (b === 0x0a ? 0x20 : b))), detail: 'no header line' },
  ];

  it.each(damages)('a file with a $row fails with STORE_CORRUPT, for reads and writes, and stays unchanged', async ({ damage, detail }) => {
    const { directory, file, bytes } = await aWrittenFile();
    const damaged = damage(bytes);
    await fs.writeFile(file, damaged);
    const store = aStore(directory);

    const read = await expectRejection(store.describe(NAME), 'STORE_CORRUPT');
    await expectRejection(store.putVersion({ name: NAME, versionId: aVersionId('C'), payload: aPayload({ seed: 'c' }), stage: 'current' }), 'STORE_CORRUPT');

    expect(read.message).toContain(file);
    expect(read.message).toContain(detail);
    expect(read.message).toContain('Restore it from a backup');
    expect(await fs.readFile(file)).toEqual(damaged);
  });

  it('refuses the file of another secret copied over this one', async () => {
    const { directory, file, bytes } = await aWrittenFile();
    await fs.copyFile(file, secretFile(directory, 'copy'));

    const error = await expectRejection(aStore(directory).describe('copy'), 'STORE_CORRUPT');
    expect(error.message).toContain(`holds secret "${NAME}"`);
    expect(await fs.readFile(file)).toEqual(bytes);
  });

  it.each([
    { row: 'a newer format version', header: (h: Header) => ({ ...h, formatVersion: 2 }), mentions: 'has format version 2' },
    { row: 'a newer format with another layout', header: () => ({ format: 'sfb-oauth-cert/local-store', formatVersion: 7, chunks: [] }), mentions: 'has format version 7' },
    { row: 'scrypt parameters above the ceiling', header: (h: Header) => ({ ...h, kdf: { ...h.kdf, N: 2 ** 22 } }), mentions: 'N=4194304' },
  ])('a file with $row fails with STATE_UNSUPPORTED and stays unchanged', async ({ header, mentions }) => {
    const { directory, file, bytes } = await aWrittenFile();
    const newline = bytes.indexOf(0x0a);
    const rewritten = withChecksum(
      Buffer.concat([Buffer.from(JSON.stringify(header(readHeader(bytes)))), bytes.subarray(newline, bytes.length - 32)]),
    );
    await fs.writeFile(file, rewritten);
    const store = aStore(directory);

    const error = await expectRejection(store.describe(NAME), 'STATE_UNSUPPORTED');
    await expectRejection(store.putVersion({ name: NAME, versionId: aVersionId('C'), payload: aPayload({ seed: 'c' }), stage: 'current' }), 'STATE_UNSUPPORTED');

    expect(error.message).toContain(file);
    expect(error.message).toContain(mentions);
    expect(error.message).toContain('Upgrade sfb-oauth-cert');
    expect(await fs.readFile(file)).toEqual(rewritten);
  });
});

describe('versions', () => {
  it('treats a retried putVersion (same id, same payload) as a no-op that returns the current metadata', async () => {
    const directory = await aDirectory();
    const clock = aClock();
    const store = aStore(directory, { clock: clock.clock });
    const first = await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'pending' });
    const bytes = await fs.readFile(secretFile(directory));
    clock.advance(60_000);

    // Even asking for another stage: Secrets Manager's PutSecretValue "succeeds but does nothing".
    const retried = await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: { ...aPayload(), effectiveDate: undefined }, stage: 'pending' });

    expect(retried).toEqual(await store.describe(NAME));
    expect(labels(retried)).toEqual({ [aVersionId('A')]: ['current'], [aVersionId('B')]: ['pending'] });
    expect(retried.versions[0]?.createdAt).toBe(first.versions[0]?.createdAt);
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
  });

  it.each([
    { row: 'another password', payload: aPayload({ password: 'other' }) },
    { row: 'no password instead of one', payload: aPayload({ password: null }) },
    { row: 'another PFX', payload: aPayload({ pfxBase64: aPayload({ seed: 'z' }).pfxBase64 }) },
    { row: 'an added effective date', payload: aPayload({ effectiveDate: '2030-06-01T00:00:00Z' }) },
  ])('fails with STORE_CONFLICT when a version id is reused with $row, leaving the file unchanged', async ({ payload }) => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const bytes = await fs.readFile(secretFile(directory));

    const error = await expectRejection(store.putVersion({ name: NAME, versionId: aVersionId('A'), payload, stage: 'current' }), 'STORE_CONFLICT');

    expect(error.message).toContain(`Version ${aVersionId('A')} of secret "${NAME}" already exists with a different payload`);
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
  });

  type Step =
    | { put: string; stage: 'current' | 'pending' }
    | { move: CertificateStage; to: string };
  const put = (version: string, stage: 'current' | 'pending' = 'current'): Step => ({ put: version, stage });
  const move = (stage: CertificateStage, to: string): Step => ({ move: stage, to });

  it.each<{ row: string; steps: Step[]; expected: Record<string, CertificateStage[]> }>([
    { row: 'first version written as current', steps: [put('A')], expected: { A: ['current'] } },
    { row: 'first version written as pending (no current yet)', steps: [put('A', 'pending')], expected: { A: ['pending'] } },
    { row: 'a second current demotes the first to previous', steps: [put('A'), put('B')], expected: { A: ['previous'], B: ['current'] } },
    {
      row: 'a third current takes previous off the first, which keeps its data',
      steps: [put('A'), put('B'), put('C')],
      expected: { A: [], B: ['previous'], C: ['current'] },
    },
    { row: 'pending leaves current alone', steps: [put('A'), put('B', 'pending')], expected: { A: ['current'], B: ['pending'] } },
    {
      row: 'a second pending takes the label from the first',
      steps: [put('A'), put('B', 'pending'), put('C', 'pending')],
      expected: { A: ['current'], B: [], C: ['pending'] },
    },
    {
      row: 'a current write leaves pending where it is',
      steps: [put('A'), put('B', 'pending'), put('C')],
      expected: { A: ['previous'], B: ['pending'], C: ['current'] },
    },
    {
      row: 'promoting pending makes the old current previous (the target keeps pending, as on AWS)',
      steps: [put('A'), put('B', 'pending'), move('current', 'B')],
      expected: { A: ['previous'], B: ['current', 'pending'] },
    },
    {
      row: 'promoting pending drops previous from the version that had it',
      steps: [put('A'), put('B'), put('C', 'pending'), move('current', 'C')],
      expected: { A: [], B: ['previous'], C: ['current', 'pending'] },
    },
    {
      row: 'rolling back: current onto previous swaps the two',
      steps: [put('A'), put('B'), move('current', 'A')],
      expected: { A: ['current'], B: ['previous'] },
    },
    {
      row: 'current onto an unlabeled old version',
      steps: [put('A'), put('B'), put('C'), move('current', 'A')],
      expected: { A: ['current'], B: [], C: ['previous'] },
    },
    { row: 'current onto the current version is a no-op', steps: [put('A'), put('B'), move('current', 'B')], expected: { A: ['previous'], B: ['current'] } },
    {
      row: 'moving previous only moves previous',
      steps: [put('A'), put('B'), put('C'), move('previous', 'A')],
      expected: { A: ['previous'], B: [], C: ['current'] },
    },
    {
      row: 'previous may share a version with current',
      steps: [put('A'), put('B'), move('previous', 'B')],
      expected: { A: [], B: ['current', 'previous'] },
    },
    {
      row: 'moving pending only moves pending',
      steps: [put('A'), put('B', 'pending'), move('pending', 'A')],
      expected: { A: ['current', 'pending'], B: [] },
    },
    {
      row: 'current onto a version when none is current leaves previous alone',
      steps: [put('A', 'pending'), put('B', 'pending'), move('previous', 'A'), move('current', 'B')],
      expected: { A: ['previous'], B: ['current', 'pending'] },
    },
  ])('$row', async ({ steps, expected }) => {
    const store = aStore(await aDirectory());
    let result: StoredSecret | undefined;
    for (const step of steps) {
      result =
        'put' in step
          ? await store.putVersion({ name: NAME, versionId: aVersionId(step.put), payload: aPayload({ seed: step.put }), stage: step.stage })
          : await store.moveStage(NAME, step.move, aVersionId(step.to));
    }

    const expectedById = Object.fromEntries(Object.entries(expected).map(([label, stages]) => [aVersionId(label), stages]));
    expect(labels(result)).toEqual(expectedById);
    expect(labels(await store.describe(NAME))).toEqual(expectedById);
    // Versions are listed oldest first, and every version kept is still readable.
    expect(result?.versions.map((v) => v.versionId)).toEqual(Object.keys(expectedById));
    for (const label of Object.keys(expected)) {
      expect(await store.getVersion(NAME, aVersionId(label))).toEqual(aPayload({ seed: label }));
    }
  });

  it('does not rewrite the file when a label is moved onto the version that has it', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'pending' });
    const bytes = await fs.readFile(secretFile(directory));

    await store.moveStage(NAME, 'current', aVersionId('A'));
    await store.moveStage(NAME, 'pending', aVersionId('B'));

    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
  });

  it('fails with STORE_NOT_FOUND when moving a label onto an unknown version or in a missing secret', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await expectRejection(store.moveStage(NAME, 'current', aVersionId('A')), 'STORE_NOT_FOUND');
    expect(fsSync.existsSync(directory)).toBe(false);

    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    await expectRejection(store.moveStage(NAME, 'current', aVersionId('Z')), 'STORE_NOT_FOUND');
    await expectRejection(store.moveStage(NAME, 'latest' as CertificateStage, aVersionId('A')), 'INVALID_ARGUMENT');
  });

  it(`keeps the ${MAX_UNLABELED_VERSIONS} newest unlabeled versions and drops older ones`, async () => {
    const store = aStore(await aDirectory());
    const count = MAX_UNLABELED_VERSIONS + 3;
    for (let n = 1; n <= count; n += 1) {
      await store.putVersion({ name: NAME, versionId: aVersionId(`P${n}`), payload: aPayload({ seed: `P${n}` }), stage: 'current' });
    }

    const secret = await store.describe(NAME);
    // Versions 1 .. count-2 lost their labels; only the newest MAX_UNLABELED_VERSIONS of them stay.
    const kept = Array.from({ length: count - 1 }, (_, index) => aVersionId(`P${index + 2}`));
    expect(secret?.versions.map((v) => v.versionId)).toEqual(kept);
    expect(secret?.versions.filter((v) => v.stages.length === 0)).toHaveLength(MAX_UNLABELED_VERSIONS);
    await expectRejection(store.getVersion(NAME, aVersionId('P1')), 'STORE_NOT_FOUND');
    expect(await store.getVersion(NAME, aVersionId('P2'))).toEqual(aPayload({ seed: 'P2' }));
  });

  it('never prunes labelled versions, however old', async () => {
    const store = aStore(await aDirectory());
    await store.putVersion({ name: NAME, versionId: aVersionId('OLD'), payload: aPayload({ seed: 'OLD' }), stage: 'pending' });
    for (let n = 1; n <= MAX_UNLABELED_VERSIONS + 3; n += 1) {
      await store.putVersion({ name: NAME, versionId: aVersionId(`P${n}`), payload: aPayload({ seed: `P${n}` }), stage: 'current' });
    }
    expect(await store.getVersion(NAME, aVersionId('OLD'))).toEqual(aPayload({ seed: 'OLD' }));
  });
});

describe('deletion', () => {
  async function aSecret(clock = aClock()): Promise<{ directory: string; store: CertificateStore; clock: ReturnType<typeof aClock> }> {
    const directory = await aDirectory();
    const store = aStore(directory, { clock: clock.clock });
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'pending' });
    return { directory, store, clock };
  }

  it.each([
    { row: '6 days', days: 6 },
    { row: '31 days', days: 31 },
    { row: 'a fraction', days: 7.5 },
    { row: 'NaN', days: Number.NaN },
    { row: 'a string', days: '7' as unknown as number },
  ])('rejects a recovery window of $row with INVALID_ARGUMENT', async ({ days }) => {
    const { directory, store } = await aSecret();
    const bytes = await fs.readFile(secretFile(directory));
    const error = await expectRejection(store.scheduleDeletion(NAME, days), 'INVALID_ARGUMENT');
    expect(error.message).toContain('from 7 to 30');
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
    // Validated before looking, so a missing secret gets the same answer.
    await expectRejection(store.scheduleDeletion('missing', days), 'INVALID_ARGUMENT');
  });

  it.each([7, 30])('accepts %i days and dates the deletion that far from now', async (days) => {
    const { store } = await aSecret();
    await store.scheduleDeletion(NAME, days);
    expect((await store.describe(NAME))?.deletionDate).toBe(new Date(START.getTime() + days * DAY_MS).toISOString());
  });

  it('refuses reads and changes of a secret scheduled for deletion, and restore brings it back', async () => {
    const { directory, store } = await aSecret();
    await store.scheduleDeletion(NAME, 7);
    const bytes = await fs.readFile(secretFile(directory));

    for (const attempt of [
      () => store.getVersion(NAME, aVersionId('A')),
      () => store.putVersion({ name: NAME, versionId: aVersionId('C'), payload: aPayload({ seed: 'c' }), stage: 'current' }),
      () => store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' }),
      () => store.moveStage(NAME, 'current', aVersionId('B')),
      () => store.scheduleDeletion(NAME, 30),
    ]) {
      const error = await expectRejection(attempt(), 'STORE_CONFLICT');
      expect(error.message).toContain(`The secret "${NAME}" is scheduled for deletion on 2030-01-08T00:00:00.000Z`);
      expect(error.message).toContain('Restore the secret first');
    }
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
    expect(await store.describe(NAME)).toMatchObject({ deletionDate: '2030-01-08T00:00:00.000Z' });

    const restored = await store.restore(NAME);

    expect(restored).not.toHaveProperty('deletionDate');
    expect(labels(restored)).toEqual({ [aVersionId('A')]: ['current'], [aVersionId('B')]: ['pending'] });
    expect(await store.describe(NAME)).toEqual(restored);
    expect(await store.getVersion(NAME, aVersionId('A'))).toEqual(aPayload());
  });

  it('restoring a secret that is not scheduled for deletion changes nothing', async () => {
    const { directory, store } = await aSecret();
    const bytes = await fs.readFile(secretFile(directory));
    expect(await store.restore(NAME)).toEqual(await store.describe(NAME));
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
  });

  it('fails with STORE_NOT_FOUND to delete or restore a missing secret', async () => {
    const store = aStore(await aDirectory());
    await expectRejection(store.scheduleDeletion(NAME, 7), 'STORE_NOT_FOUND');
    await expectRejection(store.restore(NAME), 'STORE_NOT_FOUND');
  });

  it('keeps the secret until the deletion date, then purges it on the next access', async () => {
    const { directory, store, clock } = await aSecret();
    await store.scheduleDeletion(NAME, 7);

    clock.set(new Date(START.getTime() + 7 * DAY_MS - 1));
    expect(await store.describe(NAME)).toMatchObject({ deletionDate: '2030-01-08T00:00:00.000Z' });
    expect(fsSync.existsSync(secretFile(directory))).toBe(true);

    clock.advance(1);
    expect(await store.describe(NAME)).toBeUndefined();
    expect(fsSync.existsSync(secretFile(directory))).toBe(false);
    await expectRejection(store.getVersion(NAME, aVersionId('A')), 'STORE_NOT_FOUND');
    await expectRejection(store.restore(NAME), 'STORE_NOT_FOUND');
  });

  it.each<{ op: string; access: (store: CertificateStore) => Promise<unknown>; code?: ErrorCode }>([
    { op: 'getVersion', access: (store) => store.getVersion(NAME, aVersionId('A')), code: 'STORE_NOT_FOUND' },
    { op: 'moveStage', access: (store) => store.moveStage(NAME, 'current', aVersionId('B')), code: 'STORE_NOT_FOUND' },
    { op: 'restore', access: (store) => store.restore(NAME), code: 'STORE_NOT_FOUND' },
    { op: 'scheduleDeletion', access: (store) => store.scheduleDeletion(NAME, 7), code: 'STORE_NOT_FOUND' },
    { op: 'describe', access: (store) => store.describe(NAME) },
  ])('$op after the deletion date purges the file', async ({ access, code }) => {
    const { directory, store, clock } = await aSecret();
    await store.scheduleDeletion(NAME, 7);
    clock.advance(8 * DAY_MS);

    if (code === undefined) expect(await access(store)).toBeUndefined();
    else await expectRejection(access(store), code);

    expect(fsSync.existsSync(secretFile(directory))).toBe(false);
  });

  it('lets the name be used again after the purge, with none of the old versions', async () => {
    const { store, clock } = await aSecret();
    await store.scheduleDeletion(NAME, 7);
    clock.advance(7 * DAY_MS);

    // No describe first: the write itself must purge.
    const written = await store.putVersion({ name: NAME, versionId: aVersionId('N'), payload: aPayload({ seed: 'n' }), stage: 'current' });

    expect(written).toEqual({ name: NAME, versions: [{ versionId: aVersionId('N'), stages: ['current'], createdAt: clock.clock().toISOString() }] });
    await expectRejection(store.getVersion(NAME, aVersionId('A')), 'STORE_NOT_FOUND');
  });
});

describe('atomic writes', () => {
  it('ignores a temporary file left by a crashed writer, and the next write removes it', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const file = secretFile(directory);
    // What a writer killed between writing and renaming leaves: a half-written temp file, named
    // as write-file-atomic names them.
    const orphan = `${file}.3141592653`;
    await fs.writeFile(orphan, (await fs.readFile(file)).subarray(0, 50));

    expect(await aStore(directory).getVersion(NAME, aVersionId('A'))).toEqual(aPayload());
    expect(labels(await aStore(directory).describe(NAME))).toEqual({ [aVersionId('A')]: ['current'] });

    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' });
    expect(fsSync.existsSync(orphan)).toBe(false);
    expect(await fs.readdir(directory)).toEqual([path.basename(file)]);
  });

  it('replaces the file by rename rather than rewriting it in place', async () => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const before = await fs.stat(secretFile(directory));
    // A reader holding the old file keeps seeing a complete old file.
    const reader = await fs.open(secretFile(directory), 'r');
    try {
      await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' });
      const after = await fs.stat(secretFile(directory));
      expect(after.ino).not.toBe(before.ino);
      expect((await reader.readFile()).length).toBe(before.size);
    } finally {
      await reader.close();
    }
  });

  it.each([
    { row: 'a full disk', errno: 'ENOSPC', code: 'STORE_UNAVAILABLE' as const },
    { row: 'a permission error', errno: 'EACCES', code: 'STORE_ACCESS_DENIED' as const },
  ])('a write that fails at the rename with $row leaves the old file and no temporary file', async ({ errno, code }) => {
    const directory = await aDirectory();
    const store = aStore(directory);
    await store.putVersion({ name: NAME, versionId: aVersionId('A'), payload: aPayload(), stage: 'current' });
    const bytes = await fs.readFile(secretFile(directory));
    // write-file-atomic renames through the callback API of the `fs` module object.
    const rename = jest.spyOn(fsModule, 'rename').mockImplementationOnce(((_from: string, _to: string, callback: (error: Error) => void) =>
      callback(Object.assign(new Error(errno), { code: errno }))) as unknown as typeof fsModule.rename);
    try {
      const error = await expectRejection(
        store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' }),
        code,
      );
      expect(error.message).toContain(secretFile(directory));
      expect(rename).toHaveBeenCalledTimes(1);
    } finally {
      rename.mockRestore();
    }
    expect(await fs.readFile(secretFile(directory))).toEqual(bytes);
    expect(await fs.readdir(directory)).toEqual([path.basename(secretFile(directory))]);
    // And the lock was released: the next write goes through.
    await store.putVersion({ name: NAME, versionId: aVersionId('B'), payload: aPayload({ seed: 'b' }), stage: 'current' });
  });
});

// ---------------------------------------------------------------------------------------------
// File helpers: these know the format on purpose, to damage it precisely.

interface Header {
  format: string;
  formatVersion: number;
  name: string;
  kdf: { algorithm: string; N: number; r: number; p: number; salt: string };
  cipher: { algorithm: string; iv: string };
}

function readHeader(bytes: Buffer): Header {
  return JSON.parse(bytes.subarray(0, bytes.indexOf(0x0a)).toString('utf8')) as Header;
}

/** Appends the trailing SHA-256 so a deliberate change passes the accidental-damage check. */
function withChecksum(body: Buffer): Buffer {
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Recomputes the trailing SHA-256 of a whole file. */
function replaceChecksum(bytes: Buffer): Buffer {
  return withChecksum(bytes.subarray(0, bytes.length - 32));
}

function flip(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}
