/**
 * Plain facts about the contents of a PFX, gathered by adapters (node-forge opens the container,
 * node:crypto inspects certificates and keys) so that the checks can be pure.
 */

/** The hash of a certificate's signature, as far as the checks care. */
export type SignatureHash = 'sha1' | 'md5' | 'sha2' | 'other';

/** Facts about one certificate in the file. */
export interface CertificateFacts {
  /** SHA-1 of the certificate's original DER bytes, 40 uppercase hex: what Windows shows. */
  readonly thumbprint: string;
  /** The subject, e.g. `CN=sfb-fe01.contoso.com, O=Contoso`. */
  readonly subject: string;
  readonly commonNames: readonly string[];
  /** DNS names of the subjectAltName extension. */
  readonly dnsNames: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureHash: SignatureHash;
  /** Whether it issued (and signed) itself: a root. */
  readonly selfSigned: boolean;
  /** Indexes (into the file's certificates) of the certificates that issued this one. */
  readonly issuerIndexes: readonly number[];
}

/** Facts about one private key in the file. */
export interface KeyFacts {
  /** node:crypto's key type: `rsa`, `rsa-pss`, `ec`, `ed25519`, ... */
  readonly algorithm: string;
  /** Modulus length for RSA keys, curve size for EC keys, when known. */
  readonly bits?: number;
  /** Indexes (into the file's certificates) of the certificates whose public key this key matches. */
  readonly matchingCertificateIndexes: readonly number[];
}

/** Everything the checks need to know about a PFX that opened. */
export interface ContainerFacts {
  /** Whether the file carries an integrity MAC (it verified if the file opened). */
  readonly hasMac: boolean;
  readonly keys: readonly KeyFacts[];
  readonly certificates: readonly CertificateFacts[];
}
