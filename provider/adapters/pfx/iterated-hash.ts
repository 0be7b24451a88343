/**
 * Repeated hashing of a digest-sized value, the inner loop of the PKCS#12 key derivation
 * (RFC 7292 appendix B.2: A = H^r(D || I)). Node has no native twin of this KDF, and calling
 * `crypto.hash` 600,000 times costs over a second in call overhead alone (measured: 1.36 s on
 * this machine, against 0.19 s for a native 600,000-round PBKDF2). After the first round the
 * message is always one digest, so it fits one padded block with a fixed length: these kernels
 * run the compression function on that block directly, with no allocation per round.
 *
 * The constants are the published ones (FIPS 180-4 sections 4.2.1, 4.2.2 and 5.3). Both kernels
 * are checked against `node:crypto` in test/adapters/pfx/iterated-hash.test.ts.
 */
import { sha256Rounds } from './sha256-kernel.generated';

function readWords(bytes: Uint8Array, count: number, into: Int32Array): void {
  for (let i = 0; i < count; i++) {
    const o = i * 4;
    into[i] = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) | 0;
  }
}

function writeWords(words: Int32Array, count: number): Uint8Array {
  const out = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    const w = words[i]!;
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = (w >>> 16) & 0xff;
    out[i * 4 + 2] = (w >>> 8) & 0xff;
    out[i * 4 + 3] = w & 0xff;
  }
  return out;
}

/**
 * Returns SHA-256 applied `rounds` times to a 32-byte value (`rounds` = 0 returns a copy). The
 * compression is unrolled in sha256-kernel.generated.ts (scripts/generate-sha256-kernel.js).
 */
export function iterateSha256(digest: Uint8Array, rounds: number): Uint8Array {
  if (digest.length !== 32) throw new RangeError('iterateSha256 takes a 32-byte digest');
  const h = new Int32Array(8);
  readWords(digest, 8, h);
  sha256Rounds(h, rounds);
  return writeWords(h, 8);
}
const SHA1_IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** Returns SHA-1 applied `rounds` times to a 20-byte value (`rounds` = 0 returns a copy). */
export function iterateSha1(digest: Uint8Array, rounds: number): Uint8Array {
  if (digest.length !== 20) throw new RangeError('iterateSha1 takes a 20-byte digest');
  const h = new Int32Array(5);
  readWords(digest, 5, h);
  const w = new Int32Array(80);
  for (let round = 0; round < rounds; round++) {
    // The block: the 5 digest words, the 0x80 pad bit, zeros, and the bit length 160.
    for (let i = 0; i < 5; i++) w[i] = h[i]!;
    w[5] = 0x80000000 | 0;
    for (let i = 6; i < 15; i++) w[i] = 0;
    w[15] = 160;
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = SHA1_IV[0]! | 0, b = SHA1_IV[1]! | 0, c = SHA1_IV[2]! | 0, d = SHA1_IV[3]! | 0, e = SHA1_IV[4]! | 0;
    for (let i = 0; i < 80; i++) {
      let f: number;
      let k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
    }
    h[0] = (SHA1_IV[0]! + a) | 0; h[1] = (SHA1_IV[1]! + b) | 0; h[2] = (SHA1_IV[2]! + c) | 0;
    h[3] = (SHA1_IV[3]! + d) | 0; h[4] = (SHA1_IV[4]! + e) | 0;
  }
  return writeWords(h, 5);
}
