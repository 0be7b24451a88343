#!/usr/bin/env node
// bench:validate: the `validate` CLI against `openssl pkcs12 -noout` (the named baseline) on the
// same 600,000-iteration PFX, interleaved in one run so both see the same machine load.
// Target: median ratio at most 2.0. Usage: npm run bench:validate [-- --runs N]
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const manifest = require(path.join(root, 'test', 'fixtures', 'pfx', 'manifest.json'));
const entry = manifest.entries.find((e) => e.name === 'iter-600k');
const file = path.join(root, 'test', 'fixtures', 'pfx', entry.file);
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 9;
const env = { ...process.env, PFX_PASSWORD: entry.password };

const contenders = {
  'sfb-oauth-cert validate': [process.execPath, [path.join(root, 'bin', 'sfb-oauth-cert'), 'validate', file, '--json', '--sip-domain', 'contoso.com']],
  'openssl pkcs12 -noout (baseline)': ['openssl', ['pkcs12', '-in', file, '-noout', '-passin', 'env:PFX_PASSWORD']],
};

function timeOnce([command, args]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (const k of Object.keys(contenders)) timeOnce(contenders[k]); // warm the page cache
for (let i = 0; i < runs; i++) for (const k of Object.keys(contenders)) samples[k].push(timeOnce(contenders[k]));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours = median(samples['sfb-oauth-cert validate']);
const baseline = median(samples['openssl pkcs12 -noout (baseline)']);
console.log(`file: ${entry.file} (${entry.container}), ${runs} interleaved runs each`);
for (const [k, xs] of Object.entries(samples)) console.log(`  ${k.padEnd(34)} median ${median(xs).toFixed(0).padStart(5)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`);
const ratio = ours / baseline;
console.log(`ratio vs openssl: ${ratio.toFixed(2)}x (target <= 2.00x): ${ratio <= 2 ? 'within target' : 'ABOVE TARGET'}`);
