/**
 * Runs TypeScript in a child Node process with a deadline, for tests of reads that could block
 * (a FIFO): a blocked read in the test process itself would hang the whole run.
 */
import { join } from 'node:path';
import { runProcess, type ProcessResult } from '../../harness/process';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs `source` (TypeScript, run from the project root) in `node`, killed (SIGKILL, no grace) after `deadlineMs`. */
export function runChild(source: string, deadlineMs: number): Promise<ProcessResult> {
  return runProcess(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', source], { cwd: ROOT, timeoutMs: deadlineMs, interruptSignal: 'SIGKILL', graceMs: 0 });
}
