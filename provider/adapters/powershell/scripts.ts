/**
 * The scripts the adapter sends, exactly as docs/shell-contract.md fixes them: each runs with
 * `-File` as one unit inside the frame (preferences, UTF-8 output, the SkypeForBusiness module, a
 * structured `error` record on a terminating error, `done` at the end); every line the adapter
 * reads starts with {@link MARK}. Dates are written by the script in the round-trip format; a
 * scheduled roll's DateTime is built from ticks, so no culture is ever involved.
 *
 * Every value is a single-quoted literal; no script holds a secret: the PFX, its password and the
 * remoting credential are read from files in the call's private directory.
 */
import { join } from 'node:path';
import type { PoolEdition, PoolRemoting } from '../../domain/front-end-pool-spec';

/** The prefix of every output line the adapter reads; any other line is ignored. */
export const MARK = '#sfb-oauth-cert:';

// PowerShell reads ' and the typographic quotes ‘ ’ ‚ ‛ all as a single quote; doubling each
// keeps it inside a single-quoted string, where nothing else is special.
const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** A PowerShell single-quoted string literal of `value`. */
export function singleQuoted(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (q) => q + q)}'`;
}

/** The files of a call's private directory, by the names the adapter writes them under (index.ts). */
export const CALL_FILES = { script: 'call.ps1', pfx: 'cert.pfx', secret: 'secret.psd1', credential: 'credential.psd1' } as const;

/**
 * How a printed plan shows a path in a call's private directory: the directory is made afresh
 * for each call and removed after it, so a placeholder stands for it; the scripts are otherwise
 * exactly what is sent (the secrets are in those files, never in a script).
 */
export const CALL_DIRECTORY_PLACEHOLDER = '<call directory>';

/** The path a printed plan shows for one of a call's files. */
export function placeholderPath(file: keyof typeof CALL_FILES): string {
  return join(CALL_DIRECTORY_PLACEHOLDER, CALL_FILES[file]);
}

/** Which shell runs the script and how it reaches the servers. */
export interface ScriptContext {
  readonly edition: PoolEdition;
  readonly remoting: PoolRemoting;
  /** The credential data file (`credential.psd1`) when `remoting.credential` is set. */
  readonly credentialPath?: string;
}

/** `Import-Module SkypeForBusiness`; PowerShell 7 proxies only system32 modules by itself. */
function importModule(edition: PoolEdition): string {
  return edition === 'core' ? 'Import-Module SkypeForBusiness -UseWindowsPowerShell' : 'Import-Module SkypeForBusiness';
}

// Remote script blocks inherit none of the caller's preferences (about_Remote_Variables).
export const REMOTE_PREFERENCES = ["$ErrorActionPreference = 'Stop'", "$ProgressPreference = 'SilentlyContinue'", "$WarningPreference = 'SilentlyContinue'"];

/** The contract's frame around `body` (lines, unindented). */
export function framed(edition: PoolEdition, body: readonly string[]): string {
  const indent = (lines: readonly string[]) => lines.map((line) => (line === '' ? '' : `    ${line}`));
  return [
    ...REMOTE_PREFERENCES,
    '[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)',
    'try {',
    ...indent([importModule(edition), ...body, `Write-Output '${MARK}done'`]),
    '}',
    'catch {',
    ...indent([
      '$failure = $_',
      '$record = [ordered]@{',
      '    fullyQualifiedErrorId = $failure.FullyQualifiedErrorId',
      '    category = $failure.CategoryInfo.Category.ToString()',
      '    targetName = $failure.CategoryInfo.TargetName',
      '    exceptionType = $failure.Exception.GetType().FullName',
      '    message = $failure.Exception.Message',
      '}',
      `Write-Output ('${MARK}error ' + (ConvertTo-Json -Compress -InputObject $record))`,
      'exit 1',
    ]),
    '}',
    '',
  ].join('\n');
}

/** The properties of a CertificateReference the provider uses; dates as UTC round-trip strings. */
// Names quoted: a bare-word list in argument mode is not valid to tree-sitter-powershell, the
// grammar the emulator checks scripts with (PowerShell itself takes both).
const CERTIFICATE_PROPERTIES =
  "'Thumbprint', 'PreviousThumbprint', 'SourceScope', @{ Name = 'NotAfter'; Expression = { $_.NotAfter.ToUniversalTime().ToString('o') } }, @{ Name = 'EffectiveDate'; Expression = { if ($_.EffectiveDate) { $_.EffectiveDate.ToUniversalTime().ToString('o') } } }";

/** The session's facts, the CMS's global assignment, the replicas: `session`, `global`, `replicas` lines. */
export function globalInspectScript(context: ScriptContext): string {
  return framed(context.edition, [
    '$session = [ordered]@{',
    '    timeZone = [System.TimeZoneInfo]::Local.Id',
    '    culture = [System.Globalization.CultureInfo]::CurrentCulture.Name',
    '    psVersion = $PSVersionTable.PSVersion.ToString()',
    '    edition = $PSVersionTable.PSEdition',
    '}',
    `Write-Output ('${MARK}session ' + (ConvertTo-Json -Compress -InputObject $session))`,
    `$global = @(Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | Select-Object -Property ${CERTIFICATE_PROPERTIES})`,
    `Write-Output ('${MARK}global ' + (ConvertTo-Json -Depth 3 -Compress -InputObject $global))`,
    "$replicas = @(Get-CsManagementStoreReplicationStatus | Select-Object -Property 'ReplicaFqdn', 'UpToDate')",
    `Write-Output ('${MARK}replicas ' + (ConvertTo-Json -Depth 3 -Compress -InputObject $replicas))`,
  ]);
}

/** `Invoke-Command`'s remoting parameters, each only when set (docs/shell-contract.md `<REMOTING>`). */
export function remotingParameters(remoting: PoolRemoting): string {
  const parts: string[] = [];
  if (remoting.authentication) parts.push(`-Authentication ${remoting.authentication}`);
  if (remoting.credential) parts.push('-Credential $credential');
  if (remoting.useSsl) parts.push('-UseSSL');
  if (remoting.port !== undefined) parts.push(`-Port ${remoting.port}`);
  if (remoting.configurationName) parts.push(`-ConfigurationName ${singleQuoted(remoting.configurationName)}`);
  return parts.map((p) => ` ${p}`).join('');
}

/** The lines that read the credential from its data file (never from the script's text). */
export function credentialLines(context: ScriptContext): string[] {
  if (!context.remoting.credential) return [];
  if (context.credentialPath === undefined) throw new Error('credentialLines: the credential file path is missing');
  return [
    `$credentialData = Import-PowerShellDataFile -LiteralPath ${singleQuoted(context.credentialPath)}`,
    '$credential = [System.Management.Automation.PSCredential]::new($credentialData.UserName, (ConvertTo-SecureString -String $credentialData.Password -AsPlainText -Force))',
  ];
}

/**
 * What each of `servers` holds, through remoting: one `server` line per server that answered,
 * one `server-error` line per server that could not be read. The remote block converts to JSON
 * itself: remoting serializes objects to depth 1.
 */
export function serversInspectScript(servers: readonly string[], context: ScriptContext): string {
  return framed(context.edition, [
    ...credentialLines(context),
    '$remotingErrors = @()',
    `$answers = @(Invoke-Command -ComputerName ${servers.map(singleQuoted).join(',')}${remotingParameters(context.remoting)} -ErrorAction SilentlyContinue -ErrorVariable remotingErrors -ScriptBlock {`,
    ...REMOTE_PREFERENCES.map((line) => `    ${line}`),
    // The remote end is the Front End's own endpoint (Windows PowerShell 5.1): a plain import.
    '    Import-Module SkypeForBusiness',
    `    $certificates = @(Get-CsCertificate -Type OAuthTokenIssuer | Select-Object -Property ${CERTIFICATE_PROPERTIES})`,
    '    ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ timeZone = [System.TimeZoneInfo]::Local.Id; certificates = $certificates })',
    '})',
    'foreach ($answer in $answers) {',
    `    Write-Output ('${MARK}server ' + $answer.PSComputerName + ' ' + $answer)`,
    '}',
    'foreach ($failure in $remotingErrors) {',
    '    $server = $failure.CategoryInfo.TargetName',
    '    if ($failure.OriginInfo) { $server = $failure.OriginInfo.PSComputerName }',
    '    $record = [ordered]@{',
    '        server = $server',
    '        fullyQualifiedErrorId = $failure.FullyQualifiedErrorId',
    '        category = $failure.CategoryInfo.Category.ToString()',
    '        exceptionType = $failure.Exception.GetType().FullName',
    '        message = $failure.Exception.Message',
    '    }',
    `    Write-Output ('${MARK}server-error ' + (ConvertTo-Json -Compress -InputObject $record))`,
    '}',
  ]);
}

/** Ticks (100 ns since 0001-01-01) of a Unix instant in ms: the DateTime constructor's unit. */
export function ticksOf(unixMs: number): string {
  // 62135596800000 ms from 0001-01-01 to 1970-01-01; BigInt: ticks pass 2^53.
  return ((BigInt(unixMs) + 62_135_596_800_000n) * 10_000n).toString();
}

/** A scheduled roll: the session-zone guard, then the DateTime from the UTC instant. */
export interface RollAt {
  /** The instant, ISO 8601 UTC. */
  readonly effectiveAt: string;
  /** The Windows zone id the session must be in (the servers'). */
  readonly sessionTimeZone: string;
}

export function rollLines(roll: RollAt | undefined): string[] {
  if (!roll) return [];
  const ms = Date.parse(roll.effectiveAt);
  if (!Number.isFinite(ms)) throw new Error(`rollLines: effectiveAt ${JSON.stringify(roll.effectiveAt)} is not an instant`);
  const zone = singleQuoted(roll.sessionTimeZone);
  return [
    // The DateTime passed is the session's local time for the instant; Skype reads it in the
    // servers' zone (undocumented which: docs/shell-contract.md), so both must be one zone.
    `if ([System.TimeZoneInfo]::Local.Id -ne ${zone}) { throw ('sfb-oauth-cert:TIME_ZONE_MISMATCH session ' + [System.TimeZoneInfo]::Local.Id + ' servers ' + ${zone}) }`,
    `$effectiveDate = [System.DateTime]::new(${ticksOf(ms)}, [System.DateTimeKind]::Utc).ToLocalTime()`,
  ];
}

export const rollParameters = (roll: RollAt | undefined) => (roll ? ' -EffectiveDate $effectiveDate -Roll' : '');

/** Paths of an import's secret files in the call's private directory. */
export interface ImportFiles {
  readonly pfxPath: string;
  /** Absent when the PFX has no password: no `-Password` is passed. */
  readonly secretPath?: string;
}

/** Imports the PFX and assigns it globally (now, or as a roll). */
export function importScript(files: ImportFiles, roll: RollAt | undefined, context: ScriptContext): string {
  const secret = files.secretPath !== undefined ? [`$secret = Import-PowerShellDataFile -LiteralPath ${singleQuoted(files.secretPath)}`] : [];
  const password = files.secretPath !== undefined ? ' -Password $secret.Password' : '';
  return framed(context.edition, [...secret, ...rollLines(roll), `Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path ${singleQuoted(files.pfxPath)}${password}${rollParameters(roll)}`]);
}

/** Assigns a certificate Skype already knows, by thumbprint (now, or as a roll). */
export function setScript(thumbprint: string, roll: RollAt | undefined, context: ScriptContext): string {
  return framed(context.edition, [...rollLines(roll), `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${singleQuoted(thumbprint)}${rollParameters(roll)}`]);
}

/** A full replication of one replica. */
export function replicateScript(server: string, context: ScriptContext): string {
  return framed(context.edition, [`Invoke-CsManagementStoreReplication -ReplicaFqdn ${singleQuoted(server)}`]);
}

/**
 * Removes the previous certificate from the global scope once it has expired. `-Identity Global`
 * is written out (without it the cmdlet acts on the local computer: skype-cmdlets.md question 7);
 * `-Force`: a non-interactive shell cannot answer a prompt.
 */
export function removePreviousScript(context: ScriptContext): string {
  return framed(context.edition, ['Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force']);
}

/**
 * Removes from one server's local-scope assignment (`Remove-CsCertificate` without `-Identity`,
 * run there): the assignment itself (`assignment`: one made by hand; only with the pool's
 * `removeLocalAssignments: true`, because it revokes that certificate's bindings there, so it is
 * never the default), or its expired previous certificate (`previous`: manual mode, STAGE's last
 * step on each server).
 */
export function removeLocalScript(server: string, context: ScriptContext, what: 'assignment' | 'previous' = 'assignment'): string {
  return framed(context.edition, [
    ...credentialLines(context),
    `Invoke-Command -ComputerName ${singleQuoted(server)}${remotingParameters(context.remoting)} -ErrorAction Stop -ScriptBlock {`,
    ...REMOTE_PREFERENCES.map((line) => `    ${line}`),
    '    Import-Module SkypeForBusiness',
    `    Remove-CsCertificate -Type OAuthTokenIssuer${what === 'previous' ? ' -Previous' : ''} -Force`,
    '}',
  ]);
}
