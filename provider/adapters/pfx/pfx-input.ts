/**
 * Turns what users bring into PFX bytes: binary files, or the base64 text that CI secret
 * stores hold (pfx-pitfalls.md), with or without line breaks.
 */
import { SfbError } from '../../domain/errors';
import { decodeText, startsWithByteOrderMark } from '../files/text-file';

/** The largest PFX accepted. Real ones are a few KB; anything near this is not a certificate. */
export const MAX_PFX_BYTES = 1024 * 1024;

/**
 * The largest input read for a PFX: its base64 text (4/3 of the binary size) with line breaks.
 * Files are read up to this; the decoded PFX must still fit {@link MAX_PFX_BYTES}.
 */
export const MAX_PFX_INPUT_BYTES = Math.ceil((MAX_PFX_BYTES * 4) / 3) + 64 * 1024;

const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;
const PEM_HINT = 'it is PEM text; convert it with `openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx`';

/** Whether `bytes` look like the base64 text of a PFX rather than the PFX itself. */
export function isBase64Text(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes[0] !== 0x30 && BASE64_TEXT.test(bytes.toString('latin1'));
}

/** The PFX_TOO_LARGE error, worded once for the reader and the file adapters' callers. */
export function pfxTooLarge(inputName: string, size: number): SfbError {
  return new SfbError(
    'PFX_TOO_LARGE',
    `The ${inputName} is ${size.toLocaleString('en-US')} bytes, above the ${MAX_PFX_BYTES.toLocaleString('en-US')}-byte limit for a PFX; ` +
      'check that it is the certificate file and not an archive or a store.',
  );
}

/** The PFX_UNREADABLE error, worded once for every place that finds a file unreadable. */
export function pfxUnreadable(inputName: string, why: string): SfbError {
  return new SfbError(
    'PFX_UNREADABLE',
    `The ${inputName} is not a readable PKCS#12 (PFX) file (${why}); export the certificate with its private key as a .pfx/.p12 file, binary or base64.`,
  );
}

/** Returns the DER bytes of the PFX in `input` (binary, or base64 text as string or bytes). */
export function pfxBytesFrom(input: Uint8Array | string, inputName: string): Buffer {
  // Base64 text saved by Windows PowerShell 5.1 (`> s2s.pfx.b64` writes UTF-16 with a byte order
  // mark) is text first: a PFX's DER starts with 0x30, never with a byte order mark.
  if (typeof input !== 'string' && startsWithByteOrderMark(input)) {
    const decoded = decodeText(input);
    if (!decoded.ok) throw pfxUnreadable(inputName, decoded.why);
    return pfxBytesFrom(decoded.text, inputName);
  }
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (raw.length === 0) throw pfxUnreadable(inputName, 'it is empty');
  // Base64 is 4/3 of the binary size: refuse before decoding anything bigger than that could be.
  if (raw.length > MAX_PFX_INPUT_BYTES) throw pfxTooLarge(inputName, raw.length);
  if (raw[0] === 0x30 && typeof input !== 'string') {
    if (raw.length > MAX_PFX_BYTES) throw pfxTooLarge(inputName, raw.length);
    return raw;
  }
  // Anywhere, not just at the start: `openssl pkcs12 -nodes` writes "Bag Attributes" lines first.
  if (raw.includes('-----BEGIN')) throw pfxUnreadable(inputName, PEM_HINT);
  const text = raw.toString('latin1');
  if (!BASE64_TEXT.test(text)) throw pfxUnreadable(inputName, 'it is neither DER nor base64 text');
  const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  // PEM that went through base64 once more (a CI secret made with `base64 cert.pem`).
  if (decoded.includes('-----BEGIN')) throw pfxUnreadable(inputName, PEM_HINT);
  if (decoded.length === 0 || decoded[0] !== 0x30) throw pfxUnreadable(inputName, 'its base64 text does not decode to a PKCS#12 structure');
  if (decoded.length > MAX_PFX_BYTES) throw pfxTooLarge(inputName, decoded.length);
  return decoded;
}
