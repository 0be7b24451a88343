/**
 * An issuer for shell tests, behind the provider's orderer seam (composition.ts): a real signer,
 * not a canned chain. node:crypto makes the RSA key, node-forge signs a certificate naming the
 * SIP domain (SAN, as ACME CAs do, empty subject) with that key (self-signed) and writes the PFX under a random
 * password, so the provider's own PFX checks read what it returns. It counts its orders and can
 * be told to fail the next ones, with a code and a CA's Retry-After.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
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
      if (failure) throw Object.assign(new SfbError(failure.code, `the test CA refused the order (${failure.code})`), failure.retryAfter ? { retryAfter: failure.retryAfter } : {});
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: request.keyBits });
      const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
      cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
      const now = clock();
      cert.validity.notBefore = new Date(now.getTime() - 3600 * 1000);
      cert.validity.notAfter = new Date(now.getTime() + validDays * 24 * 3600 * 1000);
      cert.setSubject([]);
      cert.setIssuer([]);
      cert.setExtensions([{ name: 'subjectAltName', critical: true, altNames: [{ type: 2, value: request.sipDomain }] }]);
      cert.sign(key, forge.md.sha256.create());
      const password = randomBytes(18).toString('base64url');
      const pfx = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: 'aes256', generateLocalKeyId: true });
      return { pfxBase64: Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary').toString('base64'), password };
    },
  };
}
