/**
 * The one way tests run the `sfb-oauth-cert` CLI as a process (bin/sfb-oauth-cert, the compiled
 * dist/): through the bounded process runner, stdin written and closed, killed at its deadline
 * so that a run that would block fails instead of hanging.
 */
import { join } from 'node:path';
import { runProcess, TOOL_MS, type ProcessResult } from './process';

export const CLI_BIN = join(__dirname, '..', '..', 'bin', 'sfb-oauth-cert');

export interface CliRunOptions {
  /** Written to stdin, which is then closed. @default '' */
  readonly stdin?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default TOOL_MS */
  readonly timeoutMs?: number;
}

/** Runs `sfb-oauth-cert args`; resolves with its exit code and output, `timedOut` when it was killed at the deadline. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI_BIN, ...args], {
    timeoutMs: options.timeoutMs ?? TOOL_MS,
    ...(options.env ? { env: options.env } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    interruptSignal: 'SIGKILL',
    graceMs: 0,
  });
}

/** This process's environment without `names` (a password variable the run must not see). */
export function environmentWithout(...names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name, value]) => value !== undefined && !names.includes(name)));
}
