/**
 * The frame every script of docs/shell-contract.md runs in, written once for the tests on both
 * sides of the contract: the adapter's test checks that its scripts are framed so, and the
 * emulator's contract test runs bodies in it. Preferences, UTF-8 output, the module (edition
 * core loads it through the Windows PowerShell compatibility layer), a done marker, and a
 * structured error record with exit 1.
 */
export type ShellEdition = 'desktop' | 'core';

/** `body` (lines already indented four spaces) in the contract's frame, without a final newline. */
export function contractFrame(edition: ShellEdition, body: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    "$WarningPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)',
    'try {',
    `    Import-Module SkypeForBusiness${edition === 'core' ? ' -UseWindowsPowerShell' : ''}`,
    body,
    "    Write-Output '#sfb-oauth-cert:done'",
    '}',
    'catch {',
    '    $failure = $_',
    '    $record = [ordered]@{',
    '        fullyQualifiedErrorId = $failure.FullyQualifiedErrorId',
    '        category = $failure.CategoryInfo.Category.ToString()',
    '        targetName = $failure.CategoryInfo.TargetName',
    '        exceptionType = $failure.Exception.GetType().FullName',
    '        message = $failure.Exception.Message',
    '    }',
    "    Write-Output ('#sfb-oauth-cert:error ' + (ConvertTo-Json -Compress -InputObject $record))",
    '    exit 1',
    '}',
  ].join('\n');
}
