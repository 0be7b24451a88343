import { isPlausibleDomain, nameCarriesSipDomain } from '../../provider/domain/sip-domain';

describe('nameCarriesSipDomain', () => {
  it.each([
    ['exact', 'contoso.com', true],
    ['subdomain', 'sip.contoso.com', true],
    ['deep subdomain', 'a.b.contoso.com', true],
    ['wildcard', '*.contoso.com', true],
    ['upper case', 'SIP.CONTOSO.COM', true],
    ['trailing dot', 'sip.contoso.com.', true],
    ['suffix without dot', 'notcontoso.com', false],
    ['other domain', 'fabrikam.com', false],
    ['domain as prefix', 'contoso.com.evil.net', false],
    ['empty', '', false],
  ])('%s: %s -> %s', (_row, name, expected) => {
    expect(nameCarriesSipDomain(name, 'contoso.com')).toBe(expected);
  });

  it('ignores case and a trailing dot in the domain too', () => {
    expect(nameCarriesSipDomain('sip.contoso.com', 'Contoso.COM.')).toBe(true);
  });

  it('never matches an empty domain', () => {
    expect(nameCarriesSipDomain('contoso.com', '')).toBe(false);
  });
});

describe('isPlausibleDomain', () => {
  it.each([
    ['contoso.com', true],
    ['sip.contoso.co.uk', true],
    ['-bad.com', false],
    ['has space.com', false],
    ['', false],
    ['CONTOSO.COM.', true],
    [' contoso.com', false],
    ['contoso.com ', false],
    ['contoso', false],
  ])('%s -> %s', (value, expected) => expect(isPlausibleDomain(value)).toBe(expected));
});
