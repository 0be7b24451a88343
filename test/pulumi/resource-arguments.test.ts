/**
 * The resource constructor checks every argument it already knows, so a forgotten config value
 * fails at once with the argument's name (a missing sipDomain used to throw inside an
 * apply while serializing, and a program exporting outputs then never finished).
 */
import * as pulumi from '@pulumi/pulumi';
import { recordRegisteredInputs } from '../support/pulumi-mocks';
import { isSfbError } from '../../provider/domain/errors';
import { FrontEndPools } from '../../provider/pulumi/front-end-pool-args';
import { CertificateStores, OAuthTokenIssuerCertificate, type OAuthTokenIssuerCertificateArgs } from '../../provider/pulumi/resource';

let registered: Record<string, unknown>[] = [];
beforeAll(() => {
  registered = recordRegisteredInputs();
});

const store = CertificateStores.local({ directory: '.sfb-store-unit', passphrase: 'unit-test-passphrase' });
const valid: OAuthTokenIssuerCertificateArgs = { sipDomain: 'contoso.com', pfx: 'MIIK', password: 'pw', store };

function construct(args: unknown): unknown {
  try {
    new OAuthTokenIssuerCertificate('oauth', args as OAuthTokenIssuerCertificateArgs);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('OAuthTokenIssuerCertificate arguments', () => {
  it.each([
    ['a missing sipDomain', { sipDomain: undefined }, /The `sipDomain` argument must be the Skype SIP domain as a string.*got undefined \(a config value that is not set\?\)/],
    ['a numeric sipDomain', { sipDomain: 42 }, /`sipDomain`.*got number 42/],
    ['a missing pfx (and no certificate)', { pfx: undefined }, /The certificate has no source: give `pfx: pfxFromFile\("s2s\.pfx"\)` \(with `password`\) to import a PFX, or `certificate: \{ thumbprint: "\.\.\." \}`/],
    ['a pfx and a certificate', { certificate: { thumbprint: '7F3A0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B' } }, /The `pfx` and `certificate` arguments are two sources of the certificate; give exactly one/],
    ['a thumbprint without a pool', { pfx: undefined, password: undefined, certificate: { thumbprint: '7F3A0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B' } }, /needs the `pool` argument: add pool: FrontEndPools\.powershell/],
    ['minKeyBits as a string', { minKeyBits: '4096' }, /The `minKeyBits` argument must be a whole number/],
    ['minKeyBits of 1024', { minKeyBits: 1024 }, /`minKeyBits` argument is 1024, outside 2048\.\.16384/],
    ['an effective date without a zone', { effectiveDate: '2026-12-01 00:00' }, /The `effectiveDate` argument "2026-12-01 00:00" is not an ISO 8601/],
    ['a secret name with spaces', { secretName: 'a b' }, /The `secretName` argument "a b" has characters/],
  ])('throws INVALID_ARGUMENT at once for %s, naming the argument', (_row, change, message) => {
    const error = construct({ ...valid, ...change });
    expect(isSfbError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'SfbError INVALID_ARGUMENT' });
    expect((error as Error).message).toMatch(/^INVALID_ARGUMENT: OAuthTokenIssuer certificate "oauth": /);
    // Marked for the SDK as a RunError: printed as its message alone, without a slow inspect.
    expect((error as Record<string, unknown>).__pulumiRunError).toBe(true);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).stack).not.toContain('\n');
    expect((error as Error).message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const error = construct({ ...valid, sipDomain: undefined, minKeyBits: 10 }) as Error;
    expect(error.message).toMatch(/`sipDomain`.*`minKeyBits`/);
  });

  it('never echoes the PFX or the password', () => {
    const error = construct({ ...valid, sipDomain: 7, pfx: 12345, password: 67890 }) as Error;
    expect(error.message).not.toMatch(/12345|67890/);
  });

  it('refuses arguments that are not an object', () => {
    expect(construct(undefined)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/needs its arguments/) });
  });

  it('leaves values still to be computed to the provider check, and does not throw for them', async () => {
    const later = pulumi.output(Promise.resolve(undefined as unknown as string));
    expect(construct({ ...valid, sipDomain: later })).toBeUndefined();
  });

  it('registers the documented defaults, and no secret name when none is given (check derives it)', async () => {
    registered.length = 0;
    const resource = new OAuthTokenIssuerCertificate('defaults', valid);
    await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
    const inputs = registered.find((r) => r.sipDomain === 'contoso.com' && r.secretName === null);
    expect(inputs).toMatchObject({ minKeyBits: 2048, warnBeforeExpiryDays: 30, adopt: false, owner: 'contoso-org/sfb-test/unit', effectiveDate: null });
  });

  it('a pool credential: the user name stays in the pool, the password travels apart as the secret input poolPassword', async () => {
    registered.length = 0;
    const pool = FrontEndPools.powershell({ servers: ['fe01.contoso.com'], authentication: 'CredSSP', credential: { userName: 'CONTOSO\\svc-sfb', password: 'remoting-password-never-in-pool' } });
    const resource = new OAuthTokenIssuerCertificate('with-credential', { ...valid, pool });
    await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
    const inputs = registered.find((r) => typeof r.pool === 'object' && r.pool !== null)!;
    expect(inputs.pool).toEqual({ kind: 'powershell', servers: ['fe01.contoso.com'], authentication: 'CredSSP', credential: { userName: 'CONTOSO\\svc-sfb' } });
    expect(JSON.stringify(inputs.pool)).not.toContain('remoting-password');
    // Registered as a secret, like `password`: the engine encrypts it in state.
    expect(inputs.poolPassword).toEqual({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: 'remoting-password-never-in-pool' });
  });
});

describe('OAuthTokenIssuerCertificate on an unsupported Node.js', () => {
  const actual = Object.getOwnPropertyDescriptor(process, 'version')!;
  afterEach(() => Object.defineProperty(process, 'version', actual));

  it('fails at once with NODE_UNSUPPORTED naming the version, before any argument is looked at', () => {
    Object.defineProperty(process, 'version', { ...actual, value: 'v20.20.2' });
    const error = construct(valid);
    expect(isSfbError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'NODE_UNSUPPORTED',
      message: expect.stringMatching(/^NODE_UNSUPPORTED: Node\.js v20\.20\.2 is running this Pulumi program .* supports Node\.js 22 and 24 .*Install Node\.js 24/),
    });
    expect(construct(undefined)).toMatchObject({ code: 'NODE_UNSUPPORTED' });
  });

  it('constructs on Node 22', () => {
    Object.defineProperty(process, 'version', { ...actual, value: 'v22.0.0' });
    expect(construct(valid)).toBeUndefined();
  });
});
