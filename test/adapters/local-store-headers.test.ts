/**
 * The local store's header line, read by one schema (file-format.ts headerIdentity) both by the
 * decoder and by `status` without the passphrase (sealed-headers.ts): a header the decoder calls
 * corrupt is not listed as a secret.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSealedSecrets } from '../../provider/adapters/local-store/sealed-headers';
import { SECRET_FILE_EXTENSION } from '../../provider/adapters/local-store/secret-files';

const FORMAT = 'sfb-oauth-cert/local-store';

async function storeWith(files: Record<string, string>): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'sfb-headers-'));
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(directory, `${name}${SECRET_FILE_EXTENSION}`), text);
  return directory;
}

const headerOf = (fields: Record<string, unknown>) => `${JSON.stringify(fields)}\nsealed body`;

describe('the headers status reads without the passphrase', () => {
  it('lists each secret by the name and format version its header gives, sorted by file', async () => {
    const directory = await storeWith({ b: headerOf({ format: FORMAT, formatVersion: 1, name: 'sfb/b' }), a: headerOf({ format: FORMAT, formatVersion: 1, name: 'sfb/a', kdf: {} }) });
    expect(await readSealedSecrets(directory)).toEqual([
      { name: 'sfb/a', formatVersion: 1 },
      { name: 'sfb/b', formatVersion: 1 },
    ]);
  });

  it.each([
    ['a fractional format version', { format: FORMAT, formatVersion: 1.5, name: 'sfb/a' }],
    ['format version 0', { format: FORMAT, formatVersion: 0, name: 'sfb/a' }],
    ['a format version as text', { format: FORMAT, formatVersion: '1', name: 'sfb/a' }],
    ['no name', { format: FORMAT, formatVersion: 1 }],
    ['another format', { format: 'other', formatVersion: 1, name: 'sfb/a' }],
    ['a list', [FORMAT, 1, 'sfb/a']],
  ])('a header with %s is STORE_CORRUPT, as the decoder says (status used to list a fractional or zero version)', async (_name, header) => {
    const directory = await storeWith({ a: `${JSON.stringify(header)}\nsealed body` });
    const file = path.join(directory, `a${SECRET_FILE_EXTENSION}`);
    await expect(readSealedSecrets(directory)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: `The local store file ${file} has no local store header line (the format "${FORMAT}", a secret name and a format version); restore it from a backup, or move it out of the store directory.`,
    });
  });

  it('a `__proto__` key in a header lends it nothing', async () => {
    const directory = await storeWith({ a: `{"__proto__": {"format": "${FORMAT}", "formatVersion": 1, "name": "sfb/evil"}}\nsealed body` });
    await expect(readSealedSecrets(directory)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });
});
