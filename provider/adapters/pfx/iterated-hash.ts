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

const SHA256_K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

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

/** Returns SHA-256 applied `rounds` times to a 32-byte value (`rounds` = 0 returns a copy). */
export function iterateSha256(digest: Uint8Array, rounds: number): Uint8Array {
  if (digest.length !== 32) throw new RangeError('iterateSha256 takes a 32-byte digest');
  const h = new Int32Array(8);
  readWords(digest, 8, h);
  const w = new Int32Array(64);
  for (let round = 0; round < rounds; round++) {
    // The block: the 8 digest words, the 0x80 pad bit, zeros, and the bit length 256.
    for (let i = 0; i < 8; i++) w[i] = h[i]!;
    w[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = 256;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = SHA256_IV[0]! | 0, b = SHA256_IV[1]! | 0, c = SHA256_IV[2]! | 0, d = SHA256_IV[3]! | 0;
    let e = SHA256_IV[4]! | 0, f = SHA256_IV[5]! | 0, g = SHA256_IV[6]! | 0, hh = SHA256_IV[7]! | 0;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + SHA256_K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (SHA256_IV[0]! + a) | 0; h[1] = (SHA256_IV[1]! + b) | 0; h[2] = (SHA256_IV[2]! + c) | 0;
    h[3] = (SHA256_IV[3]! + d) | 0; h[4] = (SHA256_IV[4]! + e) | 0; h[5] = (SHA256_IV[5]! + f) | 0;
    h[6] = (SHA256_IV[6]! + g) | 0; h[7] = (SHA256_IV[7]! + hh) | 0;
  }
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
