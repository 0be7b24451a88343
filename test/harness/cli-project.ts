// A throwaway Pulumi.yaml project (`runtime: nodejs`) driven as users drive theirs: the real CLI as
// a process per command, in the project directory. The program runs through the Node language
// host beside the CLI (the stand-in scripts/install-pulumi installs, or the official one), not
// through the Automation API (whose inline programs run inside the calling process).
//
// The project lives in a temp directory with its own PULUMI_HOME and file backend; its
// node_modules is a symlink to this repository's, so `import ... from 'sfb-oauth-cert'` loads the
// repository's compiled package (the self-link scripts/link-self.js makes; jest's globalSetup
// builds dist/ first). Every byte any command prints is kept in `printed` for leak checks.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { NODEJS_LANGUAGE_HOST, type PulumiCli, requirePulumiInstalled } from '../../scripts/pulumi-cli';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

export interface CliProjectOptions {
  /** index.ts: the program. */
  program: string;
  /** More files, name -> content, written into the project directory. */
  files?: Record<string, string>;
  /** Created with `pulumi stack init`. @default 'test' */
  stackName?: string;
  /** The CLI to run. @default the pinned build (tests prove the pinned engine; see findPulumiCli for users). */
  cli?: PulumiCli;
}

/** The pinned CLI, with the language host the CLI path needs: a missing one fails the test, never skips it. */
export function pinnedCli(): PulumiCli {
  const layout = requirePulumiInstalled();
  const host = path.join(layout.binDir, NODEJS_LANGUAGE_HOST);
  if (!fs.existsSync(host)) throw new Error(`The Node language host is not installed at ${host}: run scripts/install-pulumi.`);
  return { source: 'pinned', pulumiBinary: layout.pulumiBinary, binDir: layout.binDir, version: layout.version };
}

export class CliProject {
  /** Every command's output (stdout and stderr interleaved), one entry per command, in order. */
  readonly printed: string[] = [];

  private constructor(
    readonly tempDir: string,
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly cli: PulumiCli,
  ) {}

  static async create(options: CliProjectOptions): Promise<CliProject> {
    const cli = options.cli ?? pinnedCli();
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-cli-project-'));
    try {
      const dir = path.join(tempDir, 'project');
      const home = path.join(tempDir, 'pulumi-home');
      const state = path.join(tempDir, 'state');
      for (const d of [dir, home, state]) fs.mkdirSync(d);
      const name = `cli-${path.basename(tempDir).replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`;
      fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\n`);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, main: 'index.ts' }));
      fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      fs.writeFileSync(path.join(dir, 'index.ts'), options.program);
      for (const [file, content] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(dir, file), content);
      // A throwaway stack in a temp directory: the public demo passphrase is allowed here (docs/engine.md).
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...engineEnv({ pulumiHome: home, backendUrl: `file://${state}`, passphrase: LOCAL_DEMO_PASSPHRASE, cli }),
      };
      // The jest worker's own settings must not reach the program (ts-jest sets some), nor a store passphrase of the caller's.
      delete env.PULUMI_NODEJS_TYPESCRIPT;
      delete env.PULUMI_NODEJS_TSCONFIG_PATH;
      delete env.SFB_STORE_PASSPHRASE;
      const project = new CliProject(tempDir, dir, env, cli);
      await project.ok(['stack', 'init', options.stackName ?? 'test']);
      return project;
    } catch (err) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * `pulumi --non-interactive <args>` in the project directory; `stdin` is written and closed
   * (secrets go this way). After `timeoutMs` the CLI gets SIGINT (it cancels and stops its
   * plugins), then SIGKILL 10 s later: a hang ends as a result with a signal, not a stray process.
   */
  run(args: string[], stdin = '', timeoutMs?: number): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.cli.pulumiBinary, ['--non-interactive', ...args], { cwd: this.dir, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const timers: NodeJS.Timeout[] = [];
      if (timeoutMs !== undefined) {
        timers.push(setTimeout(() => child.kill('SIGINT'), timeoutMs));
        timers.push(setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000));
      }
      let stdout = '';
      let stderr = '';
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        output += chunk.toString();
      });
      child.once('error', reject);
      child.once('close', (code, signal) => {
        for (const timer of timers) clearTimeout(timer);
        this.printed.push(output);
        resolve({ code, signal, stdout, stderr, output });
      });
      child.stdin.end(stdin);
    });
  }

  /** As {@link run}, throwing (with the output) unless the command exits 0. */
  async ok(args: string[], stdin = ''): Promise<CliResult> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited with ${result.code ?? result.signal} in ${this.dir}:\n${result.output}`);
    return result;
  }

  /** `pulumi config set --secret <key>` with the value on stdin, never on argv. */
  async setSecret(key: string, value: string): Promise<void> {
    await this.ok(['config', 'set', '--secret', key], value);
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.ok(['config', 'set', '--', key, value]);
  }

  cleanup(): void {
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
