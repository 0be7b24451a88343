import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { iterateSha1, iterateSha256 } from '../../../provider/adapters/pfx/iterated-hash';
import { bmpPassword, pkcs12Kdf } from '../../../provider/adapters/pfx/pkcs12-kdf';

function reference(hash: string, value: Buffer, rounds: number): Buffer {
  let out = value;
  for (let i = 0; i < rounds; i++) out = createHash(hash).update(out).digest();
  return out;
}

describe('iterated hash kernels', () => {
  it.each([0, 1, 2, 1000])('SHA-256 %i rounds equals node:crypto', (rounds) => {
    const seed = randomBytes(32);
    expect(Buffer.from(iterateSha256(seed, rounds))).toEqual(reference('sha256', seed, rounds));
  });

  it.each([0, 1, 2, 1000])('SHA-1 %i rounds equals node:crypto', (rounds) => {
    const seed = randomBytes(20);
    expect(Buffer.from(iterateSha1(seed, rounds))).toEqual(reference('sha1', seed, rounds));
  });

  it('refuses a value of the wrong size', () => {
    expect(() => iterateSha256(Buffer.alloc(31), 1)).toThrow(RangeError);
    expect(() => iterateSha1(Buffer.alloc(32), 1)).toThrow(RangeError);
  });
});

describe('PKCS#12 KDF', () => {
  it('encodes passwords as BMPString with a terminator, NULL as nothing', () => {
    expect(bmpPassword('ab').toString('hex')).toBe('006100620000');
    expect(bmpPassword('').toString('hex')).toBe('0000');
    expect(bmpPassword(null).length).toBe(0);
    // Beyond the BMP: a UTF-16 surrogate pair.
    expect(bmpPassword('🔐').toString('hex')).toBe('d83ddd100000');
  });

  // Vectors computed independently from RFC 7292 appendix B.2 with a straightforward
  // implementation over node:crypto (see the helper below), covering multi-block outputs.
  it.each([
    ['sha1', 3, 20, 2048],
    ['sha1', 1, 24, 2048],
    ['sha1', 2, 8, 1],
    ['sha256', 3, 32, 10000],
  ] as const)('%s purpose %i, %i bytes, %i iterations equals a plain implementation', (hash, purpose, length, iterations) => {
    const salt = randomBytes(8);
    const password = bmpPassword('pässwörd');
    expect(pkcs12Kdf(hash, password, salt, iterations, purpose, length)).toEqual(plainKdf(hash, password, salt, iterations, purpose, length));
  });
});

/** RFC 7292 B.2 written the obvious way, with bigint block arithmetic. */
function plainKdf(hash: string, password: Buffer, salt: Buffer, iterations: number, purpose: number, length: number): Buffer {
  const u = createHash(hash).digest().length;
  const v = 64;
  const fill = (b: Buffer) => (b.length === 0 ? Buffer.alloc(0) : Buffer.from(Array.from({ length: v * Math.ceil(b.length / v) }, (_, i) => b[i % b.length]!)));
  let input = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let i = 0; i * u < length; i++) {
    let a = createHash(hash).update(Buffer.alloc(v, purpose)).update(input).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    out.push(a);
    const b = BigInt('0x' + Buffer.from(Array.from({ length: v }, (_, k) => a[k % u]!)).toString('hex'));
    const blocks: Buffer[] = [];
    for (let j = 0; j < input.length; j += v) {
      const sum = (BigInt('0x' + input.subarray(j, j + v).toString('hex')) + b + 1n) % (1n << BigInt(8 * v));
      blocks.push(Buffer.from(sum.toString(16).padStart(2 * v, '0'), 'hex'));
    }
    input = Buffer.concat(blocks);
  }
  return Buffer.concat(out).subarray(0, length);
}

describe('the generated SHA-256 kernel', () => {
  it('is what scripts/generate-sha256-kernel.js writes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generate, target } = require('../../../scripts/generate-sha256-kernel.js') as { generate: () => string; target: string };
    expect(readFileSync(target, 'utf8')).toBe(generate());
  });
});
