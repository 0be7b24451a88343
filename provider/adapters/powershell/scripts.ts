/**
 * The scripts the adapter sends, exactly in the shapes docs/skype-emulator.md fixes with the
 * emulator (and that a real Skype for Business Server Management Shell runs): every value a
 * single-quoted string, every JSON document on one line (`-Compress`), `-AsArray` so zero or one
 * object is still an array. No script ever holds a secret: the password is read from a data file.
 */
import { singleQuoted, type SecretPaths } from './secret-files';

const HEADER = "$ErrorActionPreference = 'Stop'";
const TO_JSON = 'ConvertTo-Json -Depth 3 -Compress -AsArray';

/** The CMS's global assignment, then every replica's replication state: two JSON lines. */
export function globalInspectScript(): string {
  return [HEADER, `Get-CsCertificate -Identity Global -Type OAuthTokenIssuer | ${TO_JSON}`, `Get-CsManagementStoreReplicationStatus | ${TO_JSON}`, ''].join('\n');
}

/** What each of `servers` holds (its replica), through remoting: one JSON line. */
export function serversInspectScript(servers: readonly string[]): string {
  const names = servers.map(singleQuoted).join(',');
  return [HEADER, `Invoke-Command -ComputerName ${names} -ScriptBlock { Get-CsCertificate -Type OAuthTokenIssuer } | ${TO_JSON}`, ''].join('\n');
}

const roll = (serverDate: string | undefined) => (serverDate === undefined ? '' : ` -EffectiveDate ${singleQuoted(serverDate)} -Roll`);

/** Imports the PFX and assigns it globally (now, or as a roll). */
export function importScript(paths: SecretPaths, serverDate: string | undefined): string {
  const lines = [HEADER];
  if (paths.dataFilePath !== undefined) lines.push(`$secret = Import-PowerShellDataFile -LiteralPath ${singleQuoted(paths.dataFilePath)}`);
  const password = paths.dataFilePath !== undefined ? ' -Password $secret.Password' : '';
  lines.push(`Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path ${singleQuoted(paths.pfxPath)}${password}${roll(serverDate)}`, '');
  return lines.join('\n');
}

/** Assigns a certificate Skype already knows, by thumbprint (now, or as a roll). */
export function setScript(thumbprint: string, serverDate: string | undefined): string {
  return [HEADER, `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${singleQuoted(thumbprint)}${roll(serverDate)}`, ''].join('\n');
}

/** A full replication of one replica. */
export function replicateScript(server: string): string {
  return [HEADER, `Invoke-CsManagementStoreReplication -ReplicaFqdn ${singleQuoted(server)}`, ''].join('\n');
}

/**
 * Removes the previous certificate from the global scope, once it has expired (STAGE's last
 * renewal step). `-Identity Global` is written out: without it the cmdlet acts on the local
 * computer only (skype-cmdlets.md question 7; docs/skype-emulator.md). `-Force` because the
 * shell is non-interactive: a prompt would fail the call (the previous certificate is not in
 * use, so none is expected; -Force makes sure).
 */
export function removePreviousScript(): string {
  return [HEADER, 'Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force', ''].join('\n');
}

/**
 * Removes a local-scope assignment made by hand on one server (Set-CsCertificate without
 * -Identity, run there): the server then uses the global assignment again, as every other does.
 * `-Force`: the local certificate is in use, and the shell cannot answer the prompt.
 */
export function removeLocalScript(server: string): string {
  return [HEADER, `Invoke-Command -ComputerName ${singleQuoted(server)} -ScriptBlock { Remove-CsCertificate -Type OAuthTokenIssuer -Force }`, ''].join('\n');
}
