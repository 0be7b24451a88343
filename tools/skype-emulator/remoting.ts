/**
 * Invoke-Command -ComputerName: PowerShell remoting to the Front End Servers of the network the
 * session can reach. The names that resolve, the ones that do not answer and each server's time
 * zone come from the caller (the emulated deployment's topology); the block runs in the
 * interpreter, in a remote scope.
 */
import { randomUUID } from 'node:crypto';
import { PsError } from './binder';
import { INVOKE_COMMAND } from './cmdlets';
import type { Command, CommandCall } from './command-registry';
import { notModelled } from './language-errors';
import { Scope, type Machine } from './scope';
import { accountOf, remoteMachine, type Sessions } from './session-cmdlets';
import { enumerate, invariantString, PsDate, PsHashtable, PsObject, PsRemote, type PsScriptBlock, type PsValue, unwrap } from './values';

/** The computers a session can reach by name. */
export interface Network {
  /** Every name that resolves, lower-case. */
  readonly computers: readonly string[];
  /** Names that resolve but do not answer (WinRM cannot connect). */
  readonly unreachable: readonly string[];
  /** A computer's IANA time zone. */
  readonly timeZoneOf: (computer: string) => string;
}

export function transportError(computer: string, fqid: string, reason: string, command: string = INVOKE_COMMAND.name): PsError {
  return new PsError(command, `Connecting to remote server ${computer} failed with the following error message : ${reason} For more information, see the about_Remote_Troubleshooting Help topic.`, {
    fqid, category: 'OpenError', targetName: computer, exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException', transport: true,
  });
}

/**
 * Invoke-Command -ComputerName: the block runs in a Windows PowerShell 5.1 session on each
 * server (its own variables and preferences; the caller's only through $using:, its culture
 * the caller's). A server that cannot be reached is a non-terminating error (OpenError,
 * PSRemotingTransportException) while the others answer; errors inside the block come back
 * with OriginInfo. Output objects carry PSComputerName; nested objects arrive as strings
 * (remoting serializes to depth 1).
 */
async function invokeCommand(network: Network, sessions: Sessions | undefined, { bound, scope, errors, shell }: CommandCall): Promise<PsValue[]> {
  const block = bound.get<PsScriptBlock>('ScriptBlock') as PsScriptBlock;
  if (bound.set === 'Session') {
    if (!sessions) throw notModelled('The Skype emulator models Invoke-Command -Session in the Management Shell only (docs/skype-emulator.md).');
    const out: PsValue[] = [];
    for (const value of bound.get<PsValue[]>('Session') ?? []) {
      // A session keeps its scope: variables set by one Invoke-Command are there for the next.
      const session = sessions.find(value, INVOKE_COMMAND.name);
      session.machine.remoteErrors.length = 0;
      await runRemote(block, session.machine, session.scope, session.machine.server, bound, scope, errors, shell, out);
    }
    return out;
  }
  const authentication = bound.get<string>('Authentication');
  if (authentication !== undefined && !['Default', 'Kerberos', 'Negotiate', 'Credssp'].includes(authentication)) {
    throw notModelled(`The Skype emulator models -Authentication Default, Kerberos, Negotiate and CredSSP, not ${authentication} (docs/skype-emulator.md).`);
  }
  const port = bound.get<number>('Port');
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new PsError(INVOKE_COMMAND.name, `Cannot validate argument on parameter 'Port'. The ${port} argument is ${port < 1 ? 'less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1' : 'greater than the maximum allowed range of 65535. Supply an argument that is less than or equal to 65535'} and then try the command again.`, { fqid: 'ParameterArgumentValidationError,Microsoft.PowerShell.Commands.InvokeCommandCommand', category: 'InvalidData', exceptionType: 'System.Management.Automation.ParameterBindingValidationException' });
  }
  const out: PsValue[] = [];
  for (const computer of bound.get<string[]>('ComputerName') ?? []) {
    const server = computer.trim().toLowerCase();
    if (!network.computers.includes(server)) {
      shell.nonTerminating(transportError(computer, 'ComputerNotFound,PSSessionStateBroken', 'WinRM cannot process the request because the computer name could not be resolved.'), bound, scope, errors);
      continue;
    }
    if (network.unreachable.includes(server)) {
      shell.nonTerminating(transportError(computer, 'CannotConnect,PSSessionStateBroken', 'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet.'), bound, scope, errors);
      continue;
    }
    const credential = bound.get<PsObject>('Credential');
    const machine = remoteMachine(server, network.timeZoneOf(server), accountOf(credential ? String(credential.get('UserName') ?? '') : undefined));
    await runRemote(block, machine, new Scope(machine, undefined, scope), computer, bound, scope, errors, shell, out);
  }
  return out;
}

/** Runs `block` on a remote machine: its output deserialized into `out`, its errors back to the caller with OriginInfo. */
async function runRemote(block: PsScriptBlock, machine: Machine & { readonly remoteErrors: PsError[] }, remote: Scope, computer: string, bound: CommandCall['bound'], scope: Scope, errors: PsError[], shell: CommandCall['shell'], out: PsValue[]): Promise<void> {
  const runspace = randomUUID();
  const outputs: PsValue[] = [];
  try {
    await shell.runBlock(block.body, remote, (v) => outputs.push(...enumerate(v)));
  } catch (caught) {
    if (!(caught instanceof PsError)) throw caught;
    machine.remoteErrors.push(caught);
  }
  for (const value of outputs) out.push(deserialized(value, computer, runspace, shell.session));
  for (const error of machine.remoteErrors) {
    error.details.origin = computer;
    delete error.details.terminating;
    shell.nonTerminating(error, bound, scope, errors);
  }
}

/** A remote output object as the caller gets it: PSComputerName added, nested objects as strings. */
function deserialized(value: PsValue, computer: string, runspace: string, session: Machine): PsValue {
  const v = unwrap(value);
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof PsDate) return new PsRemote(v, computer, runspace);
  if (typeof v === 'bigint') return new PsRemote(Number(v), computer, runspace);
  const flat = (item: PsValue): PsValue => {
    const u = unwrap(item);
    if (u instanceof PsObject || u instanceof PsHashtable) return invariantString(u, session.timeZone);
    if (Array.isArray(u)) return u.map((x) => (x instanceof PsObject || x instanceof PsHashtable ? invariantString(x, session.timeZone) : x));
    return u;
  };
  const entries = v instanceof PsObject ? v.properties : v instanceof PsHashtable ? v.entries : [];
  const typeName = v instanceof PsObject ? `Deserialized.${v.typeName}` : 'Deserialized.System.Collections.Hashtable';
  return new PsObject(typeName, [...entries.map(([k, item]) => [k, flat(item)] as const), ['PSComputerName', computer], ['RunspaceId', runspace], ['PSShowComputerName', true]]);
}

/** Invoke-Command over `network`; -Session runs in `sessions` (New-PSSession's). */
export function invokeCommandOver(network: Network, sessions?: Sessions): Command {
  return { spec: INVOKE_COMMAND, run: (call) => invokeCommand(network, sessions, call) };
}
