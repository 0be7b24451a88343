/**
 * Waiting for processes this test did not start (a CLI's plugins, the programs they run) to
 * exit: on the kernel's exit event for each (test/harness/await-exit.py, a pidfd each), bounded
 * by a deadline, never by reading the process table in a loop.
 */
import * as path from 'node:path';
import { runProcess } from './process';

const AWAIT_EXIT = path.join(__dirname, 'await-exit.py');

/**
 * Resolves `true` once every process in `pids` has exited (at once for none, or for those gone
 * already), `false` if some are still running after `timeoutMs`.
 */
export async function processesExited(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  if (pids.length === 0) return true;
  const waited = await runProcess('python3', [AWAIT_EXIT, ...pids.map(String)], { timeoutMs, interruptSignal: 'SIGKILL', graceMs: 0 });
  if (waited.code !== 0 && !waited.timedOut) throw new Error(`test/harness/await-exit.py failed (${waited.code ?? waited.signal}): ${waited.stderr}`);
  return waited.code === 0;
}
