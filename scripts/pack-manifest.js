#!/usr/bin/env node
// The package.json that `npm pack` / `npm publish` ship, without the repository's development
// scripts and devDependencies (a published manifest that kept `prepare` would be flagged: npm 11
// flags a package with install scripts on every user's install, although `prepare` never runs from
// a registry tarball). npm's lifecycle for a directory: prepack, the tarball (whose package.json is
// read from disk at that moment), postpack. So:
//
//   node scripts/pack-manifest.js prepack    dist/provider removed and rebuilt (no compiled file
//                                            without a source ships), then package.json replaced
//                                            by the published manifest, the original kept in
//                                            package.json.pack-original
//   node scripts/pack-manifest.js postpack   the original package.json put back
//
// A pack that died between the two leaves package.json.pack-original: the next prepack (or
// postpack) restores it first, so the repository's manifest is never lost.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const manifest = path.join(root, 'package.json');
const original = path.join(root, 'package.json.pack-original');

/** The fields a user's install reads; everything else (scripts, devDependencies) stays home. */
const PUBLISHED_FIELDS = ['name', 'version', 'description', 'license', 'repository', 'keywords', 'files', 'main', 'types', 'exports', 'bin', 'engines', 'peerDependencies', 'peerDependenciesMeta', 'dependencies'];

/** The published manifest of a repository manifest: its published fields, in its order. */
function publishedManifest(pkg) {
  return Object.fromEntries(Object.entries(pkg).filter(([key]) => PUBLISHED_FIELDS.includes(key)));
}

function restore() {
  if (!fs.existsSync(original)) return;
  fs.renameSync(original, manifest);
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`pack-manifest: node ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
}

function prepack() {
  restore();
  fs.rmSync(path.join(root, 'dist', 'provider'), { recursive: true, force: true });
  run([require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json']);
  const text = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(original, text);
  fs.writeFileSync(manifest, `${JSON.stringify(publishedManifest(JSON.parse(text)), null, 2)}\n`);
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'prepack') prepack();
  else if (command === 'postpack') restore();
  else {
    process.stderr.write('usage: node scripts/pack-manifest.js prepack|postpack\n');
    process.exit(2);
  }
}

module.exports = { publishedManifest, PUBLISHED_FIELDS };
