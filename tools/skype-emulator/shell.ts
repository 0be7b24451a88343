/**
 * The Management Shell: runs one parsed script against the emulated deployment. Accepts only the
 * subset docs/skype-emulator.md lists (commands, pipelines, assignments, literals, variables,
 * member access, parentheses, script blocks for Invoke-Command); everything else is an error.
 * Every error stops the script, as `$ErrorActionPreference = 'Stop'` would.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { SyntaxNode } from 'tree-sitter';
import { bindParameters, CERT_TYPES, PsError, type Bound, type CmdletSpec, type Element } from './binder';
import {
  CONVERT_TO_JSON, findCmdlet, GET_CS_CERTIFICATE, GET_REPLICATION_STATUS, IMPORT_CS_CERTIFICATE, IMPORT_DATA_FILE,
  INVOKE_COMMAND, INVOKE_REPLICATION, REMOVE_CS_CERTIFICATE, SELECT_OBJECT, SET_CS_CERTIFICATE,
} from './cmdlets';
import { formatServerDate } from './culture';
import { assign, cmsSlots, commitCms, effectiveSlot, replicaStatus, serverSlots, settle, unassign } from './deployment';
import { firstSyntaxError, parsePowerShell } from './grammar';
import { openPfx } from './pfx';
import type { CertificateRecord, EmulatorState, Slot } from './state';
import { convertToJson, PsDate, PsHashtable, PsObject, PsScriptBlock, toPsString, type PsValue } from './values';

/** The emulator's own refusal: a secret where it must never be (exit status 3). */
export class SecretLeakError extends Error {
  override readonly name = 'SecretLeakError';
}

/** What one run needs besides the state. */
export interface RunContext {
  readonly state: EmulatorState;
  readonly now: Date;
  /** The script text and the process's argv: what the secret check scans. */
  readonly scriptText: string;
  readonly argv: readonly string[];
  readonly out: (line: string) => void;
  readonly warn: (line: string) => void;
}

const CERTIFICATE_REFERENCE = 'Microsoft.Rtc.Management.Deployment.CertificateReference';
const NOT_SUPPORTED = 'NotSupported';
const NON_INTERACTIVE = 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';
/** Skype Server 2019 CU's product version, as community scripts show ReplicaState.ProductVersion. */
const PRODUCT_VERSION = '7.0.2046.0';

/** Wrapper node types of the expression grammar that are transparent when they hold one child. */
const WRAPPERS = new Set([
  'logical_expression', 'bitwise_expression', 'comparison_expression', 'additive_expression', 'multiplicative_expression',
  'format_expression', 'range_expression', 'unary_expression', 'expression_with_unary_operator', 'left_assignment_expression',
]);

function unsupported(node: SyntaxNode, what = node.type): PsError {
  return new PsError(
    NOT_SUPPORTED,
    `The Skype emulator does not accept ${what} (line ${node.startPosition.row + 1}, '${node.text.slice(0, 40).replace(/\s+/g, ' ')}'): it runs only the documented cmdlets, pipelines, assignments and literals (docs/skype-emulator.md).`,
  );
}

class Scope {
  private readonly variables = new Map<string, PsValue>();
  constructor(readonly server: string, readonly parent?: Scope) {}
  get(name: string): PsValue {
    return this.variables.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: PsValue): void {
    this.variables.set(name.toLowerCase(), value);
  }
}

const collapse = (values: readonly PsValue[]): PsValue => (values.length === 0 ? null : values.length === 1 ? (values[0] as PsValue) : [...values]);
const enumerate = (value: PsValue): PsValue[] => (Array.isArray(value) ? value : value === null ? [] : [value]);

export class Shell {
  private readonly ctx: RunContext;
  private readonly state: EmulatorState;
  private readonly now: Date;

  constructor(ctx: RunContext) {
    this.ctx = ctx;
    this.state = ctx.state;
    this.now = ctx.now;
  }

  /** Parses and runs the script; throws PsError (or SecretLeakError) at the first error. */
  async run(source: string): Promise<void> {
    settle(this.state, this.now);
    const tree = await parsePowerShell(source);
    if (tree.rootNode.hasError) {
      const at = firstSyntaxError(tree.rootNode) ?? tree.rootNode;
      const what = at.isMissing || at.text === '' ? `missing ${at.isMissing ? `'${at.type}'` : 'token'}` : `unexpected '${at.text.slice(0, 40)}'`;
      throw new PsError('ParserError', `Line ${at.startPosition.row + 1}, column ${at.startPosition.column + 1}: ${what}: the script is not valid PowerShell.`);
    }
    const scope = new Scope(this.state.config.localServer);
    try {
      // Output is printed statement by statement, so what ran before an error is on stdout.
      await this.runStatements(tree.rootNode, scope, (value) => this.print(value));
    } finally {
      settle(this.state, this.now);
    }
  }

  private print(value: PsValue): void {
    if (value === null) return;
    if (typeof value === 'string') return this.ctx.out(value);
    if (value instanceof PsObject || value instanceof PsHashtable) {
      const entries = value instanceof PsObject ? value.properties : value.entries;
      const width = Math.max(...entries.map(([k]) => k.length), 0);
      this.ctx.out('');
      for (const [k, v] of entries) this.ctx.out(`${k.padEnd(width)} : ${Array.isArray(v) ? `{${v.map((x) => toPsString(x, this.tz)).join(', ')}}` : v instanceof PsDate ? formatServerDate(v.instant, this.state.config.culture, this.tz) : toPsString(v, this.tz)}`);
      return this.ctx.out('');
    }
    if (Array.isArray(value)) return value.forEach((v) => this.print(v));
    this.ctx.out(value instanceof PsDate ? formatServerDate(value.instant, this.state.config.culture, this.tz) : toPsString(value, this.tz));
  }

  private get tz(): string {
    return this.state.config.timeZone;
  }

  /** Runs a program or script block body: its statements, in order, collecting their output. */
  private async runStatements(node: SyntaxNode, scope: Scope, emit?: (value: PsValue) => void): Promise<PsValue[]> {
    const output: PsValue[] = [];
    for (const child of node.namedChildren) {
      switch (child.type) {
        case 'statement_list':
        case 'script_block_body':
          output.push(...(await this.runStatements(child, scope, emit)));
          break;
        case 'pipeline': {
          const values = await this.runPipeline(child, scope);
          if (emit) values.forEach(emit);
          else output.push(...values);
          break;
        }
        case 'empty_statement':
        case 'comment':
          break;
        default:
          throw unsupported(child, `a ${child.type.replace(/_/g, ' ')}`);
      }
    }
    return output;
  }

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

  private async assign(node: SyntaxNode, scope: Scope): Promise<void> {
    const [left, operator, right] = node.namedChildren;
    if (!left || !operator || !right || operator.text !== '=') throw unsupported(node, 'this assignment');
    let target = left;
    while (WRAPPERS.has(target.type) || target.type === 'array_literal_expression') {
      if (target.namedChildCount !== 1) throw unsupported(node, 'this assignment');
      target = target.namedChildren[0] as SyntaxNode;
    }
    if (target.type !== 'variable') throw unsupported(node, 'an assignment to anything but a variable');
    const name = this.variableName(target);
    if (right.type !== 'pipeline') throw unsupported(right);
    scope.set(name, collapse(await this.runPipeline(right, scope)));
  }

  private variableName(node: SyntaxNode): string {
    const text = node.text.startsWith('${') ? `$${node.text.slice(2, -1)}` : node.text;
    const name = text.slice(1);
    if (!/^(using:)?[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw unsupported(node, `the variable ${node.text}`);
    return name;
  }

  private lookup(node: SyntaxNode, scope: Scope): PsValue {
    const name = this.variableName(node);
    const lower = name.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (lower.startsWith('using:')) {
      // $using: reads the caller's variable inside Invoke-Command, as remoting does.
      if (!scope.parent) throw new PsError(NOT_SUPPORTED, `A Using variable cannot be retrieved. A Using variable can be used only with Invoke-Command, Start-Job, or InlineScript in the script workflow. When it is used with Invoke-Command, the Using variable is valid only if the script block is invoked on a remote computer.`);
      return scope.parent.get(name.slice('using:'.length));
    }
    // Unknown variables are $null, as in PowerShell without Set-StrictMode.
    return scope.get(name);
  }

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
        return Number(digits.text);
      }
      case 'variable':
        return this.lookup(node, scope);
      case 'member_access': {
        const [target, member] = [node.namedChildren[0], node.namedChildren[node.namedChildCount - 1]];
        if (!target || !member || member.type !== 'member_name' || !node.children.some((c) => c.type === '.')) throw unsupported(node, 'this member access');
        return this.member(await this.evaluate(target, scope), member.text);
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        if (!inner || inner.type !== 'pipeline') throw unsupported(node);
        return collapse(await this.runPipeline(inner, scope));
      }
      case 'array_expression':
      case 'sub_expression': {
        const body = node.namedChildren[0];
        const values = body ? await this.runStatements({ namedChildren: [body] } as unknown as SyntaxNode, scope) : [];
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
          throw unsupported(node, `the operator in '${node.text.slice(0, 30)}'`);
        }
        throw unsupported(node, `a ${node.type.replace(/_/g, ' ')}`);
    }
  }

  private member(target: PsValue, name: string): PsValue {
    if (Array.isArray(target)) {
      if (name.toLowerCase() === 'count' || name.toLowerCase() === 'length') return target.length;
      // Member enumeration: the property of every element.
      return collapse(target.map((t) => this.member(t, name)).flatMap(enumerate));
    }
    if (target instanceof PsObject) return target.get(name) ?? null;
    if (target instanceof PsHashtable) return target.get(name) ?? null;
    if (typeof target === 'string' && name.toLowerCase() === 'length') return target.length;
    return null;
  }

  private async hashtable(node: SyntaxNode, scope: Scope): Promise<PsHashtable> {
    const body = node.namedChildren.find((c) => c.type === 'hash_literal_body');
    const entries: [string, PsValue][] = [];
    for (const entry of body?.namedChildren ?? []) {
      if (entry.type !== 'hash_entry') throw unsupported(entry);
      const [key, value] = [entry.namedChildren[0], entry.namedChildren[entry.namedChildCount - 1]];
      if (!key || !value || key.type !== 'key_expression' || value.type !== 'pipeline') throw unsupported(entry, 'this hashtable entry');
      const keyText = key.namedChildren[0]?.type === 'string_literal' ? String(await this.evaluate(key.namedChildren[0], scope)) : key.text;
      entries.push([keyText, collapse(await this.runPipeline(value, scope))]);
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
        out += toPsString(this.lookup({ text: `$${name}` } as SyntaxNode, scope), this.tz);
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

  private async runCommand(node: SyntaxNode, input: PsValue[] | undefined, scope: Scope): Promise<PsValue[]> {
    const nameNode = node.namedChildren.find((c) => c.type === 'command_name');
    if (!nameNode || node.namedChildren.some((c) => c.type !== 'command_name' && c.type !== 'command_elements')) throw unsupported(node, 'this form of command');
    const name = nameNode.text;
    const spec = findCmdlet(name);
    if (!spec) {
      throw new PsError(name, `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`);
    }
    const elements = await this.elements(node.namedChildren.find((c) => c.type === 'command_elements'), scope);
    const bound = bindParameters(spec, elements, { byValue: input !== undefined }, { culture: this.state.config.culture, timeZone: this.tz });
    return this.invoke(spec, bound, input, scope);
  }

  private async invoke(spec: CmdletSpec, bound: Bound, input: PsValue[] | undefined, scope: Scope): Promise<PsValue[]> {
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
        return this.invokeCommand(bound, scope);
      case CONVERT_TO_JSON:
        return this.convertToJson(bound, input);
      case SELECT_OBJECT:
        return this.selectObject(bound, input ?? enumerate(bound.get<PsValue>('InputObject') ?? null));
      case IMPORT_DATA_FILE:
        return this.importDataFile(bound);
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

  private async invokeCommand(bound: Bound, scope: Scope): Promise<PsValue[]> {
    const block = bound.get<PsScriptBlock>('ScriptBlock') as PsScriptBlock;
    const out: PsValue[] = [];
    for (const computer of bound.get<string[]>('ComputerName') ?? []) {
      const server = computer.trim().toLowerCase();
      if (!this.state.config.servers.includes(server)) {
        throw new PsError(INVOKE_COMMAND.name, `[${computer}] Connecting to remote server ${computer} failed with the following error message : WinRM cannot process the request because the computer name could not be resolved. For more information, see the about_Remote_Troubleshooting Help topic.`);
      }
      // A remote session: its own variables; the caller's only through $using:.
      const remote = new Scope(server, scope);
      const runspace = randomUUID();
      for (const value of await this.runStatements(block.body, remote)) {
        out.push(value instanceof PsObject
          ? new PsObject(value.typeName, [...value.properties, ['PSComputerName', computer], ['RunspaceId', runspace], ['PSShowComputerName', true]])
          : value);
      }
    }
    return out;
  }

  private convertToJson(bound: Bound, input: PsValue[] | undefined): PsValue[] {
    const depth = bound.get<number>('Depth') ?? 2;
    if (depth < 0 || depth > 100) {
      throw new PsError(CONVERT_TO_JSON.name, `Cannot validate argument on parameter 'Depth'. The ${depth} argument is ${depth < 0 ? 'less than the minimum allowed range of 0. Supply an argument that is greater than or equal to 0' : 'greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100'} and then try the command again.`);
    }
    const values = input ?? [bound.get<PsValue>('InputObject') ?? null];
    const asArray = bound.get<boolean>('AsArray') === true;
    if (values.length === 0 && !asArray) return [];
    const { text, truncated } = convertToJson(values, asArray, { depth, compress: bound.get<boolean>('Compress') === true, timeZone: this.tz });
    if (truncated) this.ctx.warn(`WARNING: Resulting JSON is truncated as serialization has exceeded the set depth of ${depth}.`);
    return [text];
  }

  private selectObject(bound: Bound, input: PsValue[]): PsValue[] {
    const first = bound.get<number>('First');
    const items = first === undefined ? input : input.slice(0, first);
    const expand = bound.get<string>('ExpandProperty');
    const properties = bound.get<PsValue[]>('Property');
    if (properties !== undefined && properties.some((p) => typeof p !== 'string')) {
      throw new PsError(SELECT_OBJECT.name, 'The Skype emulator accepts only property names (strings) for -Property (docs/skype-emulator.md).');
    }
    if (expand !== undefined) {
      return items.flatMap((item) => {
        const holder = item instanceof PsObject || item instanceof PsHashtable ? item : undefined;
        if (!holder || (holder instanceof PsObject && !holder.has(expand))) throw new PsError(SELECT_OBJECT.name, `Property "${expand}" cannot be found.`);
        return enumerate(holder.get(expand) ?? null);
      });
    }
    if (properties === undefined) return items;
    return items.map((item) => new PsObject('System.Management.Automation.PSCustomObject',
      (properties as string[]).map((p) => [p, item instanceof PsObject || item instanceof PsHashtable ? (item.get(p) ?? null) : null] as const)));
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
      if (!table) throw new PsError(command, `Cannot convert '${path}' to a hashtable: a data file holds exactly one hashtable literal, @{ Key = 'value' }.`);
      // Data files are restricted language: literals only, no variables or commands.
      const restricted = table.descendantsOfType(['variable', 'command', 'sub_expression', 'script_block_expression']);
      const allowed = restricted.every((n) => n.type === 'variable' && /^\$(true|false|null)$/i.test(n.text));
      if (!allowed) throw new PsError(command, `Cannot generate a PowerShell object for a ScriptBlock evaluating dynamic expressions. Dynamic expression: ${restricted[0]?.text ?? ''}.`);
      out.push(await this.hashtable(table, new Scope(this.state.config.localServer)));
    }
    return out;
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

