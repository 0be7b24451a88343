/**
 * The package as users install it: `npm pack`, then a separate
 * Pulumi project in a temp directory that installs the tarball from its own package.json and
 * runs the real CLI as processes (`pulumi preview --diff`, `up --yes`, a no-op `up`, `destroy`),
 * with the Node language host beside the cached `pulumi` (docs/engine.md).
 *
 * Twice, at the two ends of the supported range: Node 22 with the oldest supported @pulumi/pulumi
 * and AWS SDK (the floors of the peerDependencies and dependencies ranges), and Node 24 with the
 * newest (NEWEST_PULUMI_SDK_VERSION, NEWEST_AWS_SDK_VERSION in scripts/node-runtime.ts). Both Nodes
 * come from scripts/install-node. The packed package.json is the published manifest, without the
 * repository's scripts, so npm flags no install script.
 *
 * The consumer project is outside this repository and its environment has no NODE_PATH and no
 * repository directory on PATH, so the dynamic provider's run-time
 * `require('sfb-oauth-cert/dist/provider/pulumi/handlers')` can only be answered by the consumer's
 * own node_modules: the repository's self-link (scripts/link-self.js) plays no part.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CURRENT_NODE_VERSION, OLDEST_NODE_VERSION, requireNodeInstalled } from '../../scripts/node-runtime';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { NEWEST_AWS_SDK_VERSION, NEWEST_PULUMI_SDK_VERSION } from '../../scripts/sdk-versions';
import { runProcess, runProcessOk, TOOL_MS, type ProcessResult } from '../harness/process';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';

const root = projectRoot();
const pulumiLayout = requirePulumiInstalled();
const node24 = requireNodeInstalled(CURRENT_NODE_VERSION);
const node22 = requireNodeInstalled(OLDEST_NODE_VERSION);
const repoPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
};
const installedVersion = (pkg: string): string =>
  (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The floor of a `^x.y.z` range in package.json. */
const floorOf = (range: string | undefined): string => /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '')?.[1] ?? `not a ^x.y.z range: ${range}`;
const OLDEST_SDK = floorOf(repoPackage.peerDependencies?.['@pulumi/pulumi']);
const OLDEST_AWS_SDK = floorOf(repoPackage.dependencies?.['@aws-sdk/client-secrets-manager']);
const FIXTURE = entry('openssl3-default');
const PFX_PASSWORD = FIXTURE.password ?? '';
const STORE_PASSPHRASE = 'consumer-store-passphrase-never-printed';
const PATH_WARNING = 'pulumi-language-nodejs from $PATH';

interface Row {
  name: string;
  /** Directory put first on PATH (its `node` runs npm, the language host, program and provider); none: the machine's. */
  nodeBinDir?: string;
  /** What `process.version` must be in the program and in the dynamic provider. */
  nodeVersion: string;
  sdk: string;
  /** The @aws-sdk/client-secrets-manager the project gets (an npm override pins it within the package's range). */
  awsSdk: string;
}

const ROWS: Row[] = [
  {
    name: `Node ${OLDEST_NODE_VERSION} with @pulumi/pulumi ${OLDEST_SDK} and @aws-sdk/client-secrets-manager ${OLDEST_AWS_SDK}`,
    nodeBinDir: node22.binDir,
    nodeVersion: `v${OLDEST_NODE_VERSION}`,
    sdk: OLDEST_SDK,
    awsSdk: OLDEST_AWS_SDK,
  },
  {
    name: `Node ${CURRENT_NODE_VERSION} with @pulumi/pulumi ${NEWEST_PULUMI_SDK_VERSION} and @aws-sdk/client-secrets-manager ${NEWEST_AWS_SDK_VERSION}`,
    nodeBinDir: node24.binDir,
    nodeVersion: `v${CURRENT_NODE_VERSION}`,
    sdk: NEWEST_PULUMI_SDK_VERSION,
    awsSdk: NEWEST_AWS_SDK_VERSION,
  },
];

/** Bound for one command (npm install of the tarball, tsc, a Pulumi CLI command) on a loaded machine. */
const COMMAND_MS = 540_000;

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string }): Promise<ProcessResult> {
  return runProcess(command, args, { ...options, timeoutMs: COMMAND_MS });
}

async function ok(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string }): Promise<ProcessResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${result.code ?? result.signal} in ${options.cwd}:\n${result.output}`);
  }
  return result;
}

const NPM_FETCH_SETTINGS = /^npm_config_(registry|cache|userconfig|cafile|proxy|https_proxy|noproxy|strict_ssl)$/i;

/**
 * The environment a user's shell would give: this process's, minus what ties it to this
 * repository or to jest (NODE_PATH to the repository's node_modules, npm's per-script variables,
 * ts-jest's and ts-node's settings, the repository's node_modules/.bin on PATH), plus the
 * offline Pulumi settings for a throwaway stack.
 */
function consumerEnv(row: Row, tempDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // npm re-reads its own config files; of the variables `npm test` exports, only where to
    // fetch from (a registry mirror or proxy a CI machine may set this way) is worth keeping.
    if (/^npm_/i.test(key) && !NPM_FETCH_SETTINGS.test(key)) continue;
    if (/^(TS_NODE_|PULUMI_|SFB_)/i.test(key) || key === 'NODE_PATH' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  const outsideRepo = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir && !path.resolve(dir).startsWith(root + path.sep));
  env.PATH = [row.nodeBinDir, pulumiLayout.binDir, ...outsideRepo].filter(Boolean).join(path.delimiter);
  env.PULUMI_HOME = path.join(tempDir, 'pulumi-home');
  env.PULUMI_BACKEND_URL = `file://${path.join(tempDir, 'state')}`;
  // Throwaway stack in a temp directory: the public demo passphrase is allowed here (docs/engine.md).
  env.PULUMI_CONFIG_PASSPHRASE = LOCAL_DEMO_PASSPHRASE;
  env.PULUMI_SKIP_UPDATE_CHECK = 'true';
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = 'true';
  // npm's cache is machine-wide (~/.npm): repeat runs and CI install from it.
  env.npm_config_update_notifier = 'false';
  return env;
}

/** Everything in the working tree that git would see (tracked and untracked, not ignored). */
async function workingTreeFiles(): Promise<string[]> {
  const { stdout } = await runProcessOk('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, timeoutMs: TOOL_MS });
  return stdout.split('\0').filter(Boolean);
}

const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-pack-'));
let tarball = '';
let tarballEntries: string[] = [];
let packedManifest: Record<string, unknown> = {};
let manifestAfterPack = '';

// The package is packed from a copy of the working tree (tests, scripts, fixtures and all) with
// no dist/ but a stale compiled file planted, by a real `npm pack` with its lifecycle scripts:
// that proves `files` keeps the rest out, prepack ships a fresh build and the published manifest,
// and postpack puts the repository's package.json back. Packing in the
// repository itself would rebuild dist/ under the other test files that are running from it.
beforeAll(async () => {
  const copy = path.join(packDir, 'checkout');
  for (const file of await workingTreeFiles()) {
    const from = path.join(root, file);
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(from, path.join(copy, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // A compiled file whose source was deleted: tsc would leave it; prepack must not ship it.
  fs.mkdirSync(path.join(copy, 'dist', 'provider'), { recursive: true });
  fs.writeFileSync(path.join(copy, 'dist', 'provider', 'stale-from-an-old-build.js'), "module.exports = 'stale';\n");

  const env = consumerEnv(ROWS[0]!, packDir);
  const packed = await ok('npm', ['pack', '--pack-destination', packDir, '--silent'], { cwd: copy, env });
  const name = packed.stdout.trim().split('\n').pop() ?? '';
  tarball = path.join(packDir, name);
  if (!name.endsWith('.tgz') || !fs.existsSync(tarball)) throw new Error(`npm pack printed no tarball name:\n${packed.output}`);
  tarballEntries = (await ok('tar', ['-tzf', tarball], { cwd: packDir, env })).stdout.split('\n').filter(Boolean).sort();
  packedManifest = JSON.parse((await ok('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: packDir, env })).stdout) as Record<string, unknown>;
  manifestAfterPack = fs.readFileSync(path.join(copy, 'package.json'), 'utf8');
  if (fs.existsSync(path.join(copy, 'package.json.pack-original'))) manifestAfterPack += '\n(package.json.pack-original left behind)';
}, 300_000);

afterAll(() => {
  fs.rmSync(packDir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built code, its types, the bin, README and LICENSE, and nothing else', () => {
    const inPackage = tarballEntries.map((e) => e.replace(/^package\//, ''));
    expect(inPackage).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'bin/sfb-oauth-cert',
        'dist/provider/index.js',
        'dist/provider/index.d.ts',
        'dist/provider/pulumi/handlers.js',
        'dist/provider/cli/main.js',
      ]),
    );
    const unexpected = inPackage.filter(
      (f) => !/^(package\.json|README\.md|LICENSE|bin\/sfb-oauth-cert|dist\/provider\/.+\.(js|js\.map|d\.ts))$/.test(f),
    );
    expect(unexpected).toEqual([]);
    for (const part of ['test/', 'scripts/', 'fixtures', 'tools/', 'examples/', '.pfx']) {
      expect(inPackage.filter((f) => f.includes(part))).toEqual([]);
    }
  });

  it('ships a fresh build of every source, and no compiled file without a source (prepack cleans and builds)', () => {
    const shipped = tarballEntries
      .map((e) => e.replace(/^package\//, ''))
      .filter((f) => f.startsWith('dist/provider/') && f.endsWith('.js'))
      .map((f) => f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))
      .sort();
    const sources = (fs.readdirSync(path.join(root, 'provider'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .map((f) => path.join('provider', f))
      .sort();
    expect(shipped).toEqual(sources);
    expect(tarballEntries).not.toContain('package/dist/provider/stale-from-an-old-build.js');
  });

  it('ships the published manifest: the repository\'s package.json without its scripts and devDependencies, which postpack puts back', () => {
    const { scripts: _scripts, devDependencies: _dev, ...published } = repoPackage as unknown as Record<string, unknown>;
    expect(packedManifest).toEqual(published);
    expect(packedManifest).not.toHaveProperty('scripts');
    expect(manifestAfterPack).toBe(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  });

  it('declares @pulumi/pulumi as a peer from the oldest tested SDK; the repository develops on the newest SDKs', () => {
    expect(repoPackage.private).toBeUndefined();
    expect(repoPackage.dependencies?.['@pulumi/pulumi']).toBeUndefined();
    expect(OLDEST_SDK).toBe('3.248.0');
    expect(repoPackage.devDependencies['@pulumi/pulumi']).toBe(NEWEST_PULUMI_SDK_VERSION);
    expect(installedVersion('@pulumi/pulumi')).toBe(NEWEST_PULUMI_SDK_VERSION);
    expect(installedVersion('@aws-sdk/client-secrets-manager')).toBe(NEWEST_AWS_SDK_VERSION);
    for (const client of ['@aws-sdk/client-kms', '@aws-sdk/client-s3']) expect(repoPackage.devDependencies[client]).toBe(NEWEST_AWS_SDK_VERSION);
    expect(repoPackage.peerDependencies?.['@pulumi/pulumi']).toBe(`^${OLDEST_SDK}`);
    // The newest tested SDK is inside that range: same major, not older.
    const [major, minor, patch] = NEWEST_PULUMI_SDK_VERSION.split('.').map(Number);
    const [oMajor, oMinor, oPatch] = OLDEST_SDK.split('.').map(Number);
    expect(major).toBe(oMajor);
    expect((minor ?? 0) * 1e6 + (patch ?? 0)).toBeGreaterThanOrEqual((oMinor ?? 0) * 1e6 + (oPatch ?? 0));
  });

  it('states its license: Apache-2.0 with the license text', () => {
    expect(repoPackage.license).toBe('Apache-2.0');
    const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  it('README states the tested matrix and the supported range', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Supported versions')) ?? '';
    const facts = [OLDEST_SDK, NEWEST_PULUMI_SDK_VERSION, OLDEST_AWS_SDK, NEWEST_AWS_SDK_VERSION, OLDEST_NODE_VERSION, CURRENT_NODE_VERSION];
    for (const fact of [...facts, `^${OLDEST_SDK}`, `^${OLDEST_AWS_SDK}`, `${(repoPackage as { engines?: { node?: string } }).engines?.node}`]) {
      expect(section).toContain(fact);
    }
    // Every version the section names is one of the pins: none can go stale unnoticed.
    const named = [...section.matchAll(/\b\d+\.\d+\.\d+\b/g)].map((m) => m[0]);
    expect(named.filter((v) => !facts.includes(v))).toEqual([]);
    expect(section).toMatch(/ESM .*plain JavaScript/);
    expect(section).not.toContain('Node 20 (');
    expect(readme).toMatch(/^## Install$/m);
    expect(readme).toContain('npm install sfb-oauth-cert @pulumi/pulumi');
  });
});

const PROGRAM = `import * as pulumi from '@pulumi/pulumi';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CertificateStores, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

// The AWS SDK the package brought: a client made here would print its NodeVersionSupportWarning
// on a Node the SDK is leaving behind (the provider's AWS store makes the same client).
new SecretsManagerClient({ region: 'us-east-1' }).destroy();

const config = new pulumi.Config();
const certificate = new OAuthTokenIssuerCertificate('oauth-token-issuer', {
  sipDomain: 'contoso.com',
  pfx: pfxFromFile('certs/s2s.pfx'),
  password: config.requireSecret('pfxPassword'),
  store: CertificateStores.local(),
});

// Which Node runs the dynamic provider: this create runs in the same provider plugin process
// (pulumi-resource-pulumi-nodejs) that runs the certificate's provider.
const probe: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: 'node-probe', outs: { node: process.version } };
  },
};
class NodeProbe extends pulumi.dynamic.Resource {
  declare readonly node: pulumi.Output<string>;
  constructor(name: string) {
    super(probe, name, { node: undefined }, {});
  }
}

export const thumbprint = certificate.thumbprint;
export const plan = certificate.plan;
export const programNode = process.version;
export const providerNode = new NodeProbe('node-probe').node;
export const sdkVersion: string = require('@pulumi/pulumi/package.json').version;
export const packageEntry = require.resolve('sfb-oauth-cert');
export const awsSdkVersion: string = require('@aws-sdk/client-secrets-manager/package.json').version;
`;

describe.each(ROWS)('a consumer project installing the tarball: $name', (row) => {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-consumer-'));
  const dir = path.join(tempDir, 'project');
  const env = consumerEnv(row, tempDir);
  const printed: string[] = [];
  let installOutput = '';
  const pulumi = async (args: string[], stdin?: string): Promise<string> => {
    const result = await ok(pulumiLayout.pulumiBinary, ['--non-interactive', ...args], { cwd: dir, env, ...(stdin === undefined ? {} : { stdin }) });
    printed.push(result.output);
    return result.output;
  };

  beforeAll(async () => {
    for (const d of [dir, path.join(tempDir, 'pulumi-home'), path.join(tempDir, 'state'), path.join(dir, 'certs')]) {
      fs.mkdirSync(d, { recursive: true });
    }
    const name = `sfb-consumer-${path.basename(tempDir).replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`;
    // As `pulumi new typescript` lays a project out.
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\ndescription: A user's project that installs sfb-oauth-cert\n`);
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify(
        {
          name,
          private: true,
          main: 'index.ts',
          dependencies: { '@pulumi/pulumi': row.sdk, 'sfb-oauth-cert': `file:${tarball}` },
          // The row's end of the package's AWS SDK range.
          overrides: { '@aws-sdk/client-secrets-manager': row.awsSdk },
          devDependencies: { '@types/node': installedVersion('@types/node'), typescript: installedVersion('typescript') },
        },
        null,
        2,
      )}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            outDir: 'bin',
            target: 'es2020',
            module: 'commonjs',
            moduleResolution: 'node',
            sourceMap: true,
            experimentalDecorators: true,
            pretty: true,
            noFallthroughCasesInSwitch: true,
            noImplicitReturns: true,
            forceConsistentCasingInFileNames: true,
          },
          files: ['index.ts'],
        },
        null,
        2,
      )}\n`,
    );
    fs.writeFileSync(path.join(dir, 'index.ts'), PROGRAM);
    fs.copyFileSync(path.join(CORPUS_DIR, FIXTURE.file), path.join(dir, 'certs', 's2s.pfx'));
    installOutput = (await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env })).output;
    await pulumi(['stack', 'init', 'dev']);
    // Secrets go through stdin, never argv.
    await pulumi(['config', 'set', '--secret', 'pfxPassword'], PFX_PASSWORD);
    await pulumi(['config', 'set', '--secret', 'sfb-oauth-cert:storePassphrase'], STORE_PASSPHRASE);
  }, 600_000);

  afterAll(() => {
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('installs the package from the tarball with one @pulumi/pulumi: the user\'s own, at the row\'s version', () => {
    const installed = path.join(dir, 'node_modules', 'sfb-oauth-cert');
    expect(fs.lstatSync(installed).isDirectory()).toBe(true);
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'node_modules', '@pulumi', 'pulumi'))).toBe(false);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const sdkCopies = Object.keys(lock.packages).filter((p) => p.endsWith('node_modules/@pulumi/pulumi'));
    expect(sdkCopies).toEqual(['node_modules/@pulumi/pulumi']);
    expect(lock.packages['node_modules/@pulumi/pulumi']?.version).toBe(row.sdk);
    expect(lock.packages['node_modules/sfb-oauth-cert']?.version).toBe(repoPackage.version);
    // The handlers the serialized provider requires resolve from the project, through `exports`.
    const handlers = require.resolve('sfb-oauth-cert/dist/provider/pulumi/handlers', { paths: [dir] });
    expect(handlers).toBe(path.join(fs.realpathSync(installed), 'dist', 'provider', 'pulumi', 'handlers.js'));
    // Nowhere else Node looks (no NODE_PATH; above the project; the global folders) holds it,
    // so the provider process, which resolves from the project directory, can only load this copy.
    expect(env.NODE_PATH).toBeUndefined();
    const elsewhere: string[] = [];
    for (let d = path.dirname(dir); ; d = path.dirname(d)) {
      elsewhere.push(path.join(d, 'node_modules', 'sfb-oauth-cert'));
      if (path.dirname(d) === d) break;
    }
    const home = os.homedir();
    elsewhere.push(path.join(home, '.node_modules', 'sfb-oauth-cert'), path.join(home, '.node_libraries', 'sfb-oauth-cert'));
    elsewhere.push(path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node', 'sfb-oauth-cert'));
    expect(elsewhere.filter((p) => fs.existsSync(p))).toEqual([]);
  });

  it('npm install flags nothing of the package: no install script, no engine mismatch', () => {
    const aboutUs = installOutput.split('\n').filter((line) => /^npm (warn|error)/i.test(line) && line.includes('sfb-oauth-cert'));
    expect(aboutUs).toEqual([]);
    expect(installOutput).not.toMatch(/install-scripts\s+sfb-oauth-cert/);
  });

  it('runs the installed bin: sfb-oauth-cert validate', async () => {
    const result = await run(
      path.join(dir, 'node_modules', '.bin', 'sfb-oauth-cert'),
      ['validate', 'certs/s2s.pfx', '--sip-domain', 'contoso.com', '--json'],
      { cwd: dir, env: { ...env, PFX_PASSWORD } },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, thumbprint: FIXTURE.expected.thumbprint, usageError: null });
  });

  it('pulumi preview --diff shows the certificate to create, checked: its thumbprint and plan, the PFX and password as secrets', async () => {
    const preview = await pulumi(['preview', '--diff']);
    expect(preview).toContain('+ pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate: (create)');
    expect(preview).toMatch(new RegExp(`thumbprint\\s*: "${FIXTURE.expected.thumbprint}"`));
    expect(preview).toMatch(new RegExp(`plan\\s*: "new ${FIXTURE.expected.thumbprint?.slice(0, 4)}\\.\\. current now"`));
    expect(preview).toMatch(/pfx\s*: \[secret\]/);
    expect(preview).toMatch(/password\s*: \[secret\]/);
    expect(preview).toMatch(/\+ 3 to create/);
  });

  it(`pulumi up --yes creates it; the program and the dynamic provider ran on the row's Node`, async () => {
    const up = await pulumi(['up', '--yes']);
    expect(up).toMatch(/3 created/);
    const outputs = JSON.parse(await pulumi(['stack', 'output', '--json'])) as Record<string, unknown>;
    expect(outputs).toMatchObject({
      thumbprint: FIXTURE.expected.thumbprint,
      programNode: row.nodeVersion,
      providerNode: row.nodeVersion,
      sdkVersion: row.sdk,
      awsSdkVersion: row.awsSdk,
      packageEntry: path.join(fs.realpathSync(path.join(dir, 'node_modules', 'sfb-oauth-cert')), 'dist', 'provider', 'index.js'),
    });
    expect(fs.existsSync(path.join(dir, '.sfb-store'))).toBe(true);
  });

  it('a second pulumi up changes nothing', async () => {
    const noop = await pulumi(['up', '--yes', '--expect-no-changes']);
    expect(noop).toMatch(/3 unchanged/);
    expect(noop).not.toMatch(/created|updated|replaced|deleted/);
  });

  it('pulumi destroy --yes deletes it', async () => {
    const destroy = await pulumi(['destroy', '--yes']);
    expect(destroy).toMatch(/3 deleted/);
  });

  it('printed no secret and no language-host warning', () => {
    expect(printed.length).toBeGreaterThanOrEqual(8);
    for (const out of printed) {
      expect(out).not.toContain(PFX_PASSWORD);
      expect(out).not.toContain(STORE_PASSPHRASE);
      expect(out).not.toContain(PATH_WARNING);
      expect(out).not.toContain('NodeVersionSupportWarning');
    }
  });
});
