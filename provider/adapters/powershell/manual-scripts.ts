/**
 * The scripts of the pool's manual mode (docs/shell-contract.md, "Manual mode"): the certificate
 * imported into one server's local computer store and assigned there, as the documentation's
 * manual alternative does on each Front End (no `-Identity Global`, so nothing replicates it).
 * They follow the rules of scripts.ts: the contract's frame, Windows PowerShell 5.1 syntax, every
 * value a single-quoted literal, no secret in any script.
 *
 * How the PFX reaches a server: over the remoting session itself (`Copy-Item -ToSession`, in
 * Windows PowerShell since 5.0), so no second hop (no share the server would have to reach with
 * the caller's credentials) is needed. It lands in a directory of the account's own profile
 * (`$env:LOCALAPPDATA`, whose ACL grants the account, SYSTEM and Administrators only), is removed
 * in a `finally` whatever happens, and the sweep removes a copy an interrupted run left. The
 * password is read locally from the call's owner-only data file and travels inside the
 * encrypted remoting session as a `$using:` value: never in a script's text, argv or a file on the server.
 */
import type { ScriptContext } from './scripts';
import { credentialLines, framed, MARK, REMOTE_PREFERENCES, remotingParameters, singleQuoted, ticksOf } from './scripts';

/** The directory of the account's profile a PFX copy goes to on each server (its only content: `cert.pfx`). */
export const MANUAL_IMPORT_DIRECTORY = 'sfb-oauth-cert-import';

/** The error a server without the account's profile (no `$env:LOCALAPPDATA`) throws before anything is copied. */
export const NO_PROFILE = 'sfb-oauth-cert: the remoting session has no user profile ($env:LOCALAPPDATA is empty), so there is no directory only the account can read; nothing was copied';

/** The lines that name the copy's directory on the server (inside a remote block). */
const REMOTE_DIRECTORY = `$directory = $env:LOCALAPPDATA + ${singleQuoted(`\\${MANUAL_IMPORT_DIRECTORY}`)}`;

const indented = (lines: readonly string[], depth = 1): string[] => lines.map((line) => `${'    '.repeat(depth)}${line}`);

/** Paths of a manual import's files in the call's private directory. */
export interface ManualImportFiles {
  readonly pfxPath: string;
  /** Absent when the PFX has no password: no `-Password` is passed. */
  readonly secretPath?: string;
}

/** What one server's installation is given. */
export interface ManualInstall {
  readonly server: string;
  readonly thumbprint: string;
  /** Present: copy and import the PFX first; absent: the server's store holds it already. */
  readonly files?: ManualImportFiles;
  /** A scheduled roll of the local assignment: its DateTime is built on the server, in its own zone. */
  readonly effectiveAt?: string;
}

/** A roll's DateTime built on the server itself from the UTC instant (no session zone involved: the block runs there). */
function remoteRollLines(effectiveAt: string | undefined): string[] {
  if (effectiveAt === undefined) return [];
  const ms = Date.parse(effectiveAt);
  if (!Number.isFinite(ms)) throw new Error(`remoteRollLines: effectiveAt ${JSON.stringify(effectiveAt)} is not an instant`);
  return [`$effectiveDate = [System.DateTime]::new(${ticksOf(ms)}, [System.DateTimeKind]::Utc).ToLocalTime()`];
}

/**
 * Installs the certificate on one server: a session to it; when importing, the directory made
 * afresh in the account's profile, the PFX copied into it over the session, `Import-CsCertificate`
 * there (the Local set: the local computer store); then `Set-CsCertificate -Type OAuthTokenIssuer`
 * without `-Identity` (the local assignment), now or as a roll. The copy and the session are
 * removed in a `finally`.
 */
export function manualInstallScript(install: ManualInstall, context: ScriptContext): string {
  const { files } = install;
  const roll = install.effectiveAt !== undefined ? ' -EffectiveDate $effectiveDate -Roll' : '';
  const password = files?.secretPath !== undefined ? ' -Password $using:password' : '';
  const assign = [...remoteRollLines(install.effectiveAt), `Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint ${singleQuoted(install.thumbprint)}${roll}`];
  const body = files
    ? [
        '$directory = Invoke-Command -Session $session -ScriptBlock {',
        // Without the account's profile (a session that did not load it), the directory would land
        // at the drive's root, where every user of the server can read it: refuse instead.
        ...indented([...REMOTE_PREFERENCES, `if (-not $env:LOCALAPPDATA) { throw ${singleQuoted(NO_PROFILE)} }`, REMOTE_DIRECTORY, 'if (Test-Path -LiteralPath $directory) { Remove-Item -LiteralPath $directory -Recurse -Force }', '$created = New-Item -ItemType Directory -Path $directory', '$directory']),
        '}',
        "$remotePfx = $directory + '\\cert.pfx'",
        `Copy-Item -LiteralPath ${singleQuoted(files.pfxPath)} -Destination $remotePfx -ToSession $session`,
        'Invoke-Command -Session $session -ScriptBlock {',
        ...indented([...REMOTE_PREFERENCES, 'Import-Module SkypeForBusiness', `Import-CsCertificate -Path $using:remotePfx${password}`, ...assign]),
        '}',
      ]
    : ['Invoke-Command -Session $session -ScriptBlock {', ...indented([...REMOTE_PREFERENCES, 'Import-Module SkypeForBusiness', ...assign]), '}'];
  const cleanup = files
    ? ['if ($directory) {', ...indented(['Invoke-Command -Session $session -ScriptBlock { Remove-Item -LiteralPath $using:directory -Recurse -Force -ErrorAction SilentlyContinue }']), '}']
    : [];
  const secret = files?.secretPath !== undefined ? [`$secret = Import-PowerShellDataFile -LiteralPath ${singleQuoted(files.secretPath)}`, '$password = $secret.Password'] : [];
  return framed(context.edition, [
    ...credentialLines(context),
    ...secret,
    `$session = New-PSSession -ComputerName ${singleQuoted(install.server)}${remotingParameters(context.remoting)}`,
    '$directory = $null',
    'try {',
    ...indented(body),
    '}',
    'finally {',
    ...indented([...cleanup, 'Remove-PSSession -Session $session']),
    '}',
    `Write-Output ('${MARK}installed ' + ${singleQuoted(install.server)})`,
  ]);
}

/**
 * Removes the PFX copies an interrupted run left (a hard cancel skips the `finally`): the
 * directory of the account's profile on each of `servers` that answers; one `swept` line per
 * server that had one. A server that cannot be reached is skipped here (inspect reports it).
 */
export function manualSweepScript(servers: readonly string[], context: ScriptContext): string {
  return framed(context.edition, [
    ...credentialLines(context),
    '$remotingErrors = @()',
    `$answers = @(Invoke-Command -ComputerName ${servers.map(singleQuoted).join(',')}${remotingParameters(context.remoting)} -ErrorAction SilentlyContinue -ErrorVariable remotingErrors -ScriptBlock {`,
    ...indented([...REMOTE_PREFERENCES, REMOTE_DIRECTORY, "if (Test-Path -LiteralPath $directory) { Remove-Item -LiteralPath $directory -Recurse -Force; Write-Output 'swept' }"]),
    '})',
    'foreach ($answer in $answers) {',
    `    Write-Output ('${MARK}swept ' + $answer.PSComputerName)`,
    '}',
  ]);
}
