// The layouts and environment as KEY=value lines, for the bash scripts that cannot import
// TypeScript (scripts/install-pulumi, scripts/install-node, scripts/with-node, scripts/run-tests.js):
//
//   node -r ts-node/register/transpile-only scripts/print-paths.ts paths              -> the pinned Pulumi CLI's layout
//   node -r ts-node/register/transpile-only scripts/print-paths.ts env                -> the engine environment
//   node -r ts-node/register/transpile-only scripts/print-paths.ts node-versions      -> the Node versions installed
//   node -r ts-node/register/transpile-only scripts/print-paths.ts node-paths [VER]   -> a Node's layout (scripts/install-node)
//   node -r ts-node/register/transpile-only scripts/print-paths.ts cli                -> which Pulumi CLI runs (findPulumiCli)
//   node -r ts-node/register/transpile-only scripts/print-paths.ts pebble-paths       -> Pebble's layout (scripts/install-pebble)
import { parseArgs } from 'node:util';
import { engineEnv } from './engine-environment';
import { CURRENT_NODE_VERSION, NODE_VERSIONS, nodeLayout } from './node-runtime';
import { pebbleLayout } from './pebble-layout';
import { projectRoot } from './project-paths';
import { findPulumiCli, minimumPulumiCliVersion, pulumiLayout } from './pulumi-cli';

const USAGE = 'usage: print-paths.ts paths|node-versions|node-paths [version]|cli|env|pebble-paths\n';

function printLines(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) process.stdout.write(`${key}=${value}\n`);
}

/** Runs one command; returns the exit status. */
function main(argv: readonly string[]): number {
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true, strict: true }));
  } catch {
    // parseArgs quotes the offending argument; the usage line is all a caller needs.
    process.stderr.write(USAGE);
    return 2;
  }
  const [command, version] = positionals;
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
    const layout = nodeLayout(version ?? CURRENT_NODE_VERSION);
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
  } else if (command === 'pebble-paths') {
    const layout = pebbleLayout();
    printLines({
      PEBBLE_VERSION: layout.version,
      PEBBLE_INSTALL_ROOT: layout.installRoot,
      PEBBLE_BIN_DIR: layout.binDir,
      PEBBLE_TLS_CERT: layout.tlsCert,
      PEBBLE_TLS_KEY: layout.tlsKey,
      PEBBLE_TLS_ROOT: layout.tlsRoot,
    });
  } else if (command === 'env') {
    printLines(engineEnv());
  } else {
    process.stderr.write(USAGE);
    return 2;
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
