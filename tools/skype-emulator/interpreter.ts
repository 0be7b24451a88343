/**
 * The PowerShell interpreter: runs one parsed script as Windows PowerShell 5.1 (`desktop`) or
 * PowerShell 7 (`core`) would (docs/skype-emulator.md). Accepts only the subset documented there
 * (statements, operators, type literals and static members the adapter's scripts use); everything
 * else is a clear PowerShell-style error. It knows no command: it finds them by name in the
 * {@link CommandRegistry} it is given and runs them with the bound parameters.
 *
 * Errors follow PowerShell's three kinds: a cmdlet's terminating error stops its statement
 * (the script too under `$ErrorActionPreference = 'Stop'`), `throw` and `-ErrorAction Stop` stop
 * the script, a non-terminating error (Invoke-Command's unreachable server) is written and the
 * statement goes on; try/catch catches the first two.
 */
import { randomUUID } from 'node:crypto';
import type { SyntaxNode } from 'tree-sitter';
import { ACTION_PREFERENCES, bindParameters, PsError, type Bound, type Element } from './binder';
import type { CommandRegistry, ShellServices } from './command-registry';
import type { ConsoleHost } from './console-host';
import type { Culture } from './culture';
import { memberValue, method, resolveType, staticCall, staticMember, typeObject, versionTable, type DotNetContext } from './dotnet-types';
import { PsErrorRecord } from './error-records';
import { parsePowerShell } from './grammar';
import { ExitSignal, NON_INTERACTIVE, RUNTIME_EXCEPTION, runtimeError, unsupported } from './language-errors';
import { Scope, type Frame, type Machine } from './scope';
import { isComplete, locate, parseError, verbatimString, WRAPPERS } from './script-syntax';
import { checkSecretText, type SecretExposure } from './secret-rules';
import {
  collapse, enumerate, invariantString, PsDate, PsEnum, PsHashtable, PsObject, PsScriptBlock, truthy, typeNameOf, unwrap,
  type Edition, type PsValue,
} from './values';

const PREFERENCES = ['ErrorActionPreference', 'WarningPreference', 'ProgressPreference', 'InformationPreference', 'VerbosePreference', 'DebugPreference'];

/** What one run of the interpreter needs. */
export interface InterpreterOptions {
  /** The session's machine: its name, IANA zone and edition. */
  readonly session: Machine;
  /** The session's culture (dates a script parses and shows). */
  readonly culture: Culture;
  /** The run's clock. */
  readonly now: Date;
  /** The script text and the process's argv: where no secret may appear. */
  readonly exposure: SecretExposure;
  /** stdout and stderr. */
  readonly host: ConsoleHost;
  /** The commands the session knows. */
  readonly commands: CommandRegistry;
}

export class Interpreter implements ShellServices {
  readonly session: Machine;
  readonly now: Date;
  readonly exposure: SecretExposure;
  private readonly culture: Culture;
  private readonly host: ConsoleHost;
  private readonly commands: CommandRegistry;
  /** Whether the current statement group ($? of the last one) failed. */
  private failed = false;
  private readonly runspaceId = randomUUID();
  /** [Console]::OutputEncoding as the script set it. */
  private outputEncoding: PsValue = null;
  private exited = false;

  constructor(options: InterpreterOptions) {
    this.session = options.session;
    this.now = options.now;
    this.exposure = options.exposure;
    this.culture = options.culture;
    this.host = options.host;
    this.commands = options.commands;
  }

  get edition(): Edition {
    return this.session.edition;
  }

  /**
   * `-File`: the whole script is one unit. Exit code: `exit N`; 1 after an uncaught terminating
   * error; 0 otherwise, non-terminating errors included (about_PowerShell_exe, about_Pwsh).
   */
  async runFile(source: string): Promise<number> {
    const scope = this.newSessionScope();
    return await this.runUnit(source, scope) ?? 0;
  }

  /**
   * `-Command -`: the console host reads stdin line by line; a complete one-line statement runs
   * at once, a statement spanning lines runs when an empty line follows it and is dropped if
   * stdin ends first; an error does not stop later lines; the exit code is the last statement's
   * (PowerShell/PowerShell#3223, #15331 and #21808).
   */
  async runCommandStdin(source: string): Promise<number> {
    const scope = this.newSessionScope();
    let code = 0;
    const lines = source.split(/\r?\n/);
    // The newline that ends the last line is no empty line of its own.
    if (lines[lines.length - 1] === '') lines.pop();
    let buffer: string[] = [];
    for (const line of lines) {
      if (buffer.length === 0 && line.trim() === '') continue;
      buffer.push(line);
      const text = buffer.join('\n');
      if (buffer.length > 1 ? line.trim() === '' : await isComplete(text)) {
        buffer = [];
        const exit = await this.runUnit(text, scope);
        if (exit !== undefined && this.exited) return exit;
        code = this.failed ? 1 : 0;
      }
    }
    return code;
  }

  newSessionScope(): Scope {
    return new Scope(this.session);
  }

  /** Parses and runs one unit; returns the exit code of `exit N` or of an uncaught error. */
  private async runUnit(source: string, scope: Scope): Promise<number | undefined> {
    this.failed = false;
    const tree = await parsePowerShell(source);
    const refused = parseError(source, tree.rootNode, this.edition);
    if (refused) {
      this.failed = true;
      this.writeError(refused, scope);
      return 1;
    }
    try {
      await this.runStatements(tree.rootNode, scope, { emit: (value) => this.host.print(value), inTry: false });
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

  // --- Preferences and the streams -------------------------------------------------------------

  private preference(scope: Scope, name: string, given?: string): string {
    if (given !== undefined) return given;
    const value = scope.get(name);
    return value === undefined || value === null ? 'Continue' : invariantString(value, scope.machine.timeZone);
  }

  /** Writes an error to the console in the edition's view, or back to the caller from a remote session. */
  private writeError(error: PsError, scope: Scope): void {
    if (scope.machine.remoteErrors) {
      scope.machine.remoteErrors.push(error);
      return;
    }
    this.host.writeError(error);
  }

  writeLine(line: string): void {
    this.host.writeLine(line);
  }

  /** A warning: 5.1 writes it to stdout under -Command/-File (PowerShell/PowerShell#7989); 7 to stderr here. */
  warn(scope: Scope, text: string, action?: string): void {
    const preference = this.preference(scope, 'WarningPreference', action);
    if (preference === 'SilentlyContinue' || preference === 'Ignore') return;
    if (scope.machine.remoteErrors) return;
    if (preference === 'Stop') {
      throw new PsError('', `The running command stopped because the preference variable "WarningPreference" or common parameter is set to Stop: ${text}`, { fqid: 'ActionPreferenceStop', category: 'OperationStopped', exceptionType: 'System.Management.Automation.ActionPreferenceStopException', terminating: 'script' });
    }
    this.host.writeWarning(text);
  }

  /** A progress record, unless $ProgressPreference is SilentlyContinue. */
  progress(scope: Scope): void {
    if (this.preference(scope, 'ProgressPreference') === 'SilentlyContinue') return;
    this.host.writeProgress();
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
      locate(caught, statement);
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
      const code = v === null ? 0 : typeof v === 'number' ? v : Number(invariantString(v, scope.machine.timeZone));
      if (!Number.isInteger(code)) throw runtimeError('InvalidCastFromStringToInteger', 'InvalidArgument', `Cannot convert value "${invariantString(v, scope.machine.timeZone)}" to type "System.Int32".`);
      throw new ExitSignal(code);
    }
    if (keyword === 'throw') {
      if (value instanceof PsErrorRecord) {
        value.error.details.terminating = 'script';
        throw value.error;
      }
      const message = value === null ? 'ScriptHalted' : invariantString(value, scope.machine.timeZone);
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
          throw runtimeError('ExceptionWhenSetting', 'NotSpecified', `Exception setting "OutputEncoding": "Cannot convert the "${invariantString(value, scope.machine.timeZone)}" value of type "${typeNameOf(value)}" to type "System.Text.Encoding"."`);
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
    const text = invariantString(value, scope.machine.timeZone);
    const names = ACTION_PREFERENCES.filter((n) => (this.edition === 'desktop' ? n !== 'Break' : n !== 'Suspend'));
    if (!names.some((n) => n.toLowerCase() === text.toLowerCase())) {
      throw runtimeError('RuntimeException', 'MetadataError', `Cannot convert value "${text}" to type "System.Management.Automation.ActionPreference". Error: "Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again: ${names.join(', ')}"`);
    }
  }

  private variableName(node: SyntaxNode): string {
    const text = node.text.startsWith('${') ? `$${node.text.slice(2, -1)}` : node.text;
    const name = text.slice(1);
    if (!/^(using:|env:)?([A-Za-z_][A-Za-z0-9_]*|_)$/i.test(name)) throw unsupported(node, `the variable ${node.text}`);
    return name;
  }

  private lookup(node: SyntaxNode, scope: Scope): PsValue {
    const name = this.variableName(node);
    const lower = name.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (lower === 'psversiontable') return versionTable(scope.machine.edition);
    // $env:NAME: the machine's environment (names case-insensitive, as on Windows).
    // Modelled on a Front End inside a remote block only (session-cmdlets.ts); the runner's own environment is not.
    if (lower.startsWith('env:')) {
      if (!scope.machine.environment) throw unsupported(node, `the variable ${node.text} outside a remote block`);
      return scope.machine.environment[name.slice('env:'.length).toUpperCase()] ?? null;
    }
    if (lower.startsWith('using:')) {
      // $using: reads the caller's variable inside Invoke-Command, as remoting does.
      if (!scope.caller) throw new PsError('', 'A Using variable cannot be retrieved. A Using variable can be used only with Invoke-Command, Start-Job, or InlineScript in the script workflow. When it is used with Invoke-Command, the Using variable is valid only if the script block is invoked on a remote computer.', { fqid: 'UsingWithoutInvokeCommand', category: 'InvalidOperation', exceptionType: RUNTIME_EXCEPTION });
      return scope.caller.get(name.slice('using:'.length)) ?? null;
    }
    // Unknown variables are $null, as in PowerShell without Set-StrictMode.
    return scope.get(name) ?? null;
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
          return staticMember(resolveType(target.text), member.text, scope.machine.timeZone, this.dotNet());
        }
        if (!node.children.some((c) => c.type === '.')) throw unsupported(node, 'this member access');
        return memberValue(await this.evaluate(target, scope), member.text);
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
        if (resolveType(type.text) === 'System.String') return invariantString(await this.evaluate(operand, scope), scope.machine.timeZone);
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
      const a = invariantString(l, scope.machine.timeZone);
      const b = invariantString(r, scope.machine.timeZone);
      return caseSensitive ? a === b : a.toLowerCase() === b.toLowerCase();
    }
    if (typeof l === 'number' || typeof l === 'bigint') return Number(l) === Number(typeof r === 'string' ? Number(r) : r);
    if (typeof l === 'boolean') return l === truthy(r);
    if (l instanceof PsDate && r instanceof PsDate) return l.instant.getTime() === r.instant.getTime();
    return l === r;
  }

  private add(left: PsValue, right: PsValue, scope: Scope): PsValue {
    const l = unwrap(left);
    if (typeof l === 'string') return l + invariantString(right, scope.machine.timeZone);
    if (Array.isArray(l)) return [...l, ...(Array.isArray(right) ? right : [right])];
    const r = unwrap(right);
    if ((typeof l === 'number' || typeof l === 'bigint') && (typeof r === 'number' || typeof r === 'bigint')) {
      return typeof l === 'bigint' || typeof r === 'bigint' ? BigInt(l) + BigInt(r) : l + r;
    }
    throw runtimeError('MethodNotFound', 'InvalidOperation', `Method invocation failed because [${typeNameOf(l)}] does not contain a method named 'op_Addition'.`);
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
      return staticCall(resolveType(target.text), member.text, args, scope.machine.timeZone, this.dotNet());
    }
    return method(await this.evaluate(target, scope), member.text, args, scope.machine.timeZone, this.dotNet());
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
        out += invariantString(this.lookup({ text: `$${name}` } as SyntaxNode, scope), scope.machine.timeZone);
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

  private async runCommand(node: SyntaxNode, input: PsValue[] | undefined, scope: Scope): Promise<PsValue[]> {
    const nameNode = node.namedChildren.find((c) => c.type === 'command_name');
    if (!nameNode || node.namedChildren.some((c) => c.type !== 'command_name' && c.type !== 'command_elements')) throw unsupported(node, 'this form of command');
    const name = nameNode.text;
    const command = this.commands.find(name);
    if (!command) throw this.notRecognized(name, scope.machine);
    const spec = command.spec;
    try {
      const elements = await this.elements(node.namedChildren.find((c) => c.type === 'command_elements'), scope);
      const bound = bindParameters(spec, elements, { byValue: input !== undefined }, { culture: this.culture, timeZone: scope.machine.timeZone, edition: scope.machine.edition });
      const errors: PsError[] = [];
      const variable = bound.get<string>('ErrorVariable');
      try {
        if (bound.get<boolean>('Confirm') === true) throw new PsError(spec.name, NON_INTERACTIVE);
        return await command.run({ bound, input, scope, errors, shell: this });
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
      if (caught instanceof PsError) locate(caught, node);
      throw caught;
    }
  }

  /** A non-terminating error: written, silenced or made terminating by -ErrorAction / the preference. */
  nonTerminating(error: PsError, bound: Bound, scope: Scope, errors: PsError[]): void {
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

  /** Runs a script block's statements (ShellServices: Invoke-Command, Select-Object's expressions). */
  async runBlock(body: SyntaxNode, scope: Scope, emit: (value: PsValue) => void): Promise<void> {
    await this.runStatements(body, scope, { emit, inTry: false });
  }

  /** A data file's hashtable literal, evaluated in a new session scope. */
  evaluateHashtable(node: SyntaxNode): Promise<PsHashtable> {
    return this.hashtable(node, this.newSessionScope());
  }

  private dotNet(): DotNetContext {
    return {
      now: this.now,
      culture: this.culture,
      outputEncoding: this.outputEncoding,
      checkSecretText: (secret, what) => checkSecretText(this.exposure, secret, what),
    };
  }
}
