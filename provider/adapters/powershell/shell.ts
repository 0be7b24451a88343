/**
 * The only place this project starts a shell, to drive the Front End pool. The pool's command runs
 * with `-File <script>` appended, without a system shell in between; stdin is closed. Nothing
 * secret is on the command line: the script and the secret files are in the call's private
 * directory (call-directory.ts).
 *
 * Bounded: each call has a time limit and a limit on what it may print. When either is passed, the
 * whole process tree is killed, not only the shell: a wrapper that does not `exec`, or
 * powershell.exe's own children, hold the pipes open, and a wait for them took 101 s against a
 * limit of 3 s. On POSIX the shell leads its own process group, killed as a group; on Windows
 * `taskkill /T /F` ends the tree. The call settles on the shell's `exit`, giving the pipes a moment
 * to drain, not only on their `close`, which a surviving grandchild can delay for ever.
 */
import { spawn } from 'node:child_process';
import { SfbError } from '../../domain/errors';
import { currentHost, systemProgram, type HostPlatform } from '../files/host-platform';

/** What a call may print on stdout and on stderr, each; far above any answer of a 256-server pool. */
export const MAX_SHELL_OUTPUT_BYTES = 4 * 1024 * 1024;
/** After the shell exits, how long its pipes may stay open (output still in flight) before they are cut. */
export const EXIT_GRACE_MS = 2000;

export interface ShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How a process tree is started and ended on this platform (injected in tests). */
export interface ProcessTree {
  /** POSIX: the shell leads a new process group, so the group can be killed. */
  readonly detached: boolean;
  /** Ends the process `pid` and every process it started. Never throws. */
  kill(pid: number): void;
}

/** The process tree on `host`: `taskkill /T /F /PID` on Windows, the process group elsewhere. */
export function processTreeFor(host: HostPlatform): ProcessTree {
  if (host.platform === 'win32') {
    // A detached process on Windows gets its own console window; taskkill /T finds the tree by
    // parent pid instead (Microsoft Learn, windows-commands/taskkill). From System32, not PATH.
    // Its outcome is not awaited: the tree may be gone already, and `exit` settles the call.
    return { detached: false, kill: (pid) => void host.run(systemProgram(host, 'taskkill.exe'), ['/T', '/F', '/PID', String(pid)]) };
  }
  return {
    detached: true,
    kill: (pid) => {
      try {
        // A negative pid signals the whole process group the shell leads.
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is gone.
      }
    },
  };
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

const shownCommand = (command: readonly string[]) => command.join(' ');

/** Runs the command; resolves with the exit code and output, or rejects with an SfbError. */
export function runShell(call: ShellCall): Promise<ShellResult> {
  const [file, ...args] = call.command;
  const limit = call.maxOutputBytes ?? MAX_SHELL_OUTPUT_BYTES;
  const tree = call.tree ?? processTreeFor(currentHost());
  return new Promise((resolve, reject) => {
    if (file === undefined) {
      reject(new SfbError('SHELL_NOT_FOUND', `The pool's \`command\` is empty; give the shell and its options, e.g. ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass"].`));
      return;
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: tree.detached });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: SfbError | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const killTree = () => {
      if (child.pid !== undefined) tree.kill(child.pid);
    };
    const fail = (error: SfbError) => {
      failure ??= error;
      killTree();
    };
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      if (failure) return reject(failure);
      const code = exit?.code ?? null;
      if (code === null) {
        return reject(new SfbError('SHELL_FAILED', `The shell \`${shownCommand(call.command)}\` was killed by ${exit?.signal ?? 'a signal'} while ${call.doing}; run \`pulumi up\` again, and check the machine's memory if it repeats.`, true));
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    };
    const timer = setTimeout(
      () =>
        fail(
          new SfbError(
            'SHELL_TIMEOUT',
            `The shell \`${shownCommand(call.command)}\` did not finish ${call.doing} within ${Math.round(call.timeoutMs / 1000)} s and was stopped with every process it started; check that the servers answer (Test-WSMan <server>), or raise the pool's \`callTimeoutSeconds\`.`,
            true,
          ),
        ),
      call.timeoutMs,
    );
    const tooMuch = (stream: string) =>
      new SfbError('SHELL_FAILED', `The shell \`${shownCommand(call.command)}\` printed more than ${limit} bytes on ${stream} while ${call.doing} and was stopped; that is not what the provider's script prints: check the command and the profile it loads (use -NoProfile).`);
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
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const missing = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR';
      reject(
        missing
          ? new SfbError('SHELL_NOT_FOUND', `The pool's shell \`${file}\` cannot be started (${error.code}) while ${call.doing}; run the provider where Windows PowerShell 5.1 and the Skype for Business Server administrative tools are installed (a Front End Server or a domain-joined Windows agent), or set the pool's \`command\` to the shell's path.`)
          : new SfbError('SHELL_FAILED', `The pool's shell \`${file}\` failed to start (${error.code ?? error.name}) while ${call.doing}; check the pool's \`command\`.`),
      );
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // The shell is gone; whatever it started and left in its group goes too, so the pipes
      // close. Only a process group is safe to signal now: on Windows the pid may be reused.
      if (tree.detached) killTree();
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle();
      }, EXIT_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal };
      settle();
    });
  });
}
