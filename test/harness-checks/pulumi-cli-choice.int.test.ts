/**
 * `npm run pulumi` (scripts/pulumi) with the real CLI, three ways:
 * - a recent CLI on PATH (the cached real binary through a symlink in a temp directory, so
 *   `pulumi version` reports it, as a user's install would): used, with an empty machine cache
 *   and nothing built, and it runs a `runtime: nodejs` program;
 * - no pulumi on PATH: the pinned build in the machine cache runs;
 * - a too-old CLI on PATH (a shim printing v3.100.0): not used, and the reason is printed.
 * The decision itself (scripts/pulumi-cli.ts findPulumiCli) is checked with shims in
 * pulumi-cli-choice.test.ts; the demo makes the same call.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { minimumPulumiCliVersion, requirePulumiInstalled } from '../../scripts/pulumi-cli';

const root = projectRoot();
const wrapper = join(root, 'scripts', 'pulumi');
const pinned = requirePulumiInstalled();
/** Directories with node and the basic tools, and no pulumi. */
const BASE_PATH = [dirname(process.execPath), '/usr/bin', '/bin'];

function run(args: string[], options: { cwd?: string; path: string[]; env?: NodeJS.ProcessEnv }) {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(PULUMI_|SFB_)/.test(key)) env[key] = value;
  }
  const temp = mkdtempSync(join(tmpdir(), 'sfb-cli-run-'));
  // A backend and PULUMI_HOME of its own unless the caller gives them: never the repository's.
  Object.assign(env, { CI: 'true', PULUMI_HOME: join(temp, 'home'), PULUMI_BACKEND_URL: `file://${temp}`, PATH: options.path.join(delimiter) }, options.env);
  return spawnSync(process.execPath, [wrapper, ...args], { cwd: options.cwd ?? root, env, encoding: 'utf8', input: '', timeout: 120_000 });
}

describe('which Pulumi CLI scripts/pulumi runs', () => {
  beforeAll(() => {
    for (const dir of BASE_PATH) expect(existsSync(join(dir, 'pulumi'))).toBe(false);
  });

  it('a recent CLI on PATH: used as it is, with nothing built (empty machine cache), and it runs a nodejs program', () => {
    const userBin = mkdtempSync(join(tmpdir(), 'sfb-user-pulumi-'));
    symlinkSync(pinned.pulumiBinary, join(userBin, 'pulumi'));
    const emptyCache = mkdtempSync(join(tmpdir(), 'sfb-empty-cache-'));
    const path = [userBin, ...BASE_PATH];

    const version = run(['version'], { path, env: { SFB_CACHE_DIR: emptyCache } });
    expect({ status: version.status, stdout: version.stdout.trim(), stderr: version.stderr }).toEqual({ status: 0, stdout: minimumPulumiCliVersion(), stderr: '' });

    // A project outside the repository, run through the wrapper with the user's CLI.
    const project = mkdtempSync(join(tmpdir(), 'sfb-user-project-'));
    writeFileSync(join(project, 'Pulumi.yaml'), 'name: user-cli\nruntime: nodejs\n');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-cli', private: true, main: 'index.js' }));
    writeFileSync(join(project, 'index.js'), "exports.ranBy = 'the user CLI';\n");
    symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
    const state = mkdtempSync(join(tmpdir(), 'sfb-user-state-'));
    const env = { SFB_CACHE_DIR: emptyCache, PULUMI_CONFIG_PASSPHRASE: LOCAL_DEMO_PASSPHRASE, PULUMI_HOME: join(state, 'home'), PULUMI_BACKEND_URL: `file://${state}` };
    const init = run(['stack', 'init', 'dev'], { cwd: project, path, env });
    expect(init.stderr).toBe("Created stack 'dev'\n");
    expect(init.status).toBe(0);
    const up = run(['up', '--yes'], { cwd: project, path, env });
    expect(up.status).toBe(0);
    expect(up.stdout).toMatch(/ranBy: "the user CLI"/);
    expect(up.stdout + up.stderr).not.toContain('from $PATH');

    // Nothing was built or copied into the machine cache.
    expect(readdirSync(emptyCache)).toEqual([]);
  });

  it('no pulumi on PATH: the pinned build in the machine cache runs', () => {
    const version = run(['version'], { path: BASE_PATH });
    expect({ status: version.status, stdout: version.stdout.trim(), stderr: version.stderr }).toEqual({ status: 0, stdout: pinned.version, stderr: '' });
    const choice = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(root, 'scripts', 'print-paths.ts'), 'cli'], {
      cwd: root,
      env: { ...process.env, PATH: BASE_PATH.join(delimiter) },
      encoding: 'utf8',
    });
    expect(choice.stdout).toContain('PULUMI_CLI_SOURCE=pinned\n');
    expect(choice.stdout).toContain(`PULUMI_BINARY=${pinned.pulumiBinary}\n`);
  });

  it('a too-old CLI on PATH: not used, and scripts/pulumi says why', () => {
    const oldBin = mkdtempSync(join(tmpdir(), 'sfb-old-pulumi-'));
    const log = join(oldBin, 'calls.log');
    writeFileSync(join(oldBin, 'pulumi'), `#!/bin/sh\necho "$*" >> '${log}'\nif [ "$1" = version ]; then echo v3.100.0; exit 0; fi\necho 'the old CLI ran' >&2\nexit 9\n`);
    chmodSync(join(oldBin, 'pulumi'), 0o755);

    const result = run(['version'], { path: [oldBin, ...BASE_PATH] });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pinned.version);
    expect(result.stderr).toBe(
      `scripts/pulumi: Not using the Pulumi CLI found on PATH at ${join(oldBin, 'pulumi')}: it is v3.100.0, older than ${minimumPulumiCliVersion()}, ` +
        `the oldest this project supports (the version its tests run). Using the pinned Pulumi CLI ${pinned.version} instead.\n`,
    );
    // The old CLI was asked its version, and nothing else.
    expect(readFileSync(log, 'utf8')).toBe('version\n');
  });
});
