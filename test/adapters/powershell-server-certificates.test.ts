/**
 * The PowerShell adapter for a certificate a Front End Server already has, against the Skype
 * emulator in both editions: the server's Default certificate found with Get-CsCertificate, the
 * certificate read from Cert:\LocalMachine\My (key size, names, dates, private key and its
 * exportability), a thumbprint the server does not hold, and the global assignment run on that
 * server.
 */
import { EmulatedPool, EMULATOR, SHELL_OPTIONS } from '../harness/emulated-pool';
import { createServerCertificates, exportabilityOf } from '../../provider/adapters/powershell/server-certificates';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';
import { join } from 'node:path';

const GOOD = entry('openssl3-default');
const OTHER = entry('rsa-4096');

describe.each(['desktop', 'core'] as const)('a certificate a server already has, in the %s edition', (edition) => {
  let pool: EmulatedPool;
  beforeAll(async () => {
    pool = await EmulatedPool.create({ edition });
  });
  afterAll(() => pool.cleanup());

  const adapter = () => createServerCertificates(checkPoolSpec({ kind: 'powershell', servers: ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'], edition, command: ['env', `SFB_SKYPE_EMULATOR_DIR=${pool.dir}`, EMULATOR, ...SHELL_OPTIONS] }).spec!);

  /** An operator imports a PFX on `server` (its local store) and, with `useAs`, assigns it there. */
  async function importOn(server: string, name: string, exportable: boolean, useAs?: string): Promise<void> {
    const e = entry(name);
    const files = pool.operatorFiles(join(CORPUS_DIR, e.file), e.password ?? '');
    const assign = useAs ? `\n    Set-CsCertificate -Type ${useAs} -Thumbprint '${e.expected.thumbprint}'` : '';
    const result = await pool.script(`$ProgressPreference = 'SilentlyContinue'\n$s = Import-PowerShellDataFile -LiteralPath '${files.psd1}'\n$p = $s.Password\nInvoke-Command -ComputerName '${server}' -ErrorAction Stop -ScriptBlock {\n    $ProgressPreference = 'SilentlyContinue'\n    Import-Module SkypeForBusiness\n    Import-CsCertificate -Path '${files.pfx}' -Password $using:p -PrivateKeyExportable $${exportable ? 'True' : 'False'}${assign}\n}`);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  }

  it("finds fe02's Default certificate and reads its facts from the store there", async () => {
    await importOn('fe02.contoso.com', 'openssl3-default', true, 'Default');
    const answer = await adapter().read('fe02.contoso.com', { fromType: 'Default' });
    expect(answer).toEqual({
      thumbprint: GOOD.expected.thumbprint,
      facts: {
        thumbprint: GOOD.expected.thumbprint,
        server: 'fe02.contoso.com',
        subject: 'CN=sfb-fe01.contoso.com',
        dnsNames: ['sfb-fe01.contoso.com', 'sip.contoso.com'],
        notBefore: '2025-01-01T00:00:00.000Z',
        notAfter: '2035-01-01T00:00:00.000Z',
        keyAlgorithm: 'rsa',
        keyBits: 2048,
        hasPrivateKey: true,
        privateKeyExportable: true,
      },
    });
  });

  it('a server without a Default certificate answers with no thumbprint', async () => {
    await expect(adapter().read('fe03.contoso.com', { fromType: 'Default' })).resolves.toEqual({});
  });

  it('a thumbprint the server does not hold: the thumbprint, no facts', async () => {
    await expect(adapter().read('fe01.contoso.com', { thumbprint: GOOD.expected.thumbprint! })).resolves.toEqual({ thumbprint: GOOD.expected.thumbprint });
  });

  it('a key imported without -PrivateKeyExportable reads as not exportable, with its size', async () => {
    await importOn('fe03.contoso.com', 'rsa-4096', false);
    const answer = await adapter().read('fe03.contoso.com', { thumbprint: OTHER.expected.thumbprint! });
    expect(answer.facts).toMatchObject({ keyBits: 4096, hasPrivateKey: true, privateKeyExportable: false });
  });

  it('assigns the certificate globally from the server that holds it', async () => {
    await adapter().assign('fe02.contoso.com', { thumbprint: GOOD.expected.thumbprint! });
    const shown = await pool.script("Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -ExpandProperty 'Thumbprint'");
    expect(shown.stdout.trim()).toBe(GOOD.expected.thumbprint);
  });

  it('a server that does not hold it: CMDLET_FAILED naming the thumbprint and the server', async () => {
    await expect(adapter().assign('fe01.contoso.com', { thumbprint: OTHER.expected.thumbprint! })).rejects.toMatchObject({ code: 'CMDLET_FAILED', message: expect.stringContaining(`is not in the certificate store of fe01.contoso.com`) });
  });
});

describe('exportability as .NET Framework shows it', () => {
  it.each([
    ['a CryptoAPI key that may be exported', 'System.Security.Cryptography.RSACryptoServiceProvider', true, null, true],
    ['a CryptoAPI key that may not', 'System.Security.Cryptography.RSACryptoServiceProvider', false, null, false],
    ['a CNG key, AllowExport as 5.1 serializes the enum', 'System.Security.Cryptography.RSACng', null, 1, true],
    ['a CNG key, AllowPlaintextExport | AllowArchiving', 'System.Security.Cryptography.RSACng', null, 6, true],
    ['a CNG key, archiving only', 'System.Security.Cryptography.RSACng', null, 4, false],
    ['a CNG key, the enum as names', 'System.Security.Cryptography.RSACng', null, 'AllowExport, AllowPlaintextExport', true],
    ['a CNG key, None', 'System.Security.Cryptography.RSACng', null, 0, false],
    ['a key that could not be opened', null, null, null, undefined],
    ['a CryptoAPI key without the flag', 'System.Security.Cryptography.RSACryptoServiceProvider', null, null, undefined],
  ])('%s', (_name, keyType, csp, cng, expected) => {
    expect(exportabilityOf(keyType, csp, cng)).toBe(expected);
  });
});
