// The Node language host stand-in (tools/language-host, installed by scripts/install-pulumi beside
// the cached `pulumi`) driven the way users drive it: the real CLI as a process, in a directory
// with a Pulumi.yaml that says `runtime: nodejs`. No Automation API here: that path serves the
// language protocol itself and would not exercise the host at all.
//
// Each project lives in its own temp directory (own PULUMI_HOME and file backend); its
// node_modules is a symlink to this repository's, so programs `require('@pulumi/pulumi')` as a
// user's program would.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { processesExited } from '../harness/process-exit';

const layout = requirePulumiInstalled();
const HOST = path.join(layout.binDir, 'pulumi-language-nodejs');
const PATH_WARNING = 'pulumi-language-nodejs from $PATH';
/**
 * After the CLI exits, how long its output pipes may stay open: they close at once unless a
 * process it left behind holds them, which the leftover checks then report.
 */
const PIPES_CLOSE_MS = 3000;

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

interface ProjectFiles {
  /** Pulumi.yaml's `runtime.options`, as YAML lines under `options:` (already indented). */
  runtimeOptions?: string[];
  /** File name -> content, written into the project directory. */
  files: Record<string, string>;
  /** package.json `main`: the program's entry point. @default 'index.js' */
  main?: string;
}

/** A Pulumi.yaml project with a `test` stack in a temp directory. */
class Project {
  private constructor(
    readonly tempDir: string,
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(files: ProjectFiles): Promise<Project> {
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-langhost-'));
    const dir = path.join(tempDir, 'project');
    const home = path.join(tempDir, 'pulumi-home');
    const state = path.join(tempDir, 'state');
    for (const d of [dir, home, state]) fs.mkdirSync(d);
    const name = `lh-${path.basename(tempDir).replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`;
    const runtime = files.runtimeOptions
      ? ['runtime:', '  name: nodejs', '  options:', ...files.runtimeOptions.map((l) => `    ${l}`)]
      : ['runtime: nodejs'];
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), [`name: ${name}`, ...runtime, ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, main: files.main ?? 'index.js' }));
    fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    for (const [file, content] of Object.entries(files.files)) fs.writeFileSync(path.join(dir, file), content);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...engineEnv({ pulumiHome: home, backendUrl: `file://${state}`, passphrase: LOCAL_DEMO_PASSPHRASE }),
    };
    // The jest worker's own settings must not leak into the program (ts-jest sets some).
    delete env.PULUMI_NODEJS_TYPESCRIPT;
    delete env.PULUMI_NODEJS_TSCONFIG_PATH;
    const project = new Project(tempDir, dir, env);
    await project.ok(['stack', 'init', 'test']);
    return project;
  }

  /** Starts `pulumi --non-interactive ARGS` in the project directory. */
  start(args: string[], stdin = ''): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
    const child = spawn(layout.pulumiBinary, ['--non-interactive', ...args], {
      cwd: this.dir,
      env: this.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(stdin);
    const done = new Promise<CliResult>((resolve, reject) => {
      child.once('error', reject);
      // Resolve on exit, not only on close: a leftover process still holding the CLI's output
      // pipes must fail the leftover check, not hang the test. Late output gets a moment.
      child.once('exit', (code, signal) => {
        const settle = (): void => resolve({ code, signal, output });
        const timer = setTimeout(settle, PIPES_CLOSE_MS);
        child.once('close', () => {
          clearTimeout(timer);
          settle();
        });
      });
    });
    return { child, done };
  }

  run(args: string[], stdin = ''): Promise<CliResult> {
    return this.start(args, stdin).done;
  }

  /** Runs and expects exit status 0; returns the output. */
  async ok(args: string[], stdin = ''): Promise<string> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(' ')} exited with ${result.code ?? result.signal}:\n${result.output}`);
    }
    return result.output;
  }

  async stackOutputs(showSecrets = false): Promise<Record<string, unknown>> {
    const out = await this.ok(['stack', 'output', '--json', ...(showSecrets ? ['--show-secrets'] : [])]);
    return JSON.parse(out) as Record<string, unknown>;
  }

  cleanup(): void {
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** Processes (other than this one) whose command line or working directory is inside `dir`. */
function processesUnder(dir: string): string[] {
  return pidsUnder(dir).map(({ pid, cwd, cmdline }) => `${pid} (cwd ${cwd}): ${cmdline}`);
}

/** Ends the processes a failed test left in its own project directory, so they do not pile up. */
function killLeftovers(dir: string): void {
  for (const { pid } of pidsUnder(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function pidsUnder(dir: string): Array<{ pid: number; cwd: string; cmdline: string }> {
  const found: Array<{ pid: number; cwd: string; cmdline: string }> = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // A process of another user, or one that just exited.
      }
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push({ pid: Number(pid), cwd, cmdline });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** `promise`, or a rejection naming `what` once `timeoutMs` have passed without it settling. */
async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `file` exists: on the directory's change event, or at once if it is there already. */
function fileCreated(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file), () => {
      if (!fs.existsSync(file)) return;
      watcher.close();
      resolve();
    });
    watcher.once('error', reject);
    // Created before the watcher started: no event will come.
    if (fs.existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

/** The processes left in `dir` once every one there at the call has exited, or `timeoutMs` passed. */
async function processesLeftUnder(dir: string, timeoutMs: number): Promise<string[]> {
  await processesExited(pidsUnder(dir).map(({ pid }) => pid), timeoutMs);
  return processesUnder(dir);
}

// A dynamic resource the lifecycle test creates, refreshes and deletes; module-level provider
// with nothing captured, so it serializes into the state.
const LIFECYCLE_PROGRAM = `
import * as pulumi from '@pulumi/pulumi';

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: 'sum-' + inputs.label, outs: { label: inputs.label, sum: inputs.a + inputs.b } };
  },
  async read(id, props) {
    return { id, props };
  },
  async diff(_id, olds, news) {
    return { changes: olds.label !== news.label || olds.sum !== news.a + news.b };
  },
};

class Sum extends pulumi.dynamic.Resource {
  declare readonly sum: pulumi.Output<number>;
  constructor(name: string, args: { label: string; a: number; b: number }) {
    super(provider, name, { ...args, sum: undefined }, {}, 'langhost', 'Sum');
  }
}

const config = new pulumi.Config();
const sum = new Sum('sum', { label: config.require('greeting'), a: 2, b: 3 });
export const greeting = config.require('greeting');
export const password = config.requireSecret('password');
export const total = sum.sum;
export const typescript = process.env.PULUMI_NODEJS_TYPESCRIPT ?? null;
`;

describe('the Node language host stand-in, through the real CLI on a Pulumi.yaml project', () => {
  const projects: Project[] = [];
  const project = async (files: ProjectFiles): Promise<Project> => {
    const p = await Project.create(files);
    projects.push(p);
    return p;
  };
  afterAll(() => projects.forEach((p) => p.cleanup()));

  it('is installed as an executable beside the pulumi binary', () => {
    expect(() => fs.accessSync(HOST, fs.constants.X_OK)).not.toThrow();
    expect(path.dirname(HOST)).toBe(path.dirname(layout.pulumiBinary));
  });

  it('starts from the machine cache alone (no checkout, no NODE_PATH) and prints its port first', async () => {
    const env = { ...process.env };
    delete env.NODE_PATH;
    const host = spawn(HOST, ['127.0.0.1:1'], { cwd: os.tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    host.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    host.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => host.once('exit', (code) => resolve(code)));
    const portLine = new Promise<void>((resolve) => {
      host.stdout.on('data', () => stdout.includes('\n') && resolve());
      host.once('exit', () => resolve());
    });
    try {
      await within('the port line', portLine, 10_000);
    } finally {
      host.kill('SIGINT');
    }
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^\d+\n$/);
    expect(await exited).toBe(0);
  });

  it('runs preview, up, a no-op up, refresh and destroy of a dynamic resource, with stack config and secret config reaching the program', async () => {
    const secret = 'lh-secret-value-never-printed';
    const p = await project({ files: { 'index.ts': LIFECYCLE_PROGRAM }, main: 'index.ts' });
    await p.ok(['config', 'set', 'greeting', 'hello']);
    // The secret goes through stdin, never argv.
    await p.ok(['config', 'set', '--secret', 'password'], secret);

    const outputs: string[] = [];
    const preview = await p.ok(['preview', '--diff']);
    outputs.push(preview);
    expect(preview).toContain('pulumi-nodejs:dynamic/langhost:Sum');
    expect(preview).toMatch(/\+ 2 to create/);

    const up = await p.ok(['up', '--yes']);
    outputs.push(up);
    expect(up).toMatch(/2 created/);
    expect(await p.stackOutputs(true)).toEqual({ greeting: 'hello', password: secret, total: 5, typescript: 'true' });
    // Secret config stays secret in the outputs.
    expect((await p.stackOutputs()).password).toBe('[secret]');

    const noop = await p.ok(['up', '--yes']);
    outputs.push(noop);
    expect(noop).toMatch(/2 unchanged/);
    outputs.push(await p.ok(['preview', '--expect-no-changes']));

    const refresh = await p.ok(['refresh', '--yes']);
    outputs.push(refresh);
    expect(refresh).toMatch(/2 unchanged/);

    const destroy = await p.ok(['destroy', '--yes']);
    outputs.push(destroy);
    expect(destroy).toMatch(/2 deleted/);

    for (const out of outputs) {
      expect(out).not.toContain(PATH_WARNING);
      expect(out).not.toContain(secret);
    }
  });

  it('reports a thrown error as a bail: the error once, no exit-code message', async () => {
    const p = await project({
      files: { 'index.js': "require('@pulumi/pulumi');\nthrow new Error('lh-boom: the program failed on purpose');\n" },
      runtimeOptions: ['typescript: false'],
    });
    const result = await p.run(['up', '--yes']);
    expect(result.code).not.toBe(0);
    expect(result.output.split('lh-boom: the program failed on purpose').length - 1).toBe(1);
    expect(result.output).not.toContain('non-zero exit code');
    expect(result.output).not.toContain(PATH_WARNING);
  });

  it('reports process.exit(3) as "Program exited with non-zero exit code: 3"', async () => {
    const p = await project({
      files: { 'index.js': "require('@pulumi/pulumi');\nprocess.exit(3);\n" },
      runtimeOptions: ['typescript: false'],
    });
    const result = await p.run(['up', '--yes']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('Program exited with non-zero exit code: 3');
  });

  // The same JavaScript program under both settings: only the option differs.
  const TS_PROBE = `
const pulumi = require('@pulumi/pulumi');
module.exports = { tsNodeRegistered: require.extensions['.ts'] !== undefined };
`;

  it.each([
    ['typescript on by default: ts-node is registered', undefined, true],
    ['runtime.options.typescript: false: ts-node is not registered', ['typescript: false'], false],
  ])('%s', async (_name, runtimeOptions, registered) => {
    const p = await project({ files: { 'index.js': TS_PROBE }, runtimeOptions });
    await p.ok(['up', '--yes']);
    expect(await p.stackOutputs()).toEqual({ tsNodeRegistered: registered });
  });

  it('uses runtime.options.tsconfig: a program with a type error runs only under a tsconfig that skips type checks', async () => {
    const program =
      "import * as pulumi from '@pulumi/pulumi';\n" +
      "const n: number = 'not a number';\n" +
      'export const value = n;\nexport const tsconfig = process.env.PULUMI_NODEJS_TSCONFIG_PATH;\nvoid pulumi;\n';
    const files = {
      'index.ts': program,
      'tsconfig.nocheck.json': JSON.stringify({ compilerOptions: { noCheck: true, strict: true } }),
    };
    const withOption = await project({ files, main: 'index.ts', runtimeOptions: ['tsconfig: tsconfig.nocheck.json'] });
    await withOption.ok(['up', '--yes']);
    expect(await withOption.stackOutputs()).toEqual({ value: 'not a number', tsconfig: 'tsconfig.nocheck.json' });

    // Control: the same program without the option is type-checked and fails, so the option mattered.
    const without = await project({ files, main: 'index.ts' });
    const result = await without.run(['up', '--yes']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('TS2322');
  });

  it('passes runtime.options.nodeargs to node, split like a shell (quotes kept together)', async () => {
    const p = await project({
      files: { 'index.js': "require('@pulumi/pulumi');\nmodule.exports = { execArgv: process.execArgv };\n" },
      runtimeOptions: ['typescript: false', `nodeargs: "--max-old-space-size=300 --title='lh probe'"`],
    });
    await p.ok(['up', '--yes']);
    expect(await p.stackOutputs()).toEqual({ execArgv: ['--max-old-space-size=300', '--title=lh probe'] });
  });

  it.each([
    ['a program that exits on SIGINT', ''],
    ['a program that ignores SIGINT (killed after 5 s)', "process.on('SIGINT', () => {});\n"],
  ])('a cancelled up (SIGINT to pulumi) leaves no process behind: %s', async (_name, handler) => {
    const p = await project({
      files: {
        'index.js':
          "require('@pulumi/pulumi');\n" +
          handler +
          "require('fs').writeFileSync('started', String(process.pid));\n" +
          // Keeps the program running until it is stopped.
          'setInterval(() => {}, 1000);\nmodule.exports = new Promise(() => {});\n',
      },
      runtimeOptions: ['typescript: false'],
    });
    const started = fileCreated(path.join(p.dir, 'started'));
    const { child, done } = p.start(['up', '--yes']);
    await within('the program to start', started, 60_000);
    expect(processesUnder(p.dir).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    // A program left running can keep the CLI waiting on its output pipes: bound the wait, then
    // end the CLI and report what is left instead of hanging.
    const result = await within('pulumi to exit after SIGINT', done, 60_000).catch((error: Error) => {
      child.kill('SIGKILL');
      const left = processesUnder(p.dir);
      killLeftovers(p.dir);
      throw new Error(`${error.message}; processes left: ${left.join('\n')}`);
    });
    expect(result.code).not.toBe(0);
    // The engine may still be reaping its plugins: wait for each process there now to exit.
    const left = await processesLeftUnder(p.dir, 15_000);
    killLeftovers(p.dir);
    expect(left).toEqual([]);
    expect(result.output).not.toContain(PATH_WARNING);
  });

  it('exits with its program when the CLI is killed outright (the engine health check)', async () => {
    const p = await project({
      files: {
        'index.js':
          "require('@pulumi/pulumi');\nrequire('fs').writeFileSync('started', String(process.pid));\n" +
          'setInterval(() => {}, 1000);\nmodule.exports = new Promise(() => {});\n',
      },
      runtimeOptions: ['typescript: false'],
    });
    // Shortened from the official 5 minutes so the test can wait for it.
    p.env.SFB_LANGUAGE_HOST_HEALTHCHECK_MS = '1000';
    const started = fileCreated(path.join(p.dir, 'started'));
    const { child, done } = p.start(['up', '--yes']);
    await within('the program to start', started, 60_000);
    // SIGKILL: the CLI gets no chance to stop its plugins; only the host's own check can notice.
    child.kill('SIGKILL');
    await done;
    // The host and its program: each is waited for until it exits, or the deadline passes.
    const left = await processesLeftUnder(p.dir, 20_000);
    killLeftovers(p.dir);
    expect(left).toEqual([]);
  });
});
