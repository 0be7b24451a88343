/**
 * Persistent remoting sessions and the file cmdlets a script runs inside them: New-PSSession,
 * Remove-PSSession, Copy-Item -ToSession, and New-Item / Test-Path / Remove-Item on a Front End
 * Server's disk (server-files.ts). Invoke-Command -Session (remoting.ts) runs a block in a
 * session made here. Each behaviour's source is in docs/skype-emulator.md ("Sessions and files").
 */
import { PsError } from './binder';
import type { CmdletSpec, ParamSpec } from './binder';
import type { Command, CommandCall } from './command-registry';
import { notModelled } from './language-errors';
import type { Network } from './remoting';
import { transportError } from './remoting';
import { Scope, type Machine } from './scope';
import { readSecretFile, SecretLeakError } from './secret-rules';
import { entryAt, inheritedReaders, parentExists, putEntry, removeTree } from './server-files';
import type { EmulatorState } from './state';
import { PsObject, unwrap, type PsValue } from './values';


/** The account a session runs as when no -Credential is given: the provider's own (assumed name). */
export const DEFAULT_ACCOUNT = 'sfbadmin';

export const NEW_PS_SESSION: CmdletSpec = {
  name: 'New-PSSession',
  className: 'Microsoft.PowerShell.Commands.NewPSSessionCommand',
  sets: ['ComputerName'],
  params: [
    { name: 'ComputerName', type: 'String[]', aliases: ['Cn'], position: 0 },
    { name: 'Credential', type: 'PSCredential' },
    { name: 'Authentication', type: 'AuthenticationMechanism' },
    { name: 'UseSSL', type: 'Switch' },
    { name: 'Port', type: 'Int32' },
    { name: 'ConfigurationName', type: 'String' },
  ],
};

export const REMOVE_PS_SESSION: CmdletSpec = {
  name: 'Remove-PSSession',
  className: 'Microsoft.PowerShell.Commands.RemovePSSessionCommand',
  sets: ['Session'],
  params: [{ name: 'Session', type: 'Object[]', mandatoryIn: ['Session'], position: 0, byValue: true }],
};

/**
 * A FileSystem cmdlet of PowerShell's Management module: the Path and LiteralPath sets every one
 * of them has (5.1 reference: `-Path` at position 0 in the Path set, `-LiteralPath` with its
 * aliases PSPath and LP in the LiteralPath set, each mandatory in its own), and its own options.
 */
function fileCmdlet(name: string, options: readonly ParamSpec[] = []): CmdletSpec {
  return {
    name,
    className: `Microsoft.PowerShell.Commands.${name.replace('-', '')}Command`,
    sets: ['Path', 'LiteralPath'],
    defaultSet: 'Path',
    params: [
      { name: 'Path', type: 'String[]', sets: ['Path'], mandatoryIn: ['Path'], position: 0 },
      { name: 'LiteralPath', type: 'String[]', aliases: ['PSPath', 'LP'], sets: ['LiteralPath'], mandatoryIn: ['LiteralPath'] },
      ...options,
    ],
  };
}

/** -ToSession came with PowerShell 5.0 (the Copy-Item docs for 5.1: "This parameter was added in PowerShell 5.0"). */
export const COPY_ITEM = fileCmdlet('Copy-Item', [
  { name: 'Destination', type: 'String', position: 1 },
  { name: 'ToSession', type: 'Object' },
  { name: 'Force', type: 'Switch' },
]);

export const NEW_ITEM: CmdletSpec = {
  name: 'New-Item',
  className: 'Microsoft.PowerShell.Commands.NewItemCommand',
  sets: ['pathSet'],
  params: [
    { name: 'Path', type: 'String[]', mandatoryIn: ['pathSet'], position: 0 },
    { name: 'ItemType', type: 'String', aliases: ['Type'] },
    { name: 'Force', type: 'Switch' },
  ],
};

export const TEST_PATH = fileCmdlet('Test-Path');

export const REMOVE_ITEM = fileCmdlet('Remove-Item', [
  { name: 'Recurse', type: 'Switch' },
  { name: 'Force', type: 'Switch' },
]);

const SESSION_TYPE = 'System.Management.Automation.Runspaces.PSSession';

/** One open session: the server's machine and the scope its blocks share (variables persist between Invoke-Command calls). */
export interface OpenSession {
  readonly id: number;
  readonly machine: Machine & { readonly remoteErrors: PsError[] };
  readonly scope: Scope;
  open: boolean;
}

/** The account name a credential logs on as: `CONTOSO\svc` and `svc@contoso.com` are both `svc`. */
export function accountOf(userName: string | undefined): string {
  if (!userName) return DEFAULT_ACCOUNT;
  return userName.includes('\\') ? userName.slice(userName.lastIndexOf('\\') + 1) : userName.split('@')[0]!;
}

/** The remote machine a session (or Invoke-Command -ComputerName) logs on to: the account's environment. */
export function remoteMachine(server: string, timeZone: string, account: string): Machine & { readonly remoteErrors: PsError[] } {
  const profile = `C:\\Users\\${account}`;
  return { server, timeZone, edition: 'desktop', remoteErrors: [], environment: { USERNAME: account, USERPROFILE: profile, LOCALAPPDATA: `${profile}\\AppData\\Local`, TEMP: `${profile}\\AppData\\Local\\Temp` } };
}

/** The sessions of one run (they end with the process, as a script's sessions do). */
export class Sessions {
  private readonly byId = new Map<number, OpenSession>();
  private next = 1;

  constructor(private readonly network: Network) {}

  /** The open session a PSSession object names, or the error PowerShell gives for a closed one. */
  find(value: PsValue, command: string): OpenSession {
    const v = unwrap(value);
    const id = v instanceof PsObject && v.typeName === SESSION_TYPE ? Number(v.get('Id')) : NaN;
    const session = this.byId.get(id);
    if (!session) throw new PsError(command, `Cannot bind parameter 'Session'. The value given is not a PSSession.`, { fqid: `CannotConvertArgument,${command}`, category: 'InvalidArgument', exceptionType: 'System.Management.Automation.ParameterBindingException' });
    if (!session.open) throw new PsError(command, `Because the session state for session WinRM${session.id}, ${session.machine.server} is not equal to Open, you cannot run a command in the session.  The session state is Closed.`, { fqid: 'InvalidSessionState', category: 'InvalidOperation', exceptionType: 'System.InvalidOperationException' });
    return session;
  }

  commands(state: EmulatorState): Command[] {
    return [
      { spec: NEW_PS_SESSION, run: (call) => this.newSession(call) },
      { spec: REMOVE_PS_SESSION, run: (call) => this.removeSession(call) },
      { spec: COPY_ITEM, run: (call) => copyItem(state, this, call) },
      { spec: NEW_ITEM, run: (call) => newItem(state, call) },
      { spec: TEST_PATH, run: (call) => testPath(state, call) },
      { spec: REMOVE_ITEM, run: (call) => removeItem(state, call) },
    ];
  }

  private newSession({ bound, scope, errors, shell }: CommandCall): PsValue[] {
    const credential = bound.get<PsObject>('Credential');
    const account = accountOf(credential ? String(credential.get('UserName') ?? '') : undefined);
    const out: PsValue[] = [];
    for (const computer of bound.get<string[]>('ComputerName') ?? []) {
      const server = computer.trim().toLowerCase();
      if (!this.network.computers.includes(server)) {
        shell.nonTerminating(transportError(computer, 'ComputerNotFound,PSSessionOpenFailed', 'WinRM cannot process the request because the computer name could not be resolved.', NEW_PS_SESSION.name), bound, scope, errors);
        continue;
      }
      if (this.network.unreachable.includes(server)) {
        shell.nonTerminating(transportError(computer, 'CannotConnect,PSSessionOpenFailed', 'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.', NEW_PS_SESSION.name), bound, scope, errors);
        continue;
      }
      const id = this.next++;
      const machine = remoteMachine(server, this.network.timeZoneOf(server), account);
      this.byId.set(id, { id, machine, scope: new Scope(machine, undefined, scope), open: true });
      out.push(new PsObject(SESSION_TYPE, [['Id', id], ['Name', `WinRM${id}`], ['ComputerName', computer], ['State', 'Opened'], ['ConfigurationName', bound.get<string>('ConfigurationName') ?? 'Microsoft.PowerShell'], ['Availability', 'Available']]));
    }
    return out;
  }

  private removeSession({ bound, input }: CommandCall): PsValue[] {
    for (const value of input ?? bound.get<PsValue[]>('Session') ?? []) this.find(value, REMOVE_PS_SESSION.name).open = false;
    return [];
  }
}

/** The file cmdlets act on a Front End's disk, inside a remote block only: the runner's own disk is not modelled. */
function serverOf(command: string, scope: Scope): string {
  if (scope.machine.remoteErrors === undefined) throw notModelled(`The Skype emulator models ${command} on a Front End Server's disk (inside Invoke-Command) only, not on the machine that runs the script (docs/skype-emulator.md).`);
  return scope.server;
}

const pathsOf = (call: CommandCall): string[] => call.bound.get<string[]>('LiteralPath') ?? call.bound.get<string[]>('Path') ?? [];

function notFound(command: string, className: string, path: string): PsError {
  return new PsError(command, `Cannot find path '${path}' because it does not exist.`, { fqid: `PathNotFound,${className}`, category: 'ObjectNotFound', targetName: path, exceptionType: 'System.Management.Automation.ItemNotFoundException' });
}

/** New-Item -ItemType Directory (creating missing parents, as the FileSystem provider does); -Force returns one that exists. */
function newItem(state: EmulatorState, call: CommandCall): PsValue[] {
  const server = serverOf(NEW_ITEM.name, call.scope);
  if ((call.bound.get<string>('ItemType') ?? '').toLowerCase() !== 'directory') throw notModelled('The Skype emulator models New-Item -ItemType Directory only (docs/skype-emulator.md).');
  return pathsOf(call).map((path) => {
    const existing = entryAt(state, server, path);
    if (existing && call.bound.get<boolean>('Force') !== true) {
      throw new PsError(NEW_ITEM.name, `An item with the specified name ${path} already exists.`, { fqid: `DirectoryExist,${NEW_ITEM.className}`, category: 'ResourceExists', targetName: path, exceptionType: 'System.IO.IOException' });
    }
    if (!existing) putEntry(state, server, { path, kind: 'directory', readers: [...inheritedReaders(state, server, path)] });
    return new PsObject('System.IO.DirectoryInfo', [['FullName', path], ['Name', path.split('\\').pop() ?? path]]);
  });
}

function testPath(state: EmulatorState, call: CommandCall): PsValue[] {
  const server = serverOf(TEST_PATH.name, call.scope);
  return pathsOf(call).map((path) => entryAt(state, server, path) !== undefined);
}

/** Remove-Item: a missing path is a non-terminating error; a directory with files needs -Recurse (else it would prompt). */
function removeItem(state: EmulatorState, call: CommandCall): PsValue[] {
  const server = serverOf(REMOVE_ITEM.name, call.scope);
  const { bound, scope, errors, shell } = call;
  for (const path of pathsOf(call)) {
    const entry = entryAt(state, server, path);
    if (!entry) {
      shell.nonTerminating(notFound(REMOVE_ITEM.name, REMOVE_ITEM.className!, path), bound, scope, errors);
      continue;
    }
    const prefix = `${path.toLowerCase().replace(/\\+$/, '')}\\`;
    const hasChildren = Object.keys(state.serverFiles?.[server] ?? {}).some((k) => k.startsWith(prefix));
    if (entry.kind === 'directory' && hasChildren && bound.get<boolean>('Recurse') !== true) {
      throw new PsError(REMOVE_ITEM.name, 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.', { fqid: `RemoveItemUnauthorizedAccessError,${REMOVE_ITEM.className}`, category: 'InvalidOperation', exceptionType: 'System.Management.Automation.Host.HostException' });
    }
    removeTree(state, server, path);
  }
  return [];
}

/**
 * Copy-Item -ToSession: a file of the local machine to a path on the session's server. The
 * destination is a file path in an existing directory, or an existing directory (the file keeps
 * its name); the copy inherits that directory's readers. Only -ToSession is modelled.
 */
function copyItem(state: EmulatorState, sessions: Sessions, call: CommandCall): PsValue[] {
  const { bound } = call;
  const target = bound.get<PsValue>('ToSession');
  if (target === undefined || target === null) throw notModelled('The Skype emulator models Copy-Item -ToSession only (docs/skype-emulator.md).');
  const session = sessions.find(target, COPY_ITEM.name);
  const server = session.machine.server;
  const destination = bound.get<string>('Destination');
  if (!destination) throw notModelled('The Skype emulator models Copy-Item -ToSession with -Destination only (docs/skype-emulator.md).');
  for (const path of pathsOf(call)) {
    // The source is a secret file the adapter wrote (owner-only), checked as every secret file is.
    const bytes = readSecretFile(COPY_ITEM.name, path);
    const name = path.split(/[\\/]/).pop() ?? path;
    const into = entryAt(state, server, destination)?.kind === 'directory' ? `${destination.replace(/\\+$/, '')}\\${name}` : destination;
    if (!parentExists(state, server, into)) {
      throw new PsError(COPY_ITEM.name, `Could not find a part of the path '${into}'.`, { fqid: `CopyFileRemoteExecutionError,${COPY_ITEM.className}`, category: 'WriteError', targetName: into, exceptionType: 'System.IO.DirectoryNotFoundException' });
    }
    putEntry(state, server, { path: into, kind: 'file', readers: [...inheritedReaders(state, server, into)], content: bytes.toString('base64') });
  }
  return [];
}

/** Principals that stand for every user of a server: a secret file they may read is exposed. */
const EVERYONE = ['users', 'everyone', 'authenticated users'];

/**
 * The bytes of a PFX that a Skype cmdlet reads on a Front End inside a remote block: a file made
 * there (Copy-Item -ToSession) with its readers checked (the secret rule of secret-rules.ts, in
 * ACL terms: only the account, SYSTEM and Administrators), else the runner's disk, as before
 * (assumed: files the emulator did not place are read from one disk shared by every server).
 */
export function readPfxOn(state: EmulatorState, machine: Machine, command: string, path: string): Buffer {
  const entry = machine.remoteErrors !== undefined ? entryAt(state, machine.server, path) : undefined;
  if (!entry) return readSecretFile(command, path);
  if (entry.kind !== 'file' || entry.content === undefined) throw new PsError(command, `Cannot find path '${path}' because it does not exist.`);
  const wide = entry.readers.find((r) => EVERYONE.includes(r.toLowerCase()));
  if (wide) throw new SecretLeakError(`the file '${path}' given to ${command} on ${machine.server} can be read by ${wide}: a file holding a secret must be readable by its account only (a directory in the account's profile).`);
  const account = machine.environment?.USERNAME;
  if (account !== undefined && !entry.readers.some((r) => r.toLowerCase() === account.toLowerCase())) {
    throw new PsError(command, `Access to the path '${path}' is denied.`, { fqid: 'UnauthorizedAccessException', category: 'PermissionDenied', exceptionType: 'System.UnauthorizedAccessException' });
  }
  return Buffer.from(entry.content, 'base64');
}
