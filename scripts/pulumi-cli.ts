// The Pulumi CLI: the pinned version, where its build lives in the machine cache, and which CLI
// runs the project's commands (the user's own on PATH when it qualifies, else the pinned build,
// built by scripts/install-pulumi when missing). Pure Node: no Pulumi or AWS imports, so it loads
// in a bare `node -r ts-node/register/transpile-only` (scripts/pulumi, scripts/print-paths.ts).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineCacheDir, projectRoot, type Env } from './project-paths';

/** The Go module whose `cmd/pulumi` is built; its version in tools/pulumi-cli/go.mod is the pin. */
export const PULUMI_CLI_MODULE = 'github.com/pulumi/pulumi/pkg/v3';

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

