/**
 * The store operations of the provider (create, update, read, delete) where the store is not
 * what state expects: a lost store, a secret another stack owns, our own bugs kept apart from
 * store failures. Real local stores in temp directories where files matter, an in-memory store
 * (test/support/memory-store.ts) where they do not; real PFX files.
 */
import { promises as fs } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLocalStore, localStorePaths } from '../../provider/adapters/local-store';
import * as handlers from '../../provider/pulumi/handlers';
import { openStore } from '../../provider/pulumi/lifecycle';
import type { StoreSpec } from '../../provider/domain/resource-state';
import type { CertificateStage, CertificateStore, PfxPayload } from '../../provider/ports/certificate-store';
import type { CompositionOverrides } from '../../provider/pulumi/composition';
import { createMemoryStore } from '../support/memory-store';
import { bytesOf, entry } from '../support/pfx-corpus';
import { warnings } from '../support/console-warnings';
import { localCertificateInputs } from '../harness/certificate-inputs';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'lifecycle-test-passphrase-2f6d';
const SECRET = 'sfb/oauth-token-issuer/contoso.com';
const PROD = 'organization/certs/prod';
const COPY = 'organization/certs-copy/prod';

type Props = Record<string, unknown>;

function newsFor(e: typeof A, directory: string, extra: Props = {}): Props {
  return localCertificateInputs(e, directory, { secretName: SECRET, storePassphrase: PASSPHRASE, owner: PROD, ...extra });
}

function freshDirectory(): string {
  return join(mkdtempSync(join(tmpdir(), 'sfb-lifecycle-')), 'store');
}

async function checked(olds: Props, news: Props): Promise<Props> {
  const result = await handlers.check(olds, news, NOW);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

/** The provider's collaborators with an in-memory store (for tests that need no files). */
function inMemory(store: CertificateStore = createMemoryStore()): { store: CertificateStore; world: CompositionOverrides } {
  return { store, world: { environment: {}, openStore: () => store } };
}

/** A stack that created the certificate A in a store: its state and the store. */
async function aCreatedStack(directory = freshDirectory(), owner = PROD): Promise<{ directory: string; inputs: Props; state: Props; store: CertificateStore }> {
  const inputs = await checked({}, newsFor(A, directory, { owner }));
  const { outs } = await handlers.create(inputs, NOW);
  return { directory, inputs, state: outs as unknown as Props, store: createLocalStore({ directory, passphrase: PASSPHRASE }) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const THE_WAY_ON =
  'so it is treated as lost, not as absent: nothing was changed. If the store is really gone, remove the resource from the state with `pulumi state delete <urn>` (`pulumi stack --show-urns` lists the URN), then run `pulumi up` to store the certificate again, without its previous certificate.';

describe('a lost store', () => {
  const losses: { row: string; lose: (directory: string) => Promise<void>; says: (directory: string) => string }[] = [
    {
      row: 'its directory deleted',
      lose: (directory) => fs.rm(directory, { recursive: true }),
      says: (directory) => `STORE_NOT_FOUND: The local store directory ${directory} does not exist, so secret "${SECRET}" cannot be found there.`,
    },
    {
      row: 'an empty directory in its place (an unmounted disk)',
      lose: async (directory) => {
        await fs.rm(directory, { recursive: true });
        await fs.mkdir(directory, { mode: 0o700 });
      },
      says: (directory) => `STORE_NOT_FOUND: The local store directory ${directory} is empty (as an unmounted disk's mount point is), so secret "${SECRET}"`,
    },
    {
      row: "its secret's file deleted",
      lose: async (directory) => {
        await fs.rm(localStorePaths(directory, SECRET).secretFile);
        await fs.writeFile(join(directory, 'unrelated'), '');
      },
      says: (directory) => `STORE_NOT_FOUND: The local store directory ${directory} has no file for secret "${SECRET}"`,
    },
  ];

  it.each(losses)('fails refresh with $row, naming it and the way on, instead of reporting the resource deleted', async ({ lose, says }) => {
    const { directory, state } = await aCreatedStack();
    await lose(directory);

    const message = await handlers.read(SECRET, state, NOW).then(() => 'resolved', messageOf);

    expect(message.startsWith(says(directory))).toBe(true);
    expect(message).toContain(`The Pulumi state says this store holds it (version ${String(state.versionId)}), ${THE_WAY_ON}`);
  });

  it.each(losses)('fails update with $row, keeping the old state, and creates no fresh secret', async ({ lose, says }) => {
    const { directory, state } = await aCreatedStack();
    await lose(directory);
    const before = await fs.readdir(directory).catch(() => 'no directory');
    const news = await checked(state, newsFor(B, directory));

    const failure = handlers.update(SECRET, state, news, NOW);

    await expect(failure).rejects.toMatchObject({ id: SECRET, properties: expect.objectContaining({ versionId: state.versionId }) });
    expect((await failure.then(() => 'resolved', messageOf)).startsWith(says(directory))).toBe(true);
    expect(await fs.readdir(directory).catch(() => 'no directory')).toEqual(before);
  });

  it.each(losses)('fails delete with $row, naming it and the way on', async ({ lose, says }) => {
    const { directory, state } = await aCreatedStack();
    await lose(directory);
    const message = await handlers.remove(state).then(() => 'resolved', messageOf);
    expect(message.startsWith(says(directory))).toBe(true);
    expect(message).toContain(THE_WAY_ON);
  });

  it('still lets create start a store from nothing', async () => {
    const directory = join(freshDirectory(), 'nested');
    const { outs } = await handlers.create(await checked({}, newsFor(A, directory)), NOW);
    expect(outs.thumbprint).toBe(A.expected.thumbprint);
    expect((await createLocalStore({ directory, passphrase: PASSPHRASE }).describe(SECRET))?.owner).toBe(PROD);
  });

  it('shows a secret scheduled for deletion elsewhere as drift on refresh, and the next update restores it with its history', async () => {
    const { directory, inputs, state: created, store } = await aCreatedStack();
    const second = await checked(created, newsFor(B, directory));
    const { outs } = await handlers.update(SECRET, created, second, NOW);
    const state = outs as unknown as Props;
    await store.scheduleDeletion(SECRET, 7);
    const deletionDate = (await store.describe(SECRET))?.deletionDate;

    const { result: refreshed, lines } = await warnings(() => handlers.read(SECRET, state, NOW));

    expect(refreshed).toEqual({
      id: SECRET,
      props: expect.objectContaining({ versionId: '', plan: `drift: store scheduled the secret for deletion on ${deletionDate}; the next up restores it` }) as unknown,
    });
    expect(lines).toEqual([`warning STORE_NOT_FOUND: secret "${SECRET}" in the local store at ${directory} is scheduled for deletion on ${deletionDate}; the next \`pulumi up\` restores it.`]);
    // The engine sees versionId '' against the declared one: an update, which restores.
    const drifted = refreshed.props as Props;
    expect(handlers.diff(drifted, second).changes).toBe(true);
    const repaired = await handlers.update(SECRET, drifted, second, NOW);
    expect(repaired.outs).toMatchObject({ thumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint });
    expect((await store.describe(SECRET))?.deletionDate).toBeUndefined();
    expect((await store.describe(SECRET))?.versions.map((v) => v.versionId)).toEqual([inputs.versionId, second.versionId]);
  }, 20_000);
});

describe('a secret another stack owns', () => {
  const refusal = (action: string) =>
    `STORE_OWNED_ELSEWHERE: The secret "${SECRET}" is managed by ${PROD}, not by ${COPY}, so ${COPY} will not ${action}: two stacks declaring one secret would roll each other's certificate. If ${PROD} no longer manages it (the stack was renamed, moved or retired), set \`adopt: true\` on this resource once to take it over (the store then records ${COPY} as its owner); otherwise give this stack its own secretName or store.`;

  it('refuses a second stack rolling the certificate, and leaves the store as it was', async () => {
    const { directory, store } = await aCreatedStack();
    const file = localStorePaths(directory, SECRET).secretFile;
    const bytes = await fs.readFile(file);
    const other = await checked({}, newsFor(B, directory, { owner: COPY }));

    await expect(handlers.create(other, NOW)).rejects.toThrow(refusal('manage it'));

    expect(await fs.readFile(file)).toEqual(bytes);
    expect((await store.describe(SECRET))?.owner).toBe(PROD);
  });

  it('refuses a second stack declaring the very certificate the store holds (nothing to write, still not its secret)', async () => {
    const { directory } = await aCreatedStack();
    await expect(handlers.create(await checked({}, newsFor(A, directory, { owner: COPY })), NOW)).rejects.toThrow(refusal('manage it'));
  });

  it('lets `adopt: true` take it over, says so, and then refuses the first stack', async () => {
    const { directory, state, store } = await aCreatedStack();
    const adopting = await checked({}, newsFor(B, directory, { owner: COPY, adopt: true }));

    const { result, lines } = await warnings(() => handlers.create(adopting, NOW));

    expect(result.outs).toMatchObject({ thumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint });
    expect(lines).toEqual([
      `warning STORE_OWNED_ELSEWHERE: secret "${SECRET}" in the local store at ${directory} was managed by ${PROD}; \`adopt: true\` made ${COPY} its owner. ${PROD} can no longer change it; remove \`adopt\` from this resource now that the takeover is done.`,
    ]);
    expect((await store.describe(SECRET))?.owner).toBe(COPY);
    const first = await checked(state, newsFor(B, directory, { effectiveDate: '2026-12-01T00:00:00Z' }));
    await expect(handlers.update(SECRET, state, first, NOW)).rejects.toThrow(/^STORE_OWNED_ELSEWHERE: The secret "[^"]+" is managed by organization\/certs-copy\/prod, not by organization\/certs\/prod/);
  });

  it('lets one of two stacks creating the same secret at once win, and refuses the other', async () => {
    const directory = freshDirectory();
    const [prod, copy] = await Promise.all([checked({}, newsFor(A, directory)), checked({}, newsFor(B, directory, { owner: COPY }))]);
    const results = await Promise.allSettled([handlers.create(prod, NOW), handlers.create(copy, NOW)]);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^STORE_OWNED_ELSEWHERE: /);
    expect((await createLocalStore({ directory, passphrase: PASSPHRASE }).describe(SECRET))?.versions).toHaveLength(1);
  });

  it("destroys the owner's secret recoverably, for 30 days from the destroy", async () => {
    const { store, world } = inMemory();
    const { outs } = await handlers.create(await checked({}, newsFor(A, 'unused')), NOW, world);
    const before = Date.now();
    await handlers.remove(outs as unknown as Props, world);
    const after = Date.now();
    const deletion = Date.parse((await store.describe(SECRET))?.deletionDate ?? 'none');
    const days = 30 * 24 * 3600 * 1000;
    expect(deletion).toBeGreaterThanOrEqual(before + days);
    expect(deletion).toBeLessThanOrEqual(after + days);
  });

  it.each<{ row: string; state: (state: Props) => Props; says: string }>([
    { row: 'a stack that lost the secret to an adopter', state: (state) => state, says: `is managed by ${COPY}, not by ${PROD}, so this destroy leaves it in place` },
    { row: 'state written before owners were recorded', state: ({ owner: _owner, ...state }) => state, says: `is managed by ${COPY}, so this destroy leaves it in place` },
  ])('leaves a secret another stack owns in place when $row is destroyed, and says so', async ({ state: stateOf, says }) => {
    const { directory, state, store } = await aCreatedStack();
    await store.claim(SECRET, { owner: COPY, adopt: true });
    const before = await fs.readFile(localStorePaths(directory, SECRET).secretFile);

    const { lines } = await warnings(() => handlers.remove(stateOf(state)));

    expect(lines).toEqual([
      `warning STORE_OWNED_ELSEWHERE: secret "${SECRET}" in the local store at ${directory} ${says} (not scheduled for deletion) and only removes it from this stack's state.`,
    ]);
    expect(await fs.readFile(localStorePaths(directory, SECRET).secretFile)).toEqual(before);
    expect((await store.describe(SECRET))?.deletionDate).toBeUndefined();
  });
});

describe('our bugs are not store failures', () => {
  /** A store that throws `error` from every operation. */
  function aStoreThatThrows(error: unknown): CertificateStore {
    const fail = () => Promise.reject(error);
    return { description: 'a store with a bug', describe: fail, describeExisting: fail, getVersion: fail, putVersion: fail, moveStage: fail, scheduleDeletion: fail, restore: fail, claim: fail };
  }

  const operations: { row: string; doing: string; run: (state: Props, news: Props, world?: CompositionOverrides) => Promise<unknown> }[] = [
    { row: 'create', doing: 'creating (storing the first certificate of)', run: (_state, news, world) => handlers.create(news, NOW, world) },
    { row: 'update', doing: 'updating (storing the declared certificate of)', run: (state, news, world) => handlers.update(SECRET, state, news, NOW, world) },
    { row: 'refresh', doing: 'refreshing (reading what the store holds for)', run: (state, _news, world) => handlers.read(SECRET, state, NOW, world) },
    { row: 'delete', doing: 'deleting (scheduling the deletion of)', run: (state, _news, world) => handlers.remove(state, world) },
  ];

  it.each(operations)('$row: an unexpected error is INTERNAL_ERROR saying what was being done, asking for a report, quoting nothing', async ({ doing, run }) => {
    const { world } = inMemory();
    const { outs } = await handlers.create(await checked({}, newsFor(A, 'unused')), NOW, world);
    const state = outs as unknown as Props;
    const news = await checked(state, newsFor(B, 'unused'));
    // A bug's message may quote data: here, a password.
    const broken = inMemory(aStoreThatThrows(new TypeError(`Cannot read properties of undefined (reading '${B.password}')`)));
    const message = await run(state, news, broken.world).then(() => 'resolved', messageOf);
    expect(message).toMatch(
      new RegExp(`^INTERNAL_ERROR: sfb-oauth-cert failed while ${doing.replace(/[()]/g, '\\$&')} secret "${SECRET}": an unexpected TypeError at .+\\. This is a bug in sfb-oauth-cert, not a problem with the store; the store keeps what it had, and the next \`pulumi up\` completes any change\\. Please report it as the "Reporting a problem" section of the sfb-oauth-cert README says, with this message \\(it contains no secret\\)\\.$`),
    );
    for (const secret of [B.password!, A.password!, PASSPHRASE]) expect(message).not.toContain(secret);
  });

  it.each(operations)('$row: a store failure keeps its own code and message', async ({ run }) => {
    const { directory, state } = await aCreatedStack();
    const news = await checked(state, newsFor(B, directory));
    const file = localStorePaths(directory, SECRET).secretFile;
    const bytes = await fs.readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    await fs.writeFile(file, bytes);
    const message = await run(state, news).then(() => 'resolved', messageOf);
    expect(message).toMatch(new RegExp(`^STORE_CORRUPT: The local store file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(secret "${SECRET}"\\) is corrupt`));
  });

  it('delete reports an unusable store spec with its code (it used to escape the error handling)', async () => {
    const { state } = await aCreatedStack();
    const message = await handlers.remove({ ...state, store: { kind: 'vault', directory: 'x' } }).then(() => 'resolved', messageOf);
    expect(message).toBe('INVALID_ARGUMENT: The store kind "vault" is not known; use CertificateStores.local().');
  });
});

describe('what refresh reads', () => {
  it("takes each label's thumbprint from its payload, also for versions written outside Pulumi", async () => {
    const { directory, state, store } = await aCreatedStack();
    // An operator's version whose id does not start with a thumbprint, made current: A becomes previous.
    const outside = 'operator-written-version-0000000000000';
    const payload = (await store.getVersion(SECRET, String(state.versionId))) as PfxPayload;
    const bPayload = { ...payload, pfxBase64: bytesOf(B).toString('base64'), password: B.password, thumbprint: B.expected.thumbprint! };
    await store.putVersion({ name: SECRET, versionId: outside, payload: bPayload, stage: 'current' });

    const refreshed = await handlers.read(SECRET, state, NOW);

    expect(refreshed.props).toMatchObject({ versionId: outside, thumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint });
    expect(await fs.readdir(directory)).toHaveLength(1);
  });
});

describe('declaring again a certificate the store keeps without a label', () => {
  // Found by test/integration/aws-team.int.test.ts: a write of a version id the store already
  // holds is a no-op (the store contract; Secrets Manager's PutSecretValue does the same), so
  // after A → B → C, declaring A again reported A current while the store kept C.
  it('moves current onto the existing version (A → B → C → A)', async () => {
    const { store, world } = inMemory();
    let state = (await handlers.create(await checked({}, newsFor(A, 'unused')), NOW, world)).outs as unknown as Props;
    const C = entry('wildcard');
    for (const e of [B, C, A]) {
      const inputs = await checked(state, newsFor(e, 'unused'));
      state = (await handlers.update(SECRET, state, inputs, NOW, world)).outs as unknown as Props;
    }
    const secret = await store.describe(SECRET);
    const holding = (stage: CertificateStage) => secret?.versions.find((v) => v.stages.includes(stage))?.versionId;
    expect(state).toMatchObject({ thumbprint: A.expected.thumbprint, previousThumbprint: C.expected.thumbprint });
    expect(holding('current')).toBe(state.versionId);
    expect((await store.getVersion(SECRET, holding('current')!)).thumbprint).toBe(A.expected.thumbprint);
    expect((await store.getVersion(SECRET, holding('previous')!)).thumbprint).toBe(C.expected.thumbprint);
    expect(secret?.versions).toHaveLength(3);
  });
});

describe('the provider on an unsupported Node.js', () => {
  const actual = Object.getOwnPropertyDescriptor(process, 'version')!;
  afterEach(() => Object.defineProperty(process, 'version', actual));

  it.each([
    ['the local store', { kind: 'local', directory: '.sfb-store-unused' }],
    ['AWS Secrets Manager (whose SDK would only warn)', { kind: 'aws-secrets-manager', region: 'eu-west-1' }],
  ])('opens no store, %s, on Node 20: refresh and destroy fail with NODE_UNSUPPORTED', (_name, spec) => {
    Object.defineProperty(process, 'version', { ...actual, value: 'v20.20.2' });
    expect(() => openStore(spec as StoreSpec, 'passphrase')).toThrow(expect.objectContaining({ code: 'NODE_UNSUPPORTED', message: expect.stringContaining('Node.js v20.20.2') }));
  });
});
