/**
 * What a leak check looks for, for PFX files of the corpus: each one's password, its bytes in
 * every spelling a leak would take (base64 from the start, the middle and the end; hex), and
 * its private keys (PKCS #8, base64 and hex), plus any PEM private key. A test adds its own
 * passphrases to the list.
 */
import { openPfxContainer } from '../../provider/adapters/pfx/pfx-container';
import { bytesOf, type CorpusEntry } from './pfx-corpus';

export async function pfxSecretNeedles(...entries: CorpusEntry[]): Promise<string[]> {
  const needles = ['PRIVATE KEY'];
  for (const e of entries) {
    const pfx = bytesOf(e);
    const base64 = pfx.toString('base64');
    const middle = base64.length >> 1;
    needles.push(e.password!, base64.slice(0, 48), base64.slice(-48, -4), base64.slice(middle, middle + 48), pfx.toString('hex').slice(0, 64));
    const container = await openPfxContainer(pfx, e.password, { inputName: 'test', maxIterations: 5_000_000 });
    for (const key of container.keys) needles.push(key.pkcs8Der.toString('base64').slice(40, 100), key.pkcs8Der.toString('hex').slice(80, 160));
  }
  return [...new Set(needles)];
}
