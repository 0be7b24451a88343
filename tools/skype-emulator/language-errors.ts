/**
 * The errors the interpreter raises of its own, apart from any command: the emulator's limit (the
 * subset it accepts, docs/skype-emulator.md), PowerShell's runtime errors of the language
 * (`Method invocation failed ...`), the console host's NonInteractive refusal, and `exit N`.
 */
import type { SyntaxNode } from 'tree-sitter';
import { PsError } from './binder';

/** The command name the emulator's own refusals carry (shown without `Command :`). */
export const NOT_SUPPORTED = 'NotSupported';
export const RUNTIME_EXCEPTION = 'System.Management.Automation.RuntimeException';
/** What the console host answers a prompt (a confirmation) under -NonInteractive. */
export const NON_INTERACTIVE = 'PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';

/** `exit N`: ends the script (and, under -Command -, the process) with that code. */
export class ExitSignal extends Error {
  override readonly name = 'ExitSignal';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Something outside the accepted subset, met in the script at `node`. */
export function unsupported(node: SyntaxNode, what = node.type): PsError {
  return new PsError(
    NOT_SUPPORTED,
    `The Skype emulator does not accept ${what} (line ${node.startPosition.row + 1}, '${node.text.slice(0, 40).replace(/\s+/g, ' ')}'): it runs only the accepted subset (docs/skype-emulator.md).`,
    // The emulator's own limit stops the script: nothing after it would be a faithful run.
    { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException', terminating: 'script' },
  );
}

/** A value the emulator does not model (a date format, a time zone, a remoting option): stops the statement. */
export function notModelled(message: string): PsError {
  return new PsError(NOT_SUPPORTED, message, { fqid: 'NotSupportedByEmulator', category: 'NotImplemented', exceptionType: 'System.NotSupportedException' });
}

/** A runtime error of the language itself (no command): `Method invocation failed ...`. */
export function runtimeError(fqid: string, category: string, message: string): PsError {
  return new PsError('', message, { fqid, category, exceptionType: RUNTIME_EXCEPTION });
}
