/** `pfxFromFile`: reads a PFX file for the resource's `pfx` argument, as a secret. */
import * as pulumi from '@pulumi/pulumi';
import { fileProblemMessage, readBoundedFile } from '../adapters/files/bounded-file';
import { MAX_PFX_INPUT_BYTES, pfxBytesFrom, pfxTooLarge } from '../adapters/pfx/pfx-input';
import { isSfbError, SfbError } from '../domain/errors';
import { programError } from './program-error';

/**
 * Reads a PFX file (binary or base64 text) as the base64 the `pfx` argument takes.
 *
 * Throws an SfbError at once, naming the path: PFX_UNREADABLE for a path that is missing, a
 * directory, a pipe or device (never opened, so a FIFO cannot block the program), PEM text or
 * not a PFX at all; PFX_TOO_LARGE above the size limit (refused from its size, unread);
 * INVALID_ARGUMENT when `path` is not a string (a missing config value). The password, key and
 * certificates are checked by the resource during preview, where every finding has its code.
 */
export function pfxFromFile(path: string): pulumi.Output<string> {
  try {
    return pulumi.secret(readPfxFileAsBase64(path));
  } catch (error) {
    // Thrown while the user's program runs: reported by the SDK as the message alone, at once.
    if (isSfbError(error)) throw programError(error.code, error.message);
    throw error;
  }
}

function readPfxFileAsBase64(path: string): string {
  if (typeof path !== 'string' || path === '') {
    const seen = path === '' ? 'an empty string' : path === null ? 'null' : typeof path;
    throw new SfbError('INVALID_ARGUMENT', `pfxFromFile needs the path of the PFX file as a string; got ${seen}; pass e.g. pfxFromFile(config.require('pfxFile')).`);
  }
  const inputName = `PFX file "${path}"`;
  const read = readBoundedFile(path, MAX_PFX_INPUT_BYTES);
  if (!read.ok) {
    if (read.problem.kind === 'too-large') throw pfxTooLarge(inputName, read.problem.size);
    throw new SfbError('PFX_UNREADABLE', fileProblemMessage('PFX file', path, read.problem));
  }
  // Normalised here so that what cannot be a PFX (PEM text, base64 of something else) fails now
  // with the reader's hint, rather than later as "does not decode to PKCS#12".
  return pfxBytesFrom(read.bytes, inputName).toString('base64');
}
