/**
 * The one way tests run a process: with a deadline, its output captured, and its whole process
 * tree ended. The process starts in a process group of its own, so what it starts (the Pulumi
 * CLI's language host and provider plugins, the emulator's shells) is ended with it: after the
 * deadline the group gets `interruptSignal` (SIGINT lets the CLI cancel and stop its plugins),
 * then SIGKILL `graceMs` later; when the process has ended, anything left in its group is killed
 * too. A hang therefore ends as a result with `timedOut: true`, never as a stray process that
 * outlives the test run.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
  /** Whether the deadline passed and the process group was signalled. */
  readonly timedOut: boolean;
}

export interface ProcessOptions {
  /** How long the process may run before its group is interrupted. */
  readonly timeoutMs: number;
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. @default '' */
  readonly stdin?: string;
  /** The first signal at the deadline. @default 'SIGINT' */
  readonly interruptSignal?: NodeJS.Signals;
  /** From the first signal to SIGKILL. @default 10_000 */
  readonly graceMs?: number;
}

/** A deadline long enough for one Pulumi CLI command on a loaded machine, short enough to end a hang. */
export const CLI_COMMAND_MS = 300_000;
/** A deadline for a short tool (the emulator's admin CLI, git, the review CLI). */
export const TOOL_MS = 60_000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Runs `command args` in a process group of its own and resolves when it has ended (never rejects on a non-zero exit). */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    const graceMs = options.graceMs ?? 10_000;
    const timers = [
      setTimeout(() => {
        timedOut = true;
        signalGroup(child.pid, options.interruptSignal ?? 'SIGINT');
      }, options.timeoutMs),
      setTimeout(() => signalGroup(child.pid, 'SIGKILL'), options.timeoutMs + graceMs),
    ];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      output += chunk;
    });
    // A process that exits without reading its stdin closes the pipe: not the test's failure.
    child.stdin.on('error', () => undefined);
    child.once('error', (err) => {
      for (const timer of timers) clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      signalGroup(child.pid, 'SIGKILL');
      resolve({ code, signal, stdout, stderr, output, timedOut });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** As {@link runProcess}, throwing (with the output) unless the process exits 0. */
export async function runProcessOk(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.code !== 0) {
    const how = result.timedOut ? `was stopped after ${options.timeoutMs} ms` : `exited with ${result.code ?? result.signal}`;
    throw new Error(`${command} ${args.join(' ')} ${how}${options.cwd ? ` in ${options.cwd}` : ''}:\n${result.output}`);
  }
  return result;
}
