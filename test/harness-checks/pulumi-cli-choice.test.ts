/**
 * Which Pulumi CLI `npm run pulumi` and `npm run demo` run: the user's own
 * `pulumi` on PATH when `pulumi version` is at least the supported minimum and a Node language
 * host sits beside it; otherwise the pinned build in the machine cache, built first when missing.
 * The decision (scripts/pulumi-cli.ts findPulumiCli / ensurePulumiCli) is checked here with shim
 * CLIs; test/harness-checks/pulumi-cli-choice.int.test.ts drives scripts/pulumi with the real one.
 */
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { engineEnv } from '../../scripts/engine-environment';
import { ensureSupportedNode, MIN_SUPPORTED_NODE_MAJOR, nodeLayout } from '../../scripts/node-runtime';
import { cliVersionProblem, ensurePulumiCli, findPulumiCli, minimumPulumiCliVersion, parseCliVersion, pinnedPulumiVersion, pulumiLayout } from '../../scripts/pulumi-cli';

const MIN = minimumPulumiCliVersion();

/** A directory holding a `pulumi` that prints `version` for `pulumi version` (and, unless told, a language host). */
function shimDir(version: string, options: { languageHost?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-cli-shim-'));
  writeFileSync(join(dir, 'pulumi'), `#!/bin/sh\nif [ "$1" = version ]; then echo '${version}'; exit 0; fi\nexit 3\n`);
  chmodSync(join(dir, 'pulumi'), 0o755);
  if (options.languageHost !== false) {
    writeFileSync(join(dir, 'pulumi-language-nodejs'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, 'pulumi-language-nodejs'), 0o755);
  }
  return dir;
}

/** An environment whose PATH is exactly these directories, and a machine cache of its own (empty). */
function envWith(...dirs: string[]): Record<string, string> {
  return { PATH: dirs.join(delimiter), HOME: '/nonexistent-home', SFB_CACHE_DIR: mkdtempSync(join(tmpdir(), 'sfb-cli-cache-')) };
}

describe('the supported minimum', () => {
  it('is the pinned version: the engine every integration test runs', () => {
    expect(MIN).toBe(pinnedPulumiVersion());
    expect(MIN).toBe('v3.274.1');
  });

  it.each([
    ['v3.274.1', undefined],
    ['v3.274.2', undefined],
    ['v3.300.0', undefined],
    ['3.274.1', undefined],
    ['v3.275.0-alpha.1+abc', undefined],
    ['v3.274.0', 'older than v3.274.1'],
    ['v3.100.0', 'older than v3.274.1'],
    ['v2.999.0', 'another major version'],
    ['v4.0.0', 'another major version'],
    ['', 'not a version'],
    ['pulumi dev build', 'not a version'],
  ])('%j: %s', (printed, problem) => {
    const found = cliVersionProblem(printed, MIN);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('parses what `pulumi version` prints', () => {
    expect(parseCliVersion('v3.274.1\n')).toEqual([3, 274, 1]);
    expect(parseCliVersion('v3.274')).toBeUndefined();
  });
});

describe('findPulumiCli', () => {
  it('with no pulumi on PATH: the pinned build, and nothing to explain', () => {
    const env = envWith('/nonexistent-bin');
    const choice = findPulumiCli(env);
    expect(choice).toEqual({ pinned: pulumiLayout(env) });
  });

  it.each([MIN, 'v3.999.0'])('uses a pulumi on PATH that reports %s and has a language host beside it', (version) => {
    const dir = shimDir(version);
    const choice = findPulumiCli(envWith('/nonexistent-bin', dir));
    expect(choice.rejected).toBeUndefined();
    expect(choice.onPath).toEqual({ source: 'path', pulumiBinary: join(dir, 'pulumi'), binDir: dir, version });
  });

  it('uses only the first pulumi on PATH, as the shell would', () => {
    const old = shimDir('v3.100.0');
    const recent = shimDir(MIN);
    const choice = findPulumiCli(envWith(old, recent));
    expect(choice.onPath).toBeUndefined();
    expect(choice.rejected).toContain(`at ${join(old, 'pulumi')}`);
  });

  it('passes over a too-old CLI, saying why and what it uses instead', () => {
    const dir = shimDir('v3.100.0');
    const choice = findPulumiCli(envWith(dir));
    expect(choice.onPath).toBeUndefined();
    expect(choice.rejected).toBe(
      `Not using the Pulumi CLI found on PATH at ${join(dir, 'pulumi')}: it is v3.100.0, older than ${MIN}, the oldest this project ` +
        `supports (the version its tests run). Using the pinned Pulumi CLI ${pinnedPulumiVersion()} instead.`,
    );
  });

  it('passes over a CLI without a Node language host (runtime: nodejs needs one)', () => {
    const dir = shimDir(MIN, { languageHost: false });
    const choice = findPulumiCli(envWith(dir));
    expect(choice.onPath).toBeUndefined();
    expect(choice.rejected).toContain('it has no Node language host (pulumi-language-nodejs) beside it nor on PATH');
  });

  it('finds the language host beside the real binary of a symlinked pulumi, as the engine does', () => {
    const real = shimDir(MIN);
    const linkDir = mkdtempSync(join(tmpdir(), 'sfb-cli-link-'));
    symlinkSync(join(real, 'pulumi'), join(linkDir, 'pulumi'));
    const choice = findPulumiCli(envWith(linkDir));
    expect(choice.onPath).toMatchObject({ source: 'path', pulumiBinary: join(linkDir, 'pulumi'), binDir: linkDir });
  });

  it('passes over a pulumi whose `pulumi version` fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfb-cli-broken-'));
    writeFileSync(join(dir, 'pulumi'), '#!/bin/sh\nexit 7\n');
    chmodSync(join(dir, 'pulumi'), 0o755);
    expect(findPulumiCli(envWith(dir)).rejected).toContain('`pulumi version` failed (exit 7)');
  });

  it('does not count the machine cache (the fallback) as a user install', () => {
    const env = envWith();
    const pinned = pulumiLayout(env);
    mkdirSync(pinned.binDir, { recursive: true });
    writeFileSync(pinned.pulumiBinary, `#!/bin/sh\necho '${MIN}'\n`);
    chmodSync(pinned.pulumiBinary, 0o755);
    env.PATH = pinned.binDir;
    expect(findPulumiCli(env)).toEqual({ pinned });
  });
});

describe('ensurePulumiCli', () => {
  /** An installer stand-in that records its calls and, when told, puts a complete pinned build in place. */
  function fakeInstaller(works: boolean) {
    const calls: string[] = [];
    const install = (_root: string, env: Record<string, string | undefined>) => {
      calls.push('install');
      if (!works) return 1;
      const layout = pulumiLayout(env);
      mkdirSync(layout.binDir, { recursive: true });
      for (const name of ['pulumi', 'pulumi-resource-pulumi-nodejs', 'pulumi-language-nodejs']) {
        writeFileSync(join(layout.binDir, name), '#!/bin/sh\n');
        chmodSync(join(layout.binDir, name), 0o755);
      }
      return 0;
    };
    return { calls, install };
  }

  it('uses a qualifying CLI on PATH and builds nothing', () => {
    const dir = shimDir(MIN);
    const env = envWith(dir);
    const installer = fakeInstaller(true);
    const lines: string[] = [];
    const cli = ensurePulumiCli({ env, install: installer.install, log: (l) => lines.push(l), refresh: true });
    expect(cli).toEqual({ source: 'path', pulumiBinary: join(dir, 'pulumi'), binDir: dir, version: MIN });
    expect(installer.calls).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('without a CLI on PATH, builds the pinned one and says so first', () => {
    const env = envWith('/nonexistent-bin');
    const installer = fakeInstaller(true);
    const lines: string[] = [];
    const cli = ensurePulumiCli({ env, install: installer.install, log: (l) => lines.push(l) });
    const pinned = pulumiLayout(env);
    expect(cli).toEqual({ source: 'pinned', pulumiBinary: pinned.pulumiBinary, binDir: pinned.binDir, version: pinned.version });
    expect(installer.calls).toEqual(['install']);
    expect(lines).toEqual([
      `No Pulumi CLI on PATH. Building the pinned Pulumi CLI ${pinned.version} from the Go module proxy into ${pinned.installRoot} ` +
        `(scripts/install-pulumi: once per machine, several minutes the first time). To skip the build, install the Pulumi CLI ${MIN} or later ` +
        '(https://www.pulumi.com/docs/install/) and put it on PATH.',
    ]);
    // Built: the next call neither builds nor talks.
    lines.length = 0;
    expect(ensurePulumiCli({ env, install: installer.install, log: (l) => lines.push(l) })).toEqual(cli);
    expect(installer.calls).toEqual(['install']);
    expect(lines).toEqual([]);
  });

  it('with a too-old CLI on PATH: prints the reason, then builds the pinned one', () => {
    const env = envWith(shimDir('v3.100.0'));
    const installer = fakeInstaller(true);
    const lines: string[] = [];
    expect(ensurePulumiCli({ env, install: installer.install, log: (l) => lines.push(l) }).source).toBe('pinned');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Not using the Pulumi CLI found on PATH at .*: it is v3\.100\.0, older than v3\.274\.1/);
    expect(lines[1]).toMatch(/^Building the pinned Pulumi CLI v3\.274\.1 from the Go module proxy/);
  });

  it('when the build fails: an error with both ways on', () => {
    const installer = fakeInstaller(false);
    expect(() => ensurePulumiCli({ env: envWith('/nonexistent-bin'), install: installer.install, log: () => undefined })).toThrow(
      `scripts/install-pulumi failed (exit 1), so there is no Pulumi CLI to run. Install the Pulumi CLI ${MIN} or later`,
    );
  });
});

describe('the PATH the CLI runs with', () => {
  it('puts a user CLI first and leaves the cache (and its language host stand-in) off PATH', () => {
    const base = { PATH: ['/usr/bin', pulumiLayout({}).binDir, '/opt/pulumi/bin', '/bin'].join(delimiter) };
    const env = engineEnv({ base, cli: { source: 'path', binDir: '/opt/pulumi/bin' } });
    expect(env.PATH!.split(delimiter)).toEqual(['/opt/pulumi/bin', '/usr/bin', '/bin']);
  });

  it('puts the pinned build first otherwise', () => {
    const layout = pulumiLayout({});
    expect(engineEnv({ base: { PATH: '/usr/bin' } }).PATH).toBe([layout.binDir, '/usr/bin'].join(delimiter));
    expect(engineEnv({ base: { PATH: '/usr/bin' }, cli: { source: 'pinned', binDir: layout.binDir } }).PATH).toBe([layout.binDir, '/usr/bin'].join(delimiter));
  });
});

describe('the Node the CLI\'s Node processes run on (the provider needs Node 22 or 24)', () => {
  it('is the machine\'s own when it is supported: nothing installed, PATH unchanged', () => {
    const install = jest.fn(() => 0);
    expect(ensureSupportedNode({ version: 'v22.0.0', env: envWith('/usr/bin'), install })).toBeUndefined();
    expect(ensureSupportedNode({ version: 'v24.21.0', env: envWith('/usr/bin'), install })).toBeUndefined();
    expect(install).not.toHaveBeenCalled();
  });

  it('on Node 20: the cached Node 24, installed first (saying so) when missing, first on PATH', () => {
    const env = envWith('/usr/bin');
    const layout = nodeLayout(undefined, env);
    const lines: string[] = [];
    const install = jest.fn(() => {
      mkdirSync(layout.binDir, { recursive: true });
      writeFileSync(layout.nodeBinary, '#!/bin/sh\n');
      return 0;
    });
    expect(ensureSupportedNode({ version: 'v20.20.2', env, install, log: (l) => lines.push(l) })).toBe(layout.binDir);
    expect(install).toHaveBeenCalledTimes(1);
    expect(lines.join('\n')).toContain(`This machine's Node.js is v20.20.2; the provider runs on Node.js 22 or 24, so Pulumi's Node processes will use Node.js ${layout.version}`);
    // Installed: used as it is.
    expect(ensureSupportedNode({ version: 'v20.20.2', env, install, log: () => undefined })).toBe(layout.binDir);
    expect(install).toHaveBeenCalledTimes(1);
    expect(engineEnv({ base: { PATH: '/usr/bin' }, nodeBinDir: layout.binDir }).PATH!.split(delimiter)).toEqual([layout.binDir, pulumiLayout({}).binDir, '/usr/bin']);
  });

  it('on Node 20 when the install fails: an error with the way on', () => {
    expect(() => ensureSupportedNode({ version: 'v20.20.2', env: envWith('/usr/bin'), install: () => 1, log: () => undefined })).toThrow(
      'scripts/install-node failed (exit 1), so there is no supported Node.js to run the program and the provider on. Install Node.js 24 (or 22) and put it first on PATH',
    );
  });

  it('has the provider\'s floor', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- compared, not used.
    expect(MIN_SUPPORTED_NODE_MAJOR).toBe((require('../../provider/domain/node-support') as { MIN_NODE_MAJOR: number }).MIN_NODE_MAJOR);
  });
});
