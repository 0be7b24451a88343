// How the language host starts a Pulumi Node program, as plain functions of plain values (no gRPC,
// no processes), so each rule is in one place and readable next to the facts it follows:
// docs/engine.md, "The Node language host stand-in" (how the official host starts the program).

/** The `runtime.options` of Pulumi.yaml that this host honours. */
export interface RuntimeOptions {
  /** `typescript: false` turns off ts-node in the SDK's runner. @default true */
  typescript: boolean;
  /** `tsconfig`: the tsconfig file the SDK's ts-node uses instead of `<pwd>/tsconfig.json`. */
  tsconfig?: string;
  /** `nodeargs`: extra arguments for `node`, split like a shell would (no expansion). */
  nodeargs: string[];
}

/** What the engine sends in a RunRequest, reduced to the fields the command line needs. */
export interface ProgramRun {
  monitorAddress: string;
  engineAddress: string;
  organization: string;
  project: string;
  stack: string;
  /** ProgramInfo.root_directory: where Pulumi.yaml is. */
  rootDirectory: string;
  /** ProgramInfo.program_directory: `main:` of Pulumi.yaml resolved; the runner chdirs there. */
  programDirectory: string;
  /** ProgramInfo.entry_point, relative to the program directory; empty means the package's `main`. */
  entryPoint: string;
  dryRun: boolean;
  parallel: number;
  tracing: string;
  args: string[];
  /** Config as the engine sends it, keys `namespace:name`. */
  config: Record<string, string>;
  configSecretKeys: string[];
  options: RuntimeOptions;
}

/** An error in the project's settings, worded for the user (it ends up in the CLI's output). */
export class ProgramSetupError extends Error {
  override readonly name = 'ProgramSetupError';
}

/**
 * Reads `runtime.options` (already converted from the protobuf Struct to plain JSON). Wrong types
 * are errors, not silently ignored: a `typescript: "false"` string that quietly kept TypeScript on
 * would be hard to find.
 */
export function parseRuntimeOptions(raw: Record<string, unknown> | undefined): RuntimeOptions {
  const options: RuntimeOptions = { typescript: true, nodeargs: [] };
  if (!raw) return options;
  const { typescript, tsconfig, nodeargs } = raw;
  if (typescript !== undefined) {
    if (typeof typescript !== 'boolean') {
      throw new ProgramSetupError(
        `runtime.options.typescript in Pulumi.yaml must be true or false, got ${JSON.stringify(typescript)}; write it without quotes.`,
      );
    }
    options.typescript = typescript;
  }
  if (tsconfig !== undefined && tsconfig !== '') {
    if (typeof tsconfig !== 'string') {
      throw new ProgramSetupError(
        `runtime.options.tsconfig in Pulumi.yaml must be a file path, got ${JSON.stringify(tsconfig)}.`,
      );
    }
    options.tsconfig = tsconfig;
  }
  if (nodeargs !== undefined && nodeargs !== '') {
    if (typeof nodeargs !== 'string') {
      throw new ProgramSetupError(
        `runtime.options.nodeargs in Pulumi.yaml must be one string of node arguments (e.g. "--max-old-space-size=4096"), got ${JSON.stringify(nodeargs)}.`,
      );
    }
    options.nodeargs = shellSplit(nodeargs, 'runtime.options.nodeargs');
  }
  return options;
}

/**
 * Splits a command line into words the way the official host's shlex does: blanks separate
 * words, single quotes keep everything literally, double quotes keep blanks (a backslash escapes
 * `"` and `\` inside them), a backslash outside quotes escapes the next character. No variable or
 * glob expansion: the arguments go to `node` directly, never through a shell.
 */
export function shellSplit(text: string, what: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) {
    throw new ProgramSetupError(`${what} has an unclosed ${quote} quote: ${JSON.stringify(text)}; close it or remove it.`);
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The runner's arguments after the node arguments and the runner script. Empty values are left
 * out, as the official host does (the runner's minimist would read `--organization --project`
 * as a boolean otherwise).
 */
export function runnerArgs(run: ProgramRun): string[] {
  const args: string[] = ['--monitor', run.monitorAddress, '--engine', run.engineAddress];
  const optional: Array<[string, string]> = [
    ['--organization', run.organization],
    ['--project', run.project],
    ['--root-directory', run.rootDirectory],
    ['--stack', run.stack],
    ['--pwd', run.programDirectory],
  ];
  for (const [flag, value] of optional) if (value) args.push(flag, value);
  if (run.dryRun) args.push('--dry-run');
  if (run.parallel > 0) args.push('--parallel', String(run.parallel));
  if (run.tracing) args.push('--tracing', run.tracing);
  args.push(run.entryPoint || '.', ...run.args);
  return args;
}

/**
 * Config keys as the SDK's runner expects them in PULUMI_CONFIG: `namespace:config:name`. The
 * engine sends `namespace:name`; older SDKs only read the long form and newer ones read both, so
 * the official host rewrites them and so does this one.
 */
export function runnerConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const colon = key.indexOf(':');
    if (colon <= 0) {
      throw new ProgramSetupError(
        `config key ${JSON.stringify(key)} is not of the form namespace:name; set it again with \`pulumi config set <namespace>:<name>\`.`,
      );
    }
    const namespace = key.slice(0, colon);
    const name = key.slice(colon + 1);
    out[name.startsWith('config:') ? key : `${namespace}:config:${name}`] = value;
  }
  return out;
}

/** The variables added to the host's own environment for the program. */
export function runnerEnv(run: ProgramRun): Record<string, string> {
  const env: Record<string, string> = {
    PULUMI_CONFIG: JSON.stringify(runnerConfig(run.config)),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(run.configSecretKeys),
  };
  if (run.options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = 'true';
  if (run.options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = run.options.tsconfig;
  return env;
}

/** The SDK's runner exits with this after it has printed the error itself (cmd/run/index.js). */
export const BAIL_EXIT_CODE = 32;

/** RunResponse fields for a program that ended with `code` (null when a signal ended it). */
export function runOutcome(code: number | null): { error: string; bail: boolean } {
  if (code === 0) return { error: '', bail: false };
  if (code === BAIL_EXIT_CODE) return { error: '', bail: true };
  // Go reports -1 as the exit code of a process ended by a signal; the official host prints that.
  return { error: `Program exited with non-zero exit code: ${code ?? -1}`, bail: false };
}
