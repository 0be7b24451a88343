/**
 * The emulator accepts the documented cmdlets, parameter sets and parameter types
 * (skype-cmdlets.md section 1) and answers anything else as PowerShell 7 would: each row runs
 * the emulator as a process, the script on stdin.
 */
import { join } from 'node:path';
import { A, fixture, Pool } from './harness';

const B = fixture('rsa-4096').thumbprint;
const AMBIGUOUS = 'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.';
const NON_INTERACTIVE = 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';

let pool: Pool;
/** Paths of secret files for fixture B, made once. */
let b: { pfx: string; psd1: string };

beforeAll(async () => {
  // These rows are PowerShell 7's words (ConciseView, -AsArray); desktop-cmdlets.test.ts has 5.1's.
  pool = await Pool.create({ edition: 'core' });
  const importA = pool.importScript('openssl3-default');
  await pool.ok(importA);
  b = pool.secretFiles(fixture('rsa-4096').file, fixture('rsa-4096').password);
  // B in fe01's local store (the Local set), so Set-CsCertificate -Thumbprint finds it there.
  await pool.ok(`$s = Import-PowerShellDataFile -LiteralPath '${b.psd1}'\nImport-CsCertificate -Path '${b.pfx}' -Password $s.Password`);
});
afterAll(() => pool.cleanup());

const withSecret = (line: string): string => `$s = Import-PowerShellDataFile -LiteralPath '${b.psd1}'\n${line.replace(/PFX/g, b.pfx)}`;

describe('accepted: every parameter set of the documented cmdlets', () => {
  it.each<[string, () => string, RegExp?]>([
    ['Set: Thumbprint set, immediate', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${B}'`],
    ['Set: Thumbprint set, roll with -EffectiveDate', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate '12/1/2026 12:00:00 AM' -Roll`],
    ['Set: the EffectiveTime alias', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveTime '12/2/2026 12:00:00 AM' -Roll`],
    ['Set: a unique prefix of a name (-Eff)', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -Eff '12/3/2026' -Roll`],
    ['Set: names in any case, -Roll:$true', () => `set-cscertificate -identity global -TYPE oauthtokenissuer -thumbprint '${A}' -effectivedate '12/3/2026' -Roll:$true`],
    ['Set: Thumbprint set without -Identity (the local computer, fe01)', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B}'`],
    ['Set: Thumbprint set with -NetportId, -Force and -Report', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B}' -NetportId 'x' -Force -Report '${join(pool.dir, 'report.html')}'`],
    ['Set: thumbprint in lower case with spaces', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B.toLowerCase().replace(/(..)/g, '$1 ')}'`],
    ['Set: a variable from a member access (the S2S example)', () => `$x = (Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -First 1).Thumbprint\nSet-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint $x`],
    ['Set: CertificateReference set from the pipeline (ByValue)', () => 'Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -First 1 | Set-CsCertificate -Identity Global -Type OAuthTokenIssuer'],
    ['Set: CertificateReference set with -Reference', () => '$r = Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -First 1\nSet-CsCertificate -Reference $r'],
    ['Set: Path set', () => withSecret(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path 'PFX' -Password $s.Password`)],
    ['Set: -Confirm:$false', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${B}' -Confirm:$false`],
    ['Set: -WhatIf changes nothing and says so', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -WhatIf`, /^What if: Performing the operation "Set-CsCertificate" on target "OAuthTokenIssuer"\.\n$/],
    ['Import: Local set (the default)', () => withSecret(`Import-CsCertificate -Path 'PFX' -Password $s.Password`)],
    ['Import: Local set with -PrivateKeyExportable $True (a Boolean)', () => withSecret(`Import-CsCertificate -Path 'PFX' -Password $s.Password -PrivateKeyExportable $True`)],
    ['Import: Local set with -PrivateKeyExportable 1', () => withSecret(`Import-CsCertificate -Path 'PFX' -Password $s.Password -PrivateKeyExportable 1`)],
    ['Import: CMS set', () => withSecret(`Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path 'PFX' -Password $s.Password`)],
    ['Import: CMS set, -Identity by position', () => withSecret(`Import-CsCertificate Global -Type OAuthTokenIssuer -Path 'PFX' -Password $s.Password`)],
    ['Import: CMS set with a roll (-EffectiveTime, as the doc example)', () => withSecret(`Import-CsCertificate -Identity global -Type OAuthTokenIssuer -Path 'PFX' -Password $s.Password -EffectiveTime '7/31/2027 8:00 AM' -Roll -Force`)],
    ['Import: a quoted type list', () => withSecret(`Import-CsCertificate -Identity Global -Type 'OAuthTokenIssuer','Default' -Path 'PFX' -Password $s.Password`)],
    ['Get: no parameters', () => 'Get-CsCertificate'],
    ['Get: -Type', () => 'Get-CsCertificate -Type OAuthTokenIssuer'],
    ['Get: -Identity by position', () => 'Get-CsCertificate global'],
    ['Get: a quoted type array, -NetportId, -Report', () => `Get-CsCertificate -Identity Global -Type 'Default','OAuthTokenIssuer' -NetportId 'x' -Report '${join(pool.dir, 'get.html')}'`],
    ['Remove: -Previous (the local computer)', () => 'Remove-CsCertificate -Type OAuthTokenIssuer -Previous'],
    ['Remove: -WhatIf', () => 'Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Force -WhatIf', /^What if: Performing the operation "Remove-CsCertificate" on target "OAuthTokenIssuer"\.\n$/],
    ['Remove: -Identity Global by position, -Previous, -NetportId, -Report', () => `Remove-CsCertificate Global -Type OAuthTokenIssuer -Previous -NetportId 'x' -Report '${join(pool.dir, 'remove.html')}'`],
    ['Remove: a quoted type list, -Previous -Force, -Confirm:$false', () => "Remove-CsCertificate -Identity Global -Type 'Default','OAuthTokenIssuer' -Previous -Force -Confirm:$false"],
    ['Remove: -Type omitted, -WhatIf (every type assigned on the local computer)', () => 'Remove-CsCertificate -WhatIf', /^What if: Performing the operation "Remove-CsCertificate" on target "OAuthTokenIssuer"\.\n$/],
    ['Remove: a type with nothing assigned does nothing', () => "Remove-CsCertificate -Type 'WebServicesExternal'"],
    ['Replication status: no parameters', () => 'Get-CsManagementStoreReplicationStatus'],
    ['Replication status: -ReplicaFqdn by position', () => "Get-CsManagementStoreReplicationStatus 'fe02.contoso.com'"],
    ['Replication status: -CentralManagementStoreStatus', () => 'Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus'],
    ['Replication: no parameters', () => 'Invoke-CsManagementStoreReplication'],
    ['Replication: -ReplicaFqdn and -Force', () => "Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe02.contoso.com' -Force"],
    ['Common parameters: -ErrorAction, -Verbose', () => 'Get-CsCertificate -ErrorAction Stop -Verbose'],
    ['$ErrorActionPreference and ; separators', () => "$ErrorActionPreference = 'Stop'; Get-CsCertificate; "],
    // A rest parameter: jest passes a `done` callback to a function declaring more parameters than the row has.
  ])('%s', async (...row: [string, () => string, RegExp?]) => {
    const [, script, stdout] = row;
    const result = await pool.ps(script());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    if (stdout) expect(result.stdout).toMatch(stdout);
  });
});

describe('refused as PowerShell refuses', () => {
  it.each<[string, () => string, string]>([
    ['an unknown cmdlet', () => 'Foo -Bar 1', "Foo: The term 'Foo' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."],
    ['a real cmdlet outside the subset', () => 'Get-Process', "Get-Process: The term 'Get-Process' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."],
    ['Export-CsCertificate (not in the docs)', () => 'Export-CsCertificate -Type OAuthTokenIssuer', "Export-CsCertificate: The term 'Export-CsCertificate' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."],
    ['an unknown parameter', () => `Set-CsCertificate -Thumbprint '${A}' -Bar 1`, "Set-CsCertificate: A parameter cannot be found that matches parameter name 'Bar'."],
    ['a parameter of another cmdlet (-Previous on Set)', () => `Set-CsCertificate -Thumbprint '${A}' -Previous`, "Set-CsCertificate: A parameter cannot be found that matches parameter name 'Previous'."],
    ['-Roll on Get', () => 'Get-CsCertificate -Roll', "Get-CsCertificate: A parameter cannot be found that matches parameter name 'Roll'."],
    ['an ambiguous prefix', () => `Set-CsCertificate -Thumbprint '${A}' -E '12/1/2026'`, "Set-CsCertificate: Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches include: -EffectiveDate -ErrorAction -ErrorVariable."],
    ['Set: no Thumbprint, Path or Reference', () => 'Set-CsCertificate -Identity Global -Type OAuthTokenIssuer', `Set-CsCertificate: ${AMBIGUOUS}`],
    ['Set: -Thumbprint with -Path', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -Path '/x.pfx'`, `Set-CsCertificate: ${AMBIGUOUS}`],
    ['Set: -Password outside the Path set', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -Password 'x'`, `Set-CsCertificate: ${AMBIGUOUS}`],
    ['Set: -NetportId in the Path set', () => "Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '/x.pfx' -NetportId 'x'", `Set-CsCertificate: ${AMBIGUOUS}`],
    ['Set: Path set without -Identity and -Type', () => "Set-CsCertificate -Path '/x.pfx'", 'Set-CsCertificate: Cannot process command because of one or more missing mandatory parameters: Identity Type.'],
    ['Set: -Roll without -EffectiveDate', () => `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}' -Roll`, 'Set-CsCertificate: Command execution failed: The Roll parameter requires the EffectiveDate parameter; give -EffectiveDate with -Roll (the date the new certificate becomes current).'],
    ['Import: -Roll without -EffectiveDate', () => withSecret("Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path 'PFX' -Password $s.Password -Roll"), 'Import-CsCertificate: Command execution failed: The Roll parameter requires the EffectiveDate parameter; give -EffectiveDate with -Roll (the date the new certificate becomes current).'],
    ['Set: no -Type', () => `Set-CsCertificate -Thumbprint '${A}'`, 'Set-CsCertificate: Command execution failed: Specify the certificate use with -Type (for example -Type OAuthTokenIssuer); the emulator does not guess one (docs/skype-emulator.md).'],
    ['Set: a certificate never imported', () => "Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '0000000000000000000000000000000000000000'", 'Set-CsCertificate: Command execution failed: The certificate with thumbprint "0000000000000000000000000000000000000000" is not in the certificate store of fe01.contoso.com nor imported globally; import it first (Import-CsCertificate).'],
    ['Set: a type that is no CertType', () => `Set-CsCertificate -Type OAuthTokenIssuers -Thumbprint '${A}'`, 'Set-CsCertificate: Cannot bind parameter \'Type\'. Cannot convert value "OAuthTokenIssuers" to type "Microsoft.Rtc.Management.Deployment.CertType". Error: "Unable to match the identifier name OAuthTokenIssuers to a valid enumerator name. Specify one of the following enumerator names and try again: AccessEdgeExternal, AudioVideoAuthentication, DataEdgeExternal, Default, External, Internal, WebServicesExternal, WebServicesInternal, WsFedTokenTransfer, PICWebService, ProvisionService, iPhoneAPNService, iPadAPNService, MPNService, OAuthTokenIssuer, LogRetentionService, SMPDNSWebService, TenantAdmin, UpgradeEngineService, XMPPServer"'],
    ['Set: a date that is no DateTime', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate 'next Monday' -Roll`, 'Set-CsCertificate: Cannot bind parameter \'EffectiveDate\'. Cannot convert value "next Monday" to type "System.DateTime". Error: "String \'next Monday\' was not recognized as a valid DateTime."'],
    ['Set: an en-GB date on an en-US server', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate '31/12/2026 00:00:00' -Roll`, 'Set-CsCertificate: Cannot bind parameter \'EffectiveDate\'. Cannot convert value "31/12/2026 00:00:00" to type "System.DateTime". Error: "String \'31/12/2026 00:00:00\' was not recognized as a valid DateTime."'],
    ['Set: a number as the date', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -EffectiveDate 5 -Roll`, 'Set-CsCertificate: Cannot bind parameter \'EffectiveDate\'. Cannot convert value "5" to type "System.DateTime". Error: "Invalid cast from \'System.Int32\' to \'DateTime\'."'],
    ['Set: an identity other than Global', () => `Set-CsCertificate -Identity 'site:Redmond' -Type OAuthTokenIssuer -Thumbprint '${A}'`, 'Set-CsCertificate: Cannot bind parameter \'Identity\'. Cannot convert value "site:Redmond" to type "Microsoft.Rtc.Management.Xds.XdsIdentity". Error: "The Skype emulator models the global scope only: use -Identity Global (docs/skype-emulator.md)."'],
    ['Set: a missing argument', () => `Set-CsCertificate -Thumbprint '${A}' -Type`, "Set-CsCertificate: Missing an argument for parameter 'Type'. Specify a parameter of type 'Microsoft.Rtc.Management.Deployment.CertType[]' and try again."],
    ['Set: a parameter twice', () => `Set-CsCertificate -Thumbprint '${A}' -Type OAuthTokenIssuer -Type Default`, 'Set-CsCertificate: Cannot bind parameter because parameter \'Type\' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".'],
    ['Set: a string for a switch', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -Roll:'yes'`, 'Set-CsCertificate: Cannot process argument transformation on parameter \'Roll\'. Cannot convert the "yes" value of type "System.String" to type "System.Management.Automation.SwitchParameter".'],
    ['Set: a stray positional argument', () => `Set-CsCertificate '${A}'`, `Set-CsCertificate: A positional parameter cannot be found that accepts argument '${A}'.`],
    ['Set: a string for -Reference', () => "Set-CsCertificate -Reference 'x' -Type OAuthTokenIssuer", 'Set-CsCertificate: Cannot bind parameter \'Reference\'. Cannot convert the "x" value of type "System.String" to type "Microsoft.Rtc.Management.Deployment.CertificateReference".'],
    ['Set: -Confirm cannot prompt', () => `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${A}' -Confirm`, `Set-CsCertificate: ${NON_INTERACTIVE}`],
    ['Import: CMS set without -Type', () => "Import-CsCertificate -Identity Global -Path '/x.pfx'", 'Import-CsCertificate: Cannot process command because of one or more missing mandatory parameters: Type.'],
    ['Import: -Type without -Identity', () => "Import-CsCertificate -Type OAuthTokenIssuer -Path '/x.pfx'", 'Import-CsCertificate: Cannot process command because of one or more missing mandatory parameters: Identity.'],
    ['Import: no -Path', () => 'Import-CsCertificate', 'Import-CsCertificate: Cannot process command because of one or more missing mandatory parameters: Path.'],
    ['Import: -PrivateKeyExportable with the CMS set', () => "Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '/x.pfx' -PrivateKeyExportable $true", `Import-CsCertificate: ${AMBIGUOUS}`],
    ['Import: a string for the Boolean -PrivateKeyExportable', () => "Import-CsCertificate -Path '/x.pfx' -PrivateKeyExportable 'yes'", 'Import-CsCertificate: Cannot process argument transformation on parameter \'PrivateKeyExportable\'. Cannot convert value "System.String" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.'],
    ['Import: -PrivateKeyExportable used as a switch', () => "Import-CsCertificate -Path '/x.pfx' -PrivateKeyExportable", "Import-CsCertificate: Missing an argument for parameter 'PrivateKeyExportable'. Specify a parameter of type 'System.Boolean' and try again."],
    ['Import: an empty -Path', () => "Import-CsCertificate -Path ''", "Import-CsCertificate: Cannot bind argument to parameter 'Path' because it is an empty string."],
    ['Import: a file that does not exist', () => "Import-CsCertificate -Path '/nonexistent/x.pfx'", "Import-CsCertificate: Cannot find path '/nonexistent/x.pfx' because it does not exist."],
    ['Remove: the global current certificate without -Force (it asks)', () => 'Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer', `Remove-CsCertificate: ${NON_INTERACTIVE}`],
    ['Remove: the local current certificate without -Force (it asks)', () => 'Remove-CsCertificate -Type OAuthTokenIssuer', `Remove-CsCertificate: ${NON_INTERACTIVE}`],
    ['Remove: -Confirm cannot prompt', () => 'Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Confirm', `Remove-CsCertificate: ${NON_INTERACTIVE}`],
    ['Remove: an identity other than Global', () => "Remove-CsCertificate -Identity 'site:Redmond' -Type OAuthTokenIssuer -Previous", 'Remove-CsCertificate: Cannot bind parameter \'Identity\'. Cannot convert value "site:Redmond" to type "Microsoft.Rtc.Management.Xds.XdsIdentity". Error: "The Skype emulator models the global scope only: use -Identity Global (docs/skype-emulator.md)."'],
    ['Remove: a value for the -Previous switch', () => "Remove-CsCertificate -Type OAuthTokenIssuer -Previous:'yes'", 'Remove-CsCertificate: Cannot process argument transformation on parameter \'Previous\'. Cannot convert the "yes" value of type "System.String" to type "System.Management.Automation.SwitchParameter".'],
    ['Remove: a stray second positional argument', () => "Remove-CsCertificate Global 'extra'", "Remove-CsCertificate: A positional parameter cannot be found that accepts argument 'extra'."],
    ['Remove: a type that is no CertType', () => 'Remove-CsCertificate -Type OAuth -Previous', 'Remove-CsCertificate: Cannot bind parameter \'Type\'. Cannot convert value "OAuth" to type "Microsoft.Rtc.Management.Deployment.CertType". Error: "Unable to match the identifier name OAuth to a valid enumerator name. Specify one of the following enumerator names and try again: AccessEdgeExternal, AudioVideoAuthentication, DataEdgeExternal, Default, External, Internal, WebServicesExternal, WebServicesInternal, WsFedTokenTransfer, PICWebService, ProvisionService, iPhoneAPNService, iPadAPNService, MPNService, OAuthTokenIssuer, LogRetentionService, SMPDNSWebService, TenantAdmin, UpgradeEngineService, XMPPServer"'],
    ['Replication status: an unknown parameter', () => 'Get-CsManagementStoreReplicationStatus -Fqdn x', "Get-CsManagementStoreReplicationStatus: A parameter cannot be found that matches parameter name 'Fqdn'."],
    ['Replication: a replica not in the topology', () => "Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe09.contoso.com'", 'Invoke-CsManagementStoreReplication: Command execution failed: "fe09.contoso.com" is not a replica in the topology; give one of fe01.contoso.com, fe02.contoso.com, fe03.contoso.com.'],
    ['Invoke-Command: an unknown computer (a non-terminating error: the last statement failed)', () => "Invoke-Command -ComputerName 'fe09.contoso.com' -ScriptBlock { Get-CsCertificate }", 'OpenError: [fe09.contoso.com] Connecting to remote server fe09.contoso.com failed with the following error message : WinRM cannot process the request because the computer name could not be resolved. For more information, see the about_Remote_Troubleshooting Help topic.'],
    ['Invoke-Command: a string for -ScriptBlock', () => "Invoke-Command -ComputerName 'fe01.contoso.com' -ScriptBlock 'Get-CsCertificate'", 'Invoke-Command: Cannot bind parameter \'ScriptBlock\'. Cannot convert the "Get-CsCertificate" value of type "System.String" to type "System.Management.Automation.ScriptBlock".'],
    ['ConvertTo-Json: -Depth over 100', () => 'Get-CsCertificate | ConvertTo-Json -Depth 101', "ConvertTo-Json: Cannot validate argument on parameter 'Depth'. The 101 argument is greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100 and then try the command again."],
    ['ConvertTo-Json: -Depth not a number', () => "Get-CsCertificate | ConvertTo-Json -Depth 'deep'", 'ConvertTo-Json: Cannot bind parameter \'Depth\'. Cannot convert value "deep" to type "System.Int32". Error: "The input string \'deep\' was not in a correct format."'],
    ['pipeline input into a cmdlet that takes none', () => 'Get-CsCertificate | Get-CsCertificate', 'Get-CsCertificate: The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.'],
    ['Select-Object: -ExpandProperty of a missing property', () => 'Get-CsCertificate -Identity Global | Select-Object -First 1 -ExpandProperty Nope', 'Select-Object: Property "Nope" cannot be found.'],
    ['Import-PowerShellDataFile: a missing file', () => "Import-PowerShellDataFile -LiteralPath '/nonexistent.psd1'", "Import-PowerShellDataFile: Cannot find path '/nonexistent.psd1' because it does not exist."],
  ])('%s', async (_name, script, stderr) => {
    const result = await pool.ps(script());
    expect(result.stderr).toBe(`${stderr}\n`);
    expect(result.code).toBe(1);
  });

  // Run with -File: under -Command - an unfinished line waits for more input and is dropped at
  // the end of stdin (desktop.test.ts), so nothing would be reported.
  it.each<[string, string, string]>([
    ['a syntax error (hasError): unbalanced parenthesis', '$x = (Get-CsCertificate -Type Default', "ParserError: Line 1, column 1: unexpected '$x = (Get-CsCertificate -Type Default': the script is not valid PowerShell."],
    ['a syntax error on a later line', 'Get-CsCertificate\nGet-CsCertificate -Type {', "ParserError: Line 2, column 1: unexpected 'Get-CsCertificate -Type {': the script is not valid PowerShell."],
    // tree-sitter-powershell 0.26.4 parses `A,B` in argument mode as an error (hasError): lists are quoted ('A','B').
    ['a bare-word list (the grammar needs quoted values)', "Get-CsCertificate -Type OAuthTokenIssuer,Default -Identity 'Global'", "ParserError: Line 1, column 41: missing ' ': the script is not valid PowerShell (a list in a command argument must quote each item: 'A', 'B'; tree-sitter-powershell cannot parse bare-word lists)."],
  ])('%s (-File)', async (_name, script, stderr) => {
    const result = await pool.file(script);
    expect(result.stderr).toBe(`${stderr}\n`);
    expect(result.code).toBe(1);
  });

  it.each([
    ['a while loop', 'while ($false) { Get-CsCertificate }'],
    ['a switch statement', 'switch (1) { 1 { Get-CsCertificate } }'],
    ['a pipeline chain operator', 'Get-CsCertificate && Get-CsCertificate'],
    ['an arithmetic operator other than +', '$x = 1 * 2'],
    ['an environment variable', '$x = $env:HOME'],
    ['a redirection', "Get-CsCertificate > '/tmp/x'"],
    ['a function definition', 'function Foo { Get-CsCertificate }'],
    ['a static method call', "$x = [System.IO.File]::ReadAllText('/etc/hostname')"],
    ['the call operator', "& 'Get-CsCertificate'"],
  ])('outside the accepted subset: %s', async (_name, script) => {
    const result = await pool.ps(script);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^(NotSupported: The Skype emulator does not accept .*\(docs\/skype-emulator\.md\)\.|ParserError: .*|InvalidOperation: Unable to find type \[System\.IO\.File\]\.)\n$/);
  });

  it('outside the accepted subset: a here-string (-File: on stdin its lines wait for an empty line)', async () => {
    const result = await pool.file("$x = @'\nabc\n'@");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^NotSupported: The Skype emulator does not accept a here-string .*\n$/);
  });
});
