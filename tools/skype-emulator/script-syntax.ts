/**
 * What the grammar's tree says about a script before it runs: whether a line the console host
 * read is a complete statement, the ParserError for a script the edition does not parse (5.1
 * has no `&&`, `||`, `?:` or `??`), where an error was raised (`At line:1 char:5`), and the
 * lexical rules of '...' strings.
 */
import type { SyntaxNode } from 'tree-sitter';
import { PsError } from './binder';
import { firstSyntaxError, parsePowerShell } from './grammar';
import { unsupported } from './language-errors';
import type { Edition } from './values';

/** Wrapper node types of the expression grammar that are transparent when they hold one child. */
export const WRAPPERS = new Set([
  'logical_expression', 'bitwise_expression', 'comparison_expression', 'additive_expression', 'multiplicative_expression',
  'format_expression', 'range_expression', 'unary_expression', 'expression_with_unary_operator', 'left_assignment_expression',
  'argument_expression', 'logical_argument_expression', 'bitwise_argument_expression', 'comparison_argument_expression',
  'additive_argument_expression', 'multiplicative_argument_expression', 'format_argument_expression', 'range_argument_expression',
]);

/** Whether a one-line input is a complete statement (the host asks for more lines otherwise). */
export async function isComplete(text: string): Promise<boolean> {
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

/** A 5.1 ParserError message for PowerShell 7-only syntax the grammar marks as an error. */
function desktopSyntaxMessage(source: string, at: SyntaxNode): string | undefined {
  const text = source.slice(at.startIndex, at.endIndex);
  if (/\?\?/.test(text)) return "Unexpected token '??' in expression or statement.";
  if (/\?/.test(text)) return "Unexpected token '?' in expression or statement.";
  return undefined;
}

/** The ParserError for a script the grammar rejects, or PowerShell 7-only syntax in 5.1. */
export function parseError(source: string, root: SyntaxNode, edition: Edition): PsError | undefined {
  const located = (node: SyntaxNode, message: string, fqid: string): PsError => {
    const error = new PsError('', message, { fqid, category: 'ParserError', exceptionType: 'System.Management.Automation.ParseException' });
    locate(error, node, source);
    return error;
  };
  if (edition === 'desktop') {
    // `&&` and `||` came with PowerShell 7 (about_Pipeline_Chain_Operators).
    const chain = root.descendantsOfType('pipeline_chain_tail')[0];
    if (chain) {
      const operator = chain.children.find((c) => !c.isNamed)?.text ?? '&&';
      return located(chain, `The token '${operator}' is not a valid statement separator in this version.`, 'InvalidEndOfLine');
    }
  }
  if (!root.hasError) return undefined;
  const at = firstSyntaxError(root) ?? root;
  if (edition === 'desktop') {
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
export function locate(error: PsError, node: SyntaxNode, source?: string): void {
  if (error.details.position) return;
  const all = source ?? currentSource(node);
  const lineText = all.split(/\r?\n/)[node.startPosition.row] ?? '';
  const sameLine = node.endPosition.row === node.startPosition.row;
  const length = Math.max(1, (sameLine ? node.endPosition.column : lineText.length) - node.startPosition.column);
  error.details.position = { line: node.startPosition.row + 1, column: node.startPosition.column + 1, text: lineText, length };
}

function currentSource(node: SyntaxNode): string {
  let root = node;
  while (root.parent) root = root.parent;
  return root.text;
}

/** A '...' literal's value: doubled quotes (PowerShell's four single quotes) stand for one. */
export function verbatimString(text: string, node: SyntaxNode): string {
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
