/**
 * What a local store shows without its passphrase: each secret file's plaintext header line
 * (file-format.ts), which names the secret and the format version. Versions, stage labels and
 * thumbprints are in the encrypted body, so `sfb-oauth-cert status` reports which secrets exist
 * and says that the rest needs the passphrase, which it never asks for.
 *
 * Read-only and lock-free: a writer replaces a file by rename, so a reader sees the old file or
 * the new one, never half of one. Only the first line is read, bounded like the decoder's.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { SfbError } from '../../domain/errors';
import type { SealedSecret } from '../../domain/status-report';
import { errorCode, fileSystemError } from './atomic-file';
import { FORMAT_ID, headerIdentity } from './file-format';
import { SECRET_FILE_EXTENSION } from './secret-files';

/** The decoder reads a header of at most this many bytes; so does this. */
const MAX_HEADER_BYTES = 4096;

async function headerLine(file: string): Promise<Buffer | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    return newline < 0 ? undefined : buffer.subarray(0, newline);
  } finally {
    await handle.close();
  }
}

/**
 * The secrets of the store in `directory`, by the names their headers give, sorted. A file
 * whose header is not a local store header is STORE_CORRUPT; a missing directory STORE_NOT_FOUND.
 */
export async function readSealedSecrets(directory: string): Promise<SealedSecret[]> {
  const resolved = path.resolve(directory);
  let entries: string[];
  try {
    entries = await fs.readdir(resolved);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      throw new SfbError('STORE_NOT_FOUND', `The local store directory ${resolved} does not exist; check the path (the store is where the program's \`CertificateStores.local({ directory })\` points, ".sfb-store" beside the program by default).`);
    }
    throw fileSystemError(error, 'list', resolved);
  }
  const secrets: SealedSecret[] = [];
  for (const entry of entries.filter((e) => e.endsWith(SECRET_FILE_EXTENSION)).sort()) {
    const file = path.join(resolved, entry);
    let line: Buffer | undefined;
    try {
      line = await headerLine(file);
    } catch (error) {
      // Removed between the listing and the read: a secret purged at that moment.
      if (errorCode(error) === 'ENOENT') continue;
      throw fileSystemError(error, 'read', file);
    }
    let header: unknown;
    try {
      header = line === undefined ? undefined : JSON.parse(line.toString('utf8'));
    } catch {
      header = undefined;
    }
    // The decoder's rule for a header: a version it would call corrupt is not listed as a secret.
    const identity = headerIdentity().safeParse(header);
    if (!identity.success) {
      throw new SfbError('STORE_CORRUPT', `The local store file ${file} has no local store header line (the format "${FORMAT_ID}", a secret name and a format version); restore it from a backup, or move it out of the store directory.`);
    }
    secrets.push({ name: identity.data.name, formatVersion: identity.data.formatVersion });
  }
  return secrets;
}
