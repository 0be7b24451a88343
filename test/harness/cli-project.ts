// A Pulumi.yaml project (`runtime: nodejs`) driven as users drive theirs: the real CLI as a
// process per command (test/harness/process.ts: bounded, its process tree ended), in the project
// directory. The program runs through the Node language host beside the CLI (the stand-in
// scripts/install-pulumi installs, or the official one), not through the Automation API (whose
// inline programs run inside the calling process).
//
// Three kinds of project, each with its own PULUMI_HOME and file backend in a temp directory:
// - `program`: a project written into the temp directory, index.ts holding the program; its
//   node_modules is a symlink to this repository's, so `import ... from 'sfb-oauth-cert'` loads
//   the repository's compiled package (the self-link scripts/link-self.js makes; jest's
//   globalSetup builds dist/ first);
// - `copyOf`: a copy of a project directory as committed (an example), without stack files or
//   node_modules, with the same symlink;
// - `inPlace`: a project run where it is (the repository's own Pulumi.yaml), its stack config in
//   a file in the temp directory (`--config-file`), so that nothing is written into the checkout.
// Every byte any command prints is kept in `printed` for leak checks.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { NODEJS_LANGUAGE_HOST, requirePulumiInstalled, type PulumiCli } from '../../scripts/pulumi-cli';
import { CLI_COMMAND_MS, runProcess, type ProcessResult } from './process';

export type CliResult = ProcessResult;

export interface CliProjectOptions {
  /** index.ts of a project written into the temp directory. */
  program?: string;
  /** A project directory to copy (stack files and node_modules left out). */
  copyOf?: string;
  /** A project directory to run in place; its stack config goes to a file outside it. */
  inPlace?: string;
  /** More files, name -> content, written into the project directory (not with `inPlace`). */
  files?: Record<string, string | Buffer>;
  /** Created with `pulumi stack init`; `null`: none (the test makes its stacks). @default 'test' */
  stackName?: string | null;
  /** The CLI to run. @default the pinned build (tests prove the pinned engine; see findPulumiCli for users). */
  cli?: PulumiCli;
  /**
   * The environment of every command. @default this process's, with the engine settings for the
   * temp PULUMI_HOME and file backend and the public demo passphrase (a throwaway stack), less
   * the jest worker's TypeScript settings and any store passphrase, emulator directory or clock
   * shift of the caller's.
   */
  environment?: (paths: { pulumiHome: string; backendUrl: string; cli: PulumiCli }) => NodeJS.ProcessEnv;
  /** Deadline of one command: SIGINT after it, SIGKILL 10 s later. @default CLI_COMMAND_MS */
  commandTimeoutMs?: number;
}

/** The pinned CLI, with the language host the CLI path needs: a missing one fails the test, never skips it. */
export function pinnedCli(): PulumiCli {
  const layout = requirePulumiInstalled();
  const host = path.join(layout.binDir, NODEJS_LANGUAGE_HOST);
  if (!fs.existsSync(host)) throw new Error(`The Node language host is not installed at ${host}: run scripts/install-pulumi.`);
  return { source: 'pinned', pulumiBinary: layout.pulumiBinary, binDir: layout.binDir, version: layout.version };
}

function defaultEnvironment(paths: { pulumiHome: string; backendUrl: string; cli: PulumiCli }): NodeJS.ProcessEnv {
  // A throwaway stack in a temp directory: the public demo passphrase is allowed here (docs/engine.md).
  const env: NodeJS.ProcessEnv = { ...process.env, ...engineEnv({ pulumiHome: paths.pulumiHome, backendUrl: paths.backendUrl, passphrase: LOCAL_DEMO_PASSPHRASE, cli: paths.cli }) };
  // The jest worker's own settings must not reach the program (ts-jest sets some), nor a store
  // passphrase, an emulator directory or a clock shift of the caller's.
  for (const key of ['PULUMI_NODEJS_TYPESCRIPT', 'PULUMI_NODEJS_TSCONFIG_PATH', 'SFB_STORE_PASSPHRASE', 'SFB_SKYPE_EMULATOR_DIR', TEST_CLOCK_VARIABLE]) delete env[key];
  return env;
}

/** CLI commands that read or write stack config, and so take `--config-file`. */
const CONFIG_COMMANDS = new Set(['config', 'up', 'preview', 'refresh', 'destroy']);

/** `flag` added to `args`, before a `--` (after it, it would be a value). */
function withFlag(args: string[], flag: string[]): string[] {
  const end = args.indexOf('--');
  return end === -1 ? [...args, ...flag] : [...args.slice(0, end), ...flag, ...args.slice(end)];
}

export class CliProject {
  /** Every command's output (stdout and stderr interleaved), one entry per command, in order. */
  readonly printed: string[] = [];

  private constructor(
    readonly tempDir: string,
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly cli: PulumiCli,
    /** With `inPlace`: the stack config file, outside the project directory. */
    readonly configFile: string | undefined,
    private readonly commandTimeoutMs: number,
  ) {}

  static async create(options: CliProjectOptions): Promise<CliProject> {
    const kinds = [options.program, options.copyOf, options.inPlace].filter((k) => k !== undefined);
    if (kinds.length !== 1) throw new Error('CliProject.create takes exactly one of program, copyOf and inPlace');
    if (options.inPlace !== undefined && options.files !== undefined) throw new Error('CliProject.create writes no files into an inPlace project');
    const cli = options.cli ?? pinnedCli();
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-cli-project-'));
    try {
      const home = path.join(tempDir, 'pulumi-home');
      const state = path.join(tempDir, 'state');
      for (const d of [home, state]) fs.mkdirSync(d);
      let dir: string;
      if (options.inPlace !== undefined) {
        dir = options.inPlace;
      } else {
        dir = path.join(tempDir, 'project');
        if (options.copyOf !== undefined) {
          // As committed: a user's stack files or node_modules in the checkout play no part.
          fs.cpSync(options.copyOf, dir, { recursive: true, filter: (from) => !/^(node_modules|Pulumi\..+\.yaml)$/.test(path.basename(from)) });
        } else {
          fs.mkdirSync(dir);
          const name = `cli-${path.basename(tempDir).replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`;
          fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\n`);
          fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, main: 'index.ts' }));
          fs.writeFileSync(path.join(dir, 'index.ts'), options.program ?? '');
        }
        fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
        for (const [file, content] of Object.entries(options.files ?? {})) fs.writeFileSync(path.join(dir, file), content);
      }
      const env = (options.environment ?? defaultEnvironment)({ pulumiHome: home, backendUrl: `file://${state}`, cli });
      const configFile = options.inPlace !== undefined ? path.join(tempDir, 'stack-config.yaml') : undefined;
      const project = new CliProject(tempDir, dir, env, cli, configFile, options.commandTimeoutMs ?? CLI_COMMAND_MS);
      const stackName = options.stackName === undefined ? 'test' : options.stackName;
      if (stackName !== null) await project.initStack(stackName);
      return project;
    } catch (err) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * `pulumi stack init`. It writes the stack's config file (the passphrase provider's salt) into
   * the directory it runs in: for an `inPlace` project it runs in a scratch directory with a copy
   * of the Pulumi.yaml, the file it writes becomes the config file, and the stack is then
   * selected for the project's own directory.
   */
  private async initStack(stackName: string): Promise<void> {
    if (this.configFile === undefined) {
      await this.ok(['stack', 'init', stackName]);
      return;
    }
    const scratch = path.join(this.tempDir, 'stack-init');
    fs.mkdirSync(scratch);
    fs.copyFileSync(path.join(this.dir, 'Pulumi.yaml'), path.join(scratch, 'Pulumi.yaml'));
    const result = await this.run(['stack', 'init', stackName], { cwd: scratch });
    if (result.code !== 0) throw new Error(`pulumi stack init ${stackName} exited with ${result.code ?? result.signal}:\n${result.output}`);
    const written = path.join(scratch, `Pulumi.${stackName}.yaml`);
    if (fs.existsSync(written)) fs.renameSync(written, this.configFile);
    else fs.writeFileSync(this.configFile, '');
    // The selection is recorded per project directory in PULUMI_HOME (ours), not in the project.
    await this.ok(['stack', 'select', stackName]);
  }

  /**
   * `pulumi --non-interactive <args>` in the project directory; `stdin` is written and closed
   * (secrets go this way). A hang ends as a result with `timedOut`, not a stray process.
   */
  async run(args: string[], options: { stdin?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    const withConfig = this.configFile !== undefined && CONFIG_COMMANDS.has(args[0] ?? '') ? withFlag(args, ['--config-file', this.configFile]) : args;
    const result = await runProcess(this.cli.pulumiBinary, ['--non-interactive', ...withConfig], {
      cwd: options.cwd ?? this.dir,
      env: this.env,
      stdin: options.stdin ?? '',
      timeoutMs: options.timeoutMs ?? this.commandTimeoutMs,
    });
    this.printed.push(result.output);
    return result;
  }

  /** As {@link run}, throwing (with the output) unless the command exits 0. */
  async ok(args: string[], stdin = ''): Promise<CliResult> {
    const result = await this.run(args, { stdin });
    if (result.code !== 0) {
      const how = result.timedOut ? `was stopped after ${this.commandTimeoutMs} ms` : `exited with ${result.code ?? result.signal}`;
      throw new Error(`pulumi ${args.join(' ')} ${how} in ${this.dir}:\n${result.output}`);
    }
    return result;
  }

  /** `pulumi config set --secret <key>` with the value on stdin, never on argv. */
  async setSecret(key: string, value: string): Promise<void> {
    await this.ok(['config', 'set', '--secret', key], value);
  }

  /** `pulumi config set <key> <value>`, or `config rm <key>` for `null`. */
  async setConfig(key: string, value: string | null): Promise<void> {
    if (value === null) await this.ok(['config', 'rm', key]);
    else await this.ok(['config', 'set', '--', key, value]);
  }

  /**
   * Moves the clock of the next commands' provider (and of the emulator it starts) by `seconds`
   * from the real clock: time still flows, so a test moves past a date by running its next
   * command with a larger shift. The provider honours it only against local stand-ins.
   */
  shiftClock(seconds: number): void {
    this.env[TEST_CLOCK_VARIABLE] = String(Math.trunc(seconds));
  }

  /**
   * The outputs in state of the one resource whose type ends with `typeSuffix` (`pulumi stack
   * export`): stack outputs are the program's, written by a successful up only, while refresh and
   * a failed update change state.
   */
  async resourceOutputs<T = Record<string, unknown>>(typeSuffix = 'sfb:OAuthTokenIssuerCertificate', stack?: string): Promise<T> {
    const exported = JSON.parse((await this.ok(['stack', 'export', ...(stack ? ['--stack', stack] : [])])).stdout) as { deployment: { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } };
    const found = (exported.deployment.resources ?? []).filter((r) => r.type.endsWith(typeSuffix));
    if (found.length !== 1 || !found[0]?.outputs) throw new Error(`expected one ${typeSuffix} with outputs in the stack, found ${found.length}`);
    return found[0].outputs as T;
  }

  cleanup(): void {
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
