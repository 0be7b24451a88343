// Throwaway Pulumi projects and stacks for integration tests, driven through the Automation API
// with an inline program. Only the pinned `pulumi` CLI and the `pulumi-resource-pulumi-nodejs`
// plugin beside it are needed (the Node language host cannot be built offline; see
// docs/engine.md). Every operation's stdout/stderr is captured so tests can grep it for leaks.
//
// A missing CLI is an error naming scripts/install-pulumi: integration tests fail, never skip.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import {
  DestroyOptions,
  DestroyResult,
  EngineEvent,
  LocalWorkspace,
  OpMap,
  PreviewOptions,
  PreviewResult,
  PulumiCommand,
  PulumiFn,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from '@pulumi/pulumi/automation';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { setSecretConfig } from '../../scripts/secret-config';

const execFileAsync = promisify(execFile);

export interface ThrowawayStackOptions {
  program: PulumiFn;
  /** Default `sfb-it-<random>`. */
  projectName?: string;
  /** Default `test`. */
  stackName?: string;
  /** Default: a fresh `file://` backend inside the temp directory. */
  backendUrl?: string;
  /** Plain stack config (`key` or `namespace:key`; bare keys get the project namespace). */
  config?: Record<string, string>;
  /** Secret stack config, stored encrypted with the passphrase secrets provider. */
  secretConfig?: Record<string, string>;
  /** Extra environment for the CLI and the provider plugin it starts (e.g. AWS endpoint). */
  envVars?: Record<string, string>;
  /** Default: the local demo passphrase (throwaway stacks only). */
  passphrase?: string;
  /**
   * The project's `main`, relative to the project directory, as in the repository's Pulumi.yaml
   * (`examples/embedded/index.ts`): the engine starts providers in that file's directory, which
   * is what a relative store directory is resolved against. The file is created empty (the
   * program is inline). Default: none (the project directory).
   */
  main?: string;
}

type CommonRunOptions = 'onOutput' | 'onError' | 'onEvent';

/** A project + stack in a temp directory; `cleanup()` removes it (and its stack on remote backends). */
export class ThrowawayStack {
  /** Every stdout/stderr chunk (and error text) of every operation, in order. */
  readonly chunks: string[] = [];
  /** Engine events of every operation. */
  readonly events: EngineEvent[] = [];

  private constructor(
    readonly stack: Stack,
    readonly workDir: string,
    readonly tempDir: string,
    readonly backendUrl: string,
    readonly env: Record<string, string>,
    readonly pulumiBinary: string,
  ) {}

  static async create(options: ThrowawayStackOptions): Promise<ThrowawayStack> {
    const layout = requirePulumiInstalled();
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-pulumi-'));
    try {
      const workDir = path.join(tempDir, 'project');
      const pulumiHome = path.join(tempDir, 'pulumi-home');
      const stateDir = path.join(tempDir, 'state');
      fs.mkdirSync(workDir);
      fs.mkdirSync(pulumiHome);
      fs.mkdirSync(stateDir);
      const backendUrl = options.backendUrl ?? `file://${stateDir}`;
      const env = {
        ...engineEnv({ pulumiHome, backendUrl, passphrase: options.passphrase ?? LOCAL_DEMO_PASSPHRASE }),
        ...options.envVars,
      };
      const projectName = options.projectName ?? `sfb-it-${Math.random().toString(36).slice(2, 10)}`;
      const stackName = options.stackName ?? 'test';
      if (options.main !== undefined) {
        fs.mkdirSync(path.dirname(path.join(workDir, options.main)), { recursive: true });
        fs.writeFileSync(path.join(workDir, options.main), '');
      }
      const pulumiCommand = await PulumiCommand.get({ root: layout.installRoot });
      const stack = await LocalWorkspace.createOrSelectStack(
        { projectName, stackName, program: options.program },
        {
          workDir,
          pulumiHome,
          envVars: env,
          pulumiCommand,
          projectSettings: { name: projectName, runtime: 'nodejs', backend: { url: backendUrl }, ...(options.main !== undefined ? { main: options.main } : {}) },
        },
      );
      const throwaway = new ThrowawayStack(stack, workDir, tempDir, backendUrl, env, layout.pulumiBinary);
      for (const [key, value] of Object.entries(options.config ?? {})) {
        await throwaway.setConfig(key, value);
      }
      for (const [key, value] of Object.entries(options.secretConfig ?? {})) {
        await throwaway.setSecretConfig(key, value);
      }
      return throwaway;
    } catch (err) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Sets plain stack config (bare keys get the project namespace). */
  setConfig(key: string, value: string): Promise<void> {
    return this.run(() => this.stack.setConfig(key, { value, secret: false }));
  }

  /**
   * Sets secret stack config (encrypted in Pulumi.<stack>.yaml with the passphrase provider). The
   * value goes to the CLI's stdin, never its argv (the Automation API's setConfig puts it on the
   * command line): scripts/secret-config.ts.
   */
  setSecretConfig(key: string, value: string): Promise<void> {
    return this.run(() =>
      setSecretConfig({ pulumiBinary: this.pulumiBinary, workDir: this.workDir, env: this.env, stackName: this.stack.name }, key, value),
    );
  }

  /**
   * Moves the clock of the next operations' provider by `seconds` from the real clock (the CLI
   * hands its environment to the provider): time still flows, so a test moves past a date by
   * running its next operation with a larger shift. Honoured only against local stand-ins.
   */
  shiftClock(seconds: number): void {
    this.stack.workspace.envVars[TEST_CLOCK_VARIABLE] = String(Math.trunc(seconds));
  }

  /** The next operations' provider on the real clock again, without the test clock. */
  resetClock(): void {
    delete this.stack.workspace.envVars[TEST_CLOCK_VARIABLE];
  }

  /** All captured stdout/stderr text so far. */
  get output(): string {
    return this.chunks.join('');
  }

  /** Captured text plus the engine events as JSON: the haystack for leak checks. */
  allText(): string {
    return `${this.output}\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`;
  }

  private capture<T extends object>(opts: T | undefined): T & Pick<UpOptions, CommonRunOptions> {
    const given = (opts ?? {}) as T & Pick<UpOptions, CommonRunOptions>;
    return {
      color: 'never',
      ...given,
      onOutput: (out: string) => {
        this.chunks.push(out);
        given.onOutput?.(out);
      },
      onError: (err: string) => {
        this.chunks.push(err);
        given.onError?.(err);
      },
      onEvent: (event: EngineEvent) => {
        this.events.push(event);
        given.onEvent?.(event);
      },
    };
  }

  private async run<R>(operation: () => Promise<R>): Promise<R> {
    try {
      return await operation();
    } catch (err) {
      // CommandError carries the CLI's stdout/stderr in its message: keep it for leak checks.
      this.chunks.push(`\n${err instanceof Error ? err.message : String(err)}\n`);
      throw err;
    }
  }

  /** `pulumi preview --diff` (diff on unless overridden). */
  preview(opts?: Omit<PreviewOptions, CommonRunOptions>): Promise<PreviewResult> {
    return this.run(() => this.stack.preview(this.capture({ diff: true, ...opts })));
  }

  up(opts?: Omit<UpOptions, CommonRunOptions>): Promise<UpResult> {
    return this.run(() => this.stack.up(this.capture({ diff: true, ...opts })));
  }

  refresh(opts?: Omit<RefreshOptions, CommonRunOptions>): Promise<RefreshResult> {
    return this.run(() => this.stack.refresh(this.capture(opts)));
  }

  destroy(opts?: Omit<DestroyOptions, CommonRunOptions>): Promise<DestroyResult> {
    return this.run(() => this.stack.destroy(this.capture(opts)));
  }

  /**
   * The stack's state as stored (`pulumi stack export`): secret values stay ciphertext, so this
   * is the haystack for "no plaintext secret in state" checks.
   */
  async exportState(): Promise<StackState> {
    const { stdout } = await this.run(() =>
      execFileAsync(this.pulumiBinary, ['stack', 'export', '--stack', this.stack.name, '--non-interactive'], {
        cwd: this.workDir,
        env: { ...process.env, ...this.env },
        maxBuffer: 256 * 1024 * 1024,
      }),
    );
    return (JSON.parse(stdout) as { deployment: StackState }).deployment;
  }

  /**
   * The state with secrets decrypted (the Automation API's `exportStack()` runs
   * `stack export --show-secrets`). Never use it as a leak-check haystack.
   */
  async exportStateDecrypted(): Promise<StackState> {
    const exported = await this.run(() => this.stack.exportStack());
    return exported.deployment as StackState;
  }

  /** Resources in the exported state other than the stack itself and default providers. */
  async stateResources(): Promise<StateResource[]> {
    const state = await this.exportState();
    return (state.resources ?? []).filter(
      (r) => r.type !== 'pulumi:pulumi:Stack' && !r.type.startsWith('pulumi:providers:'),
    );
  }

  /**
   * Removes the temp directory. On a non-file backend also destroys what is left and removes
   * the stack, so the shared backend is left clean.
   */
  async cleanup(): Promise<void> {
    try {
      if (!this.backendUrl.startsWith('file://')) {
        await this.destroy().catch(() => undefined);
        await this.stack.workspace.removeStack(this.stack.name, { force: true }).catch(() => undefined);
      }
    } finally {
      fs.rmSync(this.tempDir, { recursive: true, force: true });
    }
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface StackState {
  manifest?: unknown;
  secrets_providers?: unknown;
  resources?: StateResource[];
  [key: string]: unknown;
}

/** Resource changes without zero entries, for exact assertions. */
export function nonZeroChanges(changes: OpMap | undefined): OpMap {
  const out: OpMap = {};
  for (const [op, count] of Object.entries(changes ?? {}) as [keyof OpMap, number | undefined][]) {
    if (count) out[op] = count;
  }
  return out;
}

/** Runs `body` with a fresh throwaway stack and always cleans it up. */
export async function withThrowawayStack<T>(
  options: ThrowawayStackOptions,
  body: (stack: ThrowawayStack) => Promise<T>,
): Promise<T> {
  const stack = await ThrowawayStack.create(options);
  try {
    return await body(stack);
  } finally {
    await stack.cleanup();
  }
}
