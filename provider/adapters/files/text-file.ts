/**
 * The text of a file a user saved, whatever Windows PowerShell 5.1 saved it as (pipeline agents are
 * often Windows machines). In 5.1, `>` and `Out-File` write UTF-16 LE with a byte order mark,
 * `-Encoding UTF8` writes UTF-8 with one, and `Set-Content` without `-Encoding` writes the ANSI
 * code page; PowerShell 7 writes UTF-8 without a mark (PowerShell-Docs, about_Character_Encoding,
 * 5.1 and 7.x). So `pulumi preview --json > preview.json` in 5.1 gives UTF-16, and a password file
 * saved there starts with a BOM that is not part of the password.
 *
 * The byte order mark decides; without one the text must be UTF-8. Anything else (UTF-32, bytes
 * that are not UTF-8 such as 5.1's `-Encoding Default` in an ANSI code page) is refused with the
 * way to re-save it, never guessed: a wrong guess would turn a password into another password.
 * The one decoder for the CLI's `review` and `validate --password-file`, and for a PFX given as
 * base64 text.
 */

/** How the bytes were encoded: UTF-8 (with or without its BOM) or UTF-16 with a BOM. */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

export type DecodedText =
  | { readonly ok: true; readonly text: string; readonly encoding: TextEncodingName }
  | { readonly ok: false; readonly why: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];
const UTF32LE_BOM = [0xff, 0xfe, 0x00, 0x00];
const UTF32BE_BOM = [0x00, 0x00, 0xfe, 0xff];

/** How to save a file as UTF-8 in either PowerShell, for messages. */
export const SAVE_AS_UTF8 = 'save it as UTF-8 (in PowerShell: `Set-Content -Encoding UTF8`, or `Out-File -Encoding utf8`)';

/** Decodes the bytes of a text file; the byte order mark is not part of the text. */
export function decodeText(bytes: Uint8Array): DecodedText {
  // UTF-32's BOMs first: UTF-32 LE's starts with UTF-16 LE's.
  if (startsWith(bytes, UTF32LE_BOM) || startsWith(bytes, UTF32BE_BOM)) {
    return { ok: false, why: `it is UTF-32 (it starts with UTF-32's byte order mark); ${SAVE_AS_UTF8}` };
  }
  if (startsWith(bytes, UTF16LE_BOM)) return utf16(bytes.subarray(2), 'utf-16le');
  if (startsWith(bytes, UTF16BE_BOM)) return utf16(bytes.subarray(2), 'utf-16be');
  const bom = startsWith(bytes, UTF8_BOM);
  try {
    // fatal: bytes that are not UTF-8 are refused rather than replaced by U+FFFD.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
    return { ok: true, text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    return { ok: false, why: `it is not UTF-8 and has no byte order mark saying it is UTF-16 (an ANSI code page, as Windows PowerShell 5.1's \`-Encoding Default\` writes?); ${SAVE_AS_UTF8}` };
  }
}

function utf16(body: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  if (body.length % 2 !== 0) return { ok: false, why: `it starts with UTF-16's byte order mark but has an odd number of bytes after it, so it was cut short or is not UTF-16; ${SAVE_AS_UTF8}` };
  const units = Buffer.from(body);
  if (encoding === 'utf-16be') units.swap16();
  try {
    return { ok: true, text: new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(units), encoding };
  } catch {
    return { ok: false, why: `it starts with UTF-16's byte order mark but is not valid UTF-16 (an unpaired surrogate); ${SAVE_AS_UTF8}` };
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** Whether the bytes start with a byte order mark of UTF-8, UTF-16 or UTF-32. */
export function startsWithByteOrderMark(bytes: Uint8Array): boolean {
  return [UTF8_BOM, UTF16LE_BOM, UTF16BE_BOM, UTF32BE_BOM].some((bom) => startsWith(bytes, bom));
}
