/** The committed PFX fixture corpus (made by scripts/make-fixtures with OpenSSL, keytool, python). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_PFX_BYTES } from '../../provider/adapters/pfx/pfx-input';

export const CORPUS_DIR = join(__dirname, '..', 'fixtures', 'pfx');

export interface CorpusEntry {
  readonly name: string;
  readonly file: string;
  readonly tool: string;
  readonly container: string;
  readonly password: string | null;
  readonly sipDomain?: string;
  readonly effectiveDate?: string;
  readonly thumbprint?: string;
  readonly now?: string;
  readonly generate?: 'oversize';
  readonly expected: {
    readonly valid: boolean;
    readonly errors: readonly string[];
    readonly warnings: readonly string[];
    readonly thumbprint?: string;
    readonly keyBits?: number;
    readonly notAfter?: string;
  };
}

interface Manifest {
  readonly now: string;
  readonly sipDomain: string;
  readonly entries: readonly CorpusEntry[];
}

export const manifest: Manifest = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8'));

export function entry(name: string): CorpusEntry {
  const found = manifest.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no corpus entry named ${name}`);
  return found;
}

/** The bytes of an entry's input (the oversize one is built: a valid PFX padded past the limit). */
export function bytesOf(e: CorpusEntry): Buffer {
  const bytes = readFileSync(join(CORPUS_DIR, e.file));
  if (e.generate === 'oversize') return Buffer.concat([bytes, Buffer.alloc(MAX_PFX_BYTES + 1 - bytes.length)]);
  return bytes;
}
