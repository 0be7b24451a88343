import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { previewPool, readOldInputs, retiredCertificate } from '../../provider/domain/front-end-pool-preview';

const NOW = new Date('2026-06-01T00:00:00Z');
const SPEC = checkPoolSpec({ kind: 'powershell', servers: ['fe01.contoso.com', 'fe02.contoso.com'] }).spec!;
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const DESIRED = { thumbprint: B, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2028-01-01T00:00:00Z') };

describe('the old inputs as preview reads them (state: lenient, read once)', () => {
  it('reads dates with the strict parser and keeps the stored text', () => {
    expect(readOldInputs({ thumbprint: A, notAfter: '2027-01-01T00:00:00Z', effectiveDate: '2026-07-01T00:00:00Z', pool: { servers: ['fe01.contoso.com'] } })).toEqual({
      thumbprint: A,
      notAfter: { text: '2027-01-01T00:00:00Z', date: new Date('2027-01-01T00:00:00Z') },
      effectiveDate: new Date('2026-07-01T00:00:00Z'),
      pool: { servers: ['fe01.contoso.com'] },
    });
  });

  it.each([
    ['not an object', 'junk'],
    ['a list', [A]],
    ['null', null],
  ])('old inputs that are %s read as nothing recorded', (_name, olds) => {
    expect(readOldInputs(olds)).toEqual({});
  });

  it('a field not of the shape written reads as absent, the rest is kept', () => {
    expect(readOldInputs({ thumbprint: 5, notAfter: 'Tuesday', effectiveDate: '2026-07-01 00:00', retiredCertificate: 'x', pool: { servers: 'fe01' } })).toEqual({ pool: { servers: [] } });
  });

  it('a server entry in the old pool that is not a name is left out (it used to throw inside preview)', () => {
    const outcome = previewPool({ thumbprint: A, pool: { servers: ['fe01.contoso.com', 5] } }, SPEC, DESIRED, NOW);
    expect(outcome.plan?.behind).toEqual(['fe01.contoso.com']);
  });

  it('a retired certificate needs a thumbprint of 40 hex digits and a readable NotAfter', () => {
    expect(retiredCertificate({ thumbprint: A, notAfter: '2027-01-01T00:00:00Z' }, B)).toEqual({ thumbprint: A, notAfter: '2027-01-01T00:00:00Z' });
    expect(retiredCertificate({ thumbprint: A.toLowerCase(), notAfter: '2027-01-01T00:00:00Z' }, B)).toBeUndefined();
    expect(retiredCertificate({ thumbprint: A, notAfter: 'soon' }, B)).toBeUndefined();
    expect(retiredCertificate({ thumbprint: B, retiredCertificate: { thumbprint: A, notAfter: '2027-01-01T00:00:00Z', __proto__: { thumbprint: B } } }, B)).toEqual({ thumbprint: A, notAfter: '2027-01-01T00:00:00Z' });
  });
});
