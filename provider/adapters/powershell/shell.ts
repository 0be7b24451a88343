/**
 * The only place this project starts a shell (issue #10). The configured command (default
 * `pwsh -NoProfile -NonInteractive -Command -`) runs without a system shell in between, the
 * script on its stdin: nothing of the script is on a command line (`ps` shows argv), and the
 * script itself never holds a secret (the PFX and password travel in files, secret-files.ts).
 *
 * Bounded: each call has a time limit (then the process is killed) and a limit on what it may
 * print (then too); failures are translated into the closed vocabulary (SHELL_NOT_FOUND,
 * SHELL_TIMEOUT, SHELL_FAILED), naming the command and the fix.
 */
import { spawn } from 'node:child_process';
import { SfbError } from '../../domain/errors';

/** What a call may print on stdout and on stderr, each; far above any answer of a 256-server pool. */
export const MAX_SHELL_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface ShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShellCall {
  readonly command: readonly string[];
  readonly script: string;
  readonly timeoutMs: number;
  /** What the call does, for messages: `inspecting fe01.contoso.com`. */
  readonly doing: string;
  readonly maxOutputBytes?: number;
}

const shownCommand = (command: readonly string[]) => command.join(' ');

/** Runs the script; resolves with the exit code and output, or rejects with an SfbError. */
export function runShell(call: ShellCall): Promise<ShellResult> {
  const [file, ...args] = call.command;
  const limit = call.maxOutputBytes ?? MAX_SHELL_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    if (file === undefined) {
      reject(new SfbError('SHELL_NOT_FOUND', `The pool's \`command\` is empty; give the shell and its arguments, e.g. ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "-"].`));
      return;
    }
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: SfbError | undefined;
    const fail = (error: SfbError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        fail(
          new SfbError(
            'SHELL_TIMEOUT',
            `The shell \`${shownCommand(call.command)}\` did not finish ${call.doing} within ${Math.round(call.timeoutMs / 1000)} s and was stopped; check that the servers answer (Test-WSMan <server>), or raise the pool's \`callTimeoutSeconds\`.`,
            true,
          ),
        ),
      call.timeoutMs,
    );
    const tooMuch = (stream: string) =>
      new SfbError('SHELL_FAILED', `The shell \`${shownCommand(call.command)}\` printed more than ${limit} bytes on ${stream} while ${call.doing} and was stopped; that is not the JSON the provider asked for: check the command and the profile it loads (use -NoProfile).`);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limit) fail(tooMuch('stdout'));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      if (errBytes > limit) fail(tooMuch('stderr'));
      else err.push(chunk);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR';
      reject(
        missing
          ? new SfbError('SHELL_NOT_FOUND', `The pool's shell \`${file}\` cannot be started (${error.code}) while ${call.doing}; install PowerShell 7 (pwsh) with the Skype for Business Server Management Shell module where the provider runs, or set the pool's \`command\` to the shell's path.`)
          : new SfbError('SHELL_FAILED', `The pool's shell \`${file}\` failed to start (${error.code ?? error.name}) while ${call.doing}; check the pool's \`command\`.`),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code === null) {
        return reject(new SfbError('SHELL_FAILED', `The shell \`${shownCommand(call.command)}\` was killed by ${signal ?? 'a signal'} while ${call.doing}; run \`pulumi up\` again, and check the machine's memory if it repeats.`, true));
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A shell that exits before reading its stdin (a wrong command) makes the write fail: the
    // exit status says more than EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(call.script, 'utf8');
  });
}
