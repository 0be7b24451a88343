/**
 * How a started process and everything it starts are ended, on each platform. A command that
 * does not `exec` (a wrapper script), or powershell.exe's own children, hold the pipes open after
 * the process itself is gone: a wait for them once took 101 s against a limit of 3 s. So a bound
 * ends the whole tree, and a run settles on `exit` plus {@link EXIT_GRACE_MS}, not on the pipes'
 * `close`, which a surviving grandchild can delay for ever.
 */
import { systemProgram, type HostPlatform } from '../files/host-platform';

/** After a process exits, how long its pipes may stay open (output still in flight) before they are cut. */
export const EXIT_GRACE_MS = 2000;

/** How a process tree is started and ended on this platform (injected in tests). */
export interface ProcessTree {
  /** POSIX: the process leads a new process group, so the group can be killed. */
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
        // A negative pid signals the whole process group the process leads.
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is gone.
      }
    },
  };
}
