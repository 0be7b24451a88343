/**
 * Opens a PKCS#12 (PFX) container: the only module that touches node-forge.
 *
 * node-forge reads the ASN.1 (it copes with the BER that Windows and Java write, indefinite
 * lengths included) and supplies RC2, which OpenSSL 3 only has in its legacy provider. Every
 * key derivation and every other cipher runs in node:crypto, for two measured reasons
 * (docs/pfx-files.md):
 * - forge's PBES2 path passes the password to PBKDF2 as Latin-1, so non-ASCII passwords fail
 *   (forge issues #487, #1073); PBKDF2 wants UTF-8 while the MAC and legacy PBE want BMPString;
 * - forge's PBKDF2 is pure JavaScript, ~27x slower than native. Here the PBKDF2 runs of the
 *   encrypted parts start on libuv's thread pool first, and the MAC's PKCS#12 KDF runs on the
 *   main thread meanwhile, so a 600,000-iteration file costs about one KDF of wall time.
 *
 * Certificates are returned as the original DER bytes of their bags (thumbprints must hash
 * those, never a re-encoding), keys as PKCS#8 DER for node:crypto to inspect.
 */
import { createDecipheriv, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import type * as Forge from 'node-forge';
import { isSfbError, SfbError } from '../../domain/errors';
import { bmpPassword, pkcs12Kdf, type Pkcs12Hash } from './pkcs12-kdf';
import { pfxUnreadable } from './pfx-input';
import { MAX_PFX_BAGS, MAX_PFX_CONTENTS, MAX_PFX_WORK, pbkdf2Work, pkcs12KdfWork, WorkMeter, type WorkItem, type WorkPurpose } from './kdf-work';

/** A private key found in the container. */
export interface ContainerKey {
  readonly pkcs8Der: Buffer;
  readonly localKeyId?: string;
}

/** A certificate found in the container. */
export interface ContainerCertificate {
  /** The bag's certificate bytes exactly as stored. */
  readonly der: Buffer;
  /** The OID of the certificate's outer signatureAlgorithm. */
  readonly signatureAlgorithmOid: string;
  readonly localKeyId?: string;
}

/** Everything the container holds that validation needs. */
export interface PfxContainer {
  readonly hasMac: boolean;
  readonly keys: readonly ContainerKey[];
  readonly certificates: readonly ContainerCertificate[];
}

export interface OpenPfxOptions {
  /** How messages name the input, e.g. `PFX file "s2s.pfx"`. */
  readonly inputName: string;
  /** Highest KDF or MAC iteration count accepted before any work is done. */
  readonly maxIterations: number;
  /** Highest total key-derivation work per file, in kdf-work.ts units. @default MAX_PFX_WORK */
  readonly maxWork?: number;
  /** Highest number of SafeBags per file, nested ones included. @default MAX_PFX_BAGS */
  readonly maxBags?: number;
  /** Highest number of parts in the AuthenticatedSafe. @default MAX_PFX_CONTENTS */
  readonly maxContents?: number;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
} as const;

const DIGESTS: Record<string, Pkcs12Hash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const PBKDF2_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};

/** PKCS#12 password-based encryption schemes (RFC 7292 appendix C). */
const PKCS12_PBE: Record<string, { cipher: 'des-ede3-cbc' | 'rc2'; keyLength: number; rc2Bits?: number }> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 },
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede3-cbc', keyLength: 16 },
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyLength: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyLength: 5, rc2Bits: 40 },
};

// Only the parts used here (ASN.1, RC2, their utilities): loading the whole package costs
// ~35 ms of start-up (measured), which the `validate` CLI pays on every run.
/* eslint-disable @typescript-eslint/no-require-imports */
const forge = require('node-forge/lib/forge') as typeof Forge;
require('node-forge/lib/util');
require('node-forge/lib/asn1');
require('node-forge/lib/rc2');
/* eslint-enable @typescript-eslint/no-require-imports */

type Node = Forge.asn1.Asn1;

/** Thrown inside this module for structure errors; translated at the boundary. */
class Malformed extends Error {}
/** Thrown when decryption shows the password is wrong. */
class WrongPassword extends Error {}

function children(node: Node | undefined, what: string): Node[] {
  if (!node || !Array.isArray(node.value)) throw new Malformed(`expected ${what} to be constructed`);
  return node.value as Node[];
}

function child(node: Node | undefined, index: number, what: string): Node {
  const found = children(node, what)[index];
  if (!found) throw new Malformed(`missing ${what}[${index}]`);
  return found;
}

function octets(node: Node | undefined, what: string): Buffer {
  if (!node) throw new Malformed(`missing ${what}`);
  // BER allows a constructed OCTET STRING made of segments (Windows and Java write these).
  if (Array.isArray(node.value)) return Buffer.concat((node.value as Node[]).map((n) => octets(n, what)));
  return Buffer.from(node.value as string, 'binary');
}

function oid(node: Node | undefined, what: string): string {
  if (!node || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') throw new Malformed(`expected an OID for ${what}`);
  return forge.asn1.derToOid(node.value);
}

/** Reads a non-negative INTEGER; counts wider than 53 bits read as Infinity (always over the cap). */
function integer(node: Node | undefined, what: string): number {
  if (!node || node.type !== forge.asn1.Type.INTEGER || typeof node.value !== 'string') throw new Malformed(`expected an INTEGER for ${what}`);
  const bytes = Buffer.from(node.value, 'binary');
  if (bytes.length > 7) return Number.POSITIVE_INFINITY;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

function parseDer(bytes: Buffer, what: string): Node {
  try {
    // The typings only know the old boolean `strict` argument; forge 1.x takes an options object.
    const lenient = { strict: true, parseAllBytes: false, decodeBitStrings: false } as unknown as boolean;
    return forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')), lenient);
  } catch {
    throw new Malformed(`${what} is not valid DER/BER`);
  }
}

function explicitContent(node: Node, what: string): Node {
  // ContentInfo.content and SafeBag.bagValue are [0] EXPLICIT.
  const tagged = children(node, what)[1];
  if (!tagged || tagged.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || tagged.type !== 0) throw new Malformed(`missing [0] content in ${what}`);
  return child(tagged, 0, what);
}

interface Decryptor {
  /** The iteration count the scheme asks for, checked against the cap before any work. */
  readonly iterations: number;
  /** The cost of one decryption in work units (kdf-work.ts), reserved before it runs. */
  readonly work: number;
  /** Whether the key derivation blocks the main thread (the PKCS#12 KDF has no native twin). */
  readonly blocksMainThread: boolean;
  decrypt(password: string | null, ciphertext: Buffer): Promise<Buffer>;
}

function pbkdf2Async(password: Buffer, salt: Buffer, iterations: number, length: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, length, digest, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function decipher(name: string, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    // A wrong key shows up as bad padding; a wrong key that pads well by chance is caught when
    // the plaintext does not parse.
    throw new WrongPassword();
  }
}

function decryptorFor(algorithm: Node, what: string): Decryptor {
  const algorithmOid = oid(child(algorithm, 0, what), what);
  const params = children(algorithm, what)[1];
  if (algorithmOid === OID.pbes2) {
    const kdf = child(params, 0, 'PBES2 keyDerivationFunc');
    if (oid(child(kdf, 0, 'PBES2 kdf'), 'PBES2 kdf') !== OID.pbkdf2) throw new Malformed('PBES2 key derivation is not PBKDF2');
    const kdfParams = children(child(kdf, 1, 'PBKDF2 params'), 'PBKDF2 params');
    const salt = octets(kdfParams[0], 'PBKDF2 salt');
    const iterations = integer(kdfParams[1], 'PBKDF2 iterations');
    let prf = 'sha1';
    for (const extra of kdfParams.slice(2)) {
      if (extra.type === forge.asn1.Type.SEQUENCE) {
        const prfOid = oid(child(extra, 0, 'PBKDF2 prf'), 'PBKDF2 prf');
        const name = PBKDF2_PRFS[prfOid];
        if (!name) throw new Malformed(`unsupported PBKDF2 PRF ${prfOid}`);
        prf = name;
      }
    }
    const scheme = child(params, 1, 'PBES2 encryptionScheme');
    const cipherOid = oid(child(scheme, 0, 'PBES2 cipher'), 'PBES2 cipher');
    const cipher = PBES2_CIPHERS[cipherOid];
    if (!cipher) throw new Malformed(`unsupported PBES2 cipher ${cipherOid}`);
    const iv = octets(child(scheme, 1, 'PBES2 IV'), 'PBES2 IV');
    return {
      iterations,
      work: pbkdf2Work(prf, iterations, cipher.keyLength),
      blocksMainThread: false,
      async decrypt(password, ciphertext) {
        // PBKDF2 takes the password as UTF-8 bytes (RFC 8018; what OpenSSL and Windows do).
        const key = await pbkdf2Async(Buffer.from(password ?? '', 'utf8'), salt, iterations, cipher.keyLength, prf);
        return decipher(cipher.name, key, iv, ciphertext);
      },
    };
  }
  const pbe = PKCS12_PBE[algorithmOid];
  if (pbe) {
    const salt = octets(child(params, 0, 'PBE salt'), 'PBE salt');
    const iterations = integer(child(params, 1, 'PBE iterations'), 'PBE iterations');
    return {
      iterations,
      // The key, then the 8-byte IV: two derivations.
      work: pkcs12KdfWork('sha1', iterations, pbe.keyLength) + pkcs12KdfWork('sha1', iterations, 8),
      blocksMainThread: true,
      async decrypt(password, ciphertext) {
        const passwordBmp = bmpPassword(password);
        const key = pkcs12Kdf('sha1', passwordBmp, salt, iterations, 1, pbe.keyLength);
        const iv = pkcs12Kdf('sha1', passwordBmp, salt, iterations, 2, 8);
        if (pbe.cipher === 'des-ede3-cbc') {
          // Two-key triple DES repeats the first key.
          const fullKey = pbe.keyLength === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key;
          return decipher('des-ede3-cbc', fullKey, iv, ciphertext);
        }
        const rc2 = forge.rc2.createDecryptionCipher(forge.util.createBuffer(key.toString('binary')), pbe.rc2Bits ?? 128);
        rc2.start(forge.util.createBuffer(iv.toString('binary')));
        rc2.update(forge.util.createBuffer(ciphertext.toString('binary')));
        if (!rc2.finish()) throw new WrongPassword();
        return Buffer.from(rc2.output.getBytes(), 'binary');
      },
    };
  }
  throw new Malformed(`unsupported encryption algorithm ${algorithmOid}`);
}

/** A decryption found in the structure, not yet started: its cost is reserved first. */
interface Job extends WorkItem {
  start(): Promise<void>;
}

interface Collected {
  keys: ContainerKey[];
  certificates: ContainerCertificate[];
  jobs: Job[];
  /** SafeBags seen in this attempt, nested and decrypted ones included (shared with nested walks). */
  bags: { seen: number };
}

/** Waits one turn of the event loop, so that main-thread derivations run one part per turn. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function localKeyIdOf(bag: Node): string | undefined {
  const attributes = children(bag, 'SafeBag')[2];
  if (!attributes || !Array.isArray(attributes.value)) return undefined;
  for (const attribute of attributes.value as Node[]) {
    const parts = children(attribute, 'attribute');
    if (parts[0] && oid(parts[0], 'attribute type') === OID.localKeyId) {
      const value = children(parts[1], 'attribute values')[0];
      return value ? octets(value, 'localKeyId').toString('hex') : undefined;
    }
  }
  return undefined;
}

function signatureAlgorithmOf(certificateDer: Buffer): string {
  const certificate = parseDer(certificateDer, 'certificate');
  return oid(child(child(certificate, 1, 'certificate'), 0, 'signatureAlgorithm'), 'signatureAlgorithm');
}

class ContainerReader {
  /** Set when the outcome is known (a failed MAC): queued main-thread derivations then skip their work. */
  stopped = false;
  /** The last main-thread derivation's turn: each one waits for the previous and one more turn. */
  private mainThread: Promise<void> = Promise.resolve();

  constructor(
    private readonly password: () => string | null,
    private readonly options: OpenPfxOptions,
    readonly meter: WorkMeter,
  ) {}

  checkIterations(iterations: number, what: string): void {
    if (iterations > this.options.maxIterations) {
      const seen = Number.isFinite(iterations) ? iterations.toLocaleString('en-US') : 'an oversized number of';
      throw new SfbError(
        'PFX_ITERATION_LIMIT',
        `The ${this.options.inputName} asks for ${seen} ${what} iterations, above the limit of ` +
          `${this.options.maxIterations.toLocaleString('en-US')}; re-export it with a lower iteration count ` +
          '(OpenSSL: `openssl pkcs12 -export -iter 600000`).',
      );
    }
  }

  /** A job that decrypts `ciphertext` and hands the plaintext on; nothing runs until started. */
  job(purpose: WorkPurpose, decryptor: Decryptor, ciphertext: Buffer, use: (plaintext: Buffer) => Promise<void> | void): Job {
    return {
      purpose,
      work: decryptor.work,
      start: async () => {
        if (decryptor.blocksMainThread) {
          // A legacy derivation holds the thread for its whole run: run them one per turn of the
          // event loop, so what else is waiting (the engine's gRPC, timers) runs between parts,
          // and skip the work once the MAC has failed.
          const turn = this.mainThread.then(nextTurn);
          this.mainThread = turn;
          await turn;
          if (this.stopped) throw new WrongPassword();
        }
        await use(await decryptor.decrypt(this.password(), ciphertext));
      },
    };
  }

  /** Walks SafeContents, collecting bags and (not yet started) decryptions of shrouded keys. */
  collectSafeContents(safeContents: Node, into: Collected): void {
    for (const bag of children(safeContents, 'SafeContents')) {
      into.bags.seen += 1;
      this.meter.checkBags(into.bags.seen);
      const bagId = oid(child(bag, 0, 'SafeBag'), 'bagId');
      const value = explicitContent(bag, 'SafeBag');
      const localKeyId = localKeyIdOf(bag);
      if (bagId === OID.keyBag) {
        into.keys.push({ pkcs8Der: Buffer.from(forge.asn1.toDer(value).getBytes(), 'binary'), ...(localKeyId ? { localKeyId } : {}) });
      } else if (bagId === OID.shroudedKeyBag) {
        const decryptor = decryptorFor(child(value, 0, 'EncryptedPrivateKeyInfo'), 'key encryption');
        this.checkIterations(decryptor.iterations, 'key encryption');
        const ciphertext = octets(child(value, 1, 'EncryptedPrivateKeyInfo'), 'encrypted key');
        into.jobs.push(
          this.job('encrypted key', decryptor, ciphertext, (pkcs8Der) => {
            // A wrong password that happens to pad well still fails to parse here.
            try {
              parseDer(pkcs8Der, 'private key');
            } catch {
              throw new WrongPassword();
            }
            into.keys.push({ pkcs8Der, ...(localKeyId ? { localKeyId } : {}) });
          }),
        );
      } else if (bagId === OID.certBag) {
        const certId = oid(child(value, 0, 'CertBag'), 'certId');
        if (certId !== OID.x509Certificate) continue; // SDSI certificates: nothing Skype can use.
        const der = octets(explicitContent(value, 'CertBag'), 'certificate');
        into.certificates.push({ der, signatureAlgorithmOid: signatureAlgorithmOf(der), ...(localKeyId ? { localKeyId } : {}) });
      } else if (bagId === OID.safeContentsBag) {
        this.collectSafeContents(value, into);
      }
      // CRL and secret bags carry nothing the certificate needs.
    }
  }

  /** Walks the AuthenticatedSafe: plain parts now, encrypted parts as jobs (their bags once decrypted). */
  collectAuthenticatedSafe(authSafe: Node, into: Collected): void {
    const contents = children(authSafe, 'AuthenticatedSafe');
    this.meter.checkContents(contents.length);
    for (const contentInfo of contents) {
      const type = oid(child(contentInfo, 0, 'ContentInfo'), 'contentType');
      if (type === OID.data) {
        const safeContents = parseDer(octets(explicitContent(contentInfo, 'ContentInfo'), 'data'), 'SafeContents');
        this.collectSafeContents(safeContents, into);
      } else if (type === OID.encryptedData) {
        const encryptedData = explicitContent(contentInfo, 'ContentInfo');
        const info = child(encryptedData, 1, 'EncryptedData');
        const decryptor = decryptorFor(child(info, 1, 'EncryptedContentInfo'), 'content encryption');
        this.checkIterations(decryptor.iterations, 'content encryption');
        const encryptedContent = children(info, 'EncryptedContentInfo')[2];
        if (!encryptedContent) continue;
        const ciphertext = octets(encryptedContent, 'encrypted content');
        into.jobs.push(
          this.job('encrypted part', decryptor, ciphertext, (plaintext) => {
            let safeContents: Node;
            try {
              safeContents = parseDer(plaintext, 'SafeContents');
            } catch {
              throw new WrongPassword();
            }
            // Keys shrouded inside an encrypted part only show now: their work is reserved
            // against the same budget before any of it starts.
            const nested: Collected = { keys: into.keys, certificates: into.certificates, jobs: [], bags: into.bags };
            this.collectSafeContents(safeContents, nested);
            this.meter.reserve(nested.jobs);
            return waitAll(nested.jobs.map((j) => j.start()));
          }),
        );
      } else {
        throw new Malformed(`unsupported AuthenticatedSafe content type ${type}`);
      }
    }
  }
}

interface MacData {
  readonly hash: Pkcs12Hash;
  readonly digest: Buffer;
  readonly salt: Buffer;
  readonly iterations: number;
}

/** The HMAC key is as long as the hash's output (RFC 7292 appendix B.4). */
const MAC_KEY_SIZES: Record<Pkcs12Hash, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

function macMatches(mac: MacData, password: string | null, authSafeOctets: Buffer): boolean {
  const key = pkcs12Kdf(mac.hash, bmpPassword(password), mac.salt, mac.iterations, 3, MAC_KEY_SIZES[mac.hash]);
  const computed = createHmac(mac.hash, key).update(authSafeOctets).digest();
  return computed.length === mac.digest.length && timingSafeEqual(computed, mac.digest);
}

/** The work of checking the MAC once (one PKCS#12 KDF run for the HMAC key). */
function macWork(mac: MacData): number {
  return pkcs12KdfWork(mac.hash, mac.iterations, MAC_KEY_SIZES[mac.hash]);
}

/** The other spelling of "no password": OpenSSL tries both "" and NULL, and so do we. */
function alternatePassword(password: string | null): string | null | undefined {
  if (password === '') return null;
  if (password === null) return '';
  return undefined;
}

function badPassword(inputName: string): SfbError {
  return new SfbError(
    'PFX_BAD_PASSWORD',
    `The password does not open the ${inputName}: its integrity check or decryption failed; ` +
      'supply the password the file was exported with.',
  );
}

function newCollected(): Collected {
  return { keys: [], certificates: [], jobs: [], bags: { seen: 0 } };
}

/**
 * Opens the container with `password` (`null`: no password). Throws SfbError with
 * PFX_UNREADABLE, PFX_BAD_PASSWORD, PFX_ITERATION_LIMIT (one derivation over `maxIterations`,
 * or the whole file over `maxWork`) or PFX_TOO_LARGE (too many bags or parts). Every limit is
 * checked on the ASN.1 before any key derivation runs.
 */
export async function openPfxContainer(bytes: Buffer, password: string | null, options: OpenPfxOptions): Promise<PfxContainer> {
  const unreadable = (why: string) => pfxUnreadable(options.inputName, why);
  const meter = new WorkMeter(options.inputName, {
    maxWork: options.maxWork ?? MAX_PFX_WORK,
    maxBags: options.maxBags ?? MAX_PFX_BAGS,
    maxContents: options.maxContents ?? MAX_PFX_CONTENTS,
  });
  let chosenPassword = password;
  try {
    const pfx = parseDer(bytes, 'PFX');
    const parts = children(pfx, 'PFX');
    if (integer(parts[0], 'PFX version') !== 3) throw new Malformed('PFX version is not 3');
    const authSafeInfo = child(pfx, 1, 'PFX');
    const authSafeType = oid(child(authSafeInfo, 0, 'authSafe'), 'authSafe contentType');
    if (authSafeType === OID.signedData) throw new Malformed('public-key integrity mode (signedData) is not supported');
    if (authSafeType !== OID.data) throw new Malformed(`unsupported authSafe content type ${authSafeType}`);
    const authSafeOctets = octets(explicitContent(authSafeInfo, 'authSafe'), 'authSafe');

    let mac: MacData | undefined;
    const macNode = parts[2];
    if (macNode) {
      const digestInfo = child(macNode, 0, 'MacData');
      const digestOid = oid(child(child(digestInfo, 0, 'DigestInfo'), 0, 'MAC algorithm'), 'MAC algorithm');
      const hash = DIGESTS[digestOid];
      if (!hash) throw new Malformed(`unsupported MAC algorithm ${digestOid}`);
      const macParts = children(macNode, 'MacData');
      mac = {
        hash,
        digest: octets(child(digestInfo, 1, 'DigestInfo'), 'MAC digest'),
        salt: octets(macParts[1], 'MAC salt'),
        iterations: macParts[2] ? integer(macParts[2], 'MAC iterations') : 1,
      };
    }

    const reader = new ContainerReader(() => chosenPassword, options, meter);
    if (mac) reader.checkIterations(mac.iterations, 'MAC');
    const collected = newCollected();
    const authSafe = parseDer(authSafeOctets, 'AuthenticatedSafe');
    // Every bag and every visible derivation is read before any derivation runs.
    reader.collectAuthenticatedSafe(authSafe, collected);

    // The whole budget, reserved at once: for an empty or NULL password, the MAC (or, with no
    // MAC, every decryption) may run a second time with the other spelling.
    const alternate = alternatePassword(password);
    const attempts = alternate === undefined ? 1 : 2;
    const macItems: WorkItem[] = mac ? Array.from({ length: attempts }, () => ({ purpose: 'MAC' as const, work: macWork(mac) })) : [];
    const jobItems = mac ? collected.jobs : [...collected.jobs, ...(attempts === 2 ? collected.jobs : [])];
    meter.reserve([...macItems, ...jobItems]);

    if (mac) {
      if (alternate === undefined) {
        // Start the decryptions (PBKDF2 on the thread pool) first, then compute the MAC on this
        // thread meanwhile.
        const pending = collected.jobs.map((j) => j.start());
        const settled = Promise.allSettled(pending);
        const ok = macMatches(mac, password, authSafeOctets);
        if (!ok) reader.stopped = true;
        await settled;
        if (!ok) throw badPassword(options.inputName);
        await waitAll(pending);
      } else {
        // For an empty or NULL password the MAC first picks which of the two spellings the file
        // used, because the legacy PBE derives different keys from them.
        if (!macMatches(mac, password, authSafeOctets)) {
          if (!macMatches(mac, alternate, authSafeOctets)) throw badPassword(options.inputName);
          chosenPassword = alternate;
        }
        await waitAll(collected.jobs.map((j) => j.start()));
      }
    } else {
      try {
        await waitAll(collected.jobs.map((j) => j.start()));
      } catch (error) {
        if (!(error instanceof WrongPassword) || alternate === undefined) throw error;
        chosenPassword = alternate;
        // Its visible decryptions were reserved twice above; parts nested in encrypted parts
        // are reserved again as they show.
        const retry = newCollected();
        reader.collectAuthenticatedSafe(authSafe, retry);
        await waitAll(retry.jobs.map((j) => j.start()));
        return { hasMac: false, keys: retry.keys, certificates: retry.certificates };
      }
    }
    return { hasMac: mac !== undefined, keys: collected.keys, certificates: collected.certificates };
  } catch (error) {
    if (error instanceof WrongPassword) throw badPassword(options.inputName);
    if (error instanceof Malformed) throw unreadable(error.message);
    if (isSfbError(error)) throw error;
    throw unreadable('its structure could not be parsed');
  }
}

/** Awaits every promise (so none is left rejecting unobserved) and rethrows the first failure. */
async function waitAll(pending: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(pending);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
