/** Version ids (provider/domain/secret-versions.ts): the port's rule, the shape of ours, read back. */
import { createHash } from 'node:crypto';

import { isSfbError, type ErrorCode } from '../../provider/domain/errors';
import { assertVersionId, ourVersionId, thumbprintOfVersionId, versionNotFoundError } from '../../provider/domain/secret-versions';
import { versionIdFor } from '../../provider/pulumi/handlers';

const THUMBPRINT = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';

function codeOf(value: unknown): ErrorCode | 'no error' {
  try {
    assertVersionId(value);
    return 'no error';
  } catch (error) {
    return isSfbError(error) ? error.code : 'no error';
  }
}

describe('version ids', () => {
  it('writes the thumbprint and 16 hex digits of the digest, and reads the thumbprint back', () => {
    const digest = createHash('sha256').update('pfx').digest('hex');
    const id = ourVersionId(THUMBPRINT, digest);
    expect(id).toBe(`${THUMBPRINT}-${digest.slice(0, 16)}`);
    expect(thumbprintOfVersionId(id)).toBe(THUMBPRINT);
    expect(codeOf(id)).toBe('no error');
  });

  it('is the shape the shell gives a certificate (versionIdFor), so stores read its thumbprint', () => {
    const id = versionIdFor(THUMBPRINT, Buffer.from('a PFX').toString('base64'), '2031-06-01T00:00:00.000Z');
    expect(thumbprintOfVersionId(id)).toBe(THUMBPRINT);
    expect(versionIdFor(THUMBPRINT, Buffer.from('a PFX').toString('base64'), undefined)).not.toBe(id);
  });

  it.each([
    ['a UUID (an operator\'s ClientRequestToken)', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['a lowercase thumbprint', `${THUMBPRINT.toLowerCase()}-0123456789abcdef`],
    ['a digest of 15 digits', `${THUMBPRINT}-0123456789abcde`],
  ])('reads no thumbprint from %s', (_row, id) => {
    expect(thumbprintOfVersionId(id)).toBeUndefined();
  });

  it.each<[string, unknown, ErrorCode | 'no error']>([
    ['32 characters', 'a'.repeat(32), 'no error'],
    ['64 characters', 'a'.repeat(64), 'no error'],
    ['31 characters', 'a'.repeat(31), 'INVALID_ARGUMENT'],
    ['65 characters', 'a'.repeat(65), 'INVALID_ARGUMENT'],
    ['a dot', `${'a'.repeat(32)}.`, 'INVALID_ARGUMENT'],
    ['a number', 42, 'INVALID_ARGUMENT'],
  ])('takes a caller id of %s: %s', (_row, id, code) => {
    expect(codeOf(id)).toBe(code);
  });

  it('lists the versions a secret has when one is missing, with the backend\'s reason', () => {
    const error = versionNotFoundError({ name: 'sfb/x', versions: [{ versionId: 'v1' }, { versionId: 'v2' }] }, 'v3', 'old ones are pruned');
    expect(error.code).toBe('STORE_NOT_FOUND');
    expect(error.message).toBe('The secret "sfb/x" has no version v3 (it has v1, v2; old ones are pruned). Use one of its versions, or write the certificate again.');
  });
});
