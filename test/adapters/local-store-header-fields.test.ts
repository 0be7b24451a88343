/**
 * The header fields the decoder reads after the identity (file-format.ts): the key derivation,
 * its bounded parameters, the salt, the cipher and the IV, each refused with its own sentence,
 * in that order, and a file whose checksum is intact (so each refusal is about the field alone).
 */
import { createHash } from 'node:crypto';
import { decodeSecretFile, encodeSecretFile, KeyRing } from '../../provider/adapters/local-store/file-format';

const NAME = 'sfb/oauth';
const CONTEXT = { file: '/store/oauth.sfbsecret', name: NAME, passphraseSource: 'the SFB_STORE_PASSPHRASE environment variable' };
const CHEAP = { N: 2 ** 10, r: 1, p: 1 };
type Header = Record<string, unknown> & { kdf: Record<string, unknown>; cipher: Record<string, unknown> };

async function aFile(): Promise<{ keys: KeyRing; header: Header; rest: Buffer }> {
  const keys = new KeyRing('a long passphrase', CHEAP);
  const bytes = encodeSecretFile({ name: NAME, versions: [] }, await keys.fresh());
  const newline = bytes.indexOf(0x0a);
  return { keys, header: JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Header, rest: bytes.subarray(newline, bytes.length - 32) };
}

function withHeader(header: unknown, rest: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(JSON.stringify(header)), rest]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const corrupt = (detail: string) => ({ code: 'STORE_CORRUPT', message: expect.stringContaining(`(secret "${NAME}") is corrupt: ${detail}. The file was left unchanged.`) as string });
const unsupported = (problem: string) => ({ code: 'STATE_UNSUPPORTED', message: expect.stringContaining(`asks for scrypt parameters this sfb-oauth-cert does not accept (${problem}); the file was left unchanged.`) as string });
const SALT = 'its header field kdf.salt is not 16 bytes of base64';
const NO_SCRYPT = 'its header does not name scrypt as the key derivation';

describe('the header fields after the identity', () => {
  it('a file as written decodes', async () => {
    const { keys, header, rest } = await aFile();
    await expect(decodeSecretFile(withHeader(header, rest), CONTEXT, keys)).resolves.toMatchObject({ record: { name: NAME, versions: [] }, key: { params: CHEAP } });
  });

  it.each<[string, (h: Header) => unknown, { code: string; message: string }]>([
    ['a name that is a number, before a wrong derivation', (h) => ({ ...h, name: 7, kdf: 'scrypt' }), corrupt('its header has no secret name')],
    ['a derivation that is text', (h) => ({ ...h, kdf: 'scrypt' }), corrupt(NO_SCRYPT)],
    ['another derivation, before a bad salt', (h) => ({ ...h, kdf: { ...h.kdf, algorithm: 'argon2id', salt: 'x' } }), corrupt(NO_SCRYPT)],
    ['a derivation named only through `__proto__`', (h) => JSON.parse(JSON.stringify(h).replace('"algorithm":"scrypt",', '').replace('"kdf":{', '"kdf":{"__proto__":{"algorithm":"scrypt"},')) as unknown, corrupt(NO_SCRYPT)],
    ['N as text', (h) => ({ ...h, kdf: { ...h.kdf, N: '1024' } }), corrupt('its header lacks the scrypt parameters N, r and p')],
    ['no p', (h) => ({ ...h, kdf: { ...h.kdf, p: undefined } }), corrupt('its header lacks the scrypt parameters N, r and p')],
    ['N above the ceiling, before a bad salt', (h) => ({ ...h, kdf: { ...h.kdf, N: 2 ** 22, salt: 'x' } }), unsupported('N=4194304 is not a power of two from 2^10 to 2^20')],
    ['N not a power of two', (h) => ({ ...h, kdf: { ...h.kdf, N: 1025 } }), unsupported('N=1025 is not a power of two from 2^10 to 2^20')],
    ['a fractional r', (h) => ({ ...h, kdf: { ...h.kdf, r: 1.5 } }), unsupported('r=1.5 is not an integer from 1 to 32')],
    ['p above the ceiling', (h) => ({ ...h, kdf: { ...h.kdf, p: 17 } }), unsupported('p=17 is not an integer from 1 to 16')],
    ['parameters needing 1 GiB', (h) => ({ ...h, kdf: { ...h.kdf, N: 2 ** 20, r: 8 } }), unsupported('N=1048576 with r=8 needs 1024 MiB, more than 256 MiB')],
    ['a salt of 15 bytes, before a missing cipher', (h) => ({ ...h, kdf: { ...h.kdf, salt: Buffer.alloc(15).toString('base64') }, cipher: undefined }), corrupt(SALT)],
    ['a salt that is not base64', (h) => ({ ...h, kdf: { ...h.kdf, salt: '!'.repeat(24) } }), corrupt(SALT)],
    ['a huge salt', (h) => ({ ...h, kdf: { ...h.kdf, salt: 'A'.repeat(3000) } }), corrupt(SALT)],
    ['no cipher', (h) => ({ ...h, cipher: undefined }), corrupt('its header does not name aes-256-gcm as the cipher')],
    ['another cipher', (h) => ({ ...h, cipher: { ...h.cipher, algorithm: 'aes-128-gcm' } }), corrupt('its header does not name aes-256-gcm as the cipher')],
    ['an IV that is a number', (h) => ({ ...h, cipher: { ...h.cipher, iv: 12 } }), corrupt('its header field cipher.iv is not 12 bytes of base64')],
  ])('%s', async (_name, change, error) => {
    const { keys, header, rest } = await aFile();
    await expect(decodeSecretFile(withHeader(change(header), rest), CONTEXT, keys)).rejects.toMatchObject(error);
  });
});
