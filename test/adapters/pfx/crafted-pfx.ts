/**
 * Hand-built PKCS#12 structures for the hostile-file tests. They hold no real ciphertext: a file
 * over the work budget must be refused before any key derivation runs, so only the ASN.1 the reader
 * inspects first (algorithms, iteration counts, bag counts) matters. Written with a minimal DER
 * writer rather than a PKCS#12 library because no library writes files this bad on purpose.
 */

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const octet = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const explicit0 = (content: Buffer): Buffer => tlv(0xa0, content);

function integer(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const arc of rest) {
    const base128: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      base128.unshift((v % 128) | (base128.length ? 0x80 : 0));
      if (v < 128) break;
    }
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  secretBag: '1.2.840.113549.1.12.10.1.5',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  pbeSha1TripleDes: '1.2.840.113549.1.12.1.3',
  pbeSha1Rc2_40: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha512: '1.2.840.113549.2.11',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** The salt and IV every crafted algorithm uses, for tests that encrypt for real. */
export const CRAFTED_SALT = Buffer.alloc(8, 7);
export const CRAFTED_IV = Buffer.alloc(16, 1);

/** A PKCS#12 PBE algorithm (RFC 7292 appendix C) with its salt and iteration count. */
export function pkcs12Pbe(algorithm: string, iterations: number): Buffer {
  return seq(oid(algorithm), seq(octet(CRAFTED_SALT), integer(iterations)));
}

/** PBES2 with PBKDF2 (`prf` an HMAC OID) and AES-256-CBC. */
export function pbes2(iterations: number, prf: string = OIDS.hmacSha256): Buffer {
  const kdf = seq(oid(OIDS.pbkdf2), seq(octet(CRAFTED_SALT), integer(iterations), seq(oid(prf), tlv(0x05, Buffer.alloc(0)))));
  return seq(oid(OIDS.pbes2), seq(kdf, seq(oid(OIDS.aes256Cbc), octet(CRAFTED_IV))));
}

/** An encryptedData ContentInfo whose content is encrypted with `algorithm` (filler bytes by default). */
export function encryptedContent(algorithm: Buffer, ciphertext: Buffer = Buffer.alloc(32, 0x5a)): Buffer {
  const info = seq(oid(OIDS.data), algorithm, tlv(0x80, ciphertext));
  return seq(oid(OIDS.encryptedData), explicit0(seq(integer(0), info)));
}

/** SafeContents: the SEQUENCE of SafeBags that a part holds (encrypted or not). */
export function safeContents(bags: Buffer[]): Buffer {
  return seq(...bags);
}

/** A data ContentInfo holding the given SafeBags. */
export function plainContent(bags: Buffer[]): Buffer {
  return seq(oid(OIDS.data), explicit0(octet(seq(...bags))));
}

/** A pkcs8ShroudedKeyBag encrypted with `algorithm`. */
export function shroudedKeyBag(algorithm: Buffer): Buffer {
  return seq(oid(OIDS.shroudedKeyBag), explicit0(seq(algorithm, octet(Buffer.alloc(32, 0x5a)))));
}

/** A secretBag: a bag the reader counts and skips. */
export function secretBag(): Buffer {
  return seq(oid(OIDS.secretBag), explicit0(seq(oid(OIDS.data), explicit0(octet(Buffer.alloc(1))))));
}

/** A safeContentsBag: SafeBags nested inside a bag. */
export function nestedBag(bags: Buffer[]): Buffer {
  return seq(oid(OIDS.safeContentsBag), explicit0(seq(...bags)));
}

/** A PFX with the given ContentInfos and, optionally, a MAC with `hash` (an OID) at `iterations`. */
export function craftedPfx(contents: Buffer[], mac?: { hash: string; iterations: number }): Buffer {
  const authSafe = seq(...contents);
  const parts = [integer(3), seq(oid(OIDS.data), explicit0(octet(authSafe)))];
  if (mac) {
    const digestLength = mac.hash === OIDS.sha512 ? 64 : mac.hash === OIDS.sha256 ? 32 : 20;
    const digestInfo = seq(seq(oid(mac.hash), tlv(0x05, Buffer.alloc(0))), octet(Buffer.alloc(digestLength)));
    parts.push(seq(digestInfo, octet(Buffer.alloc(8, 3)), integer(mac.iterations)));
  }
  return seq(...parts);
}
