/**
 * An emulated Skype for Business deployment for engine tests (tools/skype-emulator, run as
 * bin/sfb-skype-emulator from the compiled dist/): its state directory in a temp directory, the
 * admin CLI, an operator's scripts, the shell command a pool declares, and the log of every script
 * the emulator ran (scripts.log), for assertions on what was sent and for the secret scans.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { projectRoot } from '../../scripts/project-paths';
import { runProcess, runProcessOk, TOOL_MS, type ProcessResult } from './process';

export const EMULATOR = path.join(projectRoot(), 'bin', 'sfb-skype-emulator');
/** The options the adapter starts every shell with (docs/shell-contract.md). */
export const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
export const POOL_SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

/** Scripts that change the deployment (the rest only inspect it). */
const CHANGES = /Import-CsCertificate|Set-CsCertificate|Invoke-CsManagementStoreReplication|Remove-CsCertificate/;

export interface EmulatedPoolOptions {
  /** @default POOL_SERVERS */
  readonly servers?: readonly string[];
  /** The shell emulated. @default the emulator's (desktop, Windows PowerShell 5.1) */
  readonly edition?: 'desktop' | 'core';
  /** The servers' culture and time zone, and the session's that runs the cmdlets. */
  readonly culture?: string;
  readonly timeZone?: string;
  readonly sessionCulture?: string;
  readonly sessionTimeZone?: string;
  /** Seconds a change takes to reach the replicas. @default 1 */
  readonly replicationDelay?: number;
  /**
   * The emulator's clock: `real` follows the real clock (plus the test clock shift the provider
   * passes on to the shells it starts). @default 'real'
   */
  readonly now?: string;
}

export interface ScriptRecord {
  readonly script: string;
  readonly argv: string[];
}

export class EmulatedPool {
  /** The environment of the admin CLI and an operator's scripts: the state directory. */
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly tempDir: string,
    /** The emulator's state directory (SFB_SKYPE_EMULATOR_DIR). */
    readonly dir: string,
  ) {
    const { [TEST_CLOCK_VARIABLE]: _callers, ...rest } = process.env;
    this.env = { ...rest, SFB_SKYPE_EMULATOR_DIR: dir };
  }

  /**
   * The clock of what this harness runs (the admin CLI, an operator's scripts) in the emulator's
   * real-time mode: the real clock plus `seconds`, as for the shells a provider with that test
   * clock shift starts. A negative shift backdates an operator's change, so that it has
   * replicated by the time the provider reads the servers, without waiting.
   */
  shiftClock(seconds: number): void {
    this.env[TEST_CLOCK_VARIABLE] = String(Math.trunc(seconds));
  }

  static async create(options: EmulatedPoolOptions = {}): Promise<EmulatedPool> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-emulated-pool-'));
    const pool = new EmulatedPool(tempDir, path.join(tempDir, 'skype'));
    try {
      fs.mkdirSync(pool.dir);
      const args = ['init', '--servers', (options.servers ?? POOL_SERVERS).join(','), '--replication-delay', String(options.replicationDelay ?? 1), '--now', options.now ?? 'real'];
      if (options.edition) args.push('--edition', options.edition);
      if (options.culture) args.push('--culture', options.culture);
      if (options.timeZone) args.push('--time-zone', options.timeZone);
      if (options.sessionCulture) args.push('--session-culture', options.sessionCulture);
      if (options.sessionTimeZone) args.push('--session-time-zone', options.sessionTimeZone);
      await pool.admin(...args);
      return pool;
    } catch (err) {
      pool.cleanup();
      throw err;
    }
  }

  /** `sfb-skype-emulator admin <args>`; throws unless it exits 0. Returns what it printed. */
  async admin(...args: string[]): Promise<string> {
    return (await runProcessOk(EMULATOR, ['admin', ...args], { env: this.env, timeoutMs: TOOL_MS })).stdout;
  }

  /** An operator's script, run as a file in the emulated shell (docs/shell-contract.md). */
  async script(text: string): Promise<ProcessResult> {
    const file = path.join(this.tempDir, `operator-${Date.now()}-${Math.random().toString(36).slice(2)}.ps1`);
    fs.writeFileSync(file, `\uFEFF${text}`);
    try {
      return await runProcess(EMULATOR, [...SHELL_OPTIONS, '-File', file], { env: this.env, timeoutMs: TOOL_MS });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /**
   * What an operator imports by hand: a copy of the PFX and a data file with its password, owner
   * only, in a directory of their own, for `Import-PowerShellDataFile` in an operator's script.
   */
  operatorFiles(pfxFile: string, password: string): { pfx: string; psd1: string } {
    const dir = fs.mkdtempSync(path.join(this.tempDir, 'operator-'));
    fs.chmodSync(dir, 0o700);
    const pfx = path.join(dir, 'cert.pfx');
    fs.copyFileSync(pfxFile, pfx);
    fs.chmodSync(pfx, 0o600);
    const psd1 = path.join(dir, 'secret.psd1');
    fs.writeFileSync(psd1, `@{ Password = '${password.replace(/'/g, "''")}' }`, { mode: 0o600 });
    return { pfx, psd1 };
  }

  /** An operator typing at the emulated shell's prompt, a line at a time (`-Command -`). */
  typed(text: string): Promise<ProcessResult> {
    return runProcess(EMULATOR, ['-NoProfile', '-NonInteractive', '-Command', '-'], { env: this.env, stdin: text, timeoutMs: TOOL_MS });
  }

  /** The shell command a pool declares to reach this deployment. */
  get command(): string[] {
    return ['env', `SFB_SKYPE_EMULATOR_DIR=${this.dir}`, EMULATOR, ...SHELL_OPTIONS];
  }

  /** Every script the emulator ran, in order. */
  log(): ScriptRecord[] {
    const file = path.join(this.dir, 'scripts.log');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ScriptRecord);
  }

  /** Scripts that changed the deployment, after the first `from` log entries. */
  changesSince(from: number): string[] {
    return this.log()
      .slice(from)
      .map((r) => r.script)
      .filter((s) => CHANGES.test(s));
  }

  cleanup(): void {
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
