/**
 * Writes the PFX of an issued certificate: the provider's own RSA key and the chain the issuer
 * returned, for the store and for Import-CsCertificate.
 *
 * node-forge's own writer (pkcs12.toPkcs12Asn1) re-encodes every certificate through its X.509
 * model, which reads RSA keys only: an issuer's ECDSA CA certificate (step-ca's default chain,
 * Pebble's sample configuration) cannot pass through it, and a re-encoding could change a
 * certificate's bytes and so its thumbprint. So the bags here carry the issuer's DER bytes as
 * given, and forge supplies only the ASN.1 encoder, the key encryption and the PKCS#12 MAC key.
 *
 * The algorithms are the ones every Windows that runs Skype for Business Server imports:
 * the key as pbeWithSHAAnd3-KeyTripleDES-CBC and a SHA-1 MAC (AES-256/SHA-256 PFX files need
 * Windows Server 2019 or later; Skype for Business Server 2015 runs on 2012 R2 and 2016), the
 * certificates in a plain SafeContents as Windows itself exports them.
 */
import forge from 'node-forge';

/** Iterations of the key's PBE and of the MAC's KDF: Windows' own export default. */
const PFX_ITERATIONS = 2000;

export interface PfxContents {
  /** The private key, PEM (PKCS#1 or PKCS#8), RSA. */
  readonly privateKeyPem: string;
  /** The certificates, DER, leaf first. */
  readonly certificateDers: readonly Buffer[];
  /** The password protecting the key and the MAC. */
  readonly password: string;
  /** The friendly name Windows shows for the certificate. */
  readonly friendlyName: string;
}

const { asn1, pki } = forge;
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const explicit0 = (item: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
const integer = (value: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
const binary = (bytes: Buffer) => bytes.toString('binary');

/** A `data` ContentInfo holding `safeContents`. */
function dataContent(safeContents: forge.asn1.Asn1): forge.asn1.Asn1 {
  return seq([oid(pki.oids.data!), explicit0(octets(asn1.toDer(safeContents).getBytes()))]);
}

/** The PFX bytes (DER). */
export function writePfx(contents: PfxContents): Buffer {
  const key = pki.privateKeyFromPem(contents.privateKeyPem);
  const leaf = contents.certificateDers[0];
  if (!leaf) throw new Error('writePfx needs at least the leaf certificate');
  // The leaf and its key share a localKeyId (the leaf's SHA-1), which Windows pairs them by.
  const localKeyId = forge.md.sha1.create().update(binary(leaf)).digest().getBytes();
  const attributes = set([
    seq([oid(pki.oids.localKeyId!), set([octets(localKeyId)])]),
    seq([oid(pki.oids.friendlyName!), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, contents.friendlyName)])]),
  ]);
  const certificateBags = contents.certificateDers.map((der, index) =>
    seq([
      oid(pki.oids.certBag!),
      explicit0(seq([oid(pki.oids.x509Certificate!), explicit0(octets(binary(der)))])),
      ...(index === 0 ? [attributes] : []),
    ]),
  );
  const shrouded = pki.encryptPrivateKeyInfo(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key)), contents.password, {
    algorithm: '3des',
    count: PFX_ITERATIONS,
    saltSize: 8,
  });
  const keyBag = seq([oid(pki.oids.pkcs8ShroudedKeyBag!), explicit0(shrouded), attributes]);
  const authenticatedSafe = seq([dataContent(seq(certificateBags)), dataContent(seq([keyBag]))]);
  const authenticatedSafeDer = asn1.toDer(authenticatedSafe).getBytes();

  const macSalt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(contents.password, new forge.util.ByteStringBuffer(macSalt), 3, PFX_ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey.getBytes());
  hmac.update(authenticatedSafeDer);
  const macData = seq([
    seq([seq([oid(pki.oids.sha1!), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    integer(PFX_ITERATIONS),
  ]);
  const pfx = seq([integer(3), seq([oid(pki.oids.data!), explicit0(octets(authenticatedSafeDer))]), macData]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}
