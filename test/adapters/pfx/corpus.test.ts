/**
 * Every file of the real-world corpus through the library: each container variant opens (or
 * fails) with exactly the findings the manifest records.
 */
import { PFX_ERROR_CODES, PFX_WARNING_CODES } from '../../../provider/domain/errors';
import { validatePfx } from '../../../provider/validate-pfx';
import { bytesOf, manifest, type CorpusEntry } from '../../support/pfx-corpus';

const rows = manifest.entries.map((e) => [`${e.name} (${e.tool}: ${e.container})`, e] as const);

describe('the PFX corpus', () => {
  // Compared with the exported vocabulary, not a copy of it: a code added to errors.ts without a
  // corpus file that produces it fails here.
  it('covers every error code', () => {
    const seen = new Set(manifest.entries.flatMap((e) => e.expected.errors));
    expect([...seen].sort()).toEqual([...PFX_ERROR_CODES].sort());
  });

  it('covers every warning code', () => {
    const seen = new Set(manifest.entries.flatMap((e) => e.expected.warnings));
    expect([...seen].sort()).toEqual([...PFX_WARNING_CODES].sort());
  });

  it.each(rows)('%s', async (_label, e: CorpusEntry) => {
    const result = await validatePfx(bytesOf(e), e.password, {
      sipDomain: e.sipDomain ?? manifest.sipDomain,
      now: new Date(e.now ?? manifest.now),
      inputName: `PFX file "${e.file}"`,
      ...(e.effectiveDate ? { effectiveDate: e.effectiveDate } : {}),
      ...(e.thumbprint ? { thumbprint: e.thumbprint } : {}),
    });
    expect({ valid: result.valid, errors: result.errors.map((f) => f.code).sort(), warnings: result.warnings.map((f) => f.code).sort() }).toEqual({
      valid: e.expected.valid,
      errors: [...e.expected.errors].sort(),
      warnings: [...e.expected.warnings].sort(),
    });
    if (e.expected.thumbprint) expect(result.thumbprint).toBe(e.expected.thumbprint);
    if (e.expected.keyBits) expect(result.keyBits).toBe(e.expected.keyBits);
    if (e.expected.notAfter) expect(result.notAfter).toBe(new Date(e.expected.notAfter).toISOString());
    for (const finding of [...result.errors, ...result.warnings]) {
      expect(finding.message).toContain(`PFX file "${e.file}"`);
      if (e.password) expect(finding.message).not.toContain(e.password);
    }
  });

  it('accepts base64 text given as a string, as the resource passes it', async () => {
    const e = manifest.entries.find((x) => x.name === 'openssl3-default')!;
    const result = await validatePfx(bytesOf(e).toString('base64'), e.password, { sipDomain: 'contoso.com', now: new Date(manifest.now) });
    expect(result.valid).toBe(true);
    expect(result.thumbprint).toBe(e.expected.thumbprint);
  });

  // One strict ISO 8601 parser, because new Date(String(v)) accepts all of these.
  it.each([
    ['no date', 'next tuesday'],
    ['a US date', '12/01/2027'],
    ['"1" (new Date reads 2001-01-01)', '1'],
    ['words', 'March 3 2027'],
    ['no zone (the machine\'s time zone)', '2026-12-01 00:00'],
    ['an invalid Date', new Date('x')],
  ])('refuses an effective date that is %s', async (_row, effectiveDate) => {
    const e = manifest.entries.find((x) => x.name === 'openssl3-default')!;
    await expect(validatePfx(bytesOf(e), e.password, { effectiveDate })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('2026-12-01T00:00:00Z') });
  });

  it('reads an effective date with an offset as the instant it names', async () => {
    const e = manifest.entries.find((x) => x.name === 'openssl3-default')!;
    const at = (effectiveDate: string) => validatePfx(bytesOf(e), e.password, { effectiveDate, now: new Date(manifest.now) });
    // notAfter is 2035-01-01T00:00Z: 00:30+01:00 is half an hour before it, 00:30Z half an hour after.
    expect((await at('2035-01-01T00:30:00+01:00')).errors).toEqual([]);
    expect((await at('2035-01-01T00:30:00Z')).errors.map((f) => f.code)).toEqual(['CERT_EXPIRES_BEFORE_EFFECTIVE_DATE']);
  });

  it.each([[1024], [-1], [2047], [2048.5], [Number.NaN], [16385]])('refuses minKeyBits %p: Skype needs 2048 to 16384', async (minKeyBits) => {
    const e = manifest.entries.find((x) => x.name === 'rsa-1024')!;
    await expect(validatePfx(bytesOf(e), e.password, { minKeyBits })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('Skype requires at least 2048') });
  });
});
