/**
 * The scripts of docs/shell-contract.md run end to end, with -File, in both editions: the
 * frame (preferences, UTF-8, Import-Module, try/catch with a structured error record, exit 1),
 * the CMS and server inspections (one unreachable server among three), and a scheduled roll
 * built from ticks (no string parsed) behind the session time zone check.
 */
import { writeFileSync } from 'node:fs';
import { contractFrame as frame } from '../harness/shell-contract';
import { fixture, Pool, type Edition } from './harness';

const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A = fixture('openssl3-default');
const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const PROPERTIES = "'Thumbprint', 'PreviousThumbprint', 'SourceScope', @{ Name = 'NotAfter'; Expression = { $_.NotAfter.ToUniversalTime().ToString('o') } }, @{ Name = 'EffectiveDate'; Expression = { if ($_.EffectiveDate) { $_.EffectiveDate.ToUniversalTime().ToString('o') } } }";

const INSPECT_CMS = `
    $session = [ordered]@{
        timeZone = [System.TimeZoneInfo]::Local.Id
        culture = [System.Globalization.CultureInfo]::CurrentCulture.Name
        psVersion = $PSVersionTable.PSVersion.ToString()
        edition = $PSVersionTable.PSEdition
    }
    Write-Output ('#sfb-oauth-cert:session ' + (ConvertTo-Json -Compress -InputObject $session))
    $global = @(Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -Property ${PROPERTIES})
    Write-Output ('#sfb-oauth-cert:global ' + (ConvertTo-Json -Depth 3 -Compress -InputObject $global))
    $replicas = @(Get-CsManagementStoreReplicationStatus | Select-Object -Property 'ReplicaFqdn', 'UpToDate')
    Write-Output ('#sfb-oauth-cert:replicas ' + (ConvertTo-Json -Depth 3 -Compress -InputObject $replicas))`;

const inspectServers = (servers: readonly string[], remoting = ''): string => `
    $remotingErrors = @()
    $answers = @(Invoke-Command -ComputerName ${servers.map(quote).join(',')}${remoting} -ErrorAction SilentlyContinue -ErrorVariable remotingErrors -ScriptBlock {
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        $WarningPreference = 'SilentlyContinue'
        Import-Module SkypeForBusiness
        $certificates = @(Get-CsCertificate -Type OAuthTokenIssuer | Select-Object -Property ${PROPERTIES})
        ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ timeZone = [System.TimeZoneInfo]::Local.Id; certificates = $certificates })
    })
    foreach ($answer in $answers) {
        Write-Output ('#sfb-oauth-cert:server ' + $answer.PSComputerName + ' ' + $answer)
    }
    foreach ($failure in $remotingErrors) {
        $server = $failure.CategoryInfo.TargetName
        if ($failure.OriginInfo) { $server = $failure.OriginInfo.PSComputerName }
        $record = [ordered]@{
            server = $server
            fullyQualifiedErrorId = $failure.FullyQualifiedErrorId
            category = $failure.CategoryInfo.Category.ToString()
            exceptionType = $failure.Exception.GetType().FullName
            message = $failure.Exception.Message
        }
        Write-Output ('#sfb-oauth-cert:server-error ' + (ConvertTo-Json -Compress -InputObject $record))
    }`;

/** ticks = (Unix ms + 62135596800000) × 10000 (docs/shell-contract.md). */
const ticks = (iso: string): string => ((BigInt(Date.parse(iso)) + 62135596800000n) * 10000n).toString();

function assignRoll(pool: Pool, zoneId: string, at: string): string {
  const { pfx, psd1 } = pool.secretFiles(A.file, A.password);
  return `
    $secret = Import-PowerShellDataFile -LiteralPath ${quote(psd1)}
    if ([System.TimeZoneInfo]::Local.Id -ne ${quote(zoneId)}) { throw ('sfb-oauth-cert:TIME_ZONE_MISMATCH session ' + [System.TimeZoneInfo]::Local.Id) }
    $effectiveDate = [System.DateTime]::new(${ticks(at)}, [System.DateTimeKind]::Utc).ToLocalTime()
    Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path ${quote(pfx)} -Password $secret.Password -EffectiveDate $effectiveDate -Roll`;
}

/** The marked lines of a run, by kind; each document parsed. */
function marked(stdout: string): { kind: string; rest: string }[] {
  return stdout.split('\n').filter((l) => l.startsWith('#sfb-oauth-cert:')).map((l) => {
    const body = l.slice('#sfb-oauth-cert:'.length);
    const space = body.indexOf(' ');
    return space < 0 ? { kind: body, rest: '' } : { kind: body.slice(0, space), rest: body.slice(space + 1) };
  });
}

const pools: Pool[] = [];
afterAll(() => pools.forEach((p) => p.cleanup()));
async function pool(edition: Edition, options: Parameters<typeof Pool.create>[0] = {}): Promise<Pool> {
  const made = await Pool.create({ edition, servers: SERVERS, timeZone: 'Europe/Berlin', culture: 'de-DE', ...options });
  pools.push(made);
  return made;
}

describe.each<[Edition, string, string]>([
  ['desktop', '5.1.17763.592', 'Desktop'],
  ['core', '7.4.6', 'Core'],
])('the contract scripts in the %s edition', (edition, psVersion, psEdition) => {
  it('inspect: the session facts, the global assignment, the replicas; the servers answer, the unreachable one is a record', async () => {
    const p = await pool(edition, { sessionCulture: 'en-US', unreachable: ['fe02.contoso.com'] });
    const before = await p.file(frame(edition, INSPECT_CMS + inspectServers(SERVERS, ' -Authentication Kerberos -UseSSL -Port 5986')));
    expect(before.code).toBe(0);
    expect(before.stderr).toBe('');
    await p.ok(p.importScript('openssl3-default'));
    const result = await p.file(frame(edition, INSPECT_CMS + inspectServers(SERVERS)));
    expect(result.code).toBe(0);
    const lines = marked(result.stdout);
    expect(lines.map((l) => l.kind)).toEqual(['session', 'global', 'replicas', 'server', 'server', 'server-error', 'done']);
    expect(JSON.parse(lines[0]?.rest ?? '')).toEqual({ timeZone: 'W. Europe Standard Time', culture: 'en-US', psVersion, edition: psEdition });
    expect(JSON.parse(lines[1]?.rest ?? '')).toEqual([{ Thumbprint: A.thumbprint, PreviousThumbprint: null, SourceScope: 'Global', NotAfter: '2035-01-01T00:00:00.0000000Z', EffectiveDate: '2026-06-01T00:00:00.0000000Z' }]);
    expect(JSON.parse(lines[2]?.rest ?? '')).toEqual(SERVERS.map((s) => ({ ReplicaFqdn: s, UpToDate: true })));
    expect(lines[3]?.rest).toBe(`fe01.contoso.com {"timeZone":"W. Europe Standard Time","certificates":[{"Thumbprint":"${A.thumbprint}","PreviousThumbprint":null,"SourceScope":"Global","NotAfter":"2035-01-01T00:00:00.0000000Z","EffectiveDate":"2026-06-01T00:00:00.0000000Z"}]}`);
    expect(lines[4]?.rest.startsWith('fe03.contoso.com {')).toBe(true);
    const failure = JSON.parse(lines[5]?.rest ?? '') as Record<string, string>;
    expect(failure).toMatchObject({
      server: 'fe02.contoso.com',
      fullyQualifiedErrorId: 'CannotConnect,PSSessionStateBroken',
      category: 'OpenError',
      exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException',
    });
    expect(failure.message).toMatch(/^Connecting to remote server fe02\.contoso\.com failed with the following error message : WinRM cannot complete the operation\./);
  });

  it('each server reports its own zone (a Windows id); admin refuses a zone Windows has no id for', async () => {
    const p = await pool(edition);
    expect((await p.admin('configure', '--server-time-zone', 'fe03.contoso.com=America/New_York')).code).toBe(0);
    const result = await p.file(frame(edition, inspectServers(SERVERS)));
    const zones = marked(result.stdout).filter((l) => l.kind === 'server').map((l) => [l.rest.split(' ')[0], (JSON.parse(l.rest.slice(l.rest.indexOf(' ') + 1)) as { timeZone: string }).timeZone]);
    expect(zones).toEqual([['fe01.contoso.com', 'W. Europe Standard Time'], ['fe02.contoso.com', 'W. Europe Standard Time'], ['fe03.contoso.com', 'Eastern Standard Time']]);
    const refused = await p.admin('configure', '--session-time-zone', 'Antarctica/Troll');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the time zone "Antarctica/Troll" has no Windows id in CLDR\'s map (windows-iana)');
  });

  it('a scheduled roll from ticks lands at its instant whatever the session culture; a session in another zone is refused by the check', async () => {
    const p = await pool(edition, { sessionCulture: 'en-US' });
    const roll = await p.file(frame(edition, assignRoll(p, 'W. Europe Standard Time', '2026-12-01T00:00:00Z')));
    expect(roll.stdout).toBe('#sfb-oauth-cert:done\n');
    expect(roll.code).toBe(0);
    const show = await p.show();
    expect(show.cms.assignments.OAuthTokenIssuer?.scheduled).toEqual({ thumbprint: A.thumbprint, effectiveDate: '2026-12-01T00:00:00.000Z' });

    const elsewhere = await pool(edition, { sessionTimeZone: 'UTC' });
    const refused = await elsewhere.file(frame(edition, assignRoll(elsewhere, 'W. Europe Standard Time', '2026-12-01T00:00:00Z')));
    expect(refused.code).toBe(1);
    expect(marked(refused.stdout)).toEqual([{ kind: 'error', rest: JSON.stringify({
      fullyQualifiedErrorId: 'sfb-oauth-cert:TIME_ZONE_MISMATCH session UTC',
      category: 'OperationStopped',
      targetName: 'sfb-oauth-cert:TIME_ZONE_MISMATCH session UTC',
      exceptionType: 'System.Management.Automation.RuntimeException',
      message: 'sfb-oauth-cert:TIME_ZONE_MISMATCH session UTC',
    }) }]);
    expect((await elsewhere.show()).cms.assignments.OAuthTokenIssuer).toBeUndefined();
  });

  it('a cmdlet failure in the body is caught: the error record names it, exit 1, nothing after it ran', async () => {
    const p = await pool(edition);
    const result = await p.file(frame(edition, "    Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '0000000000000000000000000000000000000000'\n    Write-Output '#sfb-oauth-cert:after'"));
    expect(result.code).toBe(1);
    const lines = marked(result.stdout);
    expect(lines.map((l) => l.kind)).toEqual(['error']);
    expect(JSON.parse(lines[0]?.rest ?? '')).toMatchObject({ fullyQualifiedErrorId: 'Set-CsCertificateFailed', category: 'NotSpecified', message: expect.stringContaining('is not in the certificate store') });
  });

  it('a binding error carries PowerShell\'s FullyQualifiedErrorId and category', async () => {
    const p = await pool(edition);
    const result = await p.file(frame(edition, '    Get-CsCertificate -Bogus'));
    expect(result.code).toBe(1);
    expect(JSON.parse(marked(result.stdout)[0]?.rest ?? '')).toEqual({
      fullyQualifiedErrorId: 'NamedParameterNotFound,Microsoft.Rtc.Management.Deployment.GetCsCertificateCmdlet',
      category: 'InvalidArgument',
      targetName: '',
      exceptionType: 'System.Management.Automation.ParameterBindingException',
      message: "A parameter cannot be found that matches parameter name 'Bogus'.",
    });
  });

  it('a credential from a data file: Invoke-Command takes the PSCredential; a user name alone is refused (NonInteractive)', async () => {
    const p = await pool(edition);
    const dir = p.secretFiles(A.file, null);
    const credentialFile = dir.psd1.replace(/secret\.psd1$/, 'credential.psd1');
    writeFileSync(credentialFile, "\uFEFF@{ UserName = 'CONTOSO\\svc-sfb'; Password = 'S3cret-Pa55!' }\n", { mode: 0o600 });
    const credential = `
    $credentialData = Import-PowerShellDataFile -LiteralPath ${quote(credentialFile)}
    $credential = [System.Management.Automation.PSCredential]::new($credentialData.UserName, (ConvertTo-SecureString -String $credentialData.Password -AsPlainText -Force))`;
    const ok = await p.file(frame(edition, credential + inspectServers(['fe01.contoso.com'], ' -Authentication CredSSP -Credential $credential -ConfigurationName \'Microsoft.PowerShell\'')));
    expect(marked(ok.stdout).map((l) => l.kind)).toEqual(['server', 'done']);
    const refused = await p.file(frame(edition, inspectServers(['fe01.contoso.com'], " -Credential 'CONTOSO\\svc-sfb'")));
    expect(refused.code).toBe(1);
    expect(JSON.parse(marked(refused.stdout)[0]?.rest ?? '')).toMatchObject({ message: 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.' });
  });
});
