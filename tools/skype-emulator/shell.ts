/**
 * The Management Shell: runs one parsed script against the emulated deployment, as Windows
 * PowerShell 5.1 (`desktop`) or PowerShell 7 (`core`) would (docs/skype-emulator.md). Accepts
 * only the subset documented there (statements, operators, type literals and static members the
 * adapter's scripts use); everything else is a clear PowerShell-style error.
 *
 * Errors follow PowerShell's three kinds: a cmdlet's terminating error stops its statement
 * (the script too under `$ErrorActionPreference = 'Stop'`), `throw` and `-ErrorAction Stop` stop
 * the script, a non-terminating error (Invoke-Command's unreachable server) is written and the
 * statement goes on; try/catch catches the first two.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { SyntaxNode } from 'tree-sitter';
import { findWindows } from 'windows-iana';
import { bindParameters, CERT_TYPES, PsError, type Bound, type CmdletSpec, type Element } from './binder';
import {
  CONVERT_TO_JSON, CONVERT_TO_SECURE_STRING, findCmdlet, GET_CS_CERTIFICATE, GET_REPLICATION_STATUS, IMPORT_CS_CERTIFICATE, IMPORT_DATA_FILE,
  IMPORT_MODULE, INVOKE_COMMAND, INVOKE_REPLICATION, REMOVE_CS_CERTIFICATE, SELECT_OBJECT, SET_CS_CERTIFICATE, WRITE_OUTPUT,
} from './cmdlets';
import { formatRoundTrip, formatServerDate, wallClockInstant, type Culture } from './culture';
import { assign, cmsSlots, commitCms, effectiveSlot, replicaStatus, serverSlots, settle, unassign } from './deployment';
import { firstSyntaxError, parsePowerShell } from './grammar';
import { openPfx } from './pfx';
import type { CertificateRecord, EmulatorState, Slot } from './state';
import {
  convertToJson, PsDate, PsEnum, PsHashtable, PsObject, PsRemote, PsScriptBlock, PsSecret, toPsString, typeNameOf, unwrap,
  type Edition, type PsValue,
} from './values';

/** The emulator's own refusal: a secret where it must never be (exit status 3). */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
}

/** `exit N`: ends the script (and, under -Command -, the process) with that code. */
export class ExitSignal extends Error {
  override readonly name = 'ExitSignal';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** What one run needs besides the state. */
export interface RunContext {
  readonly state: EmulatorState;
  readonly now: Date;
  /** The script text and the process's argv: what the secret check scans. */
  readonly scriptText: string;
  readonly argv: readonly string[];
  /** A line on stdout. */
  readonly out: (line: string) => void;
  /** A line on stderr. */
  readonly err: (line: string) => void;
  /** How 5.1 names the script in `At ...`: `line` under -Command, the file's path under -File. */
  readonly origin: string;
}

const CERTIFICATE_REFERENCE = 'Microsoft.Rtc.Management.Deployment.CertificateReference';
const NOT_SUPPORTED = 'NotSupported';
const NON_INTERACTIVE = 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';
/** Skype Server 2019 CU's product version, as community scripts show ReplicaState.ProductVersion. */
const PRODUCT_VERSION = '7.0.2046.0';
const RUNTIME_EXCEPTION = 'System.Management.Automation.RuntimeException';
const ERROR_RECORD = 'System.Management.Automation.ErrorRecord';
const PREFERENCES = ['ErrorActionPreference', 'WarningPreference', 'ProgressPreference', 'InformationPreference', 'VerbosePreference', 'DebugPreference'];
const ACTION_NAMES = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend', 'Break'];
/**
 * The "Preparing modules for first use." progress record 5.1 writes to a redirected stderr as
 * CLIXML (the record inspec/train issue #153 captured from powershell.exe): a reader that expects plain
 * text there sees this.
 */
export const PROGRESS_CLIXML = '#< CLIXML\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>';

/** Wrapper node types of the expression grammar that are transparent when they hold one child. */
const WRAPPERS = new Set([
  'logical_expression', 'bitwise_expression', 'comparison_expression', 'additive_expression', 'multiplicative_expression',
  'format_expression', 'range_expression', 'unary_expression', 'expression_with_unary_operator', 'left_assignment_expression',
  'argument_expression', 'logical_argument_expression', 'bitwise_argument_expression', 'comparison_argument_expression',
  'additive_argument_expression', 'multiplicative_argument_expression', 'format_argument_expression', 'range_argument_expression',
]);

function unsupported(node: SyntaxNode, what = node.type): PsError {
  return new PsError(
    NOT_SUPPORTED,
    `The Skype emulator does not accept ${what} (line ${node.startPosition.row + 1}, '${node.text.slice(0, 40).replace(/\s+/g, ' ')}'): it runs only the accepted subset (docs/skype-emulator.md).`,
    // The emulator's own limit stops the script: nothing after it would be a faithful run.
    { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException', terminating: 'script' },
  );
}

/** A runtime error of the language itself (no command): `Method invocation failed ...`. */
function runtimeError(fqid: string, category: string, message: string): PsError {
  return new PsError('', message, { fqid, category, exceptionType: RUNTIME_EXCEPTION });
}

/** The machine a scope runs on: the session's, or a Front End's inside Invoke-Command. */
interface Machine {
  readonly server: string;
  /** IANA zone: `[TimeZoneInfo]::Local`, Local DateTimes. */
  readonly timeZone: string;
  /** Remote sessions are always Windows PowerShell 5.1 (the servers' default endpoint). */
  readonly edition: Edition;
  /** Errors written inside Invoke-Command go back to the caller, not to the console. */
  readonly remoteErrors?: PsError[];
}

class Scope {
  private readonly variables = new Map<string, PsValue>();
  constructor(readonly machine: Machine, readonly outer?: Scope, readonly caller?: Scope) {}
  get server(): string {
    return this.machine.server;
  }
  get(name: string): PsValue | undefined {
    const lower = name.toLowerCase();
    if (this.variables.has(lower)) return this.variables.get(lower) as PsValue;
    return this.outer?.get(name);
  }
  set(name: string, value: PsValue): void {
    this.variables.set(name.toLowerCase(), value);
  }
}

/** Where statements write their output, and whether a try encloses them. */
interface Frame {
  readonly emit: (value: PsValue) => void;
  readonly inTry: boolean;
}

const collapse = (values: readonly PsValue[]): PsValue => (values.length === 0 ? null : values.length === 1 ? (values[0] as PsValue) : [...values]);
const enumerate = (value: PsValue): PsValue[] => (Array.isArray(value) ? value : value === null ? [] : [value]);

/** PowerShell's truthiness ([bool]$x). */
function truthy(value: PsValue): boolean {
  const v = unwrap(value);
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (v instanceof PsEnum) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 1 || (v.length === 1 && truthy(v[0] as PsValue));
  return true;
}

/** DateTime conversions in the language (casts, `+`, `"$d"`) use the invariant culture. */
function invariantDate(date: PsDate, zone: string): string {
  return formatRoundTrip(date.instant, date.kind === 'Utc' ? 'Utc' : 'Unspecified', zone).replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2}).*$/, '$2/$3/$1 $4');
}

/** Type literals the emulator knows (full names; PowerShell also accepts them without `System.`). */
const TYPES = [
  'System.Console', 'System.Text.UTF8Encoding', 'System.TimeZoneInfo', 'System.Globalization.CultureInfo', 'System.DateTime',
  'System.DateTimeKind', 'System.Management.Automation.PSCredential', 'System.String',
];
const ACCELERATORS: Record<string, string> = {
  datetime: 'System.DateTime', cultureinfo: 'System.Globalization.CultureInfo', pscredential: 'System.Management.Automation.PSCredential',
  string: 'System.String',
};
const DATE_KINDS = ['Unspecified', 'Utc', 'Local'] as const;
const UNIX_EPOCH_TICKS = 621355968000000000n;

function resolveType(text: string): string {
  const name = text.replace(/^\[|\]$/g, '').trim();
  const lower = name.toLowerCase();
  const found = TYPES.find((t) => t.toLowerCase() === lower || t.toLowerCase() === `system.${lower}`) ?? ACCELERATORS[lower];
  if (!found) throw runtimeError('TypeNotFound', 'InvalidOperation', `Unable to find type [${name}].`);
  return found;
}

const typeObject = (fullName: string): PsObject =>
  new PsObject('System.RuntimeType', [['FullName', fullName], ['Name', fullName.slice(fullName.lastIndexOf('.') + 1)], ['__ToString', fullName]]);

/** An ErrorRecord as scripts see it ($_ in catch, -ErrorVariable). */
export class PsErrorRecord extends PsObject {
  constructor(readonly error: PsError, runspaceId: string) {
    const d = error.details;
    const exceptionName = error.exceptionType.slice(error.exceptionType.lastIndexOf('.') + 1);
    const properties: [string, PsValue][] = [
      ['Exception', new PsObject(error.exceptionType, [['Message', error.message], ['__ToString', error.message]])],
      ['TargetObject', d.targetName ?? null],
      ['CategoryInfo', new PsObject('System.Management.Automation.ErrorCategoryInfo', [
        ['Category', new PsEnum('System.Management.Automation.ErrorCategory', error.category, ERROR_CATEGORIES.indexOf(error.category))],
        ['Activity', error.command],
        ['Reason', exceptionName],
        ['TargetName', d.targetName ?? ''],
        ['TargetType', d.targetName === undefined ? '' : 'String'],
      ])],
      ['FullyQualifiedErrorId', error.fqid],
      ['ErrorDetails', null],
      ['InvocationInfo', null],
      ['ScriptStackTrace', ''],
      ['PipelineIterationInfo', []],
    ];
    // Only errors raised on a remote computer carry OriginInfo (RemotingErrorRecord).
    if (d.origin !== undefined) {
      properties.push(['OriginInfo', new PsObject('System.Management.Automation.Remoting.OriginInfo', [['PSComputerName', d.origin], ['RunspaceID', runspaceId], ['__ToString', d.origin]])]);
      properties.push(['PSComputerName', d.origin]);
    }
    super(ERROR_RECORD, properties);
  }
}

/** System.Management.Automation.ErrorCategory, in enum order. */
const ERROR_CATEGORIES = [
  'NotSpecified', 'OpenError', 'CloseError', 'DeviceError', 'DeadlockDetected', 'InvalidArgument', 'InvalidData', 'InvalidOperation',
  'InvalidResult', 'InvalidType', 'MetadataError', 'NotImplemented', 'NotInstalled', 'ObjectNotFound', 'OperationStopped',
  'OperationTimeout', 'SyntaxError', 'ParserError', 'PermissionDenied', 'ResourceBusy', 'ResourceExists', 'ResourceUnavailable',
  'ReadError', 'WriteError', 'FromStdErr', 'SecurityError', 'ProtocolError', 'ConnectionError', 'AuthenticationError',
  'LimitsExceeded', 'QuotaExceeded', 'NotEnabled',
];

/** A 5.1 ParserError message for PowerShell 7-only syntax the grammar marks as an error. */
function desktopSyntaxMessage(source: string, at: SyntaxNode): string | undefined {
  const text = source.slice(at.startIndex, at.endIndex);
  if (/\?\?/.test(text)) return "Unexpected token '??' in expression or statement.";
  if (/\?/.test(text)) return "Unexpected token '?' in expression or statement.";
  return undefined;
}

export class Shell {
  private readonly ctx: RunContext;
  private readonly state: EmulatorState;
  private readonly now: Date;
  private readonly session: Machine;
  /** Whether the current statement group ($? of the last one) failed. */
  private failed = false;
  private progressWritten = false;
  private readonly runspaceId = randomUUID();
  /** [Console]::OutputEncoding as the script set it. */
  private outputEncoding: PsValue = null;

  constructor(ctx: RunContext) {
    this.ctx = ctx;
    this.state = ctx.state;
    this.now = ctx.now;
    this.session = { server: this.state.config.localServer, timeZone: this.state.config.sessionTimeZone, edition: this.state.config.edition };
  }

  private get edition(): Edition {
    return this.state.config.edition;
  }

  private get culture(): Culture {
    return this.state.config.sessionCulture;
  }

  /**
   * `-File`: the whole script is one unit. Exit code: `exit N`; 1 after an uncaught terminating
   * error; 0 otherwise, non-terminating errors included (about_PowerShell_exe, about_Pwsh).
   */
  async runFile(source: string): Promise<number> {
    settle(this.state, this.now);
    try {
      const scope = this.newSessionScope();
      return await this.runUnit(source, scope) ?? 0;
    } finally {
      settle(this.state, this.now);
    }
  }

  /**
   * `-Command -`: the console host reads stdin line by line; a complete one-line statement runs
   * at once, a statement spanning lines runs when an empty line follows it and is dropped if
   * stdin ends first; an error does not stop later lines; the exit code is the last statement's
   * (PowerShell issues #3223, #15331, #21808).
   */
  async runCommandStdin(source: string): Promise<number> {
    settle(this.state, this.now);
    const scope = this.newSessionScope();
    let code = 0;
    try {
      const lines = source.split(/\r?\n/);
      // The newline that ends the last line is no empty line of its own.
      if (lines[lines.length - 1] === '') lines.pop();
      let buffer: string[] = [];
      for (const line of lines) {
        if (buffer.length === 0 && line.trim() === '') continue;
        buffer.push(line);
        const text = buffer.join('\n');
        if (buffer.length > 1 ? line.trim() === '' : await this.isComplete(text)) {
          buffer = [];
          const exit = await this.runUnit(text, scope);
          if (exit !== undefined && this.exited) return exit;
          code = this.failed ? 1 : 0;
        }
      }
      return code;
    } finally {
      settle(this.state, this.now);
    }
  }

  private exited = false;

  /** Whether a one-line input is a complete statement (the host asks for more lines otherwise). */
  private async isComplete(text: string): Promise<boolean> {
    const tree = await parsePowerShell(text);
    const trimmedEnd = text.trimEnd().length;
    if (/[|`]$/.test(text.trimEnd()) || /@['"]$/.test(text.trimEnd())) return false;
    const last = tree.rootNode.descendantsOfType('try_statement').find((t) => t.parent?.parent?.type === 'program');
    if (last && !last.namedChildren.some((c) => c.type === 'catch_clauses' || c.type === 'finally_clause')) return false;
    if (!tree.rootNode.hasError) return true;
    const at = firstSyntaxError(tree.rootNode);
    if (!at) return true;
    // An error at the very end (a missing `}`, an open `(` or quote) means more input is coming.
    return !(at.isMissing || at.endIndex >= trimmedEnd) || !/[({[]|^'[^']*$|^"[^"]*$/.test(text);
  }

  private newSessionScope(): Scope {
    return new Scope(this.session);
  }

  /** Parses and runs one unit; returns the exit code of `exit N` or of an uncaught error. */
  private async runUnit(source: string, scope: Scope): Promise<number | undefined> {
    this.failed = false;
    const tree = await parsePowerShell(source);
    const parseError = this.parseError(source, tree.rootNode);
    if (parseError) {
      this.failed = true;
      this.writeError(parseError, scope);
      return 1;
    }
    try {
      await this.runStatements(tree.rootNode, scope, { emit: (value) => this.print(value), inTry: false });
      return undefined;
    } catch (caught) {
      if (caught instanceof ExitSignal) {
        this.exited = true;
        this.failed = caught.code !== 0;
        return caught.code;
      }
      if (caught instanceof PsError) {
        this.failed = true;
        this.writeError(caught, scope);
        return 1;
      }
      throw caught;
    }
  }

  /** The ParserError for a script the grammar rejects, or PowerShell 7-only syntax in 5.1. */
  private parseError(source: string, root: SyntaxNode): PsError | undefined {
    const located = (node: SyntaxNode, message: string, fqid: string): PsError => {
      const error = new PsError('', message, { fqid, category: 'ParserError', exceptionType: 'System.Management.Automation.ParseException' });
      this.locate(error, node, source);
      return error;
    };
    if (this.edition === 'desktop') {
      // `&&` and `||` came with PowerShell 7 (about_Pipeline_Chain_Operators).
      const chain = root.descendantsOfType('pipeline_chain_tail')[0];
      if (chain) {
        const operator = chain.children.find((c) => !c.isNamed)?.text ?? '&&';
        return located(chain, `The token '${operator}' is not a valid statement separator in this version.`, 'InvalidEndOfLine');
      }
    }
    if (!root.hasError) return undefined;
    const at = firstSyntaxError(root) ?? root;
    if (this.edition === 'desktop') {
      const message = desktopSyntaxMessage(source, at);
      if (message) return located(at, message, 'UnexpectedToken');
    }
    let inCommand = false;
    for (let n: SyntaxNode | null = at; n; n = n.parent) if (n.type === 'command_elements' || n.type === 'command') inCommand = true;
    const barewordList = inCommand && /[A-Za-z0-9_]\s*,/.test(source.split(/\r?\n/)[at.startPosition.row] ?? '');
    const what = at.isMissing || at.text === '' ? `missing ${at.isMissing ? `'${at.type}'` : 'token'}` : `unexpected '${at.text.slice(0, 40)}'`;
    const hint = barewordList ? ' (a list in a command argument must quote each item: \'A\', \'B\'; tree-sitter-powershell cannot parse bare-word lists)' : '';
    return located(at, `Line ${at.startPosition.row + 1}, column ${at.startPosition.column + 1}: ${what}: the script is not valid PowerShell${hint}.`, 'ParserError');
  }

  /** Records where an error was raised (5.1 prints it: `At line:1 char:5` and the line). */
  private locate(error: PsError, node: SyntaxNode, source?: string): void {
    if (error.details.position) return;
    const all = source ?? this.currentSource(node);
    const lineText = all.split(/\r?\n/)[node.startPosition.row] ?? '';
    const sameLine = node.endPosition.row === node.startPosition.row;
    const length = Math.max(1, (sameLine ? node.endPosition.column : lineText.length) - node.startPosition.column);
    error.details.position = { line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: lineText, length };
  }

  private currentSource(node: SyntaxNode): string {
    let root = node;
    while (root.parent) root = root.parent;
    return root.text;
  }

  // --- Output and errors -----------------------------------------------------------------------

  private print(value: PsValue): void {
    const v = unwrap(value);
    if (v === null) return;
    if (typeof v === 'string') return this.ctx.out(v);
    if (v instanceof PsErrorRecord) return this.writeError(v.error, this.newSessionScope());
    if ((v instanceof PsObject && !v.has('__ToString')) || v instanceof PsHashtable) {
      const entries = (v instanceof PsObject ? v.properties : v.entries).filter(([k]) => !k.startsWith('__'));
      const width = Math.max(...entries.map(([k]) => k.length), 0);
      this.ctx.out('');
      for (const [k, item] of entries) this.ctx.out(`${k.padEnd(width)} : ${Array.isArray(item) ? `{${item.map((x) => this.display(x)).join(', ')}}` : this.display(item)}`);
      return this.ctx.out('');
    }
    if (Array.isArray(v)) return v.forEach((item) => this.print(item));
    this.ctx.out(this.display(v));
  }

  /** How the host shows a value: dates in the session culture's "G" pattern. */
  private display(value: PsValue): string {
    const v = unwrap(value);
    if (v instanceof PsDate) return formatServerDate(v.instant, this.culture, v.kind === 'Utc' ? 'UTC' : this.session.timeZone);
    return this.str(v, this.session);
  }

  /** `[string]$value` (invariant culture for dates). */
  private str(value: PsValue, machine: Machine): string {
    return toPsString(value, (date) => invariantDate(date, machine.timeZone));
  }

  private preference(scope: Scope, name: string, given?: string): string {
    if (given !== undefined) return given;
    const value = scope.get(name);
    return value === undefined || value === null ? 'Continue' : this.str(value, scope.machine);
  }

  /** Writes an error to the console in the edition's view, or back to the caller from a remote session. */
  private writeError(error: PsError, scope: Scope): void {
    if (scope.machine.remoteErrors) {
      scope.machine.remoteErrors.push(error);
      return;
    }
    for (const line of this.edition === 'desktop' ? this.normalView(error) : this.conciseView(error)) this.ctx.err(line);
  }

  /** Windows PowerShell 5.1's NormalView (about_Preference_Variables, $ErrorView). */
  private normalView(error: PsError): string[] {
    const d = error.details;
    const first = d.transport ? `[${d.targetName ?? ''}] ${error.message}` : error.command === '' || error.command === NOT_SUPPORTED ? error.message : `${error.command} : ${error.message}`;
    const lines = [first];
    if (d.position && d.origin === undefined && !d.transport) {
      const where = this.ctx.origin === 'line' ? `line:${d.position.line}` : `${this.ctx.origin}:${d.position.line}`;
      lines.push(`At ${where} char:${d.position.column}`);
      lines.push(`+ ${d.position.text}`);
      lines.push(`+ ${' '.repeat(d.position.column - 1)}${'~'.repeat(d.position.length)}`);
    }
    const exceptionName = error.exceptionType.slice(error.exceptionType.lastIndexOf('.') + 1);
    const target = d.targetName === undefined ? '(:)' : `(${d.targetName}:String)`;
    const activity = d.transport || error.command === '' ? '[]' : `[${error.command}]`;
    lines.push(`    + CategoryInfo          : ${error.category}: ${target} ${activity}, ${exceptionName}`);
    lines.push(`    + FullyQualifiedErrorId : ${error.fqid}`);
    if (d.origin !== undefined) lines.push(`    + PSComputerName        : ${d.origin}`);
    lines.push(' ');
    return lines;
  }

  /** PowerShell 7's ConciseView: one line, `Command: message`. */
  private conciseView(error: PsError): string[] {
    const d = error.details;
    if (d.transport) return [`OpenError: [${d.targetName ?? ''}] ${error.message}`];
    // No command: `throw` shows as Exception, other language errors by their category.
    if (error.command === '') return [`${error.fqid === error.message ? 'Exception' : error.category}: ${error.message}`];
    return [`${error.command}: ${error.message}`];
  }

  /** A warning: 5.1 writes it to stdout under -Command/-File (PowerShell issue #7989); 7 to stderr here. */
  private warn(scope: Scope, text: string, action?: string): void {
    const preference = this.preference(scope, 'WarningPreference', action);
    if (preference === 'SilentlyContinue' || preference === 'Ignore') return;
    if (scope.machine.remoteErrors) return;
    if (preference === 'Stop') {
      throw new PsError('', `The running command stopped because the preference variable "WarningPreference" or common parameter is set to Stop: ${text}`, { fqid: 'ActionPreferenceStop', category: 'OperationStopped', exceptionType: 'System.Management.Automation.ActionPreferenceStopException', terminating: 'script' });
    }
    if (this.edition === 'desktop') this.ctx.out(`WARNING: ${text}`);
    else this.ctx.err(`WARNING: ${text}`);
  }

  /** A progress record: 5.1 serializes it to a redirected stderr as CLIXML, once per process here. */
  private progress(scope: Scope): void {
    if (this.edition !== 'desktop' || this.progressWritten) return;
    if (this.preference(scope, 'ProgressPreference') === 'SilentlyContinue') return;
    this.progressWritten = true;
    this.ctx.err(PROGRESS_CLIXML);
  }

  // --- Statements ------------------------------------------------------------------------------

  private async runStatements(node: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    for (const child of node.namedChildren) {
      switch (child.type) {
        case 'statement_list':
        case 'script_block_body':
          await this.runStatements(child, scope, frame);
          break;
        case 'empty_statement':
        case 'comment':
          break;
        default:
          await this.guarded(child, scope, frame);
      }
    }
  }

  /** Runs one statement; a statement-terminating error stops only it unless 'Stop' or a try says otherwise. */
  private async guarded(statement: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    try {
      await this.runStatement(statement, scope, frame);
    } catch (caught) {
      if (!(caught instanceof PsError)) throw caught;
      this.locate(caught, statement);
      if (frame.inTry || caught.details.terminating === 'script') throw caught;
      const preference = this.preference(scope, 'ErrorActionPreference');
      if (preference === 'Stop') {
        caught.details.terminating = 'script';
        throw caught;
      }
      this.failed = true;
      if (preference !== 'SilentlyContinue' && preference !== 'Ignore') this.writeError(caught, scope);
    }
  }

  private async runStatement(node: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    switch (node.type) {
      case 'pipeline':
        for (const value of await this.runPipeline(node, scope)) frame.emit(value);
        return;
      case 'if_statement':
        return this.ifStatement(node, scope, frame);
      case 'foreach_statement':
        return this.foreachStatement(node, scope, frame);
      case 'try_statement':
        return this.tryStatement(node, scope, frame);
      case 'flow_control_statement':
        return this.flowControl(node, scope);
      default:
        throw unsupported(node, `a ${node.type.replace(/_/g, ' ')}`);
    }
  }

  private async ifStatement(node: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    const condition = node.namedChildren[0];
    const block = node.namedChildren[1];
    if (!condition || !block || condition.type !== 'pipeline' || block.type !== 'statement_block') throw unsupported(node, 'this if statement');
    if (truthy(await this.pipelineValue(condition, scope))) return this.runStatements(block, scope, frame);
    for (const clause of node.namedChildren.slice(2)) {
      if (clause.type === 'elseif_clauses') {
        for (const elseif of clause.namedChildren) {
          const [test, body] = elseif.namedChildren;
          if (!test || !body) throw unsupported(elseif);
          if (truthy(await this.pipelineValue(test, scope))) return this.runStatements(body, scope, frame);
        }
      } else if (clause.type === 'else_clause') {
        const body = clause.namedChildren[0];
        if (body) return this.runStatements(body, scope, frame);
      } else throw unsupported(clause);
    }
  }

  private async foreachStatement(node: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    const [variable, collection, body] = node.namedChildren;
    if (!variable || !collection || !body || variable.type !== 'variable' || collection.type !== 'pipeline' || body.type !== 'statement_block' || node.namedChildCount !== 3) {
      throw unsupported(node, 'this foreach statement');
    }
    const name = this.variableName(variable);
    for (const item of enumerate(await this.pipelineValue(collection, scope))) {
      scope.set(name, item);
      await this.runStatements(body, scope, frame);
    }
  }

  private async tryStatement(node: SyntaxNode, scope: Scope, frame: Frame): Promise<void> {
    const body = node.namedChildren[0];
    const catches = node.namedChildren.find((c) => c.type === 'catch_clauses');
    const finallyClause = node.namedChildren.find((c) => c.type === 'finally_clause');
    if (!body || body.type !== 'statement_block') throw unsupported(node, 'this try statement');
    const clauses = catches?.namedChildren ?? [];
    if (clauses.length > 1 || clauses.some((c) => c.namedChildren.some((n) => n.type !== 'statement_block'))) throw unsupported(node, 'a typed or repeated catch clause');
    try {
      await this.runStatements(body, scope, { ...frame, inTry: true });
    } catch (caught) {
      const handler = clauses[0]?.namedChildren[0];
      if (!(caught instanceof PsError) || !handler) throw caught;
      const previous = scope.get('_');
      scope.set('_', new PsErrorRecord(caught, this.runspaceId));
      try {
        await this.runStatements(handler, scope, frame);
      } finally {
        scope.set('_', previous ?? null);
      }
    } finally {
      const block = finallyClause?.namedChildren[0];
      if (block) await this.runStatements(block, scope, frame);
    }
  }

  private async flowControl(node: SyntaxNode, scope: Scope): Promise<void> {
    const keyword = node.children[0]?.text.toLowerCase();
    const argument = node.namedChildren.find((c) => c.type === 'pipeline');
    const value = argument ? await this.pipelineValue(argument, scope) : null;
    if (keyword === 'exit') {
      const v = unwrap(value);
      const code = v === null ? 0 : typeof v === 'number' ? v : Number(this.str(v, scope.machine));
      if (!Number.isInteger(code)) throw runtimeError('InvalidCastFromStringToInteger', 'InvalidArgument', `Cannot convert value "${this.str(v, scope.machine)}" to type "System.Int32".`);
      throw new ExitSignal(code);
    }
    if (keyword === 'throw') {
      if (value instanceof PsErrorRecord) {
        value.error.details.terminating = 'script';
        throw value.error;
      }
      const message = value === null ? 'ScriptHalted' : this.str(value, scope.machine);
      // throw 'text': a RuntimeException whose FullyQualifiedErrorId is the text (about_Throw).
      throw new PsError('', message, { fqid: message, category: 'OperationStopped', targetName: value === null ? undefined : message, exceptionType: RUNTIME_EXCEPTION, terminating: 'script' });
    }
    throw unsupported(node, `'${keyword ?? node.text}'`);
  }

  // --- Pipelines and assignments ---------------------------------------------------------------

  /** The pipeline's output objects, enumerated. */
  private async runPipeline(node: SyntaxNode, scope: Scope): Promise<PsValue[]> {
    const inner = node.namedChildren;
    if (inner.length !== 1) throw unsupported(node, 'this pipeline');
    const only = inner[0] as SyntaxNode;
    if (only.type === 'assignment_expression') {
      await this.assign(only, scope);
      return [];
    }
    if (only.type !== 'pipeline_chain') throw unsupported(only);
    let items: PsValue[] | undefined;
    for (const part of only.children) {
      if (part.type === '|') continue;
      if (!part.isNamed) throw unsupported(part, `the operator '${part.text}'`);
      if (part.type === 'command') items = await this.runCommand(part, items, scope);
      else if (items === undefined) items = enumerate(await this.evaluate(part, scope));
      else throw unsupported(part, 'an expression after a pipe');
    }
    return items ?? [];
  }

  /** A pipeline as a value: a lone expression keeps its value (`@(x)` stays an array); commands' output collapses. */
  private async pipelineValue(node: SyntaxNode, scope: Scope): Promise<PsValue> {
    const chain = node.namedChildren[0];
    if (node.namedChildCount === 1 && chain?.type === 'pipeline_chain' && chain.namedChildCount === 1 && chain.namedChildren[0]?.type !== 'command') {
      return this.evaluate(chain.namedChildren[0] as SyntaxNode, scope);
    }
    return collapse(await this.runPipeline(node, scope));
  }

  private async assign(node: SyntaxNode, scope: Scope): Promise<void> {
    const [left, operator, right] = node.namedChildren;
    if (!left || !operator || !right || operator.text !== '=') throw unsupported(node, 'this assignment');
    let target = left;
    while (WRAPPERS.has(target.type) || target.type === 'array_literal_expression') {
      if (target.namedChildCount !== 1) throw unsupported(node, 'this assignment');
      target = target.namedChildren[0] as SyntaxNode;
    }
    if (right.type !== 'pipeline') throw unsupported(right);
    const value = await this.pipelineValue(right, scope);
    if (target.type === 'member_access' && target.children.some((c) => c.type === '::')) {
      const type = target.namedChildren[0];
      const member = target.namedChildren[target.namedChildCount - 1];
      if (type?.type === 'type_literal' && resolveType(type.text) === 'System.Console' && member?.text.toLowerCase() === 'outputencoding') {
        if (!(value instanceof PsObject) || !value.typeName.startsWith('System.Text.')) {
          throw runtimeError('ExceptionWhenSetting', 'NotSpecified', `Exception setting "OutputEncoding": "Cannot convert the "${this.str(value, scope.machine)}" value of type "${typeNameOf(value)}" to type "System.Text.Encoding"."`);
        }
        this.outputEncoding = value;
        return;
      }
      throw unsupported(node, 'an assignment to this static member');
    }
    if (target.type !== 'variable') throw unsupported(node, 'an assignment to anything but a variable');
    const name = this.variableName(target);
    if (PREFERENCES.some((p) => p.toLowerCase() === name.toLowerCase())) this.checkPreference(value, scope);
    scope.set(name, value);
  }

  /** The preference variables are typed ActionPreference: a bad value is refused at assignment. */
  private checkPreference(value: PsValue, scope: Scope): void {
    const text = this.str(value, scope.machine);
    const names = ACTION_NAMES.filter((n) => (this.edition === 'desktop' ? n !== 'Break' : n !== 'Suspend'));
    if (!names.some((n) => n.toLowerCase() === text.toLowerCase())) {
      throw runtimeError('RuntimeException', 'MetadataError', `Cannot convert value "${text}" to type "System.Management.Automation.ActionPreference". Error: "Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again: ${names.join(', ')}"`);
    }
  }

  private variableName(node: SyntaxNode): string {
    const text = node.text.startsWith('${') ? `$${node.text.slice(2, -1)}` : node.text;
    const name = text.slice(1);
    if (!/^(using:)?([A-Za-z_][A-Za-z0-9_]*|_)$/.test(name)) throw unsupported(node, `the variable ${node.text}`);
    return name;
  }

  private lookup(node: SyntaxNode, scope: Scope): PsValue {
    const name = this.variableName(node);
    const lower = name.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (lower === 'psversiontable') return this.versionTable(scope.machine.edition);
    if (lower.startsWith('using:')) {
      // $using: reads the caller's variable inside Invoke-Command, as remoting does.
      if (!scope.caller) throw new PsError('', 'A Using variable cannot be retrieved. A Using variable can be used only with Invoke-Command, Start-Job, or InlineScript in the script workflow. When it is used with Invoke-Command, the Using variable is valid only if the script block is invoked on a remote computer.', { fqid: 'UsingWithoutInvokeCommand', category: 'InvalidOperation', exceptionType: RUNTIME_EXCEPTION });
      return scope.caller.get(name.slice('using:'.length)) ?? null;
    }
    // Unknown variables are $null, as in PowerShell without Set-StrictMode.
    return scope.get(name) ?? null;
  }

  /** $PSVersionTable: Windows Server 2019's 5.1, or PowerShell 7.4. */
  private versionTable(edition: Edition): PsHashtable {
    if (edition === 'desktop') {
      return new PsHashtable([
        ['PSVersion', new PsObject('System.Version', [['Major', 5], ['Minor', 1], ['Build', 17763], ['Revision', 592], ['__ToString', '5.1.17763.592']])],
        ['PSEdition', 'Desktop'],
        ['BuildVersion', new PsObject('System.Version', [['__ToString', '10.0.17763.592']])],
        ['CLRVersion', new PsObject('System.Version', [['__ToString', '4.0.30319.42000']])],
        ['WSManStackVersion', new PsObject('System.Version', [['__ToString', '3.0']])],
        ['PSRemotingProtocolVersion', new PsObject('System.Version', [['__ToString', '2.3']])],
        ['SerializationVersion', new PsObject('System.Version', [['__ToString', '1.1.0.1']])],
      ]);
    }
    return new PsHashtable([
      ['PSVersion', new PsObject('System.Management.Automation.SemanticVersion', [['Major', 7], ['Minor', 4], ['Patch', 6], ['__ToString', '7.4.6']])],
      ['PSEdition', 'Core'],
      ['GitCommitId', '7.4.6'],
      ['OS', 'Microsoft Windows 10.0.17763'],
      ['Platform', 'Win32NT'],
      ['PSRemotingProtocolVersion', new PsObject('System.Version', [['__ToString', '2.3']])],
      ['SerializationVersion', new PsObject('System.Version', [['__ToString', '1.1.0.1']])],
      ['WSManStackVersion', new PsObject('System.Version', [['__ToString', '3.0']])],
    ]);
  }

  // --- Expressions ---------------------------------------------------------------------------

  /** Evaluates an expression node to a value. */
  async evaluate(node: SyntaxNode, scope: Scope): Promise<PsValue> {
    switch (node.type) {
      case 'array_literal_expression': {
        const items = node.namedChildren;
        if (items.length === 1 && node.childCount === 1) return this.evaluate(items[0] as SyntaxNode, scope);
        const values: PsValue[] = [];
        for (const item of items) values.push(await this.evaluate(item, scope));
        return values;
      }
      case 'string_literal':
        return this.stringLiteral(node, scope);
      case 'integer_literal': {
        const digits = node.namedChildren[0];
        if (!digits || digits.type !== 'decimal_integer_literal' || !/^\d+$/.test(digits.text)) throw unsupported(node, `the number ${node.text}`);
        const big = BigInt(digits.text);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 'variable':
        return this.lookup(node, scope);
      case 'member_access': {
        const [target, member] = [node.namedChildren[0], node.namedChildren[node.namedChildCount - 1]];
        if (!target || !member || member.type !== 'member_name') throw unsupported(node, 'this member access');
        if (node.children.some((c) => c.type === '::')) {
          if (target.type !== 'type_literal') throw unsupported(node, 'a static member of something other than a type literal');
          return this.staticMember(resolveType(target.text), member.text, scope);
        }
        if (!node.children.some((c) => c.type === '.')) throw unsupported(node, 'this member access');
        return this.member(await this.evaluate(target, scope), member.text);
      }
      case 'invokation_expression':
        return this.invocation(node, scope);
      case 'type_literal':
        return typeObject(resolveType(node.text));
      case 'cast_expression': {
        const [type, operand] = node.namedChildren;
        if (!type || !operand || type.type !== 'type_literal') throw unsupported(node, 'this cast');
        if (type.text.replace(/\s/g, '').toLowerCase() === '[ordered]') {
          let inner: SyntaxNode = operand;
          while (WRAPPERS.has(inner.type) && inner.namedChildCount === 1) inner = inner.namedChildren[0] as SyntaxNode;
          if (inner.type !== 'hash_literal_expression') {
            throw new PsError('', 'The ordered attribute can be specified only on a hash literal node.', { fqid: 'OrderedAttributeOnlyOnHashLiteralNode', category: 'ParserError', exceptionType: 'System.Management.Automation.ParseException' });
          }
          const table = await this.hashtable(inner, scope);
          return new PsHashtable(table.entries, true);
        }
        if (resolveType(type.text) === 'System.String') return this.str(await this.evaluate(operand, scope), scope.machine);
        throw unsupported(node, `the cast ${type.text}`);
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        if (!inner || inner.type !== 'pipeline') throw unsupported(node);
        return this.pipelineValue(inner, scope);
      }
      case 'array_expression':
      case 'sub_expression': {
        const body = node.namedChildren[0];
        const values: PsValue[] = [];
        if (body) await this.runStatements({ namedChildren: [body] } as unknown as SyntaxNode, scope, { emit: (v) => values.push(...enumerate(v)), inTry: false });
        return node.type === 'array_expression' ? values : collapse(values);
      }
      case 'script_block_expression': {
        const block = node.namedChildren[0];
        if (!block || block.type !== 'script_block') throw unsupported(node);
        if (block.namedChildren.some((c) => c.type !== 'script_block_body')) throw unsupported(block, 'param() or named blocks in a script block');
        return new PsScriptBlock(block);
      }
      case 'hash_literal_expression':
        return this.hashtable(node, scope);
      case 'generic_token':
        return node.text;
      default:
        if (WRAPPERS.has(node.type)) {
          if (node.namedChildCount === 1 && node.childCount === 1) return this.evaluate(node.namedChildren[0] as SyntaxNode, scope);
          return this.operator(node, scope);
        }
        throw unsupported(node, `a ${node.type.replace(/_/g, ' ')}`);
    }
  }

  /** The operators the scripts use: -eq -ne (and c/i forms), + , -and -or, -not and !. */
  private async operator(node: SyntaxNode, scope: Scope): Promise<PsValue> {
    const children = node.children;
    if (children.length === 2 && (node.type === 'unary_expression' || node.type === 'expression_with_unary_operator')) {
      const op = (children[0] as SyntaxNode).text.toLowerCase();
      if (op === '-not' || op === '!') return !truthy(await this.evaluate(children[1] as SyntaxNode, scope));
      throw unsupported(node, `the operator '${op}'`);
    }
    if (children.length !== 3) throw unsupported(node, `the operator in '${node.text.slice(0, 30)}'`);
    const op = (children[1] as SyntaxNode).text.toLowerCase();
    const left = await this.evaluate(children[0] as SyntaxNode, scope);
    if (op === '-and') return truthy(left) && truthy(await this.evaluate(children[2] as SyntaxNode, scope));
    if (op === '-or') return truthy(left) || truthy(await this.evaluate(children[2] as SyntaxNode, scope));
    const right = await this.evaluate(children[2] as SyntaxNode, scope);
    switch (op) {
      case '-eq': case '-ieq': case '-ceq':
      case '-ne': case '-ine': case '-cne': {
        const equal = (item: PsValue): boolean => this.equals(item, right, op.startsWith('-c'), scope);
        const negate = op.endsWith('ne');
        // With an array on the left, the operators filter it (about_Comparison_Operators).
        if (Array.isArray(left)) return left.filter((item) => equal(item) !== negate);
        return equal(left) !== negate;
      }
      case '+':
        return this.add(left, right, scope);
      default:
        throw unsupported(node, `the operator '${op}'`);
    }
  }

  private equals(left: PsValue, right: PsValue, caseSensitive: boolean, scope: Scope): boolean {
    const l = unwrap(left);
    const r = unwrap(right);
    if (l === null || r === null) return l === r;
    if (typeof l === 'string' || l instanceof PsEnum) {
      const a = this.str(l, scope.machine);
      const b = this.str(r, scope.machine);
      return caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
    }
    if (typeof l === 'number' || typeof l === 'bigint') return Number(l) === Number(typeof r === 'string' ? Number(r) : r);
    if (typeof l === 'boolean') return l === truthy(r);
    if (l instanceof PsDate && r instanceof PsDate) return l.instant.getTime() === r.instant.getTime();
    return l === r;
  }

  private add(left: PsValue, right: PsValue, scope: Scope): PsValue {
    const l = unwrap(left);
    if (typeof l === 'string') return l + this.str(right, scope.machine);
    if (Array.isArray(l)) return [...l, ...(Array.isArray(right) ? right : [right])];
    const r = unwrap(right);
    if ((typeof l === 'number' || typeof l === 'bigint') && (typeof r === 'number' || typeof r === 'bigint')) {
      return typeof l === 'bigint' || typeof r === 'bigint' ? BigInt(l) + BigInt(r) : l + r;
    }
    throw runtimeError('MethodNotFound', 'InvalidOperation', `Method invocation failed because [${typeNameOf(l)}] does not contain a method named 'op_Addition'.`);
  }

  private member(target: PsValue, name: string): PsValue {
    const lower = name.toLowerCase();
    if (target instanceof PsRemote) {
      if (lower === 'pscomputername') return target.computerName;
      if (lower === 'runspaceid') return target.runspaceId;
      if (lower === 'psshowcomputername') return true;
      return this.member(target.value, name);
    }
    if (Array.isArray(target)) {
      if (lower === 'count' || lower === 'length') return target.length;
      // Member enumeration: the property of every element.
      return collapse(target.map((t) => this.member(t, name)).flatMap(enumerate));
    }
    if (target instanceof PsObject) return lower.startsWith('__') ? null : (target.get(name) ?? null);
    if (target instanceof PsHashtable) {
      if (target.has(name)) return target.get(name) ?? null;
      if (lower === 'count') return target.entries.length;
      if (lower === 'keys') return target.entries.map(([k]) => k);
      return null;
    }
    if (typeof target === 'string' && lower === 'length') return target.length;
    if (target instanceof PsDate && lower === 'kind') return new PsEnum('System.DateTimeKind', target.kind, DATE_KINDS.indexOf(target.kind));
    if (target instanceof PsEnum && lower === 'value__') return target.value;
    return null;
  }

  /** `target.Method(args)` and `[Type]::Method(args)`. */
  private async invocation(node: SyntaxNode, scope: Scope): Promise<PsValue> {
    const target = node.namedChildren[0];
    const member = node.namedChildren.find((c) => c.type === 'member_name');
    const argumentList = node.namedChildren.find((c) => c.type === 'argument_list');
    if (!target || !member || !argumentList) throw unsupported(node, 'this method call');
    const args: PsValue[] = [];
    for (const argument of argumentList.namedChildren[0]?.namedChildren ?? []) args.push(await this.evaluate(argument, scope));
    if (node.children.some((c) => c.type === '::')) {
      if (target.type !== 'type_literal') throw unsupported(node, 'a static call on something other than a type literal');
      return this.staticCall(resolveType(target.text), member.text, args, scope);
    }
    return this.method(await this.evaluate(target, scope), member.text, args, scope);
  }

  private noMethod(target: PsValue, name: string): PsError {
    if (target === null) return runtimeError('InvokeMethodOnNull', 'InvalidOperation', 'You cannot call a method on a null-valued expression.');
    return runtimeError('MethodNotFound', 'InvalidOperation', `Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`);
  }

  private overload(name: string, count: number): PsError {
    return runtimeError('MethodCountCouldNotFindBest', 'NotSpecified', `Cannot find an overload for "${name}" and the argument count: "${count}".`);
  }

  private method(given: PsValue, name: string, args: readonly PsValue[], scope: Scope): PsValue {
    const target = unwrap(given);
    const lower = name.toLowerCase();
    if (target === null) throw this.noMethod(target, name);
    if (lower === 'gettype' && args.length === 0) return typeObject(typeNameOf(target));
    if (target instanceof PsDate) {
      const zone = scope.machine.timeZone;
      if (lower === 'touniversaltime' && args.length === 0) return new PsDate(target.instant, 'Utc');
      if (lower === 'tolocaltime' && args.length === 0) return new PsDate(target.instant, 'Local');
      if (lower === 'tostring') {
        if (args.length === 0) return formatServerDate(target.instant, this.culture, target.kind === 'Utc' ? 'UTC' : zone);
        const format = this.str(args[0] as PsValue, scope.machine);
        if (args.length === 1 && (format === 'o' || format === 'O')) return formatRoundTrip(target.instant, target.kind, zone);
        throw new PsError(NOT_SUPPORTED, `The Skype emulator formats dates with ToString() and ToString('o') only, not '${format}' (docs/skype-emulator.md).`, { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
      }
    }
    if (lower === 'tostring') {
      if (args.length !== 0) throw this.overload(name, args.length);
      return this.str(target, scope.machine);
    }
    if (typeof target === 'string') {
      if (lower === 'trim' && args.length === 0) return target.trim();
      if (lower === 'tolower' && args.length === 0) return target.toLowerCase();
      if (lower === 'toupper' && args.length === 0) return target.toUpperCase();
    }
    throw this.noMethod(target, name);
  }

  private windowsZone(iana: string): string {
    const id = findWindows(iana)[0];
    if (!id) throw new PsError(NOT_SUPPORTED, `The time zone ${iana} has no Windows id in CLDR's map; configure the emulator with another zone.`, { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
    return id;
  }

  private staticMember(type: string, name: string, scope: Scope): PsValue {
    const lower = name.toLowerCase();
    switch (`${type}::${lower}`) {
      case 'System.TimeZoneInfo::local': {
        const id = this.windowsZone(scope.machine.timeZone);
        return new PsObject('System.TimeZoneInfo', [['Id', id], ['StandardName', id], ['DisplayName', id], ['__ToString', id]]);
      }
      case 'System.TimeZoneInfo::utc':
        return new PsObject('System.TimeZoneInfo', [['Id', 'UTC'], ['StandardName', 'Coordinated Universal Time'], ['DisplayName', '(UTC) Coordinated Universal Time'], ['__ToString', '(UTC) Coordinated Universal Time']]);
      case 'System.Globalization.CultureInfo::currentculture':
        return new PsObject('System.Globalization.CultureInfo', [['Name', this.culture], ['__ToString', this.culture]]);
      case 'System.Globalization.CultureInfo::invariantculture':
        return new PsObject('System.Globalization.CultureInfo', [['Name', ''], ['__ToString', '']]);
      case 'System.DateTimeKind::utc':
      case 'System.DateTimeKind::local':
      case 'System.DateTimeKind::unspecified': {
        const kind = DATE_KINDS.find((k) => k.toLowerCase() === lower) as (typeof DATE_KINDS)[number];
        return new PsEnum('System.DateTimeKind', kind, DATE_KINDS.indexOf(kind));
      }
      case 'System.DateTime::utcnow':
        return new PsDate(this.now, 'Utc');
      case 'System.DateTime::now':
        return new PsDate(this.now, 'Local');
      case 'System.Console::outputencoding':
        return this.outputEncoding ?? new PsObject('System.Text.SBCSCodePageEncoding', [['WebName', 'IBM437'], ['__ToString', 'System.Text.SBCSCodePageEncoding']]);
      default:
        throw unsupported({ text: `[${type}]::${name}`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `the static member [${type}]::${name}`);
    }
  }

  private staticCall(type: string, name: string, args: readonly PsValue[], scope: Scope): PsValue {
    if (name.toLowerCase() !== 'new') throw unsupported({ text: `[${type}]::${name}()`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `the static method [${type}]::${name}`);
    switch (type) {
      case 'System.Text.UTF8Encoding': {
        if (args.length > 1) throw this.overload(name, args.length);
        const bom = args.length === 1 ? truthy(args[0] as PsValue) : false;
        return new PsObject('System.Text.UTF8Encoding', [['WebName', 'utf-8'], ['EncodingName', 'Unicode (UTF-8)'], ['__bom', bom], ['__ToString', 'System.Text.UTF8Encoding']]);
      }
      case 'System.DateTime': {
        // new DateTime(ticks[, kind]): 100 ns since 0001-01-01; no string parsed, no culture.
        if (args.length < 1 || args.length > 2) throw this.overload(name, args.length);
        const ticksValue = unwrap(args[0] as PsValue);
        if (typeof ticksValue !== 'number' && typeof ticksValue !== 'bigint') {
          throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "ticks", with value: "${this.str(ticksValue, scope.machine)}", for "DateTime" to type "System.Int64".`);
        }
        const kindValue = args.length === 2 ? unwrap(args[1] as PsValue) : new PsEnum('System.DateTimeKind', 'Unspecified', 0);
        const kind = DATE_KINDS.find((k) => k.toLowerCase() === this.str(kindValue, scope.machine).toLowerCase());
        if (!kind) throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "kind", with value: "${this.str(kindValue, scope.machine)}", for "DateTime" to type "System.DateTimeKind".`);
        const ticks = BigInt(ticksValue);
        if (ticks < 0n || ticks > 3155378975999999999n) {
          throw runtimeError('MethodInvocationException', 'NotSpecified', 'Exception calling ".ctor" with "2" argument(s): "Ticks must be between DateTime.MinValue.Ticks and DateTime.MaxValue.Ticks."');
        }
        const ms = Number((ticks - UNIX_EPOCH_TICKS) / 10000n);
        if (kind === 'Utc') return new PsDate(new Date(ms), 'Utc');
        // Local or Unspecified ticks are a wall-clock time on this machine.
        const wall = new Date(ms);
        const instant = wallClockInstant({
          year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(),
          minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(), millisecond: wall.getUTCMilliseconds(),
        }, scope.machine.timeZone);
        return new PsDate(instant.ok ? instant.instant : wall, kind);
      }
      case 'System.Management.Automation.PSCredential': {
        if (args.length !== 2) throw this.overload(name, args.length);
        const [user, password] = [unwrap(args[0] as PsValue), unwrap(args[1] as PsValue)];
        if (!(password instanceof PsSecret)) {
          throw runtimeError('MethodArgumentConversionInvalidCastArgument', 'NotSpecified', `Cannot convert argument "password", with value: "${typeNameOf(password)}", for "PSCredential" to type "System.Security.SecureString": "Cannot convert the value of type "${typeNameOf(password)}" to type "System.Security.SecureString"."`);
        }
        const userName = this.str(user, scope.machine);
        if (userName === '') throw runtimeError('MethodInvocationException', 'NotSpecified', 'Exception calling ".ctor" with "2" argument(s): "Cannot process argument because the value of argument "userName" is not valid. Change the value of the "userName" argument and run the operation again."');
        this.checkSecretText(password.reveal(), 'the credential\'s password');
        return new PsObject('System.Management.Automation.PSCredential', [['UserName', userName], ['Password', password], ['__ToString', 'System.Management.Automation.PSCredential']]);
      }
      default:
        throw unsupported({ text: `[${type}]::new()`, startPosition: { row: 0, column: 0 } } as SyntaxNode, `[${type}]::new()`);
    }
  }

  private async hashtable(node: SyntaxNode, scope: Scope): Promise<PsHashtable> {
    const body = node.namedChildren.find((c) => c.type === 'hash_literal_body');
    const entries: [string, PsValue][] = [];
    for (const entry of body?.namedChildren ?? []) {
      if (entry.type !== 'hash_entry') throw unsupported(entry);
      const [key, value] = [entry.namedChildren[0], entry.namedChildren[entry.namedChildCount - 1]];
      if (!key || !value || key.type !== 'key_expression' || value.type !== 'pipeline') throw unsupported(entry, 'this hashtable entry');
      const keyText = key.namedChildren[0]?.type === 'string_literal' ? String(await this.evaluate(key.namedChildren[0], scope)) : key.text;
      if (entries.some(([k]) => k.toLowerCase() === keyText.toLowerCase())) {
        throw new PsError('', `Duplicate keys '${keyText}' are not allowed in hash literals.`, { fqid: 'DuplicateKeyInHashLiteral', category: 'ParserError', exceptionType: 'System.Management.Automation.ParseException' });
      }
      entries.push([keyText, await this.pipelineValue(value, scope)]);
    }
    return new PsHashtable(entries);
  }

  /** A quoted string: '...' (quotes doubled inside) or "..." (backtick escapes, $variable). */
  private stringLiteral(node: SyntaxNode, scope: Scope): string {
    const part = node.namedChildren[0];
    if (!part) throw unsupported(node);
    if (part.type === 'verbatim_string_characters') return verbatimString(part.text, node);
    if (part.type !== 'expandable_string_literal') throw unsupported(node, 'a here-string');
    const raw = part.text.slice(1, -1);
    let out = '';
    for (let i = 0; i < raw.length; i += 1) {
      const c = raw[i] as string;
      if (c === '`') {
        const next = raw[i + 1] ?? '';
        out += ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[next] ?? next;
        i += 1;
      } else if (c === '"' && raw[i + 1] === '"') {
        out += '"';
        i += 1;
      } else if (c === '$') {
        const match = /^(?:\{([^}]+)\}|((?:using:)?[A-Za-z_][A-Za-z0-9_]*))/.exec(raw.slice(i + 1));
        if (!match) {
          if (raw[i + 1] === '(') throw unsupported(node, 'a $( ) subexpression in a string');
          out += '$';
          continue;
        }
        const name = (match[1] ?? match[2]) as string;
        out += this.str(this.lookup({ text: `$${name}` } as SyntaxNode, scope), scope.machine);
        i += match[0].length;
      } else out += c;
    }
    return out;
  }

  /** Evaluates a command's elements into parameters and arguments. */
  private async elements(node: SyntaxNode | undefined, scope: Scope): Promise<Element[]> {
    const out: Element[] = [];
    if (!node) return out;
    const children = node.children;
    let colonPending: string | undefined;
    let bareword: { text: string } | undefined;
    const flushBareword = (): void => {
      if (!bareword) return;
      // A bare word with commas (`A,B`) is an array in argument mode.
      const parts = bareword.text.split(',');
      out.push({ kind: 'arg', value: parts.length > 1 ? parts : bareword.text });
      bareword = undefined;
    };
    for (let i = 0; i < children.length; i += 1) {
      const child = children[i] as SyntaxNode;
      if (child.type === 'command_argument_sep') {
        if (child.text.includes(':')) {
          const last = out[out.length - 1];
          if (!last || last.kind !== 'param' || bareword) throw unsupported(child, "a ':' here");
          colonPending = last.name;
        } else if (child.text !== '') flushBareword();
        continue;
      }
      if (child.type === 'command_parameter') {
        flushBareword();
        out.push({ kind: 'param', name: child.text.replace(/^-/, '').replace(/:$/, '') });
        continue;
      }
      if (child.type === 'generic_token') {
        if (colonPending !== undefined) throw unsupported(child, 'a bare word after a colon');
        bareword = { text: (bareword?.text ?? '') + child.text };
        continue;
      }
      flushBareword();
      if (!child.isNamed || child.type === 'redirection' || child.type === 'file_redirection_operator') throw unsupported(child, `'${child.text}'`);
      const value = await this.evaluate(child, scope);
      if (colonPending !== undefined) {
        const param = out.pop() as Extract<Element, { kind: 'param' }>;
        out.push({ kind: 'param', name: param.name, colon: { value } });
        colonPending = undefined;
      } else out.push({ kind: 'arg', value });
    }
    flushBareword();
    return out;
  }

  // --- Commands --------------------------------------------------------------------------------

  private notRecognized(name: string, machine: Machine): PsError {
    const message = machine.edition === 'desktop'
      ? `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`
      : `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`;
    return new PsError(name, message, { fqid: 'CommandNotFoundException', category: 'ObjectNotFound', targetName: name, exceptionType: 'System.Management.Automation.CommandNotFoundException' });
  }

  /** Modules imported per machine (the session, each server's remote session). */
  private readonly imported = new Map<Machine, Set<string>>();

  private async runCommand(node: SyntaxNode, input: PsValue[] | undefined, scope: Scope): Promise<PsValue[]> {
    const nameNode = node.namedChildren.find((c) => c.type === 'command_name');
    if (!nameNode || node.namedChildren.some((c) => c.type !== 'command_name' && c.type !== 'command_elements')) throw unsupported(node, 'this form of command');
    const name = nameNode.text;
    const spec = findCmdlet(name);
    if (!spec) throw this.notRecognized(name, scope.machine);
    try {
      const elements = await this.elements(node.namedChildren.find((c) => c.type === 'command_elements'), scope);
      const bound = bindParameters(spec, elements, { byValue: input !== undefined }, { culture: this.culture, timeZone: scope.machine.timeZone, edition: scope.machine.edition });
      const errors: PsError[] = [];
      const variable = bound.get<string>('ErrorVariable');
      try {
        return await this.invoke(spec, bound, input, scope, errors);
      } catch (caught) {
        if (caught instanceof PsError && !errors.includes(caught)) errors.push(caught);
        throw caught;
      } finally {
        if (variable !== undefined) {
          const target = variable.replace(/^\+/, '');
          const previous = variable.startsWith('+') ? enumerate(scope.get(target) ?? null) : [];
          scope.set(target, [...previous, ...errors.map((e) => new PsErrorRecord(e, this.runspaceId))]);
        }
      }
    } catch (caught) {
      if (caught instanceof PsError) this.locate(caught, node);
      throw caught;
    }
  }

  /** A non-terminating error: written, silenced or made terminating by -ErrorAction / the preference. */
  private nonTerminating(error: PsError, bound: Bound, scope: Scope, errors: PsError[]): void {
    errors.push(error);
    const action = this.preference(scope, 'ErrorActionPreference', bound.get<string>('ErrorAction'));
    if (action === 'Stop') {
      error.details.terminating = 'script';
      throw error;
    }
    this.failed = true;
    if (action === 'SilentlyContinue' || action === 'Ignore') return;
    this.writeError(error, scope);
  }

  private async invoke(spec: CmdletSpec, bound: Bound, input: PsValue[] | undefined, scope: Scope, errors: PsError[]): Promise<PsValue[]> {
    if (bound.get<boolean>('Confirm') === true) throw new PsError(spec.name, NON_INTERACTIVE);
    switch (spec) {
      case GET_CS_CERTIFICATE:
        return this.getCertificate(bound, scope);
      case SET_CS_CERTIFICATE:
        return this.setCertificate(bound, input, scope);
      case IMPORT_CS_CERTIFICATE:
        return this.importCertificate(bound, scope);
      case REMOVE_CS_CERTIFICATE:
        return this.removeCertificate(bound, scope);
      case GET_REPLICATION_STATUS:
        return this.replicationStatus(bound);
      case INVOKE_REPLICATION:
        return this.invokeReplication(bound);
      case INVOKE_COMMAND:
        return this.invokeCommand(bound, scope, errors);
      case CONVERT_TO_JSON:
        return this.convertToJson(bound, input, scope);
      case SELECT_OBJECT:
        return this.selectObject(bound, input ?? enumerate(bound.get<PsValue>('InputObject') ?? null), scope);
      case IMPORT_DATA_FILE:
        return this.importDataFile(bound);
      case IMPORT_MODULE:
        return this.importModule(bound, scope);
      case WRITE_OUTPUT: {
        if (input !== undefined) return input;
        const values = bound.get<PsValue[]>('InputObject') ?? [];
        return bound.get<boolean>('NoEnumerate') === true ? [values.length === 1 ? (values[0] as PsValue) : values] : values.flatMap(enumerate);
      }
      case CONVERT_TO_SECURE_STRING:
        return this.convertToSecureString(bound, input);
      default:
        throw new PsError(spec.name, 'not implemented');
    }
  }

  // --- Skype cmdlets -------------------------------------------------------------------------

  private reference(record: CertificateRecord | undefined, thumbprint: string, type: string, effective: string, updated: string, previous: string | null, scope: string): PsObject {
    const date = (iso: string | undefined): PsValue => (iso === undefined ? null : new PsDate(new Date(iso)));
    return new PsObject(CERTIFICATE_REFERENCE, [
      ['Issuer', record?.issuer ?? null],
      ['NotAfter', date(record?.notAfter)],
      ['NotBefore', date(record?.notBefore)],
      ['SerialNumber', record?.serialNumber ?? null],
      ['Subject', record?.subject ?? null],
      ['AlternativeNames', [...(record?.alternativeNames ?? [])]],
      ['Thumbprint', thumbprint],
      ['EffectiveDate', date(effective)],
      ['PreviousThumbprint', previous],
      ['UpdateTime', date(updated)],
      ['Use', type],
      ['SourceScope', scope],
    ]);
  }

  private slotObjects(type: string, slot: Slot, scope: string): PsObject[] {
    const out: PsObject[] = [];
    const { current, previous, scheduled } = slot;
    if (current) {
      out.push(this.reference(this.state.certificates[current.thumbprint], current.thumbprint, type, current.effectiveDate, current.updateTime, previous?.thumbprint ?? null, scope));
    }
    if (scheduled) {
      out.push(this.reference(this.state.certificates[scheduled.thumbprint], scheduled.thumbprint, type, scheduled.effectiveDate, scheduled.updateTime, current?.thumbprint ?? null, scope));
    }
    return out;
  }

  private getCertificate(bound: Bound, scope: Scope): PsValue[] {
    this.report(bound, 'Get-CsCertificate');
    const types = bound.get<string[]>('Type');
    const wanted = (type: string): boolean => !types || types.includes(type);
    const out: PsValue[] = [];
    if (bound.get<string>('Identity') === 'Global') {
      const global = cmsSlots(this.state, this.now);
      for (const type of CERT_TYPES) {
        const slot = global[type];
        if (slot && wanted(type)) out.push(...this.slotObjects(type, slot, 'Global'));
      }
      return out;
    }
    // Without -Identity: what this server uses, its local assignment in place of the global one.
    const used = serverSlots(this.state, scope.server, this.now);
    for (const type of CERT_TYPES) {
      const entry = used[type];
      if (entry && wanted(type)) out.push(...this.slotObjects(type, entry.slot, entry.scope));
    }
    return out;
  }

  /**
   * Whether Set/Remove act on the global scope: only with -Identity Global. Omitted means the
   * local computer (the server the command runs on), for every type, OAuthTokenIssuer included,
   * as the parameter tables say (docs/skype-emulator.md, question 7).
   */
  private isGlobal(bound: Bound): boolean {
    return bound.get<string>('Identity') === 'Global';
  }

  private rollDate(bound: Bound, command: string): Date | undefined {
    const effective = bound.get<Date>('EffectiveDate');
    if (bound.get<boolean>('Roll') === true && effective === undefined) {
      throw new PsError(command, 'Command execution failed: The Roll parameter requires the EffectiveDate parameter; give -EffectiveDate with -Roll (the date the new certificate becomes current).');
    }
    return bound.get<boolean>('Roll') === true ? effective : undefined;
  }

  private whatIf(bound: Bound, command: string, target: string): boolean {
    if (bound.get<boolean>('WhatIf') !== true) return false;
    this.ctx.out(`What if: Performing the operation "${command}" on target "${target}".`);
    return true;
  }

  private report(bound: Bound, command: string): void {
    const path = bound.get<string>('Report');
    if (!path) return;
    try {
      writeFileSync(path, `<html><body><p>${command} ran at ${this.now.toISOString()} (Skype emulator).</p></body></html>\n`);
    } catch (error) {
      throw new PsError(command, `Could not find a part of the path '${path}'. (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  /** Assigns a certificate to types, globally (a new CMS version) or on this server. */
  private assignTypes(command: string, bound: Bound, types: readonly string[], thumbprint: string, server: string, rollAt: Date | undefined): void {
    const record = this.state.certificates[thumbprint];
    if (record && !record.hasPrivateKey && types.includes('OAuthTokenIssuer')) {
      throw new PsError(command, `Command execution failed: The certificate with thumbprint "${thumbprint}" has no private key; OAuthTokenIssuer needs the certificate with its private key.`);
    }
    const globalSlots = cmsSlots(this.state, this.now);
    let globalChanged = false;
    for (const type of types) {
      if (this.isGlobal(bound)) {
        const next = assign(globalSlots[type] ?? {}, thumbprint, this.now, rollAt);
        if (next) {
          globalSlots[type] = next;
          globalChanged = true;
        }
      } else {
        const local = (this.state.local[server] ??= {});
        const next = assign(effectiveSlot(local[type] ?? {}, this.now), thumbprint, this.now, rollAt);
        if (next) local[type] = next;
      }
    }
    if (globalChanged) commitCms(this.state, globalSlots, this.now);
  }

  private async setCertificate(bound: Bound, input: PsValue[] | undefined, scope: Scope): Promise<PsValue[]> {
    const command = SET_CS_CERTIFICATE.name;
    const rollAt = this.rollDate(bound, command);
    const references: PsObject[] = bound.set === 'CertificateReference' ? (input ? input.map((i) => this.asReference(i)) : [bound.get<PsObject>('Reference') as PsObject]) : [];
    let thumbprints: string[];
    if (bound.set === 'Thumbprint') thumbprints = [normaliseThumbprint(bound.get<string>('Thumbprint') ?? '')];
    else if (bound.set === 'CertificateReference') thumbprints = references.map((r) => String(r.get('Thumbprint') ?? ''));
    else thumbprints = [];
    const types = bound.get<string[]>('Type') ?? (bound.set === 'CertificateReference' ? references.map((r) => String(r.get('Use') ?? '')) : undefined);
    if (!types || types.length === 0) {
      throw new PsError(command, 'Command execution failed: Specify the certificate use with -Type (for example -Type OAuthTokenIssuer); the emulator does not guess one (docs/skype-emulator.md).');
    }
    if (this.whatIf(bound, command, types.join(', '))) return [];
    this.report(bound, command);
    if (bound.set === 'Path') {
      const record = await this.importPfx(command, bound, scope.server, bound.get<string>('Identity') === 'Global', false);
      thumbprints = [record.thumbprint];
    }
    for (const thumbprint of thumbprints) {
      const record = this.state.certificates[thumbprint];
      if (!record || !(record.global || record.importedOn.includes(scope.server))) {
        throw new PsError(command, `Command execution failed: The certificate with thumbprint "${thumbprint}" is not in the certificate store of ${scope.server} nor imported globally; import it first (Import-CsCertificate).`);
      }
      this.assignTypes(command, bound, types, thumbprint, scope.server, rollAt);
    }
    return [];
  }

  private asReference(value: PsValue): PsObject {
    if (value instanceof PsObject && value.typeName === CERTIFICATE_REFERENCE) return value;
    throw new PsError(SET_CS_CERTIFICATE.name, `The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.`);
  }

  private async importCertificate(bound: Bound, scope: Scope): Promise<PsValue[]> {
    const command = IMPORT_CS_CERTIFICATE.name;
    const rollAt = this.rollDate(bound, command);
    if (this.whatIf(bound, command, bound.get<string>('Path') ?? '')) return [];
    this.report(bound, command);
    const isCms = bound.set === 'CMS';
    const record = await this.importPfx(command, bound, scope.server, isCms, bound.get<boolean>('PrivateKeyExportable') === true);
    if (isCms) this.assignTypes(command, bound, bound.get<string[]>('Type') ?? [], record.thumbprint, scope.server, rollAt);
    return [];
  }

  /** Reads and opens the PFX (-Path, -Password), checks the secret rules, records the certificate. */
  private async importPfx(command: string, bound: Bound, server: string, global: boolean, exportable: boolean): Promise<CertificateRecord> {
    const path = bound.get<string>('Path') as string;
    const password = bound.get<string | null>('Password') ?? null;
    const bytes = readSecretFile(command, path);
    this.checkNoLeak(password, bytes);
    const opened = await openPfx(bytes, password, this.now);
    if (!opened.ok) throw new PsError(command, `Command execution failed: ${opened.message}`);
    const { pfx } = opened;
    const existing = this.state.certificates[pfx.thumbprint];
    const record: CertificateRecord = {
      thumbprint: pfx.thumbprint,
      subject: pfx.subject,
      issuer: pfx.issuer,
      serialNumber: pfx.serialNumber,
      notBefore: pfx.notBefore.toISOString(),
      notAfter: pfx.notAfter.toISOString(),
      alternativeNames: pfx.alternativeNames,
      keyBits: pfx.keyBits,
      hasPrivateKey: pfx.hasPrivateKey,
      global: global || (existing?.global ?? false),
      importedOn: [...new Set([...(existing?.importedOn ?? []), server])],
      privateKeyExportable: exportable || (existing?.privateKeyExportable ?? false),
    };
    this.state.certificates[pfx.thumbprint] = record;
    return record;
  }

  /** The secret rule (issue #10): the password and the PFX bytes never in the script or argv. */
  private checkNoLeak(password: string | null, bytes: Buffer): void {
    const haystacks = [this.ctx.scriptText, this.ctx.argv.join(' ')];
    const where = ['the script text', 'the emulator\'s argv'];
    const base64 = bytes.toString('base64').slice(0, 48);
    const hex = bytes.subarray(0, 24).toString('hex');
    haystacks.forEach((text, i) => {
      if (password !== null && password !== '') {
        const quoted = [`'${password.replace(/['‘’‚‛]/g, (q) => q + q)}'`, `"${password}"`];
        if ((password.length >= 4 && text.includes(password)) || quoted.some((q) => text.includes(q))) {
          throw new SecretLeakError(`${where[i]} contains the PFX password given to Import-CsCertificate/Set-CsCertificate; pass it in a 0600 PowerShell data file read with Import-PowerShellDataFile (docs/skype-emulator.md).`);
        }
      }
      if (bytes.length >= 24 && (text.includes(base64) || text.toLowerCase().includes(hex))) {
        throw new SecretLeakError(`${where[i]} contains the PFX bytes (base64 or hex); write the PFX to a 0600 file and pass its path (docs/skype-emulator.md).`);
      }
    });
  }

  /**
   * Remove-CsCertificate: with -Identity Global, from the CMS (a new version the replicas take);
   * without, from the local-scope assignment of the server it runs on. Removes the current
   * certificate, or with -Previous the previous one. The current one is in use: the cmdlet asks
   * first, which -NonInteractive refuses unless -Force. Nothing assigned in that scope (or no
   * previous certificate with -Previous): nothing is removed, no error.
   */
  private removeCertificate(bound: Bound, scope: Scope): PsValue[] {
    const command = REMOVE_CS_CERTIFICATE.name;
    const previous = bound.get<boolean>('Previous') === true;
    const isGlobal = this.isGlobal(bound);
    const globalSlots = cmsSlots(this.state, this.now);
    const local = (this.state.local[scope.server] ??= {});
    const slotOf = (type: string): Slot | undefined => (isGlobal ? globalSlots[type] : local[type] && effectiveSlot(local[type], this.now));
    const types = bound.get<string[]>('Type') ?? CERT_TYPES.filter((t) => slotOf(t) !== undefined);
    if (this.whatIf(bound, command, types.join(', '))) return [];
    this.report(bound, command);
    const changes: [string, Slot][] = [];
    for (const type of types) {
      const slot = slotOf(type);
      if (!slot) continue;
      if (!previous && slot.current && bound.get<boolean>('Force') !== true) throw new PsError(command, NON_INTERACTIVE);
      const next = unassign(slot, previous);
      if (next) changes.push([type, next]);
    }
    // All types or none: a prompt refused for one type leaves the others as they were.
    for (const [type, next] of changes) {
      if (isGlobal) globalSlots[type] = next;
      else if (next.current || next.scheduled || next.previous) local[type] = next;
      else delete local[type];
    }
    if (isGlobal && changes.length > 0) commitCms(this.state, globalSlots, this.now);
    return [];
  }

  private replicationStatus(bound: Bound): PsValue[] {
    const now = new PsDate(this.now);
    const servers = this.state.config.servers;
    if (bound.get<boolean>('CentralManagementStoreStatus') === true) {
      const master = this.state.config.localServer;
      return [new PsObject('Microsoft.Rtc.Management.Xds.CentralManagementStoreStatusResult', [
        ['ActiveMasterFQDN', master],
        ['ActiveFileTransferAgents', [master]],
        ['ActiveReplicas', [...servers]],
        ['DeletedReplicas', []],
        ['ActiveMasterLastHeartbeat', now],
        ['ActiveFileTransferAgentsLastHeartbeat', now],
      ])];
    }
    const wanted = bound.get<string>('ReplicaFqdn')?.toLowerCase();
    return servers.filter((s) => wanted === undefined || s === wanted).map((server) => {
      const status = replicaStatus(this.state, server);
      return new PsObject('Microsoft.Rtc.Management.Xds.ReplicaState', [
        ['ReplicaFqdn', server],
        ['UpToDate', status.upToDate],
        ['LastStatusReport', now],
        ['LastUpdateCreation', new PsDate(new Date(status.lastUpdateCreation))],
        ['ProductVersion', PRODUCT_VERSION],
      ]);
    });
  }

  private invokeReplication(bound: Bound): PsValue[] {
    const wanted = bound.get<string>('ReplicaFqdn')?.toLowerCase();
    const servers = this.state.config.servers.filter((s) => wanted === undefined || s === wanted);
    if (servers.length === 0) {
      throw new PsError(INVOKE_REPLICATION.name, `Command execution failed: "${bound.get<string>('ReplicaFqdn') ?? ''}" is not a replica in the topology; give one of ${this.state.config.servers.join(', ')}.`);
    }
    // A full replication: the status is deleted now and comes back when the replica has caught
    // up, a replication delay later (the docs warn of 2-3 minutes); a stale server never does.
    const at = new Date(this.now.getTime() + this.state.config.replicationDelaySeconds * 1000).toISOString();
    for (const server of servers) {
      const replica = (this.state.replicas[server] ??= { version: 0 });
      replica.resyncAt = at;
    }
    settle(this.state, this.now);
    return [];
  }

  // --- PowerShell plumbing -------------------------------------------------------------------

  private transportError(computer: string, fqid: string, reason: string): PsError {
    return new PsError(INVOKE_COMMAND.name, `Connecting to remote server ${computer} failed with the following error message : ${reason} For more information, see the about_Remote_Troubleshooting Help topic.`, {
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
  private async invokeCommand(bound: Bound, scope: Scope, errors: PsError[]): Promise<PsValue[]> {
    const block = bound.get<PsScriptBlock>('ScriptBlock') as PsScriptBlock;
    const authentication = bound.get<string>('Authentication');
    if (authentication !== undefined && !['Default', 'Kerberos', 'Negotiate', 'Credssp'].includes(authentication)) {
      throw new PsError(NOT_SUPPORTED, `The Skype emulator models -Authentication Default, Kerberos, Negotiate and CredSSP, not ${authentication} (docs/skype-emulator.md).`, { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
    }
    const port = bound.get<number>('Port');
    if (port !== undefined && (port < 1 || port > 65535)) {
      throw new PsError(INVOKE_COMMAND.name, `Cannot validate argument on parameter 'Port'. The ${port} argument is ${port < 1 ? 'less than the minimum allowed range of 1. Supply an argument that is greater than or equal to 1' : 'greater than the maximum allowed range of 65535. Supply an argument that is less than or equal to 65535'} and then try the command again.`, { fqid: 'ParameterArgumentValidationError,Microsoft.PowerShell.Commands.InvokeCommandCommand', category: 'InvalidData', exceptionType: 'System.Management.Automation.ParameterBindingValidationException' });
    }
    const out: PsValue[] = [];
    for (const computer of bound.get<string[]>('ComputerName') ?? []) {
      const server = computer.trim().toLowerCase();
      if (!this.state.config.servers.includes(server)) {
        this.nonTerminating(this.transportError(computer, 'ComputerNotFound,PSSessionStateBroken', 'WinRM cannot process the request because the computer name could not be resolved.'), bound, scope, errors);
        continue;
      }
      if (this.state.config.unreachable.includes(server)) {
        this.nonTerminating(this.transportError(computer, 'CannotConnect,PSSessionStateBroken', 'WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer. By default, the WinRM firewall exception for public profiles limits access to remote computers within the same local subnet.'), bound, scope, errors);
        continue;
      }
      const remoteErrors: PsError[] = [];
      const machine: Machine = { server, timeZone: this.state.config.serverTimeZones[server] ?? this.state.config.timeZone, edition: 'desktop', remoteErrors };
      const remote = new Scope(machine, undefined, scope);
      const runspace = randomUUID();
      const outputs: PsValue[] = [];
      try {
        await this.runStatements(block.body, remote, { emit: (v) => outputs.push(...enumerate(v)), inTry: false });
      } catch (caught) {
        if (!(caught instanceof PsError)) throw caught;
        remoteErrors.push(caught);
      }
      for (const value of outputs) out.push(this.deserialized(value, computer, runspace));
      for (const error of remoteErrors) {
        error.details.origin = computer;
        delete error.details.terminating;
        this.nonTerminating(error, bound, scope, errors);
      }
    }
    return out;
  }

  /** A remote output object as the caller gets it: PSComputerName added, nested objects as strings. */
  private deserialized(value: PsValue, computer: string, runspace: string): PsValue {
    const v = unwrap(value);
    if (v === null) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof PsDate) return new PsRemote(v, computer, runspace);
    if (typeof v === 'bigint') return new PsRemote(Number(v), computer, runspace);
    const flat = (item: PsValue): PsValue => {
      const u = unwrap(item);
      if (u instanceof PsObject || u instanceof PsHashtable) return this.str(u, this.session);
      if (Array.isArray(u)) return u.map((x) => (x instanceof PsObject || x instanceof PsHashtable ? this.str(x, this.session) : x));
      return u;
    };
    const entries = v instanceof PsObject ? v.properties : v instanceof PsHashtable ? v.entries : [];
    const typeName = v instanceof PsObject ? `Deserialized.${v.typeName}` : 'Deserialized.System.Collections.Hashtable';
    return new PsObject(typeName, [...entries.map(([k, item]) => [k, flat(item)] as const), ['PSComputerName', computer], ['RunspaceId', runspace], ['PSShowComputerName', true]]);
  }

  private convertToJson(bound: Bound, input: PsValue[] | undefined, scope: Scope): PsValue[] {
    const depth = bound.get<number>('Depth') ?? 2;
    if (depth < 0 || depth > 100) {
      throw new PsError(CONVERT_TO_JSON.name, `Cannot validate argument on parameter 'Depth'. The ${depth} argument is ${depth < 0 ? 'less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0' : 'greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100'} and then try the command again.`, { fqid: 'ParameterArgumentValidationError,Microsoft.PowerShell.Commands.ConvertToJsonCommand', category: 'InvalidData', exceptionType: 'System.Management.Automation.ParameterBindingValidationException' });
    }
    const values = input ?? [bound.get<PsValue>('InputObject') ?? null];
    const asArray = bound.get<boolean>('AsArray') === true;
    if (values.length === 0 && !asArray) return [];
    const { text, truncated } = convertToJson(values, asArray, { depth, compress: bound.get<boolean>('Compress') === true, timeZone: scope.machine.timeZone, edition: scope.machine.edition });
    // 5.1 truncates silently; PowerShell 7 warns (docs/skype-emulator.md).
    if (truncated && scope.machine.edition === 'core') this.warn(scope, `Resulting JSON is truncated as serialization has exceeded the set depth of ${depth}.`, bound.get<string>('WarningAction'));
    return [text];
  }

  /** Select-Object: names, or calculated properties @{ Name = ...; Expression = { ... } }. */
  private async selectObject(bound: Bound, input: PsValue[], scope: Scope): Promise<PsValue[]> {
    const first = bound.get<number>('First');
    const items = first === undefined ? input : input.slice(0, first);
    const expand = bound.get<string>('ExpandProperty');
    const properties = bound.get<PsValue[]>('Property');
    if (expand !== undefined) {
      return items.flatMap((given) => {
        const item = unwrap(given);
        const holder = item instanceof PsObject || item instanceof PsHashtable ? item : undefined;
        if (!holder || (holder instanceof PsObject && !holder.has(expand))) throw new PsError(SELECT_OBJECT.name, `Property "${expand}" cannot be found.`, { fqid: 'ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand', category: 'InvalidArgument', exceptionType: 'System.Management.Automation.PSArgumentException' });
        return enumerate(holder.get(expand) ?? null);
      });
    }
    if (properties === undefined) return items;
    const columns = properties.map((p) => this.column(p));
    const out: PsValue[] = [];
    for (const given of items) {
      const item = unwrap(given);
      const row: [string, PsValue][] = [];
      for (const column of columns) {
        if (typeof column.value === 'string') {
          row.push([column.name, item instanceof PsObject || item instanceof PsHashtable ? (item.get(column.value) ?? null) : this.member(item, column.value)]);
        } else {
          const values: PsValue[] = [];
          const inner = new Scope(scope.machine, scope, scope.caller);
          inner.set('_', given);
          await this.runStatements(column.value.body, inner, { emit: (v) => values.push(...enumerate(v)), inTry: false });
          row.push([column.name, collapse(values)]);
        }
      }
      out.push(new PsObject(`Selected.${typeNameOf(item)}`, row));
    }
    return out;
  }

  private column(property: PsValue): { name: string; value: string | PsScriptBlock } {
    const p = unwrap(property);
    if (typeof p === 'string') return { name: p, value: p };
    const invalid = (message: string, fqid: string): PsError => new PsError(SELECT_OBJECT.name, message, { fqid: `${fqid},Microsoft.PowerShell.Commands.SelectObjectCommand`, category: 'InvalidArgument', exceptionType: 'System.NotSupportedException' });
    if (!(p instanceof PsHashtable)) throw invalid(`The Skype emulator accepts property names and @{ Name = ...; Expression = ... } for -Property, not ${typeNameOf(p)} (docs/skype-emulator.md).`, 'NotSupportedByEmulator');
    let name: string | undefined;
    let expression: PsValue | undefined;
    for (const [key, value] of p.entries) {
      const k = key.toLowerCase();
      if (['name', 'n', 'label', 'l'].includes(k) || (k.length > 1 && ('name'.startsWith(k) || 'label'.startsWith(k)))) {
        if (name !== undefined) throw invalid(`The "${key}" key cannot be specified more than once.`, 'DuplicateKey');
        name = this.str(value, this.session);
      } else if ('expression'.startsWith(k)) expression = value;
      else throw invalid(`The "${key}" key is not valid.`, 'IllegalKey');
    }
    if (expression === undefined) throw invalid('The "Expression" key is missing.', 'MissingExpressionKey');
    if (expression instanceof PsScriptBlock) return { name: name ?? toPsString(expression, () => ''), value: expression };
    const text = this.str(expression, this.session);
    return { name: name ?? text, value: text };
  }

  private async importDataFile(bound: Bound): Promise<PsValue[]> {
    const command = IMPORT_DATA_FILE.name;
    const paths = bound.get<string[]>('LiteralPath') ?? bound.get<string[]>('Path') ?? [];
    const out: PsValue[] = [];
    for (const path of paths) {
      const text = readSecretFile(command, path).toString('utf8').replace(/^\uFEFF/, '');
      const tree = await parsePowerShell(text);
      const statements = tree.rootNode.descendantsOfType('pipeline').filter((p) => p.parent?.type === 'statement_list' && p.parent.parent?.type === 'program');
      let table: SyntaxNode | undefined;
      if (!tree.rootNode.hasError && statements.length === 1) {
        let node: SyntaxNode | undefined = statements[0]?.namedChildren[0]?.namedChildren[0];
        while (node && (WRAPPERS.has(node.type) || node.type === 'array_literal_expression') && node.namedChildCount === 1) node = node.namedChildren[0];
        if (node?.type === 'hash_literal_expression') table = node;
      }
      if (!table) throw new PsError(command, `Cannot convert '${path}' to a hashtable: a data file holds exactly one hashtable literal, @{ Key = 'value' }.`, { fqid: 'CouldNotParseAsPowerShellDataFile,Import-PowerShellDataFile', category: 'InvalidData', exceptionType: 'System.InvalidOperationException' });
      // Data files are restricted language: literals only, no variables or commands.
      const restricted = table.descendantsOfType(['variable', 'command', 'sub_expression', 'script_block_expression']);
      const allowed = restricted.every((n) => n.type === 'variable' && /^\$(true|false|null)$/i.test(n.text));
      if (!allowed) throw new PsError(command, `Cannot generate a PowerShell object for a ScriptBlock evaluating dynamic expressions. Dynamic expression: ${restricted[0]?.text ?? ''}.`, { fqid: 'InvalidOperationException,Import-PowerShellDataFile', category: 'InvalidOperation', exceptionType: 'System.InvalidOperationException' });
      out.push(await this.hashtable(table, this.newSessionScope()));
    }
    return out;
  }

  /**
   * Import-Module: SkypeForBusiness only. 5.1 (and every remote session) loads it; PowerShell 7
   * needs -UseWindowsPowerShell (its compatibility layer proxies only system32 modules by
   * itself: about_Windows_PowerShell_Compatibility) and warns that the objects are deserialized.
   */
  private importModule(bound: Bound, scope: Scope): PsValue[] {
    const notFound = (name: string): PsError => new PsError(IMPORT_MODULE.name, `The specified module '${name}' was not loaded because no valid module file was found in any module directory.`, {
      fqid: 'Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand', category: 'ResourceUnavailable', targetName: name, exceptionType: 'System.IO.FileNotFoundException',
    });
    for (const name of bound.get<string[]>('Name') ?? []) {
      if (name.toLowerCase() !== 'skypeforbusiness') throw notFound(name);
      if (scope.machine.edition === 'core' && bound.get<boolean>('UseWindowsPowerShell') !== true) throw notFound(name);
      const modules = this.imported.get(scope.machine) ?? new Set<string>();
      this.imported.set(scope.machine, modules);
      if (!modules.has('skypeforbusiness')) this.progress(scope);
      modules.add('skypeforbusiness');
      if (scope.machine.edition === 'core') {
        this.warn(scope, `Module ${name} is loaded in Windows PowerShell using WinPSCompatSession remoting session; please note that all input and output of commands from this module will be deserialized objects. If you want to load this module into PowerShell please use 'Import-Module -SkipEditionCheck' syntax.`, bound.get<string>('WarningAction'));
      }
    }
    return [];
  }

  /** ConvertTo-SecureString -String -AsPlainText: 5.1 requires -Force with -AsPlainText, 7 does not. */
  private convertToSecureString(bound: Bound, input: PsValue[] | undefined): PsValue[] {
    const command = CONVERT_TO_SECURE_STRING.name;
    if (this.edition === 'desktop' && bound.get<boolean>('Force') !== true) {
      throw new PsError(command, 'The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.', {
        fqid: 'ImportSecureString_ForceRequired,Microsoft.PowerShell.Commands.ConvertToSecureStringCommand', category: 'InvalidArgument', exceptionType: 'System.ArgumentException',
      });
    }
    const texts = input ? input.map((i) => this.str(i, this.session)) : [bound.get<string>('String') ?? ''];
    texts.forEach((t) => this.checkSecretText(t, 'the text given to ConvertTo-SecureString'));
    return texts.map((t) => new PsSecret(t));
  }

  /** A secret (a credential's password) must not be in the script text or argv. */
  private checkSecretText(secret: string, what: string): void {
    if (secret.length < 4) return;
    if (this.ctx.scriptText.includes(secret) || this.ctx.argv.join(' ').includes(secret)) {
      throw new SecretLeakError(`the script text or argv contains ${what}; pass it in a 0600 PowerShell data file read with Import-PowerShellDataFile (docs/skype-emulator.md).`);
    }
  }
}


/** Thumbprints as Windows compares them: hex, no spaces, any case. */
export function normaliseThumbprint(value: string): string {
  return value.replace(/[\s\u200e]/g, '').toUpperCase();
}

/** A '...' literal's value: doubled quotes (PowerShell's four single quotes) stand for one. */
function verbatimString(text: string, node: SyntaxNode): string {
  const body = text.slice(1, -1);
  const quotes = /['‘’‚‛]/;
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i] as string;
    if (quotes.test(c)) {
      // PowerShell ends the string at any lone single quote, typographic ones included.
      if (!quotes.test(body[i + 1] ?? '')) throw unsupported(node, 'a single-quoted string with an undoubled quote inside (PowerShell ends the string there)');
      i += 1;
    }
    out += c;
  }
  return out;
}

/**
 * Reads a file that holds a secret (a PFX, a data file): it must exist and be readable by its
 * owner only, as the adapter writes it (issue #10: a 0600 temp file).
 */
function readSecretFile(command: string, path: string): Buffer {
  let mode: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new PsError(command, `Cannot find path '${path}' because it does not exist.`);
    mode = stat.mode & 0o777;
  } catch (error) {
    if (error instanceof PsError) throw error;
    throw new PsError(command, `Cannot find path '${path}' because it does not exist.`);
  }
  if ((mode & 0o077) !== 0) {
    throw new SecretLeakError(`the file '${path}' given to ${command} has mode ${mode.toString(8).padStart(4, '0')}: a file holding a secret must be readable by its owner only (0600).`);
  }
  return readFileSync(path);
}

