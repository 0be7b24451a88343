/**
 * The capture script, for evidence from real servers: what an administrator runs in a lab's Skype
 * for Business Server Management Shell so that the output shapes this provider relies on can be
 * confirmed on a real server. It is generated from the same builders as the adapter's scripts
 * (scripts.ts), runs each of them exactly as the adapter does (`-File`, a fresh shell of the same
 * kind), and writes one JSON file: `$PSVersionTable`, the culture and time zone, and each call's
 * exact stdout, stderr and exit code. The inspect scripts print thumbprints, dates, server names
 * and error messages only: no private key, no password.
 *
 * Read-only unless it was generated with a lab roll AND is run with `-ChangeLabDeployment`: then
 * it schedules a roll far in the future to a throwaway certificate Skype already knows (by
 * thumbprint: no PFX, no password) and captures the pending state, which answers the open
 * questions (how a pending roll is listed, which zone -EffectiveDate means) from a real server.
 * The format is `sfb-oauth-cert-capture/1`; test/fixtures/captures/ holds examples the reader's
 * tests replay.
 */
import type { PoolEdition } from '../../domain/front-end-pool-spec';
import { globalInspectScript, serversInspectScript, setScript, singleQuoted, type ScriptContext } from './scripts';

export const CAPTURE_FORMAT = 'sfb-oauth-cert-capture/1';

export interface CaptureOptions {
  /** The Front End Servers to inspect (FQDNs). */
  readonly servers: readonly string[];
  readonly edition: PoolEdition;
  /** The provider's version, recorded in the capture. */
  readonly version: string;
  /** The optional lab step: a roll to this known throwaway certificate at this instant, in this session zone. */
  readonly lab?: { readonly thumbprint: string; readonly effectiveAt: string; readonly sessionTimeZone: string };
}

/** A script embedded verbatim in a single-quoted here-string (nothing in it is expanded). */
function hereString(script: string): string {
  // A line starting with '@ would end the here-string; the builders never write one.
  if (/^'@/m.test(script)) throw new Error("capture-script: a script line starts with '@");
  return `@'\n${script.replace(/\n$/, '')}\n'@`;
}

/** The capture script's text (Windows PowerShell 5.1 and PowerShell 7), CRLF line ends. */
export function captureScript(options: CaptureOptions): string {
  const context: ScriptContext = { edition: options.edition, remoting: {} };
  const calls = [
    ['inspect-global', globalInspectScript(context)],
    ['inspect-servers', serversInspectScript(options.servers, context)],
  ] as const;
  const servers = options.servers.map(singleQuoted).join(', ');
  const lines = [
    '<#',
    `  sfb-oauth-cert ${options.version} capture script (${CAPTURE_FORMAT}).`,
    '  Run it in the Skype for Business Server Management Shell of a lab, as a member of',
    '  RTCUniversalServerAdmins:  powershell.exe -NoProfile -ExecutionPolicy Bypass -File capture.ps1',
    '  It runs the provider\'s own inspect scripts, each in a fresh shell of the same kind as this one',
    '  (-File), and writes their exact output with $PSVersionTable, the culture and the time zone to',
    '  sfb-oauth-cert-capture.json in the current directory (or -Output). Thumbprints, dates, server',
    '  names and error messages only: no private key, no password. Read-only.',
    ...(options.lab
      ? [
          '',
          '  LAB STEP, ONLY WITH -ChangeLabDeployment: THIS CHANGES THE LAB DEPLOYMENT. It schedules a roll of',
          `  the OAuthTokenIssuer certificate to the throwaway certificate ${options.lab.thumbprint} at`,
          `  ${options.lab.effectiveAt} (Set-CsCertificate -Identity Global -Roll), then captures the pending state.`,
          '  How to cancel a pending roll is not documented: use a lab whose OAuth certificate you can set again.',
        ]
      : []),
    '#>',
    `param([string]$Output = 'sfb-oauth-cert-capture.json'${options.lab ? ', [switch]$ChangeLabDeployment' : ''})`,
    "$ErrorActionPreference = 'Stop'",
    // The shell running this script: its kind runs each call, as the adapter's command would.
    '$shell = (Get-Process -Id $PID).Path',
    'function Invoke-Captured([string]$Name, [string]$Script) {',
    "    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('sfb-oauth-cert-capture-' + [guid]::NewGuid().ToString('N'))",
    '    New-Item -ItemType Directory -Path $dir | Out-Null',
    '    try {',
    "        $path = Join-Path $dir 'call.ps1'",
    '        [System.IO.File]::WriteAllText($path, $Script, [System.Text.UTF8Encoding]::new($true))',
    "        $stdout = Join-Path $dir 'stdout.txt'",
    "        $stderr = Join-Path $dir 'stderr.txt'",
    "        $process = Start-Process -FilePath $shell -ArgumentList @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', ('\"' + $path + '\"')) -RedirectStandardOutput $stdout -RedirectStandardError $stderr -NoNewWindow -Wait -PassThru",
    '        [ordered]@{',
    '            name = $Name',
    '            exitCode = $process.ExitCode',
    '            stdout = [System.IO.File]::ReadAllText($stdout, [System.Text.Encoding]::UTF8)',
    '            stderr = [System.IO.File]::ReadAllText($stderr, [System.Text.Encoding]::UTF8)',
    '        }',
    '    }',
    '    finally {',
    '        Remove-Item -LiteralPath $dir -Recurse -Force',
    '    }',
    '}',
    '$calls = @()',
    ...calls.flatMap(([name, script]) => [`$calls += Invoke-Captured '${name}' ${hereString(script)}`]),
    '$lab = $null',
    ...(options.lab
      ? [
          'if ($ChangeLabDeployment) {',
          "    Write-Warning 'Changing the lab deployment: scheduling a roll of the OAuthTokenIssuer certificate.'",
          `    $lab = [ordered]@{ thumbprint = ${singleQuoted(options.lab.thumbprint)}; effectiveAt = ${singleQuoted(options.lab.effectiveAt)}; sessionTimeZone = ${singleQuoted(options.lab.sessionTimeZone)}; calls = @() }`,
          `    $lab.calls += Invoke-Captured 'lab-set-roll' ${hereString(setScript(options.lab.thumbprint, { effectiveAt: options.lab.effectiveAt, sessionTimeZone: options.lab.sessionTimeZone }, context))}`,
          ...calls.map(([name, script]) => `    $lab.calls += Invoke-Captured '${name}-pending' ${hereString(script)}`),
          '}',
        ]
      : []),
    '$zone = [System.TimeZoneInfo]::Local',
    '$capture = [ordered]@{',
    `    format = '${CAPTURE_FORMAT}'`,
    `    capturedBy = 'sfb-oauth-cert ${options.version} capture-script'`,
    "    capturedAt = [System.DateTime]::UtcNow.ToString('o')",
    '    psVersionTable = [ordered]@{ PSVersion = $PSVersionTable.PSVersion.ToString(); PSEdition = [string]$PSVersionTable.PSEdition; CLRVersion = [string]$PSVersionTable.CLRVersion; BuildVersion = [string]$PSVersionTable.BuildVersion; OS = [string][System.Environment]::OSVersion }',
    '    culture = [System.Globalization.CultureInfo]::CurrentCulture.Name',
    '    uiCulture = [System.Globalization.CultureInfo]::CurrentUICulture.Name',
    '    timeZone = [ordered]@{ id = $zone.Id; baseUtcOffset = $zone.BaseUtcOffset.ToString(); supportsDaylightSavingTime = $zone.SupportsDaylightSavingTime }',
    `    servers = @(${servers})`,
    '    calls = $calls',
    '    lab = $lab',
    '}',
    '$text = ConvertTo-Json -Depth 6 -InputObject $capture',
    '$file = [System.IO.Path]::GetFullPath((Join-Path (Get-Location) $Output))',
    '[System.IO.File]::WriteAllText($file, $text, [System.Text.UTF8Encoding]::new($false))',
    "Write-Output ('Written ' + $file + ': send it with the issue it answers; it holds no secret.')",
    '',
  ];
  return lines.join('\n').replace(/\n/g, '\r\n');
}
