// Jest globalSetup: compile provider/ into dist/ before any test runs, every time.
//
// The CLI tests run bin/sfb-oauth-cert (which loads dist/provider/cli/main.js), and the engine
// tests run the dynamic provider, which loads 'sfb-oauth-cert/dist/provider/pulumi/handlers' at
// run time. Without this, a change to provider/ that was not rebuilt was tested as the old code,
// and the tests passed. Always building (about 10-15 s) is the simple way to
// be exact: an mtime comparison misses a reverted file or a clock skew.
//
// It records in dist/.sfb-build.json the SHA-256 of every source it compiled, so a test
// (test/harness-checks/fresh-build.test.ts) can prove dist/ matches the sources of this run, and
// removes compiled files whose source no longer exists (a test could load them otherwise).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..');
const sourceDir = path.join(root, 'provider');
const distDir = path.join(root, 'dist', 'provider');
const stampFile = path.join(root, 'dist', '.sfb-build.json');

function walk(dir, keep) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const file = path.join(dir, d.name);
    return d.isDirectory() ? walk(file, keep) : keep(d.name) ? [file] : [];
  });
}

/** provider/**.ts (what tsconfig.build.json compiles), relative path -> SHA-256. */
function sourceHashes() {
  const out = {};
  for (const file of walk(sourceDir, (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).sort()) {
    out[path.relative(root, file)] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

/** dist/provider/x/y.{js,js.map,d.ts,d.ts.map} -> provider/x/y.ts */
function sourceOf(distFile) {
  const rel = path.relative(distDir, distFile).replace(/\.(js|js\.map|d\.ts|d\.ts\.map)$/, '.ts');
  return path.join(sourceDir, rel);
}

/** The oldest Node.js major the tests run on: package.json's engines floor. */
const MIN_NODE_MAJOR = 22;

/**
 * Why jest must not run on this Node (`process.version`), or undefined. The provider refuses Node
 * older than 22 with NODE_UNSUPPORTED, so on the machine's Node 20 nearly every test would fail
 * for that reason alone: one clear message instead, naming the way that runs them on Node 24.
 */
function unsupportedNodeMessage(version) {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  if (!(major < MIN_NODE_MAJOR)) return undefined;
  return (
    `jest is running on Node.js ${version}, and the provider supports Node.js 22 and 24 (package.json engines ">=${MIN_NODE_MAJOR}"). ` +
    'Run the tests with `npm test` (it runs jest on the cached Node 24), or one file with `scripts/with-node npx jest <file>` ' +
    '(scripts/install-node puts Node 24 in the machine cache; with-node puts it first on PATH).'
  );
}

async function buildDist() {
  const unsupported = unsupportedNodeMessage(process.version);
  if (unsupported !== undefined) throw new Error(unsupported);
  const started = Date.now();
  const sources = sourceHashes();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(
      `jest globalSetup (test/harness/build-dist.js): \`tsc -p tsconfig.build.json\` failed (${build.signal ?? `exit ${build.status}`}), ` +
        `so the tests would run stale or broken dist/ output. Fix the errors, then run the tests again:\n${build.stdout}${build.stderr}`,
    );
  }
  const link = spawnSync(process.execPath, [path.join(root, 'scripts', 'link-self.js')], { cwd: root, encoding: 'utf8' });
  if (link.status !== 0) throw new Error(`jest globalSetup: scripts/link-self.js failed: ${link.stderr}`);
  for (const file of walk(distDir, (n) => /\.(js|js\.map|d\.ts|d\.ts\.map)$/.test(n))) {
    if (!fs.existsSync(sourceOf(file))) fs.rmSync(file, { force: true });
  }
  const id = `${process.pid}-${started}`;
  fs.writeFileSync(stampFile, `${JSON.stringify({ id, startedAt: new Date(started).toISOString(), sources }, null, 1)}\n`);
  // Inherited by the test workers, which jest starts after this returns.
  process.env.SFB_DIST_BUILD_ID = id;
  if (process.env.SFB_BUILD_VERBOSE) process.stderr.write(`build-dist: dist/ built in ${Date.now() - started} ms\n`);
}

module.exports = buildDist;
module.exports.unsupportedNodeMessage = unsupportedNodeMessage;
