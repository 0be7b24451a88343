import { createHash } from 'node:crypto';
import { iterateSha1, iterateSha256 } from './iterated-hash';

/** Hashes the PKCS#12 KDF supports here, with their output (u) and block (v) sizes in bytes. */
const HASHES = {
  sha1: { u: 20, v: 64, iterate: iterateSha1 },
  sha256: { u: 32, v: 64, iterate: iterateSha256 },
  sha384: { u: 48, v: 128, iterate: undefined },
  sha512: { u: 64, v: 128, iterate: undefined },
  sha224: { u: 28, v: 64, iterate: undefined },
} as const;
export type Pkcs12Hash = keyof typeof HASHES;

/** The purpose byte of RFC 7292 appendix B.3: 1 key material, 2 IV, 3 MAC key. */
export type Pkcs12KdfPurpose = 1 | 2 | 3;

/**
 * The password as PKCS#12 wants it for its own KDF: a BMPString (UTF-16 big-endian, surrogate
 * pairs for characters beyond the BMP, as OpenSSL's OPENSSL_utf82uni does) with a two-byte zero
 * terminator. A `null` password is the empty byte string, which is not the same as "" (00 00):
 * files written with a NULL password need the former.
 */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  const little = Buffer.from(password + '\u0000', 'utf16le');
  return little.swap16();
}

function repeatToBlocks(source: Buffer, v: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const length = v * Math.ceil(source.length / v);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length]!;
  return out;
}

function iterate(hash: Pkcs12Hash, first: Buffer, rounds: number): Buffer {
  const kernel = HASHES[hash].iterate;
  if (kernel) return Buffer.from(kernel(first, rounds));
  // Hashes without a specialised kernel (rare in PFX files) take the per-call path.
  let value = first;
  for (let i = 0; i < rounds; i++) value = createHash(hash).update(value).digest();
  return value;
}

/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2), with the repeated hashing done by
 * the kernels in iterated-hash.ts.
 */
export function pkcs12Kdf(
  hash: Pkcs12Hash,
  passwordBmp: Buffer,
  salt: Buffer,
  iterations: number,
  purpose: Pkcs12KdfPurpose,
  length: number,
): Buffer {
  const { u, v } = HASHES[hash];
  const diversifier = Buffer.alloc(v, purpose);
  let input = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(passwordBmp, v)]);
  const blocks = Math.ceil(length / u);
  const out: Buffer[] = [];
  for (let i = 0; i < blocks; i++) {
    const firstRound = createHash(hash).update(diversifier).update(input).digest();
    const a = iterate(hash, firstRound, iterations - 1);
    out.push(a);
    if (i + 1 < blocks) {
      // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
      const b = repeatToBlocks(a, v).subarray(0, v);
      const next = Buffer.from(input);
      for (let j = 0; j < next.length; j += v) {
        let carry = 1;
        for (let k = v - 1; k >= 0; k--) {
          const sum = next[j + k]! + b[k]! + carry;
          next[j + k] = sum & 0xff;
          carry = sum >>> 8;
        }
      }
      input = next;
    }
  }
  return Buffer.concat(out).subarray(0, length);
}
