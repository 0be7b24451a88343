/**
 * What the store tests write: a payload made from a seed (a different seed, a different PFX,
 * password and thumbprint) and a version id of the stores' format made from a label.
 */
import { createHash } from 'node:crypto';
import type { PfxPayload } from '../../provider/ports/certificate-store';

/** A well-formed payload from `seed`; `overrides` replace its fields. */
export function aPayload(seed: string, overrides: Partial<PfxPayload> = {}): PfxPayload {
  return {
    pfxBase64: createHash('sha512').update(seed).digest('base64'),
    password: `pw-${seed}`,
    thumbprint: createHash('sha1').update(seed).digest('hex').toUpperCase(),
    ...overrides,
  };
}

/** A version id of 36 characters, readable in a failure: `version-<label>-000...`. */
export function aVersionId(label: string): string {
  return `version-${label}-`.padEnd(36, '0');
}
