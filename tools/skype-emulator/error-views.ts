/**
 * How each edition's console shows an error: Windows PowerShell 5.1's NormalView (the message,
 * `At line:N char:M` with the line under it, CategoryInfo, FullyQualifiedErrorId) and
 * PowerShell 7's ConciseView (one line), as about_Preference_Variables ($ErrorView) describes them.
 */
import type { PsError } from './binder';
import { NOT_SUPPORTED } from './language-errors';
import type { Edition } from './values';

/**
 * The lines an error prints on stderr in the edition's view. `origin` is how 5.1 names the
 * script in `At ...`: `line` under -Command, the file's path under -File.
 */
export function errorView(edition: Edition, error: PsError, origin: string): string[] {
  return edition === 'desktop' ? normalView(error, origin) : conciseView(error);
}

/** Windows PowerShell 5.1's NormalView (about_Preference_Variables, $ErrorView). */
function normalView(error: PsError, origin: string): string[] {
  const d = error.details;
  const first = d.transport ? `[${d.targetName ?? ''}] ${error.message}` : error.command === '' || error.command === NOT_SUPPORTED ? error.message : `${error.command} : ${error.message}`;
  const lines = [first];
  if (d.position && d.origin === undefined && !d.transport) {
    const where = origin === 'line' ? `line:${d.position.line}` : `${origin}:${d.position.line}`;
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
function conciseView(error: PsError): string[] {
  const d = error.details;
  if (d.transport) return [`OpenError: [${d.targetName ?? ''}] ${error.message}`];
  // No command: `throw` shows as Exception, other language errors by their category.
  if (error.command === '') return [`${error.fqid === error.message ? 'Exception' : error.category}: ${error.message}`];
  return [`${error.command}: ${error.message}`];
}
