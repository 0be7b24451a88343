/**
 * The machine the provider runs on, as one injected value: its platform, a way to run a system
 * program, and a way to wait. Every branch that differs on Windows (pipeline agents are often
 * Windows machines) takes a {@link HostPlatform}, so a test on Linux injects `win32` and a fake
 * `run`, asserts the exact argv, and moves the clock instead of sleeping.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** What a program run through {@link HostPlatform.run} did. */
export interface CommandResult {
  /** The exit code; `null` when it did not exit by itself (killed, or never started). */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run to its end: `ENOENT` (not found), `timeout`, or another errno. */
  readonly failure?: string;
}

export interface HostPlatform {
  /** `process.platform` of the machine, e.g. `win32` or `linux`. */
  readonly platform: NodeJS.Platform;
  /**
   * Runs `command` with `args`, without a shell, and resolves with what it did; never rejects
   * (a missing program or a time-out is reported in {@link CommandResult.failure}).
   */
  run(command: string, args: readonly string[]): Promise<CommandResult>;
  /** Waits `ms` milliseconds (a test resolves it at once and records the delay). */
  sleep(ms: number): Promise<void>;
  /** `%SystemRoot%` on Windows, where the system programs (icacls, whoami) live. */
  readonly systemRoot: string;
}

/** How long one system program may run; they answer in milliseconds, so this only stops a hang. */
export const SYSTEM_COMMAND_TIMEOUT_MS = 30_000;

/** The output a system program may print before it is cut off. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

let thisHost: HostPlatform | undefined;

/** The machine this process runs on (one value per process, so what is asked of it once is cached). */
export function currentHost(): HostPlatform {
  thisHost ??= {
    platform: process.platform,
    run: runCommand,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // Read from the environment, not assumed: Windows may be installed on another drive.
    systemRoot: process.env['SystemRoot'] ?? process.env['windir'] ?? 'C:\\Windows',
  };
  return thisHost;
}

/**
 * The full path of a program in `%SystemRoot%\System32`: a bare name would be looked up through
 * the current directory and PATH, where anyone who can write there could plant their own.
 */
export function systemProgram(host: HostPlatform, name: string): string {
  return path.win32.join(host.systemRoot, 'System32', name);
}

function runCommand(command: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { encoding: 'utf8', windowsHide: true, timeout: SYSTEM_COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ exitCode: 0, stdout, stderr });
        const { code, killed } = error as NodeJS.ErrnoException & { killed?: boolean };
        if (typeof code === 'number') return resolve({ exitCode: code, stdout, stderr });
        const failure = killed === true ? 'timeout' : typeof code === 'string' ? code : error.name;
        resolve({ exitCode: null, stdout, stderr, failure });
      },
    );
  });
}
