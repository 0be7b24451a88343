/**
 * Runs the emulator as the adapter does: a separate process (bin/sfb-skype-emulator, the
 * compiled dist/ that jest's globalSetup builds), the script on stdin.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const EMULATOR = join(ROOT, 'bin', 'sfb-skype-emulator');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'pfx');

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Manifest {
  entries: { name: string; file: string; password: string | null; expected: { valid: boolean; thumbprint?: string; errors: string[] } }[];
}

export const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;

export function fixture(name: string): { file: string; password: string | null; thumbprint: string } {
  const entry = manifest.entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no fixture ${name}`);
  return { file: join(FIXTURES, entry.file), password: entry.password, thumbprint: entry.expected.thumbprint ?? '' };
}

export function runEmulator(args: readonly string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EMULATOR, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

export type Edition = 'desktop' | 'core';

export interface PoolOptions {
  /** The shell emulated; the emulator's default is desktop (Windows PowerShell 5.1). */
  readonly edition?: Edition;
  readonly sessionCulture?: string;
  readonly sessionTimeZone?: string;
  readonly unreachable?: readonly string[];
  readonly servers?: readonly string[];
  readonly culture?: string;
  readonly timeZone?: string;
  readonly replicationDelay?: number;
  readonly stale?: readonly string[];
  readonly now?: string;
}

export const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

/** An emulated pool in a fresh state directory, and ways to drive it. */
export class Pool {
  readonly dir: string;
  readonly stateDir: string;
  readonly env: NodeJS.ProcessEnv;
  edition: Edition = 'desktop';
  private readonly temps: string[] = [];
  private scripts = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'sfb-emulator-test-'));
    this.stateDir = join(this.dir, 'state');
    const { SFB_SKYPE_EMULATOR_DIR: _ignored, ...rest } = process.env;
    this.env = { ...rest, SFB_SKYPE_EMULATOR_DIR: this.stateDir };
  }

  static async create(options: PoolOptions = {}): Promise<Pool> {
    const pool = new Pool();
    const args = ['init', '--servers', (options.servers ?? SERVERS).join(','), '--now', options.now ?? '2026-06-01T00:00:00Z'];
    if (options.culture) args.push('--culture', options.culture);
    if (options.timeZone) args.push('--time-zone', options.timeZone);
    if (options.replicationDelay !== undefined) args.push('--replication-delay', String(options.replicationDelay));
    if (options.stale) args.push('--stale', options.stale.join(','));
    if (options.edition) args.push('--edition', options.edition);
    if (options.sessionCulture) args.push('--session-culture', options.sessionCulture);
    if (options.sessionTimeZone) args.push('--session-time-zone', options.sessionTimeZone);
    if (options.unreachable) args.push('--unreachable', options.unreachable.join(','));
    pool.edition = options.edition ?? 'desktop';
    const result = await pool.admin(...args);
    if (result.code !== 0) throw new Error(`admin init failed: ${result.stderr}`);
    return pool;
  }

  admin(...args: string[]): Promise<Result> {
    return runEmulator(['admin', ...args], this.env);
  }

  /** Runs a script on stdin (`-NoProfile -NonInteractive -Command -`), line by line as the console host does. */
  ps(script: string): Promise<Result> {
    return runEmulator(['-NoProfile', '-NonInteractive', '-Command', '-'], this.env, script);
  }

  /** Runs a script as the adapter does (docs/shell-contract.md): written to a .ps1 (UTF-8, BOM by default), `-File <path>`. */
  file(script: string, options: { bom?: boolean; name?: string } = {}): Promise<Result> {
    this.scripts += 1;
    const path = join(this.dir, options.name ?? `call-${this.scripts}.ps1`);
    writeFileSync(path, `${options.bom === false ? '' : '\uFEFF'}${script}`, { mode: 0o600 });
    return runEmulator(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', path], this.env);
  }

  /** Runs a script that must succeed; returns its stdout lines. */
  async ok(script: string): Promise<string[]> {
    const result = await this.ps(script);
    if (result.code !== 0) throw new Error(`script failed (${result.code}): ${result.stderr}`);
    return result.stdout.split('\n').filter((l) => l !== '');
  }

  /** Runs a script ending in `ConvertTo-Json -Compress -AsArray`; returns the parsed array. */
  async json<T = Record<string, unknown>>(script: string): Promise<T[]> {
    const lines = await this.ok(script);
    return JSON.parse(lines[lines.length - 1] ?? '[]') as T[];
  }

  /**
   * The adapter's secret files (docs/skype-emulator.md): a 0700 directory with the PFX (0600)
   * and a UTF-8-with-BOM data file (0600) holding the password, quotes doubled.
   */
  secretFiles(pfxFile: string, password: string | null, mode = 0o600): { pfx: string; psd1: string } {
    const dir = mkdtempSync(join(this.dir, 'secret-'));
    chmodSync(dir, 0o700);
    const pfx = join(dir, 'cert.pfx');
    copyFileSync(pfxFile, pfx);
    chmodSync(pfx, mode);
    const psd1 = join(dir, 'secret.psd1');
    if (password !== null) {
      writeFileSync(psd1, `\uFEFF@{ Password = '${password.replace(/['‘’‚‛]/g, (q) => q + q)}' }\n`, { mode });
      chmodSync(psd1, mode);
    }
    this.temps.push(dir);
    return { pfx, psd1 };
  }

  /** The script lines that import a fixture globally (optionally as a roll). */
  importScript(name: string, roll?: string): string {
    const { file, password } = fixture(name);
    const { pfx, psd1 } = this.secretFiles(file, password);
    const passwordPart = password === null ? '' : ' -Password $secret.Password';
    return [
      "$ErrorActionPreference = 'Stop'",
      ...(password === null ? [] : [`$secret = Import-PowerShellDataFile -LiteralPath '${psd1}'`]),
      `Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${pfx}'${passwordPart}${roll ? ` -EffectiveDate '${roll}' -Roll` : ''}`,
    ].join('\n');
  }

  async show(): Promise<Show> {
    const result = await this.admin('show', '--json');
    if (result.code !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as Show;
  }

  log(): { script: string; argv: string[]; exitCode: number }[] {
    return readFileSync(join(this.stateDir, 'scripts.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { script: string; argv: string[]; exitCode: number });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SlotSummary {
  current: string | null;
  previous: string | null;
  scheduled: { thumbprint: string; effectiveDate: string } | null;
}

export interface Show {
  now: string;
  cms: { version: number; assignments: Record<string, SlotSummary> };
  servers: { fqdn: string; stale: boolean; upToDate: boolean; oauthTokenIssuer: SlotSummary }[];
}

/** Thumbprints of the corpus used below. */
export const A = fixture('openssl3-default').thumbprint;
