// The environment the Pulumi CLI runs in: offline, non-interactive, this project's PULUMI_HOME
// and embedded backend unless the caller set theirs, the chosen CLI (and a supported Node) first
// on PATH, and a passphrase only where the passphrase policy allows the demo's.
import * as path from 'node:path';
import { hasPassphrase, LOCAL_DEMO_PASSPHRASE, mayUseDemoPassphrase, passphraseRequiredMessage } from './passphrase-policy';
import { projectRoot, type Env } from './project-paths';
import { pulumiLayout, type PulumiCli, type PulumiLayout } from './pulumi-cli';

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

