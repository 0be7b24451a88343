import { canonicalThumbprint, sourceRule } from '../../provider/domain/certificate-source';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';

const POOL = checkPoolSpec({ kind: 'powershell', servers: ['fe01.contoso.com', 'fe02.contoso.com'] }).spec!;
const T = '7F3A0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B';

describe('the certificate source: exactly one of `pfx` and `certificate`', () => {
  it.each([
    ['a PFX', { pfx: 'MIIB', password: 'pw' }, { kind: 'pfx' }],
    ['a PFX without a password', { pfx: 'MIIB' }, { kind: 'pfx' }],
    ['a thumbprint: on the pool\'s first server', { certificate: { thumbprint: T } }, { kind: 'thumbprint', thumbprint: T, server: 'fe01.contoso.com' }],
    ['a thumbprint copied from the certificate dialog (invisible mark, spaces, lower case)', { certificate: { thumbprint: `\u200e${T.toLowerCase().replace(/(..)/g, '$1 ')}`, server: 'FE02.contoso.com.' } }, { kind: 'thumbprint', thumbprint: T, server: 'fe02.contoso.com' }],
    ["a server's Default certificate", { certificate: { fromType: 'Default', server: 'fe02.contoso.com' } }, { kind: 'fromType', type: 'Default', server: 'fe02.contoso.com' }],
  ])('%s', (_name, raw, source) => {
    expect(sourceRule(raw, POOL)).toEqual({ source, issues: [] });
  });

  it.each([
    ['both', { pfx: 'MIIB', certificate: { thumbprint: T } }, 'The `pfx` and `certificate` arguments are two sources of the certificate; give exactly one: `pfx: pfxFromFile("s2s.pfx")` (with `password`) to import a PFX, or `certificate: { thumbprint: "..." }` (or `{ fromType: "Default", server: "fe01..." }`) for a certificate a Front End Server already has.'],
    ['neither', {}, 'The certificate has no source: give `pfx: pfxFromFile("s2s.pfx")` (with `password`) to import a PFX, or `certificate: { thumbprint: "..." }` (or `{ fromType: "Default", server: "fe01..." }`) for a certificate a Front End Server already has; one of the two `pfx` and `certificate` arguments is required.'],
    ['a password with a thumbprint', { password: 'pw', certificate: { thumbprint: T } }, 'The `password` argument belongs to a PFX; a certificate a Front End Server already has needs none (its private key stays on the server): remove `password`.'],
    ['a thumbprint that is not 40 hex digits', { certificate: { thumbprint: 'ABC' } }, 'The `certificate` argument\'s `thumbprint` "ABC" is not a SHA-1 thumbprint: write its 40 hex digits as Windows shows them (Get-ChildItem Cert:\\LocalMachine\\My), e.g. "7F3A...".'],
    ['fromType without a server', { certificate: { fromType: 'Default' } }, 'The `certificate` argument\'s `server` is missing: name the Front End Server whose Default certificate to reuse, e.g. { fromType: "Default", server: "fe01.contoso.com" }.'],
    ['fromType other than Default', { certificate: { fromType: 'WebServicesExternal', server: 'fe01.contoso.com' } }, 'The `certificate` argument\'s `fromType` "WebServicesExternal" is not a type whose certificate Skype reuses for OAuthTokenIssuer; write fromType: "Default" (the documented one).'],
    ['a server outside the pool', { certificate: { thumbprint: T, server: 'fe09.contoso.com' } }, 'The `certificate` argument\'s `server` "fe09.contoso.com" is not a server of the pool (fe01.contoso.com, fe02.contoso.com); name one of them: the certificate is read from and assigned on it.'],
    ['both thumbprint and fromType', { certificate: { thumbprint: T, fromType: 'Default', server: 'fe01.contoso.com' } }, 'The `certificate` argument gives both `thumbprint` and `fromType`; give one: the thumbprint of the certificate, or the type whose certificate to reuse.'],
  ])('refused: %s', (_name, raw, message) => {
    expect(sourceRule(raw, POOL)).toEqual({ issues: [expect.objectContaining({ message })] });
  });

  it('a thumbprint without a pool: INVALID_ARGUMENT with the fix (the certificate can be checked only on a server)', () => {
    expect(sourceRule({ certificate: { thumbprint: T } }, undefined).issues.map((i) => i.message)).toEqual([
      'A certificate a Front End Server already has is checked (read from `Cert:\\LocalMachine\\My` on that server) and assigned there, so it needs the `pool` argument: add pool: FrontEndPools.powershell({ servers: [...] }), or give the certificate as a PFX (`pfx`, `password`).',
    ]);
  });

  it.each([
    ['a thumbprint', { thumbprint: T }],
    ["a server's Default certificate", { fromType: 'Default', server: 'fe02.contoso.com' }],
  ])('%s with a manual-mode pool: INVALID_ARGUMENT (reuse is the global assignment replication deploys)', (_name, certificate) => {
    const manual = checkPoolSpec({ kind: 'powershell', servers: ['fe01.contoso.com', 'fe02.contoso.com'], mode: 'manual' }).spec!;
    expect(manual.mode).toBe('manual');
    expect(sourceRule({ certificate }, manual).issues.map((i) => i.message)).toEqual([
      "A certificate a Front End Server already has is assigned once, globally, and replication deploys it; a pool in `mode: 'manual'` imports a PFX on each server instead. Leave out `mode: 'manual'`, or give the certificate as a PFX (`pfx`, `password`).",
    ]);
  });

  it('never quotes a secret: a PFX that is not a string is named by its kind', () => {
    expect(sourceRule({ pfx: 42, password: { secret: 'hunter2' } }, POOL).issues.map((i) => i.message).join(' ')).not.toMatch(/42|hunter2/);
  });

  it.each([
    [T, T],
    [`${T.slice(0, 20)}:${T.slice(20)}`, T],
    [`${T}0`, undefined],
    ['G'.repeat(40), undefined],
  ])('canonicalThumbprint(%j)', (given, expected) => {
    expect(canonicalThumbprint(given)).toBe(expected);
  });
});
