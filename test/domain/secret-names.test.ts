/** Secret names (provider/domain/secret-names.ts): Secrets Manager's rule, which both stores apply. */
import { assertSecretName, isSecretName } from '../../provider/domain/secret-names';

describe('secret names', () => {
  it.each<[string, unknown, boolean]>([
    ['the default name', 'sfb/oauth-token-issuer/contoso.com', true],
    ['every allowed punctuation', 'a/b_c+d=e.f@g-h', true],
    ['512 characters', 'x'.repeat(512), true],
    ['513 characters', 'x'.repeat(513), false],
    ['empty', '', false],
    ['a space', 'sfb cert', false],
    ['a colon', 'sfb:cert', false],
    ['a non-ASCII letter', 'zertifikat-ä', false],
    ['a number', 42, false],
  ])('%s: %s', (_row, name, valid) => {
    expect(isSecretName(name)).toBe(valid);
  });

  it('shows a long name cut, with its length, and the rule', () => {
    expect(() => assertSecretName(`${'x'.repeat(600)}`)).toThrow(
      `The secret name "${'x'.repeat(80)}..." (600 characters) is not valid: use 1 to 512 characters from A-Z a-z 0-9 and / _ + = . @ - (the rule AWS Secrets Manager applies), for example "sfb/oauth-token-issuer".`,
    );
  });
});
