/**
 * Where Windows PowerShell 5.1 (edition desktop, the default) and PowerShell 7 (core) differ,
 * each row runs the same script in both and asserts each edition's answer
 * (docs/skype-emulator.md, "The two editions", cites the source of each).
 */
import { A, fixture, Pool, type Edition } from './harness';

const pools = new Map<Edition, Pool>();
beforeAll(async () => {
  for (const edition of ['desktop', 'core'] as const) {
    const pool = await Pool.create({ edition });
    await pool.ok(pool.importScript('openssl3-default'));
    pools.set(edition, pool);
  }
});
afterAll(() => pools.forEach((p) => p.cleanup()));
const on = (edition: Edition): Pool => pools.get(edition) as Pool;

describe('PowerShell 7-only syntax and parameters', () => {
  it.each([
    ['ConvertTo-Json -AsArray', "Get-CsCertificate -Identity Global | ConvertTo-Json -Compress -AsArray", "ConvertTo-Json : A parameter cannot be found that matches parameter name 'AsArray'."],
    ['ConvertTo-Json -EnumsAsStrings', "Get-CsCertificate -Identity Global | ConvertTo-Json -EnumsAsStrings", "ConvertTo-Json : A parameter cannot be found that matches parameter name 'EnumsAsStrings'."],
    ['Import-Module -UseWindowsPowerShell', 'Import-Module SkypeForBusiness -UseWindowsPowerShell', "Import-Module : A parameter cannot be found that matches parameter name 'UseWindowsPowerShell'."],
    ['the -ProgressAction common parameter (7.4)', 'Get-CsCertificate -ProgressAction SilentlyContinue', "Get-CsCertificate : A parameter cannot be found that matches parameter name 'ProgressAction'."],
  ])('5.1 has no %s', async (_name, script, first) => {
    const desktop = await on('desktop').file(script);
    expect(desktop.stderr.split('\n')[0]).toBe(first);
    expect(desktop.stderr).toContain('+ FullyQualifiedErrorId : NamedParameterNotFound,');
    const core = await on('core').file(script);
    expect(core.stderr).not.toContain('A parameter cannot be found');
  });

  it.each([
    ['a pipeline chain (&&)', 'Get-CsCertificate && Get-CsCertificate', "The token '&&' is not a valid statement separator in this version."],
    ['a pipeline chain (||)', 'Get-CsCertificate || Get-CsCertificate', "The token '||' is not a valid statement separator in this version."],
    ['the ternary operator', '$x = $true ? 1 : 2', "Unexpected token '?' in expression or statement."],
    ['the null-coalescing operator', '$x = $null ?? 2', "Unexpected token '??' in expression or statement."],
  ])('5.1 refuses %s as its parser words it, and runs nothing', async (_name, script, message) => {
    const result = await on('desktop').file(`'first'\n${script}`);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${message}\n`);
    expect(result.stderr).toContain('+ CategoryInfo          : ParserError: (:) [], ParseException');
  });
});

describe('errors', () => {
  it('5.1 prints NormalView (Cmd : message, At <file>:line char:N, the line, CategoryInfo, FullyQualifiedErrorId); 7 prints ConciseView', async () => {
    const script = "'ok'\n  Get-CsCertificate -Bogus 1";
    const desktop = await on('desktop').file(script, { name: 'normal-view.ps1' });
    expect(desktop.stderr).toBe([
      "Get-CsCertificate : A parameter cannot be found that matches parameter name 'Bogus'.",
      `At ${on('desktop').dir}/normal-view.ps1:2 char:3`,
      '+   Get-CsCertificate -Bogus 1',
      '+   ~~~~~~~~~~~~~~~~~~~~~~~~~~',
      '    + CategoryInfo          : InvalidArgument: (:) [Get-CsCertificate], ParameterBindingException',
      '    + FullyQualifiedErrorId : NamedParameterNotFound,Microsoft.Rtc.Management.Deployment.GetCsCertificateCmdlet',
      ' ',
      '',
    ].join('\n'));
    // -File: a statement-terminating error under 'Continue' does not fail the run.
    expect(desktop.code).toBe(0);
    const core = await on('core').file(script);
    expect(core.stderr).toBe("Get-CsCertificate: A parameter cannot be found that matches parameter name 'Bogus'.\n");
  });

  it('under -Command - 5.1 names the line as `At line:N char:M`', async () => {
    const result = await on('desktop').ps('Foo');
    expect(result.stderr.split('\n').slice(0, 3)).toEqual([
      "Foo : The term 'Foo' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
      'At line:1 char:1',
      '+ Foo',
    ]);
    expect(result.stderr).toContain('    + CategoryInfo          : ObjectNotFound: (Foo:String) [Foo], CommandNotFoundException');
    expect(result.code).toBe(1);
  });

  it('an unreachable server: 5.1 prints `[server] Connecting to remote server ...`, 7 `OpenError: [server] ...`; the others answer', async () => {
    for (const edition of ['desktop', 'core'] as const) {
      await on(edition).admin('unreachable', 'fe02.contoso.com');
    }
    const plain = "Invoke-Command -ComputerName 'fe01.contoso.com','fe02.contoso.com' -ScriptBlock { 'answer' }";
    const desktop = await on('desktop').file(plain);
    expect(desktop.stdout).toBe('answer\n');
    expect(desktop.stderr.split('\n')).toEqual([
      '[fe02.contoso.com] Connecting to remote server fe02.contoso.com failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet. For more information, see the about_Remote_Troubleshooting Help topic.',
      '    + CategoryInfo          : OpenError: (fe02.contoso.com:String) [], PSRemotingTransportException',
      '    + FullyQualifiedErrorId : CannotConnect,PSSessionStateBroken',
      ' ',
      '',
    ]);
    const core = await on('core').file(plain);
    expect(core.stdout).toBe('answer\n');
    expect(core.stderr).toMatch(/^OpenError: \[fe02\.contoso\.com\] Connecting to remote server fe02\.contoso\.com failed/);
    for (const edition of ['desktop', 'core'] as const) await on(edition).admin('reachable', 'fe02.contoso.com');
  });

  it('an error raised inside the remote block comes back with the server (5.1: + PSComputerName)', async () => {
    const result = await on('desktop').file("Invoke-Command -ComputerName 'fe03.contoso.com' -ScriptBlock { Get-CsCertificate -Bogus }");
    expect(result.stderr).toContain("Get-CsCertificate : A parameter cannot be found that matches parameter name 'Bogus'.\n");
    expect(result.stderr).toContain('    + PSComputerName        : fe03.contoso.com\n');
  });
});

describe('-Command - reads stdin line by line (both editions)', () => {
  it.each(['desktop', 'core'] as const)('%s: $ErrorActionPreference = Stop does not stop the next line; the exit code is the last line\'s', async (edition) => {
    const result = await on(edition).ps("$ErrorActionPreference = 'Stop'\nFoo\n'after'\n");
    expect(result.stdout).toBe('after\n');
    expect(result.code).toBe(0);
    const lastFails = await on(edition).ps("'before'\nFoo\n");
    expect(lastFails.code).toBe(1);
  });

  it.each(['desktop', 'core'] as const)('%s: a statement spanning lines runs only when an empty line follows, and is dropped if stdin ends first', async (edition) => {
    const block = "try {\n  'inside'\n}\ncatch {\n  'caught'\n}";
    expect((await on(edition).ps(`${block}\n\n'next'\n`)).stdout).toBe('inside\nnext\n');
    const dropped = await on(edition).ps(`'first'\n${block}\n`);
    expect(dropped.stdout).toBe('first\n');
    expect(dropped.code).toBe(0);
  });

  it('-File runs the same script as one unit: the error stops it, exit 1', async () => {
    const result = await on('desktop').file("$ErrorActionPreference = 'Stop'\nFoo\n'after'\n");
    expect(result.stdout).toBe('');
    expect(result.code).toBe(1);
  });

  it('exit N sets the code under both', async () => {
    expect((await on('desktop').file("'a'\nexit 7\n'b'")).code).toBe(7);
    const stdin = await on('desktop').ps("'a'\nexit 7\n'b'\n");
    expect(stdin.code).toBe(7);
    expect(stdin.stdout).toBe('a\n');
  });
});

describe('output', () => {
  it('5.1 writes a DateTime in JSON as \\/Date(ms)\\/ and escapes quotes as JavaScriptSerializer does; 7 writes ISO 8601', async () => {
    const script = "Get-CsCertificate -Identity Global | Select-Object -Property 'NotAfter', @{ Name = 'Note'; Expression = { \"it's\" } } | ConvertTo-Json -Compress";
    expect((await on('desktop').file(script)).stdout).toBe('{"NotAfter":"\\/Date(2051222400000)\\/","Note":"it\\u0027s"}\n');
    expect((await on('core').file(script)).stdout).toBe('{"NotAfter":"2035-01-01T00:00:00+00:00","Note":"it\'s"}\n');
  });

  it('warnings: 5.1 writes WARNING: lines to stdout unless $WarningPreference is silenced; 7 to stderr', async () => {
    const core = await on('core').file('Import-Module SkypeForBusiness -UseWindowsPowerShell');
    expect(core.stdout).toBe('');
    expect(core.stderr).toMatch(/^WARNING: Module SkypeForBusiness is loaded in Windows PowerShell using WinPSCompatSession/);
    const silenced = await on('core').file("$WarningPreference = 'SilentlyContinue'\nImport-Module SkypeForBusiness -UseWindowsPowerShell");
    expect(silenced.stderr).toBe('');
  });

  it('5.1 writes a #< CLIXML progress record to stderr on Import-Module unless $ProgressPreference is SilentlyContinue', async () => {
    const loud = await on('desktop').file('Import-Module SkypeForBusiness');
    expect(loud.stderr).toMatch(/^#< CLIXML\n<Objs Version="1\.1\.0\.1" .*Preparing modules for first use\..*<\/Objs>\n$/);
    expect(loud.code).toBe(0);
    expect((await on('desktop').file("$ProgressPreference = 'SilentlyContinue'\nImport-Module SkypeForBusiness")).stderr).toBe('');
    expect((await on('core').file('Import-Module SkypeForBusiness -UseWindowsPowerShell -WarningAction SilentlyContinue')).stderr).toBe('');
  });

  it('Import-Module: 7 does not load SkypeForBusiness without -UseWindowsPowerShell; no other module exists', async () => {
    expect((await on('core').file('Import-Module SkypeForBusiness')).stderr).toBe("Import-Module: The specified module 'SkypeForBusiness' was not loaded because no valid module file was found in any module directory.\n");
    expect((await on('desktop').file("$ProgressPreference = 'SilentlyContinue'\nImport-Module Lync")).stderr.split('\n')[0]).toBe("Import-Module : The specified module 'Lync' was not loaded because no valid module file was found in any module directory.");
  });

  it('ConvertTo-SecureString -AsPlainText needs -Force in 5.1 only', async () => {
    const script = "$s = ConvertTo-SecureString -String 'x' -AsPlainText\n$s.GetType().FullName";
    const desktop = await on('desktop').file(script);
    expect(desktop.stderr.split('\n')[0]).toBe('ConvertTo-SecureString : The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.');
    expect((await on('core').file(script)).stdout).toBe('System.Security.SecureString\n');
  });

  it('$PSVersionTable tells the edition apart', async () => {
    const script = "$PSVersionTable.PSVersion.ToString() + ' ' + $PSVersionTable.PSEdition";
    expect((await on('desktop').file(script)).stdout).toBe('5.1.17763.592 Desktop\n');
    expect((await on('core').file(script)).stdout).toBe('7.4.6 Core\n');
  });
});

describe('-File', () => {
  it('5.1 reads a file without a BOM in the ANSI code page: UTF-8 text is misread; with the BOM, or in 7, it is not', async () => {
    const script = "'Zürich'";
    expect((await on('desktop').file(script, { bom: false })).stdout).toBe('ZÃ¼rich\n');
    expect((await on('desktop').file(script)).stdout).toBe('Zürich\n');
    expect((await on('core').file(script, { bom: false })).stdout).toBe('Zürich\n');
  });

  it('a path that does not exist or is no .ps1 exits 64 with powershell.exe\'s words', async () => {
    const pool = on('desktop');
    const { runEmulator } = await import('./harness');
    const missing = await runEmulator(['-NoProfile', '-File', `${pool.dir}/nope.ps1`], pool.env);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toBe(`The argument '${pool.dir}/nope.ps1' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\n`);
    const notPs1 = await runEmulator(['-NoProfile', '-File', `${pool.dir}/state/state.json`], pool.env);
    expect(notPs1.code).toBe(64);
  });
});

describe('a DateTime object is not re-parsed; a string is parsed in the session culture (both editions)', () => {
  it.each(['desktop', 'core'] as const)('%s', async (edition) => {
    const pool = await Pool.create({ edition, culture: 'de-DE', timeZone: 'Europe/Berlin', sessionCulture: 'en-US', sessionTimeZone: 'Europe/Berlin' });
    try {
      await pool.ok(pool.importScript('openssl3-default'));
      // A de-DE string in an en-US session: 01.12.2027 is read as 12 January (Berlin 01:00).
      await pool.ok(pool.importScript('rsa-4096', '01.12.2027 01:00:00'));
      expect((await pool.show()).cms.assignments.OAuthTokenIssuer?.scheduled).toEqual({ thumbprint: fixture('rsa-4096').thumbprint, effectiveDate: '2027-01-12T00:00:00.000Z' });
      // A DateTime built from ticks: the instant itself, whatever the culture.
      const { file, password } = fixture('self-signed');
      const { pfx, psd1 } = pool.secretFiles(file, password);
      const ticks = ((BigInt(Date.parse('2027-12-01T00:00:00Z')) + 62135596800000n) * 10000n).toString();
      const object = await pool.file([
        ...(password === null ? [] : [`$secret = Import-PowerShellDataFile -LiteralPath '${psd1}'`]),
        `$d = [System.DateTime]::new(${ticks}, [System.DateTimeKind]::Utc).ToLocalTime()`,
        `Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${pfx}'${password === null ? '' : ' -Password $secret.Password'} -EffectiveDate $d -Roll`,
      ].join('\n'));
      expect(object.stderr).toBe('');
      expect((await pool.show()).cms.assignments.OAuthTokenIssuer?.scheduled).toEqual({ thumbprint: fixture('self-signed').thumbprint, effectiveDate: '2027-12-01T00:00:00.000Z' });
      expect(A).toMatch(/^[0-9A-F]{40}$/);
    } finally {
      pool.cleanup();
    }
  });
});
