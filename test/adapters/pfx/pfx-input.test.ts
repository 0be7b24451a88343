/** The input normaliser's hints for what is not a PFX. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pfxBytesFrom } from '../../../provider/adapters/pfx/pfx-input';
import { CORPUS_DIR } from '../../support/pfx-corpus';

const pem = readFileSync(join(CORPUS_DIR, 'cert-and-key.pem'));

describe('pfxBytesFrom', () => {
  it.each([
    ['PEM text', pem],
    ['PEM after "Bag Attributes" lines (openssl pkcs12 -nodes)', Buffer.concat([Buffer.from('Bag Attributes\n    localKeyID: 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22\nsubject=CN=x\n'), pem])],
    ['PEM text as base64 (a CI secret made with base64 cert.pem)', Buffer.from(pem.toString('base64'))],
    ['PEM text as a base64 string', pem.toString('base64')],
  ])('gives %s the PEM hint', (_row, input) => {
    expect(() => pfxBytesFrom(input, 'PFX file "x"')).toThrow(
      expect.objectContaining({ code: 'PFX_UNREADABLE', message: expect.stringContaining('(it is PEM text; convert it with `openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx`)') }),
    );
  });
});
