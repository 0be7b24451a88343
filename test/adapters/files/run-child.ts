/**
 * Runs TypeScript in a child Node process with a deadline, for tests of reads that could block
 * (a FIFO): a blocked read in the test process itself would hang the whole run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the deadline passed and the child was killed. */
  readonly timedOut: boolean;
}

const ROOT = join(__dirname, '..', '..', '..');

/** Runs `source` (TypeScript, run from the project root) in `node`, killing it after `deadlineMs`. */
export function runChild(source: string, deadlineMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', source], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
