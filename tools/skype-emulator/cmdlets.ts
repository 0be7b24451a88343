/**
 * The accepted commands and their parameter tables, restated from skype-cmdlets.md section 1
 * (Skype) and from PowerShell 7 (the plumbing the adapter needs). Positions are 0-based order
 * among positional parameters (the docs' "Pos 2" of `[[-Identity] <XdsIdentity>]` is the first
 * positional argument). What each command does is in skype-cmdlets.ts, powershell-cmdlets.ts and
 * remoting.ts; management-shell.ts registers them.
 */
import { SHOULD_PROCESS_PARAMETERS, type CmdletSpec, type ParamSpec } from './binder';

const ALL = '__AllParameterSets';
const shouldProcess = (params: ParamSpec[]): ParamSpec[] => [...params, ...SHOULD_PROCESS_PARAMETERS];

/** The Skype cmdlets' implementing classes are not documented: this namespace is assumed. */
const skype = (noun: string): string => `Microsoft.Rtc.Management.Deployment.${noun}Cmdlet`;

export const SET_CS_CERTIFICATE: CmdletSpec = {
  name: 'Set-CsCertificate',
  className: skype('SetCsCertificate'),
  sets: ['CertificateReference', 'Thumbprint', 'Path'],
  params: shouldProcess([
    { name: 'Reference', type: 'CertificateReference', sets: ['CertificateReference'], mandatoryIn: ['CertificateReference'], byValue: true },
    { name: 'Thumbprint', type: 'String', sets: ['Thumbprint'], mandatoryIn: ['Thumbprint'] },
    { name: 'Path', type: 'String', sets: ['Path'], mandatoryIn: ['Path'] },
    // Mandatory in the Path set as the syntax block shows (skype-cmdlets.md: the 2025 yaml's
    // "Required: False" contradicts it; the emulator follows the syntax block).
    { name: 'Identity', type: 'XdsIdentity', mandatoryIn: ['Path'] },
    { name: 'Type', type: 'CertType[]', mandatoryIn: ['Path'] },
    { name: 'Password', type: 'String', sets: ['Path'] },
    { name: 'EffectiveDate', type: 'DateTime', aliases: ['EffectiveTime'] },
    { name: 'Roll', type: 'Switch' },
    { name: 'NetportId', type: 'String', sets: ['CertificateReference', 'Thumbprint'] },
    { name: 'Force', type: 'Switch' },
    { name: 'Report', type: 'String' },
  ]),
};

export const IMPORT_CS_CERTIFICATE: CmdletSpec = {
  name: 'Import-CsCertificate',
  className: skype('ImportCsCertificate'),
  sets: ['Local', 'CMS'],
  defaultSet: 'Local',
  params: shouldProcess([
    { name: 'Path', type: 'String', mandatoryIn: ['Local', 'CMS'] },
    { name: 'Password', type: 'String' },
    { name: 'PrivateKeyExportable', type: 'Boolean', sets: ['Local'] },
    { name: 'Identity', type: 'XdsIdentity', sets: ['CMS'], mandatoryIn: ['CMS'], position: 0 },
    { name: 'Type', type: 'CertType[]', sets: ['CMS'], mandatoryIn: ['CMS'] },
    { name: 'EffectiveDate', type: 'DateTime', aliases: ['EffectiveTime'] },
    { name: 'Roll', type: 'Switch' },
    { name: 'Force', type: 'Switch' },
    { name: 'Report', type: 'String' },
  ]),
};

export const GET_CS_CERTIFICATE: CmdletSpec = {
  name: 'Get-CsCertificate',
  className: skype('GetCsCertificate'),
  sets: [ALL],
  params: [
    { name: 'Type', type: 'CertType[]' },
    { name: 'NetportId', type: 'String' },
    { name: 'Report', type: 'String' },
    { name: 'Identity', type: 'XdsIdentity', position: 0 },
  ],
};

export const REMOVE_CS_CERTIFICATE: CmdletSpec = {
  name: 'Remove-CsCertificate',
  className: skype('RemoveCsCertificate'),
  sets: [ALL],
  params: shouldProcess([
    { name: 'Type', type: 'CertType[]' },
    { name: 'NetportId', type: 'String' },
    { name: 'Force', type: 'Switch' },
    { name: 'Report', type: 'String' },
    { name: 'Identity', type: 'XdsIdentity', position: 0 },
    { name: 'Previous', type: 'Switch' },
  ]),
};

export const GET_REPLICATION_STATUS: CmdletSpec = {
  name: 'Get-CsManagementStoreReplicationStatus',
  className: skype('GetCsManagementStoreReplicationStatus'),
  sets: [ALL],
  params: [
    { name: 'ReplicaFqdn', type: 'String', position: 0, byPropertyName: true },
    { name: 'CentralManagementStoreStatus', type: 'Switch', byPropertyName: true },
  ],
};

export const INVOKE_REPLICATION: CmdletSpec = {
  name: 'Invoke-CsManagementStoreReplication',
  className: skype('InvokeCsManagementStoreReplication'),
  sets: [ALL],
  params: [
    { name: 'ReplicaFqdn', type: 'String', position: 0, byPropertyName: true },
    { name: 'Force', type: 'Switch' },
  ],
};

/**
 * PowerShell's own: the ComputerName set, with the remoting options the adapter sends
 * (about_Remote / Invoke-Command docs, 5.1 and 7).
 */
export const INVOKE_COMMAND: CmdletSpec = {
  name: 'Invoke-Command',
  className: 'Microsoft.PowerShell.Commands.InvokeCommandCommand',
  sets: ['ComputerName', 'Session'],
  defaultSet: 'ComputerName',
  params: [
    { name: 'ComputerName', type: 'String[]', aliases: ['Cn'], sets: ['ComputerName'], mandatoryIn: ['ComputerName'], position: 0 },
    // -Session: sessions New-PSSession made (session-cmdlets.ts).
    { name: 'Session', type: 'Object[]', sets: ['Session'], mandatoryIn: ['Session'], position: 0 },
    { name: 'ScriptBlock', type: 'ScriptBlock', aliases: ['Command'], mandatoryIn: ['ComputerName', 'Session'], position: 1 },
    { name: 'Credential', type: 'PSCredential', sets: ['ComputerName'] },
    { name: 'Authentication', type: 'AuthenticationMechanism', sets: ['ComputerName'] },
    { name: 'UseSSL', type: 'Switch', sets: ['ComputerName'] },
    { name: 'Port', type: 'Int32', sets: ['ComputerName'] },
    { name: 'ConfigurationName', type: 'String', sets: ['ComputerName'] },
  ],
};

/** -AsArray and -EnumsAsStrings came with PowerShell 6.x/7 (PowerShell/PowerShell#6438); 5.1 has neither. */
export const CONVERT_TO_JSON: CmdletSpec = {
  name: 'ConvertTo-Json',
  className: 'Microsoft.PowerShell.Commands.ConvertToJsonCommand',
  sets: [ALL],
  params: [
    { name: 'InputObject', type: 'Object', mandatoryIn: [ALL], position: 0, byValue: true },
    { name: 'Depth', type: 'Int32' },
    { name: 'Compress', type: 'Switch' },
    { name: 'AsArray', type: 'Switch', editions: ['core'] },
    { name: 'EnumsAsStrings', type: 'Switch', editions: ['core'] },
  ],
};

/** Import-Module: by name; -UseWindowsPowerShell exists in PowerShell 7 only. */
export const IMPORT_MODULE: CmdletSpec = {
  name: 'Import-Module',
  className: 'Microsoft.PowerShell.Commands.ImportModuleCommand',
  sets: ['Name', 'WinCompat'],
  defaultSet: 'Name',
  params: [
    { name: 'Name', type: 'String[]', mandatoryIn: ['Name', 'WinCompat'], position: 0 },
    { name: 'Force', type: 'Switch' },
    { name: 'DisableNameChecking', type: 'Switch' },
    { name: 'UseWindowsPowerShell', type: 'Switch', aliases: ['UseWinPS'], sets: ['WinCompat'], mandatoryIn: ['WinCompat'], editions: ['core'] },
  ],
};

export const WRITE_OUTPUT: CmdletSpec = {
  name: 'Write-Output',
  className: 'Microsoft.PowerShell.Commands.WriteOutputCommand',
  sets: [ALL],
  params: [
    { name: 'InputObject', type: 'Object[]', mandatoryIn: [ALL], position: 0, byValue: true },
    { name: 'NoEnumerate', type: 'Switch' },
  ],
};

/** The PlainText set only. 5.1 wants -Force with -AsPlainText; PowerShell 7 does not. */
export const CONVERT_TO_SECURE_STRING: CmdletSpec = {
  name: 'ConvertTo-SecureString',
  className: 'Microsoft.PowerShell.Commands.ConvertToSecureStringCommand',
  sets: ['PlainText'],
  params: [
    { name: 'String', type: 'String', mandatoryIn: ['PlainText'], position: 0, byValue: true },
    { name: 'AsPlainText', type: 'Switch', mandatoryIn: ['PlainText'] },
    { name: 'Force', type: 'Switch' },
  ],
};

export const SELECT_OBJECT: CmdletSpec = {
  name: 'Select-Object',
  className: 'Microsoft.PowerShell.Commands.SelectObjectCommand',
  sets: [ALL],
  params: [
    { name: 'InputObject', type: 'Object', byValue: true },
    { name: 'Property', type: 'Object[]', position: 0 },
    { name: 'ExpandProperty', type: 'String' },
    { name: 'First', type: 'Int32' },
  ],
};

export const IMPORT_DATA_FILE: CmdletSpec = {
  name: 'Import-PowerShellDataFile',
  className: 'Import-PowerShellDataFile',
  sets: ['ByPath', 'ByLiteralPath'],
  defaultSet: 'ByPath',
  params: [
    { name: 'Path', type: 'String[]', sets: ['ByPath'], mandatoryIn: ['ByPath'], position: 0 },
    { name: 'LiteralPath', type: 'String[]', aliases: ['PSPath', 'LP'], sets: ['ByLiteralPath'], mandatoryIn: ['ByLiteralPath'] },
  ],
};
