/**
 * Makes a self-signed demo PFX (RSA 2048, the SIP domain in CN and SAN) for `npm run demo`, so a
 * fresh machine needs nothing else. node-forge builds the certificate and container; this is the
 * one other use of forge, kept beside the reader that owns it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface DemoPfxOptions {
  readonly sipDomain: string;
  readonly password: string;
  readonly notBefore: Date;
  readonly validDays: number;
}

/** Returns the PFX bytes. */
export function makeDemoPfx(options: DemoPfxOptions): Buffer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = new Date(options.notBefore.getTime() + options.validDays * 86_400_000);
  const subject = [{ name: 'commonName', value: `sfb-oauth.${options.sipDomain}` }, { name: 'organizationName', value: 'sfb-oauth-cert demo' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: `sfb-oauth.${options.sipDomain}` }, { type: 2, value: `sip.${options.sipDomain}` }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], options.password, { algorithm: '3des', generateLocalKeyId: true, friendlyName: 'sfb-oauth-cert demo' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
