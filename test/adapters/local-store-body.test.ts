/**
 * The decrypted body of a local store file (file-format.ts), read by schemas: each problem named
 * by where it is, in the order the fields are written, the checks across versions (ids and
 * stages each once) between them. A body is written by the real encoder, so only its shape is odd.
 */
import { decodeSecretFile, encodeSecretFile, KeyRing } from '../../provider/adapters/local-store/file-format';
import type { SecretRecord } from '../../provider/adapters/local-store/record-decisions';
import { payloadProblem } from '../../provider/domain/certificate-payload';
import { aPayload, aVersionId } from '../builders/store-payloads';

const NAME = 'sfb/oauth';
const CONTEXT = { file: '/store/oauth.sfbsecret', name: NAME, passphraseSource: 'the SFB_STORE_PASSPHRASE environment variable' };
const keys = new KeyRing('a long passphrase', { N: 2 ** 10, r: 1, p: 1 });
const CREATED = '2026-12-01T00:00:00.000Z';
const aVersion = (label: string, stages: string[], more: Record<string, unknown> = {}) => ({ versionId: aVersionId(label), stages, createdAt: CREATED, payload: aPayload(label), ...more });

/** A file whose header names the secret asked for and whose sealed body is `body` (the encoder writes `JSON.stringify` of its record). */
async function decoded(body: unknown) {
  const record = { name: NAME, versions: [], toJSON: () => body } as SecretRecord;
  return decodeSecretFile(encodeSecretFile(record, await keys.fresh()), CONTEXT, keys);
}
const at = (where: string) => ({ code: 'STORE_CORRUPT', message: expect.stringContaining(`is corrupt: its decrypted contents do not match format version 1 (at ${where}). The file was left unchanged.`) as string });

describe('the decrypted body', () => {
  it('a body as written reads back, stages in their documented order, optional fields kept', async () => {
    const body = { name: NAME, owner: 'org/project/stack', deletionDate: '2027-01-01T00:00:00Z', versions: [aVersion('A', ['previous']), aVersion('B', ['pending', 'current'])] };
    const { record } = await decoded(body);
    expect(record).toEqual({ ...body, versions: [aVersion('A', ['previous']), aVersion('B', ['current', 'pending'])] });
  });

  it('a body without the optional fields has none', async () => {
    expect((await decoded({ name: NAME, versions: [] })).record).toEqual({ name: NAME, versions: [] });
  });

  it.each<[string, unknown, string]>([
    ['a list', [NAME], 'the top level'],
    ['null', null, 'the top level'],
    ['another name, before a bad owner', { name: 'sfb/other', owner: '', versions: [] }, 'name'],
    ['a name that is a number', { name: 7, versions: [] }, 'name'],
    ['a deletion date without a zone, before bad versions', { name: NAME, deletionDate: '2027-01-01T00:00:00', versions: 'x' }, 'deletionDate'],
    ['a deletion date of null', { name: NAME, deletionDate: null, versions: [] }, 'deletionDate'],
    ['an empty owner', { name: NAME, owner: '', versions: [] }, 'owner'],
    ['an owner that is a number', { name: NAME, owner: 7, versions: [] }, 'owner'],
    ['versions that are an object', { name: NAME, versions: { 0: aVersion('A', []) } }, 'versions'],
    ['a version that is null', { name: NAME, versions: [aVersion('A', []), null] }, 'versions[1]'],
    ['a version id that is a number', { name: NAME, versions: [aVersion('A', [], { versionId: 1 })] }, 'versions[0].versionId'],
    ['a version id twice, before a later bad date', { name: NAME, versions: [aVersion('A', []), aVersion('A', [], { createdAt: 'x' })] }, 'versions[1].versionId'],
    ['an unknown stage', { name: NAME, versions: [aVersion('A', ['AWSCURRENT'])] }, 'versions[0].stages'],
    ['a stage on two versions, before a bad date', { name: NAME, versions: [aVersion('A', ['current']), aVersion('B', ['current'], { createdAt: 'x' })] }, 'versions[1].stages'],
    ['stages that are text', { name: NAME, versions: [aVersion('A', 'current' as unknown as string[])] }, 'versions[0].stages'],
    ['a created date that is not an instant', { name: NAME, versions: [aVersion('A', [], { createdAt: '2026-02-30T00:00:00Z' })] }, 'versions[0].createdAt'],
    ['a payload without a thumbprint', { name: NAME, versions: [aVersion('A', [], { payload: { ...aPayload('A'), thumbprint: undefined } })] }, `versions[0].payload: ${payloadProblem({ ...aPayload('A'), thumbprint: undefined })}`],
  ])('%s fails, naming where', async (_name, body, where) => {
    await expect(decoded(body)).rejects.toMatchObject(at(where));
  });
});
