/**
 * `npm run demo`: a real `pulumi up --yes` of the repository's Pulumi.yaml project (main:
 * examples/embedded/index.ts) on the embedded defaults (local file backend `.pulumi-state/`, local
 * certificate store), run by the Pulumi CLI as a user would type it in the repository root, then
 * `pulumi stack output`. The CLI is the user's own when it is recent enough, else the pinned
 * build (built from the Go module proxy the first time): scripts/pulumi-cli.ts ensurePulumiCli().
 *
 * On first run it creates a demo PFX for contoso.com and stores its password and the store
 * passphrase as secret stack config (`pulumi config set --secret <key>` with the value on stdin,
 * never on argv: scripts/secret-config.ts). A second run changes nothing, and says so. The
 * repository's public demo passphrase protects only this "demo" stack on the embedded backend;
 * with PULUMI_BACKEND_URL pointing elsewhere, set PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineEnv } from './engine-environment';
import { ensureSupportedNode } from './node-runtime';
import { DEMO_STACK, fileBackendDir } from './passphrase-policy';
import { projectRoot } from './project-paths';
import { ensurePulumiCli, type PulumiCli } from './pulumi-cli';
import { setSecretConfig } from './secret-config';
import { makeDemoPfx } from '../provider/adapters/pfx/demo-pfx';

const SIP_DOMAIN = 'contoso.com';

export interface DemoConfigTarget {
  /** Where the demo PFX is written. */
  demoDir: string;
  pulumiBinary: string;
  /** The CLI environment (PULUMI_HOME, backend, passphrase), added to process.env. */
  env: Record<string, string>;
  /** The project directory (its Pulumi.yaml names the project). Or give `stack`. */
  workDir?: string;
  stackName?: string;
  /** An Automation API stack (it names the directory and the stack), as the engine tests use. */
  stack?: { name: string; workspace: { workDir: string } };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with its output captured (for commands whose output the demo reads). */
function capture(binary: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--non-interactive', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function captureOk(binary: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const result = await capture(binary, args, cwd, env);
  if (result.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/** The project's name, from the `name:` line of its Pulumi.yaml (the namespace of bare config keys). */
function projectName(workDir: string): string {
  for (const file of ['Pulumi.yaml', 'Pulumi.yml']) {
    const path = join(workDir, file);
    if (!existsSync(path)) continue;
    const match = /^name:\s*["']?([^\s"'#]+)/m.exec(readFileSync(path, 'utf8'));
    if (match?.[1]) return match[1];
  }
  throw new Error(`No Pulumi.yaml with a name in ${workDir}`);
}

/**
 * First run: a throwaway self-signed certificate and fresh secrets, kept only as secret config
 * (set through the CLI's stdin). Returns whether it configured anything.
 */
export async function ensureDemoConfig(target: DemoConfigTarget): Promise<boolean> {
  const workDir = target.stack?.workspace.workDir ?? target.workDir;
  const stackName = target.stack?.name ?? target.stackName;
  if (workDir === undefined || stackName === undefined) throw new Error('ensureDemoConfig needs a workDir and a stackName (or a stack)');
  const { demoDir, pulumiBinary, env } = target;
  const pfxFile = join(demoDir, 'contoso-oauth.pfx');
  const project = projectName(workDir);
  // Without --show-secrets: secret values are not decrypted, only named.
  const config = JSON.parse(await captureOk(pulumiBinary, ['config', '--json', '--stack', stackName], workDir, env)) as Record<string, unknown>;
  if (existsSync(pfxFile) && config[`${project}:pfxPassword`]) return false;
  const cli = { pulumiBinary, workDir, env, stackName };
  const password = randomBytes(18).toString('base64url');
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  writeFileSync(pfxFile, makeDemoPfx({ sipDomain: SIP_DOMAIN, password, notBefore: new Date(), validDays: 365 }), { mode: 0o600 });
  await setSecretConfig(cli, 'pfxPassword', password);
  await captureOk(pulumiBinary, ['config', 'set', '--stack', stackName, '--', 'sipDomain', SIP_DOMAIN], workDir, env);
  await captureOk(pulumiBinary, ['config', 'set', '--stack', stackName, '--', 'pfxFile', pfxFile], workDir, env);
  if (!config['sfb-oauth-cert:storePassphrase']) {
    await setSecretConfig(cli, 'sfb-oauth-cert:storePassphrase', randomBytes(24).toString('base64url'));
  }
  console.log(`Created the demo certificate ${pfxFile} (self-signed for ${SIP_DOMAIN}); its password is secret stack config.`);
  return true;
}

/** The emulated Front End pool of the demo: three servers of contoso.com. */
const DEMO_SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

/** Runs the emulator's admin CLI (not a Pulumi command) and returns what it printed. */
function runEmulator(emulator: string, args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [emulator, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The demo's Skype deployment: the cmdlet emulator (docs/skype-emulator.md) with three Front End
 * Servers, its state under .demo/, and the stack config that points the pool at it. Made once.
 */
async function ensureDemoPool(root: string, cli: { pulumiBinary: string; env: Record<string, string> }): Promise<{ emulator: string; emulatorEnv: Record<string, string> }> {
  const dir = join(root, '.demo', 'skype-emulator');
  const emulator = join(root, 'bin', 'sfb-skype-emulator');
  const emulatorEnv = { SFB_SKYPE_EMULATOR_DIR: dir };
  if (!existsSync(join(dir, 'state.json'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    runEmulator(emulator, ['admin', 'init', '--servers', DEMO_SERVERS.join(','), '--replication-delay', '2'], emulatorEnv);
    console.log(`demo: an emulated Skype for Business deployment with ${DEMO_SERVERS.join(', ')} in ${dir}`);
  }
  // The demo's pool is Windows PowerShell 5.1 (the default edition), also for a deployment made
  // by an earlier demo on another edition.
  runEmulator(emulator, ['admin', 'configure', '--edition', 'desktop'], emulatorEnv);
  const shell = ['env', `SFB_SKYPE_EMULATOR_DIR=${dir}`, process.execPath, emulator, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
  const config = JSON.parse(await captureOk(cli.pulumiBinary, ['config', '--json', '--stack', DEMO_STACK], root, cli.env)) as Record<string, { value?: string }>;
  const project = projectName(root);
  const setIfChanged = async (key: string, value: unknown) => {
    const wanted = JSON.stringify(value);
    if (config[`${project}:${key}`]?.value === wanted) return;
    await captureOk(cli.pulumiBinary, ['config', 'set', '--stack', DEMO_STACK, '--', key, wanted], root, cli.env);
  };
  await setIfChanged('frontEndServers', DEMO_SERVERS);
  await setIfChanged('frontEndShell', shell);
  return { emulator, emulatorEnv };
}

/** Runs a CLI command in the user's view: the command line first, its output straight to the terminal. */
function show(cli: PulumiCli, args: string[], cwd: string, env: Record<string, string>): Promise<void> {
  console.log(`\n$ pulumi ${args.join(' ')}`);
  const interactive = process.stdin.isTTY && process.stdout.isTTY && !process.env.CI;
  return new Promise((resolve, reject) => {
    const child = spawn(cli.pulumiBinary, [...(interactive ? [] : ['--non-interactive']), ...args], { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(' ')} failed (${signal ?? `exit ${code}`}); its output is above.`))));
  });
}

/** The resource changes of the stack's last update, from `pulumi stack history --json`. */
async function lastChanges(cli: PulumiCli, root: string, env: Record<string, string>): Promise<Record<string, number>> {
  const history = JSON.parse(await captureOk(cli.pulumiBinary, ['stack', 'history', '--json', '--page-size', '1'], root, env)) as { kind?: string; resourceChanges?: Record<string, number> }[];
  return history[0]?.resourceChanges ?? {};
}

async function main(): Promise<void> {
  const root = projectRoot();
  const say = (line: string) => console.log(`demo: ${line}`);
  // The user's own CLI when it qualifies; else the pinned build, refreshed (or built) by scripts/install-pulumi.
  const cli = ensurePulumiCli({ root, refresh: true, log: say, installOutput: 'inherit' });
  say(`Pulumi CLI ${cli.version} at ${cli.pulumiBinary} (${cli.source === 'path' ? 'found on PATH' : 'the pinned build in the machine cache'})`);
  // On a machine whose own Node is older than 22, the CLI's Node processes (language host,
  // program, provider) run on the cached Node 24 instead, so the demo stays one command there.
  const nodeBinDir = ensureSupportedNode({ log: say });
  if (nodeBinDir !== undefined) say(`program and provider on Node.js from ${nodeBinDir} (this machine's is ${process.version})`);
  const env = engineEnv({ root, stackName: DEMO_STACK, cli, ...(nodeBinDir === undefined ? {} : { nodeBinDir }) });
  mkdirSync(env.PULUMI_HOME!, { recursive: true });
  const stateDir = fileBackendDir(env.PULUMI_BACKEND_URL!);
  if (stateDir) mkdirSync(stateDir, { recursive: true });

  await captureOk(cli.pulumiBinary, ['stack', 'select', '--create', DEMO_STACK], root, env);
  say(`stack "${DEMO_STACK}" of ${join(root, 'Pulumi.yaml')} on ${env.PULUMI_BACKEND_URL}`);
  await ensureDemoConfig({ workDir: root, stackName: DEMO_STACK, demoDir: join(root, '.demo'), pulumiBinary: cli.pulumiBinary, env });

  const pool = await ensureDemoPool(root, { pulumiBinary: cli.pulumiBinary, env });

  await show(cli, ['up', '--yes'], root, env);
  const changes = Object.entries(await lastChanges(cli, root, env)).filter(([op, n]) => op !== 'same' && n > 0);
  say(changes.length === 0 ? 'no changes: `pulumi up` left every resource unchanged.' : `changes: ${changes.map(([op, n]) => `${n} ${op}`).join(', ')}.`);
  await show(cli, ['stack', 'output'], root, env);
  console.log('\n$ sfb-skype-emulator admin show    # each emulated Front End Server');
  console.log(runEmulator(pool.emulator, ['admin', 'show'], pool.emulatorEnv).trimEnd());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
