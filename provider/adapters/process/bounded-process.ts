/**
 * Runs a command the provider was given (the Front End pool's shell, an issuer's CA command, an
 * ACME challenge hook), bounded in time and in output, and reports what happened as a value; each
 * caller turns it into its own error codes. No system shell: the command is an argv array, so
 * nothing in it is interpreted, and secrets never travel in argv (callers pass them on stdin or
 * in files, if at all).
 *
 * Past the time limit or the output limit, or at the caller's abort, the whole process tree is
 * killed (process-tree.ts), and the call settles on `exit` plus a short grace for the pipes, so a
 * grandchild that keeps a pipe open cannot hold the call.
 */
import { spawn } from 'node:child_process';
import { currentHost } from '../files/host-platform';
import { EXIT_GRACE_MS, processTreeFor, type ProcessTree } from './process-tree';

export interface BoundedRun {
  /** The program and its arguments. */
  readonly command: readonly string[];
  /** Written to stdin, which is then closed. @default none: stdin is the null device from the start */
  readonly stdin?: string;
  readonly timeoutMs: number;
  /** What stdout and stderr may each hold. */
  readonly maxOutputBytes: number;
  /** Ends the run early (the caller's deadline). */
  readonly signal?: AbortSignal;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly tree?: ProcessTree;
}

/** How the run ended. `stderr` is what arrived, cut at the output limit. */
export type BoundedOutcome =
  | { readonly kind: 'exited'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'signalled'; readonly signal: string; readonly stderr: string }
  | { readonly kind: 'timed-out'; readonly stderr: string }
  | { readonly kind: 'aborted'; readonly stderr: string }
  | { readonly kind: 'output-too-large'; readonly stream: 'stdout' | 'stderr'; readonly stderr: string }
  | { readonly kind: 'not-started'; readonly errorCode: string };

/** Runs the command; never rejects. */
export function runBounded(run: BoundedRun): Promise<BoundedOutcome> {
  const [file, ...args] = run.command;
  if (file === undefined) return Promise.resolve({ kind: 'not-started', errorCode: 'EMPTY_COMMAND' });
  if (run.signal?.aborted) return Promise.resolve({ kind: 'aborted', stderr: '' });
  const tree = run.tree ?? processTreeFor(currentHost());
  return new Promise((resolve) => {
    const stdin = run.stdin === undefined ? 'ignore' : 'pipe';
    const child = spawn(file, args, { stdio: [stdin, 'pipe', 'pipe'], windowsHide: true, detached: tree.detached, env: run.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let ended: 'timed-out' | 'aborted' | { stream: 'stdout' | 'stderr' } | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const stderrText = () => Buffer.concat(err).toString('utf8');
    const killTree = () => {
      if (child.pid !== undefined) tree.kill(child.pid);
    };
    const end = (why: NonNullable<typeof ended>) => {
      ended ??= why;
      killTree();
    };
    const onAbort = () => end('aborted');
    const finish = (outcome: BoundedOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      run.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const settle = () => {
      if (ended === 'timed-out' || ended === 'aborted') return finish({ kind: ended, stderr: stderrText() });
      if (ended) return finish({ kind: 'output-too-large', stream: ended.stream, stderr: stderrText() });
      if (exit?.code === null || exit === undefined) return finish({ kind: 'signalled', signal: exit?.signal ?? 'unknown', stderr: stderrText() });
      finish({ kind: 'exited', code: exit.code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderrText() });
    };
    const timer = setTimeout(() => end('timed-out'), run.timeoutMs);
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const collect = (stream: 'stdout' | 'stderr', chunks: Buffer[]) => (chunk: Buffer) => {
      const total = (stream === 'stdout' ? (outBytes += chunk.length) : (errBytes += chunk.length));
      if (total > run.maxOutputBytes) {
        chunks.push(chunk.subarray(0, Math.max(0, run.maxOutputBytes - (total - chunk.length))));
        end({ stream });
      } else {
        chunks.push(chunk);
      }
    };
    child.stdout?.on('data', collect('stdout', out));
    child.stderr?.on('data', collect('stderr', err));
    if (run.stdin !== undefined) {
      // A command that exits without reading its stdin closes the pipe: EPIPE is its business.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(run.stdin);
    }
    child.once('error', (error: NodeJS.ErrnoException) => finish({ kind: 'not-started', errorCode: error.code ?? error.name }));
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      if (tree.detached) killTree();
      grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle();
      }, EXIT_GRACE_MS);
    });
    child.once('close', (code, signal) => {
      exit ??= { code, signal };
      settle();
    });
  });
}

/** The last `maxChars` of a command's stderr, on one line, for quoting in a message. */
export function quoteStderr(stderr: string, maxChars = 500): string {
  const flat = stderr.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'nothing on stderr';
  return flat.length > maxChars ? `stderr (last ${maxChars} characters): "…${flat.slice(-maxChars)}"` : `stderr: "${flat}"`;
}
