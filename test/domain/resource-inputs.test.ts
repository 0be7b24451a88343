import { checkDeclaredInputs, type InputIssue } from '../../provider/domain/resource-inputs';

const base = { sipDomain: 'contoso.com', pfx: 'AAAA', password: 'pw', storePassphrase: 'x', store: { kind: 'local', directory: '.sfb-store', passphrase: 'x' } };
const onlyIssues = (change: Record<string, unknown>): readonly InputIssue[] => checkDeclaredInputs({ ...base, ...change }).issues;

describe('the resource inputs, each read once by its schema', () => {
  it('defaults and canonical forms', () => {
    expect(checkDeclaredInputs({ ...base, sipDomain: 'CONTOSO.COM.', effectiveDate: '2026-12-01T01:00:00+01:00' }).inputs).toEqual({
      sipDomain: 'contoso.com',
      secretName: 'sfb/oauth-token-issuer/contoso.com',
      effectiveDate: '2026-12-01T00:00:00.000Z',
      effectiveAt: new Date('2026-12-01T00:00:00Z'),
      minKeyBits: 2048,
      warnBeforeExpiryDays: 30,
      adopt: false,
      source: { kind: 'pfx' },
    });
  });

  it('null reads as left out', () => {
    expect(checkDeclaredInputs({ ...base, secretName: null, effectiveDate: null, minKeyBits: null, warnBeforeExpiryDays: null, adopt: null }).inputs).toEqual(checkDeclaredInputs(base).inputs);
  });

  it.each([
    ['sipDomain as a number', { sipDomain: 42 }, 'sipDomain', 'The `sipDomain` argument must be the Skype SIP domain as a string, e.g. "contoso.com"; got number 42. If it comes from config, set it with `pulumi config set sipDomain contoso.com` and read it with config.require("sipDomain").'],
    ['sipDomain with white space', { sipDomain: ' contoso.com' }, 'sipDomain', 'The `sipDomain` argument " contoso.com" has white space around it; write it without, e.g. "contoso.com".'],
    ['sipDomain not a domain', { sipDomain: 'contoso' }, 'sipDomain', 'The `sipDomain` argument "contoso" is not a DNS domain; write the Skype SIP domain, e.g. "contoso.com".'],
    ['an empty secretName', { secretName: '' }, 'secretName', 'The `secretName` argument must be a non-empty string; got ""; name the secret, e.g. "sfb/oauth-token-issuer/contoso.com", or leave it out for the default "sfb/oauth-token-issuer/contoso.com".'],
    ['a long secretName', { secretName: 'x'.repeat(513) }, 'secretName', 'The `secretName` argument is 513 characters long, above the 512 a secret\'s name may have; shorten it or leave it out for the default "sfb/oauth-token-issuer/contoso.com".'],
    ['a secretName with a space', { secretName: 'a b' }, 'secretName', 'The `secretName` argument "a b" has characters a secret\'s name may not have; use only letters, digits and / _ + = . @ - or leave it out for the default "sfb/oauth-token-issuer/contoso.com".'],
    ['a secretName like an ARN suffix', { secretName: 'sfb-ABCdef' }, 'secretName', 'The `secretName` argument "sfb-ABCdef" ends with a hyphen and six characters, which AWS Secrets Manager reserves for the suffix it adds to the ARN; change its end or leave it out for the default "sfb/oauth-token-issuer/contoso.com".'],
    ['minKeyBits as text', { minKeyBits: '4096' }, 'minKeyBits', 'The `minKeyBits` argument must be a whole number (not a string); got "4096"; write e.g. minKeyBits: 4096.'],
    ['minKeyBits as a fraction', { minKeyBits: 2048.5 }, 'minKeyBits', 'The `minKeyBits` argument must be a whole number (not a string); got number 2048.5; write e.g. minKeyBits: 4096.'],
    ['minKeyBits as NaN', { minKeyBits: Number.NaN }, 'minKeyBits', 'The `minKeyBits` argument must be a whole number (not a string); got number NaN; write e.g. minKeyBits: 4096.'],
    ['minKeyBits huge', { minKeyBits: 1e300 }, 'minKeyBits', 'The `minKeyBits` argument is 1e+300, outside 2048..16384 (Skype requires at least 2048 bits); choose a value in that range or leave it out for 2048.'],
    ['warnBeforeExpiryDays negative', { warnBeforeExpiryDays: -1 }, 'warnBeforeExpiryDays', 'The `warnBeforeExpiryDays` argument is -1, outside 0..3650 days; choose a value in that range or leave it out for 30.'],
    ['adopt as text', { adopt: 'true' }, 'adopt', 'The `adopt` argument must be true or false; got "true".'],
  ])('%s', (_name, change, property, message) => {
    expect(onlyIssues(change)).toEqual([{ argument: property, property, message }]);
  });

  it('an effective date is read by the one strict parser, and its reason kept', () => {
    expect(onlyIssues({ effectiveDate: '2026-12-01 00:00' })).toEqual([{ argument: 'effectiveDate', property: 'effectiveDate', message: expect.stringMatching(/^The `effectiveDate` argument "2026-12-01 00:00" is not an ISO 8601 .*; or leave it out to make the certificate current now\.$/) }]);
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['not text', 42, 'missing'],
    ['empty', '', 'empty'],
  ])('a store passphrase %s is named without its value', (_name, storePassphrase, wrong) => {
    expect(onlyIssues({ storePassphrase })).toEqual([{ argument: 'store', property: 'store', message: `The store's passphrase is ${wrong}; set it with \`pulumi config set --secret sfb-oauth-cert:storePassphrase\` (type the value at the prompt, or pipe it in) or the SFB_STORE_PASSPHRASE environment variable.` }]);
  });

  it.each([
    ['text', 'local'],
    ['a list', []],
    ['a kind not known, with a bad directory too', { kind: 's3', directory: 5 }],
  ])('a store that is %s is not a store, in one sentence', (_name, store) => {
    expect(onlyIssues({ store })).toEqual([{ argument: 'store', property: 'store', message: 'The `store` argument is not a store this version knows; build it with CertificateStores.local().' }]);
  });

  it.each([
    ['missing', undefined, 'undefined (a config value that is not set?)'],
    ['empty', '', '""'],
    ['with a NUL', 'a\u0000b', '"a\\u0000b"'],
    ['a number', 7, 'number 7'],
  ])('a local store directory %s is refused, showing it', (_name, directory, shown) => {
    expect(onlyIssues({ store: { kind: 'local', directory } })).toEqual([{ argument: 'store', property: 'store', message: `The local store's directory must be a non-empty path; got ${shown}; leave it out for ".sfb-store" beside the program.` }]);
  });

  it('every problem at once, in the order of the arguments; a value not known yet is passed over', () => {
    const issues = onlyIssues({ sipDomain: 5, secretName: 'a b', minKeyBits: '1', adopt: 1 });
    expect(issues.map((issue) => issue.property)).toEqual(['sipDomain', 'secretName', 'minKeyBits', 'adopt']);
    expect(issues[1]!.message).toContain('or leave it out for the default "sfb/oauth-token-issuer/<sipDomain>"');
    const computed = Symbol('computed');
    expect(checkDeclaredInputs({ ...base, sipDomain: computed, minKeyBits: computed }, (value) => value !== computed).issues).toEqual([]);
  });
});
