import { checkPfx, checkRecordedFacts, normaliseThumbprint } from '../../provider/domain/pfx-checks';
import { aCertificate, aContainer, aKey, aPolicy, NOW } from '../builders/facts';

const codes = (findings: readonly { code: string }[]) => findings.map((f) => f.code).sort();

describe('checkPfx', () => {
  it('accepts a valid pair and reports its facts', () => {
    const verdict = checkPfx(aContainer(), aPolicy());
    expect(verdict).toMatchObject({ valid: true, errors: [], warnings: [] });
    expect(verdict.chosen?.certificate.thumbprint).toBe('A'.repeat(40));
    expect(verdict.chosen?.chainSize).toBe(1);
  });

  it.each([
    ['no key', aContainer({ keys: [] }), aPolicy(), ['PFX_NO_PRIVATE_KEY'], []],
    ['key matching no certificate', aContainer({ keys: [aKey({ matchingCertificateIndexes: [] })] }), aPolicy(), ['PFX_KEY_MISMATCH'], []],
    ['EC key', aContainer({ keys: [aKey({ algorithm: 'ec', bits: 256 })] }), aPolicy(), ['KEY_NOT_RSA'], []],
    ['RSA-PSS key', aContainer({ keys: [aKey({ algorithm: 'rsa-pss' })] }), aPolicy(), ['KEY_NOT_RSA'], []],
    ['1024-bit key', aContainer({ keys: [aKey({ bits: 1024 })] }), aPolicy(), ['KEY_TOO_SMALL'], []],
    ['2048 bits when 4096 required', aContainer(), aPolicy({ minKeyBits: 4096 }), ['KEY_TOO_SMALL'], []],
    ['other domain', aContainer({ certificates: [aCertificate({ commonNames: ['x.fabrikam.com'], dnsNames: [] })] }), aPolicy(), ['SIP_DOMAIN_MISSING'], []],
    ['no SIP domain asked', aContainer({ certificates: [aCertificate({ commonNames: ['x.fabrikam.com'], dnsNames: [] })] }), aPolicy({ sipDomain: undefined }), [], []],
    ['expired', aContainer({ certificates: [aCertificate({ notAfter: new Date('2026-01-01T00:00:00Z') })] }), aPolicy(), ['CERT_EXPIRED'], []],
    ['not yet valid', aContainer({ certificates: [aCertificate({ notBefore: new Date('2027-01-01T00:00:00Z') })] }), aPolicy(), ['CERT_NOT_YET_VALID'], []],
    [
      'valid at a later effective date',
      aContainer({ certificates: [aCertificate({ notBefore: new Date('2027-01-01T00:00:00Z') })] }),
      aPolicy({ effectiveDate: new Date('2027-06-01T00:00:00Z') }),
      [],
      [],
    ],
    ['expires before effective date', aContainer(), aPolicy({ effectiveDate: new Date('2036-01-01T00:00:00Z') }), ['CERT_EXPIRES_BEFORE_EFFECTIVE_DATE'], []],
    ['expires in 19 days', aContainer({ certificates: [aCertificate({ notAfter: new Date('2026-06-20T00:00:00Z') })] }), aPolicy(), [], ['CERT_EXPIRES_SOON']],
    [
      'expires 19 days after the effective date',
      aContainer({ certificates: [aCertificate({ notAfter: new Date('2030-01-20T00:00:00Z') })] }),
      aPolicy({ effectiveDate: new Date('2030-01-01T00:00:00Z') }),
      [],
      ['CERT_EXPIRES_SOON'],
    ],
    ['expires in 31 days', aContainer({ certificates: [aCertificate({ notAfter: new Date('2026-07-02T00:00:00Z') })] }), aPolicy(), [], []],
    ['no MAC', aContainer({ hasMac: false }), aPolicy(), [], ['PFX_NO_MAC']],
    ['SHA-1 signature', aContainer({ certificates: [aCertificate({ signatureHash: 'sha1' })] }), aPolicy(), [], ['CERT_SHA1_SIGNATURE']],
    ['issuer not in file', aContainer({ certificates: [aCertificate({ selfSigned: false })] }), aPolicy(), [], ['CHAIN_INCOMPLETE']],
    [
      'several problems at once',
      aContainer({ hasMac: false, keys: [aKey({ bits: 1024 })], certificates: [aCertificate({ dnsNames: [], commonNames: ['a.fabrikam.com'], notAfter: new Date('2026-01-01T00:00:00Z') })] }),
      aPolicy(),
      ['CERT_EXPIRED', 'KEY_TOO_SMALL', 'SIP_DOMAIN_MISSING'],
      ['PFX_NO_MAC'],
    ],
  ])('%s', (_row, facts, policy, errors, warnings) => {
    const verdict = checkPfx(facts, policy);
    expect(codes(verdict.errors)).toEqual(errors);
    expect(codes(verdict.warnings)).toEqual(warnings);
    expect(verdict.valid).toBe(errors.length === 0);
  });

  it('follows the chain to a root through the file', () => {
    const leaf = aCertificate({ selfSigned: false, issuerIndexes: [1] });
    const intermediate = aCertificate({ thumbprint: 'B'.repeat(40), selfSigned: false, issuerIndexes: [2] });
    const root = aCertificate({ thumbprint: 'C'.repeat(40), selfSigned: true });
    const verdict = checkPfx(aContainer({ certificates: [leaf, intermediate, root] }), aPolicy());
    expect(verdict.warnings).toEqual([]);
    expect(verdict.chosen?.chainSize).toBe(3);
  });

  describe('choosing among several key pairs', () => {
    const contosoA = aCertificate({ thumbprint: 'A'.repeat(40) });
    const contosoB = aCertificate({ thumbprint: 'B'.repeat(40) });
    const fabrikam = aCertificate({ thumbprint: 'F'.repeat(40), commonNames: ['fabrikam.com'], dnsNames: [] });
    const twoKeys = (second = contosoB) =>
      aContainer({ keys: [aKey({ matchingCertificateIndexes: [0] }), aKey({ matchingCertificateIndexes: [1] })], certificates: [contosoA, second] });

    it('is ambiguous when both carry the SIP domain', () => {
      const verdict = checkPfx(twoKeys(), aPolicy());
      expect(codes(verdict.errors)).toEqual(['PFX_AMBIGUOUS']);
      expect(verdict.errors[0]!.message).toBe(
        `The PFX file "s2s.pfx" holds 2 certificates with their private keys that carry the SIP domain "contoso.com" (${'A'.repeat(40)}, ${'B'.repeat(40)}); ` +
          'select one by thumbprint, or export only the one to use.',
      );
    });

    it('takes the one the thumbprint selects, whatever its spelling', () => {
      const wanted = 'bb:'.repeat(19) + 'bb';
      expect(checkPfx(twoKeys(), aPolicy({ thumbprint: wanted })).chosen?.certificate.thumbprint).toBe('B'.repeat(40));
    });

    it('reports a thumbprint that selects nothing', () => {
      const verdict = checkPfx(twoKeys(), aPolicy({ thumbprint: 'C'.repeat(40) }));
      expect(codes(verdict.errors)).toEqual(['PFX_NO_PRIVATE_KEY']);
      expect(verdict.errors[0]!.message).toContain('C'.repeat(40));
    });

    it('takes the only one carrying the SIP domain', () => {
      const verdict = checkPfx(twoKeys(fabrikam), aPolicy());
      expect(verdict.valid).toBe(true);
      expect(verdict.chosen?.certificate.thumbprint).toBe('A'.repeat(40));
    });

    it('is ambiguous without a SIP domain to choose by', () => {
      expect(codes(checkPfx(twoKeys(fabrikam), aPolicy({ sipDomain: undefined })).errors)).toEqual(['PFX_AMBIGUOUS']);
    });
  });

  it('words each message with the input, the value seen and the fix', () => {
    const verdict = checkPfx(aContainer({ keys: [aKey({ bits: 1024 })], certificates: [aCertificate({ notAfter: new Date('2026-01-01T00:00:00Z') })] }), aPolicy());
    expect(verdict.errors.map((e) => e.message)).toEqual([
      'The PFX file "s2s.pfx"\'s RSA key is 1024 bits, below the required 2048; request a certificate with a key of at least 2048 bits.',
      `The PFX file "s2s.pfx"'s certificate (${'A'.repeat(40)}) expired at 2026-01-01T00:00Z; renew it.`,
    ]);
  });
});

describe('normaliseThumbprint', () => {
  it('removes separators and upper-cases', () => {
    expect(normaliseThumbprint('ab:cd-ef 01')).toBe('ABCDEF01');
  });
});

describe('checkRecordedFacts: what a later preview of the same PFX re-checks', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const containers = {
    'a valid pair': aContainer(),
    'no MAC': aContainer({ hasMac: false }),
    'a SHA-1 signature': aContainer({ certificates: [aCertificate({ signatureHash: 'sha1' })] }),
    'an incomplete chain': aContainer({ certificates: [aCertificate({ selfSigned: false })] }),
    'an EC key': aContainer({ keys: [aKey({ algorithm: 'ec', bits: 256 })] }),
    'another domain': aContainer({ certificates: [aCertificate({ commonNames: ['fabrikam.com'], dnsNames: [] })] }),
    'expiring soon': aContainer({ certificates: [aCertificate({ notAfter: new Date(NOW.getTime() + 10 * DAY) })] }),
  };
  const policies = {
    'now': aPolicy(),
    'a future effective date': aPolicy({ effectiveDate: new Date('2034-12-20T00:00:00Z') }),
    'a past effective date': aPolicy({ effectiveDate: new Date('2024-01-01T00:00:00Z') }),
    'a larger key minimum': aPolicy({ minKeyBits: 4096 }),
  };
  const rows = Object.entries(containers).flatMap(([c, container]) => Object.entries(policies).map(([p, policy]) => [c, p, container, policy] as const));

  it.each(rows)('finds for %s under %s exactly what checkPfx finds', (_c, _p, container, policy) => {
    const first = checkPfx(container, aPolicy());
    const fresh = checkPfx(container, policy);
    const recorded = checkRecordedFacts(first.chosen!.recorded, policy);
    expect(recorded.errors).toEqual(fresh.errors);
    expect(recorded.warnings).toEqual(fresh.warnings);
  });
});

describe('one meaning of a past effective date: the later of now and the date', () => {
  it('checks expiry soon against now when the effective date has passed', () => {
    const soon = aContainer({ certificates: [aCertificate({ notAfter: new Date('2026-06-15T00:00:00Z') })] });
    const verdict = checkPfx(soon, aPolicy({ effectiveDate: new Date('2026-01-01T00:00:00Z') }));
    expect(codes(verdict.warnings)).toEqual(['CERT_EXPIRES_SOON']);
  });

  it('does not call a certificate valid now "not yet valid" because a past effective date precedes its notBefore', () => {
    const verdict = checkPfx(aContainer(), aPolicy({ effectiveDate: new Date('2024-06-01T00:00:00Z') }));
    expect(verdict.errors).toEqual([]);
  });

  it('still refuses a certificate not valid yet at a future effective date', () => {
    const later = aContainer({ certificates: [aCertificate({ notBefore: new Date('2027-01-01T00:00:00Z') })] });
    const verdict = checkPfx(later, aPolicy({ effectiveDate: new Date('2026-12-01T00:00:00Z') }));
    expect(codes(verdict.errors)).toEqual(['CERT_NOT_YET_VALID']);
    expect(verdict.errors[0]!.message).toContain('set the effective date to 2027-01-01T00:00Z or later');
  });
});
