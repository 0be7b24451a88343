#!/usr/bin/env node
// The test runner behind `npm test` (after lint and typecheck) and CI:
//   1. scripts/install-pulumi   (idempotent; builds the pinned CLI into the machine cache once)
//   1b. scripts/install-node    (idempotent; Node 24 and 22 from the npm registry into the machine
//                                cache: jest, and every Node process it starts, runs on Node 24,
//                                whatever the machine's own Node is; the consumer test also uses 22)
//   1c. scripts/install-pebble  (idempotent; Pebble and pebble-challtestsrv from the Go module proxy
//                                into the machine cache: the ACME issuer's tests start them)
//   2. scripts/moto start       (the local AWS endpoint)
//   3. jest --ci --json --outputFile=test-results.json [extra args passed through], run by the
//      cached Node 24 with its bin/ first on PATH, so the Pulumi CLI's language host, programs and
//      dynamic provider plugin (which run `node` from PATH) are on Node 24 too (the
//      provider supports Node 22 and 24, and the machine's own may be 20); jest's globalSetup
//      (test/harness/build-dist.js) compiles dist/ first, so `npm test` builds once
//   4. scripts/moto stop        (always: on success, failure, crash or Ctrl-C)
// and prints as its last line exactly `N passed, N failed`, exiting non-zero when anything
// failed, jest crashed or a setup step failed. A test file that failed without running any
// test (import error, a throwing hook) counts as one failure.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const resultsFile = path.join(root, 'test-results.json');
const jestArgs = process.argv.slice(2);

let child = null;
let interrupted = null;
let motoMayRun = false;
const signalExit = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function log(message) {
  process.stderr.write(`run-tests: ${message}\n`);
}

function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => {
      child = null;
      resolve({ code: 127, signal: null, error: err });
    });
    child.on('exit', (code, signal) => {
      child = null;
      resolve({ code, signal });
    });
  });
}

function stopMoto() {
  if (!motoMayRun) return;
  motoMayRun = false;
  const res = spawnSync('bash', [path.join(root, 'scripts', 'moto'), 'stop'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) log(`scripts/moto stop exited with ${res.status}`);
}

function finish(passed, failed, exitCode) {
  stopMoto();
  const line = `${passed} passed, ${failed} failed`;
  // .ci/run checks that this line was printed (SFB_TEST_SUMMARY_FILE).
  if (process.env.SFB_TEST_SUMMARY_FILE) {
    try {
      fs.writeFileSync(process.env.SFB_TEST_SUMMARY_FILE, `${line}\n`);
    } catch (err) {
      log(`cannot write SFB_TEST_SUMMARY_FILE: ${err.message}`);
    }
  }
  process.stdout.write(`${line}\n`);
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = signal;
    log(`${signal} received: stopping`);
    if (child) child.kill(signal);
    else finish(0, 1, signalExit[signal]);
  });
}

/** The bin/ directory of the Node 24 scripts/install-node installed (print-paths.ts node-paths), or null after logging why not. */
function pinnedNodeBinDir() {
  const res = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'scripts', 'print-paths.ts'), 'node-paths'], {
    cwd: root,
    encoding: 'utf8',
  });
  const line = (res.stdout || '').split('\n').find((l) => l.startsWith('NODE_BIN_DIR='));
  const dir = line ? line.slice('NODE_BIN_DIR='.length) : '';
  if (res.status !== 0 || !dir || !fs.existsSync(path.join(dir, 'node'))) {
    log(`scripts/print-paths.ts node-paths named no installed Node 24 (exit ${res.status}): ${(res.stderr || '').trim()}`);
    return null;
  }
  return dir;
}

/** Counts from jest's JSON report; null when the report is missing or unreadable. */
function readCounts() {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch (err) {
    log(`cannot read ${path.relative(root, resultsFile)}: ${err.message}`);
    return null;
  }
  let passed = report.numPassedTests || 0;
  let failed = report.numFailedTests || 0;
  for (const suite of report.testResults || []) {
    const failingTests = (suite.assertionResults || []).filter((t) => t.status === 'failed').length;
    if (suite.status === 'failed' && failingTests === 0) {
      failed += 1;
      const file = path.relative(root, suite.name || '?');
      const why = (suite.message || suite.failureMessage || '').split('\n').find((l) => l.trim()) || 'suite failed';
      log(`${file} failed without a failing test: ${why.trim()}`);
    }
  }
  if (report.success === false && failed === 0) {
    log('jest reported failure without a failing test (no tests found, or an error outside the tests)');
    failed = 1;
  }
  return { passed, failed };
}

async function main() {
  const install = await run('bash', [path.join(root, 'scripts', 'install-pulumi')]);
  if (interrupted) return finish(0, 1, signalExit[interrupted]);
  if (install.code !== 0) {
    log('scripts/install-pulumi failed: the integration tests cannot run without the Pulumi CLI');
    return finish(0, 1, 1);
  }

  const installNode = await run('bash', [path.join(root, 'scripts', 'install-node')]);
  if (interrupted) return finish(0, 1, signalExit[interrupted]);
  if (installNode.code !== 0) {
    log('scripts/install-node failed: the tests run on the Node 24 it installs');
    return finish(0, 1, 1);
  }

  const installPebble = await run('bash', [path.join(root, 'scripts', 'install-pebble')]);
  if (interrupted) return finish(0, 1, signalExit[interrupted]);
  if (installPebble.code !== 0) {
    log('scripts/install-pebble failed: the ACME issuer tests cannot run without Pebble');
    return finish(0, 1, 1);
  }

  const nodeBinDir = pinnedNodeBinDir();
  if (!nodeBinDir) return finish(0, 1, 1);

  motoMayRun = true;
  const moto = await run('bash', [path.join(root, 'scripts', 'moto'), 'start']);
  if (interrupted) return finish(0, 1, signalExit[interrupted]);
  if (moto.code !== 0) {
    log('scripts/moto start failed: the integration tests cannot run without the AWS endpoint');
    return finish(0, 1, 1);
  }

  fs.rmSync(resultsFile, { force: true });
  const jestBin = require.resolve('jest/bin/jest', { paths: [root] });
  const jest = await run(
    path.join(nodeBinDir, 'node'),
    [jestBin, '--ci', '--json', `--outputFile=${resultsFile}`, ...jestArgs],
    { ...process.env, PATH: [nodeBinDir, process.env.PATH].filter(Boolean).join(path.delimiter) },
  );
  if (jest.error) log(`cannot start jest: ${jest.error.message}`);

  const counts = readCounts();
  if (interrupted) return finish(counts ? counts.passed : 0, Math.max(1, counts ? counts.failed : 1), signalExit[interrupted]);
  if (!counts) {
    log(`jest crashed (exit ${jest.code}${jest.signal ? `, signal ${jest.signal}` : ''}) without a report`);
    return finish(0, 1, jest.code || 1);
  }
  if (jest.code !== 0 && counts.failed === 0) {
    log(`jest exited with ${jest.code ?? jest.signal} although no test failed`);
    return finish(counts.passed, 1, jest.code || 1);
  }
  return finish(counts.passed, counts.failed, counts.failed > 0 ? 1 : 0);
}

main().catch((err) => {
  log(`unexpected error: ${err && err.stack ? err.stack : err}`);
  finish(0, 1, 1);
});
