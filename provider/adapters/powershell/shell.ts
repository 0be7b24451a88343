/**
 * The only place this project starts a shell, to drive the Front End pool. The pool's command runs
 * with `-File <script>` appended, without a system shell in between; stdin is the null device.
 * Nothing secret is on the command line: the script and the secret files are in the call's
 * private directory (call-directory.ts).
 *
 * Bounded by the provider's one process runner (process/bounded-process.ts): each call has a time
 * limit and a limit on what it may print, and when either is passed the whole process tree is
 * killed, not only the shell. This file words what happened for the pool's operator.
 */
import { REPORT_A_PROBLEM, SfbError } from '../../domain/errors';
import { runBounded } from '../process/bounded-process';
import type { ProcessTree } from '../process/process-tree';

// A shell call takes the process tree as a seam (a test injects a Windows one on Linux).
export { processTreeFor, type ProcessTree } from '../process/process-tree';

/** What a call may print on stdout and on stderr, each; far above any answer of a 256-server pool. */
export const MAX_SHELL_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface ShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShellCall {
  /** The program and all its arguments (the pool's command, then `-File <script>`). */
  readonly command: readonly string[];
  readonly timeoutMs: number;
  /** What the call does, for messages: `inspecting fe01.contoso.com`. */
  readonly doing: string;
  readonly maxOutputBytes?: number;
  readonly tree?: ProcessTree;
}

/** Runs the command; resolves with the exit code and output, or rejects with an SfbError. */
export async function runShell(call: ShellCall): Promise<ShellResult> {
  const limit = call.maxOutputBytes ?? MAX_SHELL_OUTPUT_BYTES;
  const outcome = await runBounded({ command: call.command, timeoutMs: call.timeoutMs, maxOutputBytes: limit, ...(call.tree ? { tree: call.tree } : {}) });
  const shown = call.command.join(' ');
  switch (outcome.kind) {
    case 'exited':
      return { code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr };
    case 'signalled':
      throw new SfbError('SHELL_FAILED', `The shell \`${shown}\` was killed by ${outcome.signal} while ${call.doing}; run \`pulumi up\` again, and check the machine's memory if it repeats.`, true);
    case 'timed-out':
      throw new SfbError(
        'SHELL_TIMEOUT',
        `The shell \`${shown}\` did not finish ${call.doing} within ${Math.round(call.timeoutMs / 1000)} s and was stopped with every process it started; check that the servers answer (Test-WSMan <server>), or raise the pool's \`callTimeoutSeconds\`.`,
        true,
      );
    case 'output-too-large':
      throw new SfbError('SHELL_FAILED', `The shell \`${shown}\` printed more than ${limit} bytes on ${outcome.stream} while ${call.doing} and was stopped; that is not what the provider's script prints: check the command and the profile it loads (use -NoProfile).`);
    case 'aborted':
      // A shell call passes no abort signal, so this outcome is a bug in the runner.
      throw new SfbError('INTERNAL_ERROR', `The shell \`${shown}\` was reported aborted while ${call.doing}, though nothing can abort a shell call; ${REPORT_A_PROBLEM}.`);
    case 'not-started':
      throw notStarted(call, outcome.errorCode);
  }
}

function notStarted(call: ShellCall, errorCode: string): SfbError {
  const file = call.command[0];
  if (file === undefined) {
    return new SfbError('SHELL_NOT_FOUND', `The pool's \`command\` is empty; give the shell and its options, e.g. ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass"].`);
  }
  const missing = errorCode === 'ENOENT' || errorCode === 'EACCES' || errorCode === 'ENOTDIR';
  return missing
    ? new SfbError('SHELL_NOT_FOUND', `The pool's shell \`${file}\` cannot be started (${errorCode}) while ${call.doing}; run the provider where Windows PowerShell 5.1 and the Skype for Business Server administrative tools are installed (a Front End Server or a domain-joined Windows agent), or set the pool's \`command\` to the shell's path.`)
    : new SfbError('SHELL_FAILED', `The pool's shell \`${file}\` failed to start (${errorCode}) while ${call.doing}; check the pool's \`command\`.`);
}
