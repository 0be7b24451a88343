/**
 * The PowerShell adapter's two halves that need no shell (docs/shell-contract.md): the scripts it
 * writes, word for word, and the reader of what comes back, including captures replayed from
 * test/fixtures/captures/ (made from the documented examples until a real one exists).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorOfRecord, globalOfRecords, readCall, serversOfRecords } from '../../provider/adapters/powershell';
import { certificatesOf, instantOf, markedRecords, objectsOf, property, textFailureOf } from '../../provider/adapters/powershell/parse';
import { contractFrame } from '../harness/shell-contract';
import { framed, globalInspectScript, importScript, remotingParameters, removeLocalScript, serversInspectScript, setScript, singleQuoted, ticksOf } from '../../provider/adapters/powershell/scripts';

const DESKTOP = { edition: 'desktop' as const, remoting: {} };
const CORE = { edition: 'core' as const, remoting: {} };
const A = '999F0E7C4E6C0DCE1B2D5E2C2F71A3B85D1E7C2A';
const B = '4D95B1E8A6C3F0E2D7B9A1C4E6F8D0B2A4C6E8F0';
const P = '7F3A2C1D9E8B6A5F4C3D2E1F0A9B8C7D6E5F4A3B';
const M = '#sfb-oauth-cert:';

describe('the scripts (docs/shell-contract.md)', () => {
  it('the frame: preferences, UTF-8 output, the module, done, and a structured error record with exit 1', () => {
    expect(framed('desktop', ['Get-Thing'])).toBe(`${contractFrame('desktop', '    Get-Thing')}\n`);
  });

  it('edition core loads the module through the Windows PowerShell compatibility layer', () => {
    expect(framed('core', [])).toContain('    Import-Module SkypeForBusiness -UseWindowsPowerShell\n');
    expect(framed('desktop', [])).not.toContain('-UseWindowsPowerShell');
  });

  it('inspect of the CMS: session facts, the global assignment with dates written by the script, the replicas; no -AsArray (5.1 has none)', () => {
    const script = globalInspectScript(DESKTOP);
    // Names quoted: tree-sitter-powershell (the emulator's grammar) refuses a bare-word list.
    expect(script).toContain("Select-Object -Property 'ReplicaFqdn', 'UpToDate'");
    expect(script).toContain("    Write-Output ('#sfb-oauth-cert:session ' + (ConvertTo-Json -Compress -InputObject $session))\n");
    expect(script).toContain(
      "    $global = @(Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -Property 'Thumbprint', 'PreviousThumbprint', 'SourceScope', @{ Name = 'NotAfter'; Expression = { $_.NotAfter.ToUniversalTime().ToString('o') } }, @{ Name = 'EffectiveDate'; Expression = { if ($_.EffectiveDate) { $_.EffectiveDate.ToUniversalTime().ToString('o') } } })\n",
    );
    expect(script).toContain("    Write-Output ('#sfb-oauth-cert:replicas ' + (ConvertTo-Json -Depth 3 -Compress -InputObject $replicas))\n");
    expect(script).not.toMatch(/-AsArray|-EnumsAsStrings|\?\?|&&/);
  });

  it('inspect of servers: remoting errors collected per server, the remote block sets its own preferences and imports the module', () => {
    const script = serversInspectScript(['fe01.contoso.com', "o'brien.contoso.com"], DESKTOP);
    expect(script).toContain("    $answers = @(Invoke-Command -ComputerName 'fe01.contoso.com','o''brien.contoso.com' -ErrorAction SilentlyContinue -ErrorVariable remotingErrors -ScriptBlock {\n");
    expect(script).toContain("        $ErrorActionPreference = 'Stop'\n        $ProgressPreference = 'SilentlyContinue'\n        $WarningPreference = 'SilentlyContinue'\n        Import-Module SkypeForBusiness\n");
    expect(script).toContain("        Write-Output ('#sfb-oauth-cert:server-error ' + (ConvertTo-Json -Compress -InputObject $record))\n");
    // PowerShell 7 on the agent; the Front End's own endpoint is 5.1: the remote import is plain.
    expect(serversInspectScript(['fe01.contoso.com'], CORE).match(/Import-Module SkypeForBusiness.*/g)).toEqual(['Import-Module SkypeForBusiness -UseWindowsPowerShell', 'Import-Module SkypeForBusiness']);
  });

  it('remoting options, each only when set; the credential read from its data file, never the script text', () => {
    expect(remotingParameters({})).toBe('');
    expect(remotingParameters({ authentication: 'CredSSP', credential: { userName: 'CONTOSO\\svc' }, useSsl: true, port: 5986, configurationName: 'Microsoft.PowerShell' })).toBe(
      " -Authentication CredSSP -Credential $credential -UseSSL -Port 5986 -ConfigurationName 'Microsoft.PowerShell'",
    );
    const script = serversInspectScript(['fe01.contoso.com'], { edition: 'desktop', remoting: { credential: { userName: 'CONTOSO\\svc' } }, credentialPath: '/tmp/x/credential.psd1' });
    expect(script).toContain("    $credentialData = Import-PowerShellDataFile -LiteralPath '/tmp/x/credential.psd1'\n");
    expect(script).toContain('ConvertTo-SecureString -String $credentialData.Password -AsPlainText -Force');
    expect(script).not.toContain('CONTOSO');
    expect(removeLocalScript('fe02.contoso.com', { edition: 'desktop', remoting: { port: 5985 } })).toContain("    Invoke-Command -ComputerName 'fe02.contoso.com' -Port 5985 -ErrorAction Stop -ScriptBlock {\n");
  });

  it('a roll: the session-zone guard, then a DateTime from ticks of the UTC instant; no date string anywhere', () => {
    const script = importScript({ pfxPath: '/d/cert.pfx', secretPath: '/d/secret.psd1' }, { effectiveAt: '2026-12-01T00:00:00.000Z', sessionTimeZone: 'W. Europe Standard Time' }, DESKTOP);
    expect(script).toContain(
      [
        "    $secret = Import-PowerShellDataFile -LiteralPath '/d/secret.psd1'",
        "    if ([System.TimeZoneInfo]::Local.Id -ne 'W. Europe Standard Time') { throw ('sfb-oauth-cert:TIME_ZONE_MISMATCH session ' + [System.TimeZoneInfo]::Local.Id + ' servers ' + 'W. Europe Standard Time') }",
        // 2000-01-01 is 630822816000000000 ticks; 2026-12-01 is 849398400000 ms later.
        '    $effectiveDate = [System.DateTime]::new(639316800000000000, [System.DateTimeKind]::Utc).ToLocalTime()',
        "    Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '/d/cert.pfx' -Password $secret.Password -EffectiveDate $effectiveDate -Roll",
      ].join('\n'),
    );
    expect(script).not.toMatch(/2026|12\/1|01\.12/);
    expect(setScript(A, undefined, DESKTOP)).toContain(`    Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}'\n`);
  });

  it.each([
    ['the Unix epoch', 0, '621355968000000000'],
    ['past 2^53 ticks, exactly', Date.UTC(2027, 9, 31, 0, 30), String(BigInt(Date.UTC(2027, 9, 31, 0, 30)) * 10000n + 621355968000000000n)],
  ])('ticks of %s', (_name, ms, ticks) => {
    expect(ticksOf(ms)).toBe(ticks);
  });

  it('literals: every kind of single quote doubled, non-ASCII kept; a non-ASCII server name goes verbatim into the script (written UTF-8 with a BOM)', () => {
    expect(singleQuoted("it's ‘x’ ‚y‛ Zürich")).toBe("'it''s ‘‘x’’ ‚‚y‛‛ Zürich'");
    expect(serversInspectScript(['fe01.zürich.contoso.com'], DESKTOP)).toContain("Invoke-Command -ComputerName 'fe01.zürich.contoso.com' -ErrorAction");
  });
});

describe('the reader', () => {
  it('reads marked lines only: a banner, a WARNING, a CLIXML progress record and a BOM are ignored', () => {
    const stdout = `\uFEFF${M}session {"a":1}\r\nWelcome to the Skype for Business Server Management Shell\r\nWARNING: something\r\n#< CLIXML\r\n${M}done\r\n`;
    expect(markedRecords(stdout)).toEqual([
      { kind: 'session', payload: '{"a":1}' },
      { kind: 'done', payload: '' },
    ]);
  });

  it('property names in any case; extra properties ignored; one object or a list; 5.1\'s {value, Count} array', () => {
    expect(property({ thumbprint: 'x' }, 'Thumbprint')).toBe('x');
    expect(objectsOf({ a: 1 }, 't', 'x')).toEqual([{ a: 1 }]);
    expect(objectsOf(null, 't', 'x')).toEqual([]);
    expect(objectsOf({ value: [{ a: 1 }, { a: 2 }], Count: 2 }, 't', 'x')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it.each([
    ['the scripts\' round-trip format (7 fractional digits)', '2026-12-01T00:00:00.0000000Z', '2026-12-01T00:00:00.000Z'],
    ['an offset', '2026-12-01T01:00:00+01:00', '2026-12-01T00:00:00.000Z'],
    ['5.1\'s JavaScriptSerializer', '/Date(1796083200000)/', '2026-12-01T00:00:00.000Z'],
    ['5.1\'s form with an offset suffix', '/Date(1796083200000+0100)/', '2026-12-01T00:00:00.000Z'],
  ])('dates: %s', (_name, value, iso) => {
    expect(instantOf(value, 'testing', 'NotAfter')).toBe(iso);
  });

  it.each([
    ['a date without a zone (7 writes DateTime of kind Unspecified so)', { Thumbprint: A, NotAfter: '2035-01-01T00:00:00' }, 'NotAfter "2035-01-01T00:00:00" is not an ISO 8601 date and time with a zone'],
    ['a short thumbprint', { Thumbprint: 'ABC', NotAfter: '2035-01-01T00:00:00Z' }, 'Thumbprint is not a thumbprint of 40 hex digits'],
  ])('refuses %s with SHELL_FAILED', (_name, object, words) => {
    expect(() => certificatesOf('fe01.contoso.com', [object], 'testing')).toThrow(expect.objectContaining({ code: 'SHELL_FAILED', message: expect.stringContaining(words) }));
  });

  it('SourceScope "Local" in any case is a local assignment; a number (undocumented numbering) is not read as one', () => {
    expect(certificatesOf('fe02', [{ Thumbprint: A, NotAfter: '2035-01-01T00:00:00Z', SourceScope: 'LOCAL' }], 't').scope).toBe('local');
    expect(certificatesOf('fe02', [{ Thumbprint: A, NotAfter: '2035-01-01T00:00:00Z', SourceScope: 1 }], 't').scope).toBeUndefined();
  });

  it('a call: exit 0 without done did not run to the end (SHELL_FAILED); an error record wins over text', () => {
    expect(() => readCall({ code: 0, stdout: `${M}session {}\n`, stderr: '' }, ['powershell.exe'], 'testing', [])).toThrow(expect.objectContaining({ code: 'SHELL_FAILED', message: expect.stringContaining('exited with status 0 before the end of its script') }));
    const record = { fullyQualifiedErrorId: 'Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand', category: 'ResourceUnavailable', exceptionType: 'System.IO.FileNotFoundException', message: "The specified module 'SkypeForBusiness' was not loaded because no valid module file was found in any module directory." };
    expect(() => readCall({ code: 1, stdout: `${M}error ${JSON.stringify(record)}\n`, stderr: 'Get-CsCertificate : unrelated text' }, ['powershell.exe'], 'testing', [])).toThrow(
      expect.objectContaining({ code: 'SHELL_FAILED', message: expect.stringContaining('could not load the SkypeForBusiness module while testing') }),
    );
  });

  it.each([
    ['the session-zone guard', { fullyQualifiedErrorId: 'sfb-oauth-cert:TIME_ZONE_MISMATCH session UTC servers W. Europe Standard Time', category: 'OperationStopped', exceptionType: 'System.Management.Automation.RuntimeException', message: 'sfb-oauth-cert:TIME_ZONE_MISMATCH session UTC servers W. Europe Standard Time' }, 'TIME_ZONE_MISMATCH', 'The session that runs the Skype cmdlets is in the time zone "UTC", the Front End Servers in "W. Europe Standard Time", while testing'],
    ['a remoting transport failure (-ErrorAction Stop)', { fullyQualifiedErrorId: 'CannotConnect,PSSessionStateBroken', category: 'OpenError', targetName: 'fe02.contoso.com', exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException', message: 'Connecting to remote server fe02.contoso.com failed' }, 'SERVER_UNREACHABLE', 'Front End Server fe02.contoso.com could not be reached while testing'],
    ['a Skype cmdlet\'s error', { fullyQualifiedErrorId: 'InvalidThumbprint,Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet', category: 'InvalidArgument', exceptionType: 'System.ArgumentException', message: 'The certificate was not found.' }, 'CMDLET_FAILED', 'The Skype for Business Server Management Shell failed while testing: "The certificate was not found." (InvalidThumbprint,Microsoft.Rtc.Management.Deployment.SetCertificateCmdlet, System.ArgumentException)'],
  ])('error records → codes: %s', (_name, record, code, words) => {
    expect(errorOfRecord(record, 'testing', ['fe02.contoso.com'])).toMatchObject({ code, message: expect.stringContaining(words) });
  });

  it.each([
    ['5.1 NormalView, a cmdlet', 'Get-CsCertificate : Cannot find the certificate.\r\nAt line:1 char:1\r\n+ CategoryInfo          : InvalidOperation\r\n+ FullyQualifiedErrorId : X', { kind: 'cmdlet', command: 'Get-CsCertificate' }],
    ['5.1 NormalView, remoting', '[fe02.contoso.com] Connecting to remote server fe02.contoso.com failed with the following error message : WinRM cannot complete the operation.', { kind: 'unreachable', server: 'fe02.contoso.com' }],
    ['7 ConciseView, a cmdlet', 'Get-CsCertificate: Cannot find the certificate.', { kind: 'cmdlet', command: 'Get-CsCertificate' }],
    ['7 ConciseView, remoting', 'OpenError: [fe02.contoso.com] Connecting to remote server fe02.contoso.com failed', { kind: 'unreachable', server: 'fe02.contoso.com' }],
    ['a parse error', "At C:\\x\\call.ps1:1 char:5\r\n+ Get-\r\nUnexpected token", { kind: 'other' }],
  ])('the text fallback (a shell that died before the script ran): %s', (_name, stderr, expected) => {
    expect(textFailureOf(stderr)).toMatchObject(expected);
  });

  it('one unreachable server among three: the others are read, the one is named', () => {
    const certificates = [{ Thumbprint: A, PreviousThumbprint: null, SourceScope: 'Global', NotAfter: '2035-01-01T00:00:00.0000000Z', EffectiveDate: null }];
    const answer = (name: string) => `${M}server ${name} ${JSON.stringify({ timeZone: 'UTC', certificates })}`;
    const failure = { server: 'fe02.contoso.com', fullyQualifiedErrorId: 'CannotConnect,PSSessionStateBroken', category: 'OpenError', exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException', message: 'Connecting to remote server fe02.contoso.com failed' };
    const records = markedRecords([answer('fe01.contoso.com'), `${M}server-error ${JSON.stringify(failure)}`, answer('fe03.contoso.com'), `${M}done`].join('\n'));
    const servers = serversOfRecords(records, ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'], 'testing');
    expect(servers.map((s) => [s.server, s.current, s.timeZone, s.unreachable?.code])).toEqual([
      ['fe01.contoso.com', A, 'UTC', undefined],
      ['fe02.contoso.com', undefined, undefined, 'SERVER_UNREACHABLE'],
      ['fe03.contoso.com', A, 'UTC', undefined],
    ]);
    expect(servers[1]!.unreachable!.message).toMatch(/^Front End Server fe02\.contoso\.com could not be reached while reading fe02\.contoso\.com: "Connecting to remote server fe02\.contoso\.com failed"/);
  });

  it('a server neither answered nor failed: SHELL_FAILED naming it', () => {
    expect(() => serversOfRecords(markedRecords(`${M}done\n`), ['fe01.contoso.com'], 'testing')).toThrow(expect.objectContaining({ code: 'SHELL_FAILED', message: expect.stringContaining('neither an answer nor an error for fe01.contoso.com') }));
  });
});

interface Capture {
  readonly format: string;
  readonly servers: string[];
  readonly calls: Array<{ name: string; exitCode: number; stdout: string; servers?: string[] }>;
}
const CAPTURES = path.join(__dirname, '..', 'fixtures', 'captures');
const capture = (name: string) => JSON.parse(fs.readFileSync(path.join(CAPTURES, name), 'utf8')) as Capture;

describe('captures replayed (test/fixtures/captures/, from the documented examples)', () => {
  const replay = (c: Capture) => {
    const call = (name: string) => c.calls.find((x) => x.name === name)!;
    const global = call('inspect-global');
    const servers = call('inspect-servers');
    return {
      ...globalOfRecords(readCall({ code: global.exitCode, stdout: global.stdout, stderr: '' }, ['powershell.exe'], 'replaying', []), 'replaying'),
      servers: serversOfRecords(readCall({ code: servers.exitCode, stdout: servers.stdout, stderr: '' }, ['powershell.exe'], 'replaying', servers.servers!), servers.servers!, 'replaying'),
    };
  };

  it('every capture is of the documented format', () => {
    const names = fs.readdirSync(CAPTURES).filter((n) => n.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(2);
    for (const name of names) expect(capture(name)).toMatchObject({ format: 'sfb-oauth-cert-capture/1', calls: expect.arrayContaining([expect.objectContaining({ name: 'inspect-global' })]) });
  });

  it('Windows PowerShell 5.1, de-DE: a pending roll on the CMS and two servers, the third unreachable, a module warning ignored', () => {
    const pending = { thumbprint: B, effectiveDate: '2026-12-01T00:00:00.000Z' };
    const fe = (server: string) => ({ server, current: A, currentNotAfter: '2027-06-30T22:00:00.000Z', previous: P, scheduled: pending, timeZone: 'W. Europe Standard Time' });
    const snapshot = replay(capture('desktop-5.1-de-DE-pending-roll.json'));
    expect(snapshot).toEqual({
      session: { timeZone: 'W. Europe Standard Time', culture: 'de-DE', psVersion: '5.1.17763.6414', edition: 'Desktop' },
      global: { server: 'global', current: A, currentNotAfter: '2027-06-30T22:00:00.000Z', previous: P, scheduled: pending },
      replicas: [
        { server: 'fe01.contoso.com', upToDate: true },
        { server: 'fe02.contoso.com', upToDate: true },
        { server: 'fe03.contoso.com', upToDate: false },
      ],
      servers: [fe('fe01.contoso.com'), fe('fe02.contoso.com'), { server: 'fe03.contoso.com', unreachable: { code: 'SERVER_UNREACHABLE', message: expect.stringContaining('Test-WSMan fe03.contoso.com') } }],
    });
  });

  it('Windows PowerShell 5.1, en-US: lower-case names, an enum as a number, \\/Date(ms)\\/, a boolean as text, a lone object, a short server name, a local assignment', () => {
    expect(replay(capture('desktop-5.1-en-US-variants.json'))).toEqual({
      session: { timeZone: 'Eastern Standard Time', culture: 'en-US', psVersion: '5.1.14393.7155', edition: 'Desktop' },
      global: { server: 'global', current: A, currentNotAfter: '2027-07-01T00:00:00.000Z' },
      replicas: [{ server: 'fe01.contoso.com', upToDate: true }],
      servers: [{ server: 'fe01.contoso.com', current: B, currentNotAfter: '2028-06-30T22:00:00.000Z', scope: 'local', timeZone: 'Eastern Standard Time' }],
    });
  });
});
