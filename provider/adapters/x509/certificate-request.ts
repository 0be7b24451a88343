/**
 * The provider's half of every issued certificate: a fresh RSA key and a CSR for it that names
 * the SIP domain (subject CN and a SAN DNS name: Skype accepts "any Web server certificate that
 * includes the name of your SIP domain", and public CAs read the SAN only).
 *
 * node:crypto makes the key (native, on the thread pool: a 4096-bit key takes seconds in
 * JavaScript); node-forge writes the PKCS#10 request, which node:crypto cannot.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsa = promisify(generateKeyPair);

/** The key and its CSR. The key lives in memory only, until it is written into the PFX. */
export interface KeyAndRequest {
  readonly privateKey: KeyObject;
  /** The key, PKCS#8 PEM (for the PFX writer). */
  readonly privateKeyPem: string;
  /** The PKCS#10 request, PEM. */
  readonly csrPem: string;
}

/** Makes an RSA key of `keyBits` and a CSR naming `sipDomain`, signed with SHA-256. */
export async function makeKeyAndRequest(sipDomain: string, keyBits: number): Promise<KeyAndRequest> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: keyBits });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  csr.setSubject([{ name: 'commonName', value: sipDomain }]);
  csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: sipDomain }] }] }]);
  csr.sign(forgeKey, forge.md.sha256.create());
  return { privateKey, privateKeyPem, csrPem: forge.pki.certificationRequestToPem(csr) };
}
