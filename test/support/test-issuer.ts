/**
 * An issuer for shell tests, behind the provider's orderer seam (composition.ts): a real signer,
 * not a canned chain. node:crypto makes the RSA key (once per process), node-forge signs a certificate naming the
 * SIP domain (SAN, as ACME CAs do, empty subject) with that key (self-signed) and writes the PFX under a random
 * password (one KDF iteration: node-forge derives keys in JavaScript, seconds per file on a
 * loaded machine at its default 2048), so the provider's own PFX checks read what it returns. It counts its orders and can
 * be told to fail the next ones, with a code and a CA's Retry-After.
 */
import { constants, generateKeyPairSync, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { SfbError, type ErrorCode } from '../../provider/domain/errors';
import type { IssuerSpec } from '../../provider/domain/issuer-spec';
import type { CertificateOrderer, OrderRequest } from '../../provider/pulumi/composition';

export interface TestIssuer {
  readonly order: CertificateOrderer;
  /** Every order received, in order (the issuer spec and the request without its signal). */
  readonly orders: { issuer: IssuerSpec; request: Omit<OrderRequest, 'signal'> }[];
  /** The next orders fail with this code (and Retry-After) until cleared. */
  failWith(code: ErrorCode | undefined, retryAfter?: Date): void;
}

/**
 * One RSA key per size for every test certificate of the process: generating one takes seconds
 * on a loaded machine, and a test of renewal asserts certificates (thumbprints, dates), not
 * keys. The provider's own key generation is the issuer adapters' and is tested there.
 */
const keys = new Map<number, { node: KeyObject; forge: forge.pki.rsa.PrivateKey }>();
function keyOf(bits: number): { node: KeyObject; forge: forge.pki.rsa.PrivateKey } {
  let key = keys.get(bits);
  if (!key) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    key = { node: privateKey, forge: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) };
    keys.set(bits, key);
  }
  return key;
}

/** The DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** Signs as node-forge's RSA key would (PKCS#1 v1.5 over the digest), natively: forge's JavaScript RSA takes seconds on a loaded machine. */
function nativeSigner(key: KeyObject): { sign(md: forge.md.MessageDigest): string } {
  return {
    sign(md) {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])).toString('binary');
    },
  };
}

/** `clock`: the moment certificates start from (one hour back-dated); `validDays`: their lifetime. */
export function createTestIssuer(clock: () => Date, validDays = 90): TestIssuer {
  const orders: TestIssuer['orders'] = [];
  let failure: { code: ErrorCode; retryAfter?: Date } | undefined;
  return {
    orders,
    failWith(code, retryAfter) {
      failure = code === undefined ? undefined : { code, ...(retryAfter ? { retryAfter } : {}) };
    },
    async order(issuer, { signal: _signal, ...request }) {
      orders.push({ issuer, request });
      if (failure) throw Object.assign(new SfbError(failure.code, `the test CA refused the order (${failure.code}); nothing was stored.`), failure.retryAfter ? { retryAt: failure.retryAfter.toISOString() } : {});
      const key = keyOf(request.keyBits);
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.setRsaPublicKey(key.forge.n, key.forge.e);
      cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
      const now = clock();
      cert.validity.notBefore = new Date(now.getTime() - 3600 * 1000);
      cert.validity.notAfter = new Date(now.getTime() + validDays * 24 * 3600 * 1000);
      cert.setSubject([]);
      cert.setIssuer([]);
      cert.setExtensions([{ name: 'subjectAltName', critical: true, altNames: [{ type: 2, value: request.sipDomain }] }]);
      cert.sign(nativeSigner(key.node) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
      const password = randomBytes(18).toString('base64url');
      const pfx = forge.pkcs12.toPkcs12Asn1(key.forge, [cert], password, { algorithm: 'aes256', generateLocalKeyId: true, count: 1 });
      // An ACME orderer signs with the account key it was handed, or makes one (as ordererOn does).
      const accountKeyPem = issuer.kind === 'acme' ? (request.accountKeyPem ?? `-----BEGIN PRIVATE KEY-----\ntest-account-${randomBytes(8).toString('hex')}\n-----END PRIVATE KEY-----\n`) : undefined;
      return { pfxBase64: Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary').toString('base64'), password, ...(accountKeyPem ? { accountKeyPem } : {}) };
    },
  };
}
