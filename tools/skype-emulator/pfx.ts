/**
 * Opens the PFX an Import-CsCertificate names, with the project's own reader (validatePfx and
 * the PFX container adapter, compiled into dist/ with the emulator): the thumbprint the
 * emulator records is the one the provider computes, from the real file.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { openPfxContainer } from '../../provider/adapters/pfx/pfx-container';
import { MAX_PFX_ITERATIONS, validatePfx } from '../../provider/validate-pfx';

export interface OpenedPfx {
  readonly thumbprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly alternativeNames: readonly string[];
  readonly keyBits: number | null;
  readonly hasPrivateKey: boolean;
}

/** Why Windows refuses the file, in its words (CryptographicException messages). */
export type PfxFailure = { readonly ok: false; readonly message: string };

/**
 * Windows shows distinguished names most-specific last, RDNs joined by ", ". An empty subject
 * (ACME CAs such as Pebble name the domain in the SAN only, RFC 5280 section 4.1.2.6) is an
 * empty string; node's X509Certificate then has no `subject` at all.
 */
function windowsName(x509Name: string | undefined): string {
  return (x509Name ?? '').split('\n').filter((l) => l !== '').reverse().join(', ');
}

export async function openPfx(bytes: Buffer, password: string | null, now: Date): Promise<{ ok: true; pfx: OpenedPfx } | PfxFailure> {
  const validation = await validatePfx(bytes, password, { now, inputName: 'PFX file' });
  const codes = validation.errors.map((e) => e.code);
  if (codes.includes('PFX_BAD_PASSWORD')) return { ok: false, message: 'The specified network password is not correct.' };
  if (validation.thumbprint === null) {
    if (codes.some((c) => c === 'PFX_UNREADABLE' || c === 'PFX_TOO_LARGE' || c === 'PFX_ITERATION_LIMIT')) {
      return { ok: false, message: 'Cannot find the requested object.' };
    }
    return { ok: false, message: 'The PFX file holds no single certificate with its private key; export the certificate with its private key.' };
  }
  const container = await openPfxContainer(bytes, password, { inputName: 'PFX file', maxIterations: MAX_PFX_ITERATIONS });
  const der = container.certificates.find((c) => createHash('sha1').update(c.der).digest('hex').toUpperCase() === validation.thumbprint);
  if (!der) return { ok: false, message: 'Cannot find the requested object.' };
  const x509 = new X509Certificate(der.der);
  return {
    ok: true,
    pfx: {
      thumbprint: validation.thumbprint,
      subject: windowsName(x509.subject),
      issuer: windowsName(x509.issuer),
      serialNumber: x509.serialNumber.toUpperCase(),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      alternativeNames: [...validation.dnsNames],
      keyBits: validation.keyBits,
      hasPrivateKey: !codes.some((c) => c === 'PFX_NO_PRIVATE_KEY' || c === 'PFX_KEY_MISMATCH'),
    },
  };
}
