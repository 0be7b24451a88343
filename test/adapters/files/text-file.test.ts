/**
 * One decoder for the text files users save (pipeline agents are often Windows machines): Windows
 * PowerShell 5.1's UTF-16 and byte order marks are read, what cannot be read for sure is refused
 * with the way to re-save it, never guessed.
 */
import { decodeText, SAVE_AS_UTF8 } from '../../../provider/adapters/files/text-file';

const TEXT = 'pässwörd-€-🔐\r\n';
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

describe('decodeText', () => {
  it.each<[string, Buffer, string]>([
    ['UTF-8 without a BOM (PowerShell 7, every other tool)', Buffer.from(TEXT, 'utf8'), 'utf-8'],
    ['UTF-8 with a BOM (5.1 `-Encoding UTF8`)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]), 'utf-8-bom'],
    ['UTF-16 LE with a BOM (5.1 `>` and `Out-File`)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]), 'utf-16le'],
    ['UTF-16 BE with a BOM (5.1 `-Encoding BigEndianUnicode`)', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)]), 'utf-16be'],
  ])('reads %s, without the BOM', (_row, bytes, encoding) => {
    expect(decodeText(bytes)).toEqual({ ok: true, text: TEXT, encoding });
  });

  it('reads an empty file, and a file that is only a BOM, as empty text', () => {
    expect(decodeText(Buffer.alloc(0))).toEqual({ ok: true, text: '', encoding: 'utf-8' });
    expect(decodeText(Buffer.from([0xff, 0xfe]))).toEqual({ ok: true, text: '', encoding: 'utf-16le' });
  });

  it('keeps a BOM-like character that is inside the text', () => {
    expect(decodeText(Buffer.from('a\uFEFFb', 'utf8'))).toEqual({ ok: true, text: 'a\uFEFFb', encoding: 'utf-8' });
  });

  it.each<[string, Buffer, string]>([
    ['the ANSI code page (5.1 `Set-Content` without -Encoding): "pässwörd" in Windows-1252', Buffer.from([0x70, 0xe4, 0x73, 0x73]), 'it is not UTF-8 and has no byte order mark saying it is UTF-16 (an ANSI code page, as Windows PowerShell 5.1\'s `-Encoding Default` writes?)'],
    ['UTF-32 LE (5.1 `-Encoding UTF32`)', Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x61, 0, 0, 0]), "it is UTF-32 (it starts with UTF-32's byte order mark)"],
    ['UTF-32 BE', Buffer.from([0x00, 0x00, 0xfe, 0xff, 0, 0, 0, 0x61]), "it is UTF-32 (it starts with UTF-32's byte order mark)"],
    ['UTF-16 cut short (an odd number of bytes)', Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62]), "it starts with UTF-16's byte order mark but has an odd number of bytes after it, so it was cut short or is not UTF-16"],
    ['UTF-16 with an unpaired surrogate', Buffer.from([0xff, 0xfe, 0x3d, 0xd8, 0x61, 0x00]), "it starts with UTF-16's byte order mark but is not valid UTF-16 (an unpaired surrogate)"],
  ])('refuses %s, saying how to re-save it', (_row, bytes, why) => {
    expect(decodeText(bytes)).toEqual({ ok: false, why: `${why}; ${SAVE_AS_UTF8}` });
  });
});
