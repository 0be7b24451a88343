/**
 * Drift on the Front End pool that the drift gate must catch (issue #19 items 9 and 10), through
 * the real Pulumi CLI against the Skype cmdlet emulator (a Pulumi.yaml project whose pool command
 * is bin/sfb-skype-emulator, as in front-end.int.test.ts).
 *
 * - A roll scheduled by hand (`Import-CsCertificate -Identity Global ... -EffectiveDate ... -Roll`
 *   to a certificate not declared) while the declared one is current everywhere: refresh records
 *   it as drift, `preview --expect-no-changes` fails, `up` fails with FOREIGN_ROLL_PENDING naming
 *   the roll and the command and sends nothing; with the pool's `replaceForeignRoll: true` the
 *   next `up` sets the declared certificate over it, and the gate passes again.
 * - A Front End that cannot be read: refresh succeeds and marks it in `servers`, named in the
 *   drift line; the gate fails; `up` fails with SERVER_UNREACHABLE naming it and sends nothing;
 *   once it answers again, `up` converges and the gate passes.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAY_MS } from '../../provider/domain/time';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';

/** What an administrator types on a US-English server whose clock is UTC: `M/d/yyyy h:mm:ss AM`. */
function usEnglishUtc(at: Date): string {
  const hour = at.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ${hour % 12 === 0 ? 12 : hour % 12}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}

const layout = requirePulumiInstalled();
const EMULATOR = path.join(projectRoot(), 'bin', 'sfb-skype-emulator');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'front-end-drift-store-passphrase';

const PROGRAM = `
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, FrontEndPools, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

const config = new pulumi.Config();
const certificate = new OAuthTokenIssuerCertificate('oauth', {
  sipDomain: 'contoso.com',
  pfx: pfxFromFile(config.require('pfxFile')),
  password: config.requireSecret('pfxPassword'),
  store: CertificateStores.local({ directory: '.sfb-store' }),
  pool: FrontEndPools.powershell({
    servers: config.requireObject<string[]>('servers'),
    command: config.requireObject<string[]>('command'),
    replicationTimeoutSeconds: 8,
    pollIntervalSeconds: 1,
    ...(config.getBoolean('replaceForeignRoll') ? { replaceForeignRoll: true } : {}),
  }),
});
export const thumbprint = certificate.thumbprint;
`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string }; unreachable?: { code: string; message: string } };

describe('Front End drift the gate must catch (issue #19 items 9 and 10)', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-front-end-drift-'));
  const skype = path.join(temp, 'skype');
  const skypeEnv = { ...process.env, SFB_SKYPE_EMULATOR_DIR: skype };
  const dir = path.join(temp, 'project');
  const env: NodeJS.ProcessEnv = { ...process.env, ...engineEnv({ pulumiHome: path.join(temp, 'home'), backendUrl: `file://${path.join(temp, 'state')}`, passphrase: LOCAL_DEMO_PASSPHRASE }) };
  for (const key of ['PULUMI_NODEJS_TYPESCRIPT', 'PULUMI_NODEJS_TSCONFIG_PATH', 'SFB_STORE_PASSPHRASE', 'SFB_SKYPE_EMULATOR_DIR']) delete env[key];
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;

  const pulumi = (args: string[], stdin = '') => run(layout.pulumiBinary, ['--non-interactive', ...args], { cwd: dir, env, stdin });
  async function ok(args: string[], stdin = ''): Promise<string> {
    const result = await pulumi(args, stdin);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }
  /** The resource's outputs in state: refresh and a failed update change them, not the stack outputs. */
  async function outputs(): Promise<{ plan: string; servers: Record<string, ServerOut> }> {
    const exported = JSON.parse(await ok(['stack', 'export'])) as { deployment: { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } };
    const resource = (exported.deployment.resources ?? []).find((r) => r.type.endsWith('sfb:OAuthTokenIssuerCertificate'));
    return resource!.outputs as { plan: string; servers: Record<string, ServerOut> };
  }
  /** Scripts sent to the emulator that change the deployment, after the first `from` log lines. */
  const changesSince = (from: number) => log().slice(from).filter((s) => /Import-CsCertificate|Set-CsCertificate|Invoke-CsManagementStoreReplication|Remove-CsCertificate/.test(s));
  function log(): string[] {
    const file = path.join(skype, 'scripts.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { script: string }).script) : [];
  }
  const gate = () => pulumi(['preview', '--expect-no-changes']);

  beforeAll(async () => {
    fs.mkdirSync(skype);
    execFileSync(EMULATOR, ['admin', 'init', '--servers', SERVERS.join(','), '--replication-delay', '1', '--now', 'real'], { env: skypeEnv });
    for (const d of [dir, path.join(temp, 'home'), path.join(temp, 'state')]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: front-end-drift\nruntime: nodejs\n');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'front-end-drift', private: true, main: 'index.ts' }));
    fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'index.ts'), PROGRAM);
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(dir, 'a.pfx'));
    await ok(['stack', 'init', 'test']);
    await ok(['config', 'set', '--secret', 'sfb-oauth-cert:storePassphrase'], STORE_PASSPHRASE);
    await ok(['config', 'set', '--secret', 'pfxPassword'], PASSWORD);
    await ok(['config', 'set', 'pfxFile', 'a.pfx']);
    await ok(['config', 'set', 'servers', JSON.stringify(SERVERS)]);
    await ok(['config', 'set', 'command', JSON.stringify(['env', `SFB_SKYPE_EMULATOR_DIR=${skype}`, EMULATOR, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'])]);
    await ok(['up', '--yes']);
    expect((await gate()).code).toBe(0);
  });

  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('a roll scheduled by hand to an undeclared certificate: refresh shows it, the gate fails, up refuses it (FOREIGN_ROLL_PENDING) sending nothing; replaceForeignRoll sets the declared state over it', async () => {
    // An operator imports B as a roll 30 days ahead, behind Pulumi's back (en-US, UTC servers).
    const at = new Date(Math.ceil((Date.now() + 30 * DAY_MS) / 1000) * 1000);
    const hand = path.join(temp, 'hand');
    fs.mkdirSync(hand, { mode: 0o700 });
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(hand, 'b.pfx'));
    fs.chmodSync(path.join(hand, 'b.pfx'), 0o600);
    fs.writeFileSync(path.join(hand, 's.psd1'), `@{ Password = '${B.password}' }`, { mode: 0o600 });
    const operator = await run(EMULATOR, ['-NoProfile', '-NonInteractive', '-Command', '-'], {
      env: skypeEnv,
      // Typed at a Windows PowerShell 5.1 prompt, a line at a time (the emulator's default edition).
      stdin: `$ProgressPreference = 'SilentlyContinue'\nImport-Module SkypeForBusiness\n$s = Import-PowerShellDataFile -LiteralPath '${hand}/s.psd1'\nImport-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${hand}/b.pfx' -Password $s.Password -EffectiveDate '${usEnglishUtc(at)}' -Roll\n`,
    });
    expect(operator).toMatchObject({ code: 0, stderr: '' });
    await new Promise((r) => setTimeout(r, 1500));

    await ok(['refresh', '--yes']);
    const drifted = await outputs();
    const pendingAt = `${b.slice(0, 4)}.. pending at ${at.toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z')}`;
    expect(drifted.plan).toBe(`drift: ${SERVERS.map((s) => `${s} (current ${a.slice(0, 4)}.., ${pendingAt})`).join(', ')} instead of the declared ${a}`);
    for (const s of SERVERS) expect(drifted.servers[s]).toMatchObject({ current: a, pending: { thumbprint: b, effectiveDate: at.toISOString() } });
    const failedGate = await gate();
    expect(failedGate.code).not.toBe(0);
    expect(failedGate.stdout + failedGate.stderr).toContain('no changes were expected for preview but changes were proposed');

    const before = log().length;
    const refused = await pulumi(['up', '--yes']);
    expect(refused.code).not.toBe(0);
    const text = refused.stdout + refused.stderr;
    const exactAt = at.toISOString().replace(/\.000Z$/, 'Z');
    expect(text).toContain(`FOREIGN_ROLL_PENDING: A roll this resource did not declare is pending: certificate ${b} becomes current at ${exactAt} on the Central Management Store, ${SERVERS.join(', ')}; the declaration is ${a} current now.`);
    expect(text).toContain(`\`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${a}\` (without -Roll)`);
    expect(text).toContain('`replaceForeignRoll: true`');
    expect(changesSince(before)).toEqual([]);
    expect((await gate()).code).not.toBe(0);

    // Told to: the declared certificate is set again, now, over the roll.
    await ok(['config', 'set', 'replaceForeignRoll', 'true']);
    const replacing = log().length;
    await ok(['up', '--yes']);
    const replacedBy = changesSince(replacing);
    expect(replacedBy).toHaveLength(1);
    expect(replacedBy[0]).toContain(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${a}'`);
    expect(replacedBy[0]).not.toContain('-Roll');
    const replaced = await outputs();
    for (const s of SERVERS) {
      expect(replaced.servers[s]).toMatchObject({ current: a });
      expect(replaced.servers[s]).not.toHaveProperty('pending');
    }
    expect((await gate()).code).toBe(0);
  });

  it('a Front End that cannot be read: refresh succeeds and marks it, the gate fails, up fails naming it and sends nothing; once it answers, up converges', async () => {
    // fe03 stops answering WinRM (docs/skype-emulator.md, Remoting): the others still answer.
    execFileSync(EMULATOR, ['admin', 'unreachable', 'fe03.contoso.com'], { env: skypeEnv });

    await ok(['refresh', '--yes']);
    const seen = await outputs();
    expect(seen.plan).toBe(`drift: fe03.contoso.com (could not be read: SERVER_UNREACHABLE) instead of the declared ${a}`);
    expect(seen.servers['fe01.contoso.com']).toMatchObject({ current: a });
    expect(seen.servers['fe03.contoso.com']).toEqual({ current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE', message: expect.stringMatching(/^Front End Server fe03\.contoso\.com could not be reached while reading .*Test-WSMan fe03\.contoso\.com/) } });
    expect((await gate()).code).not.toBe(0);

    const before = log().length;
    const failed = await pulumi(['up', '--yes']);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain('SERVER_UNREACHABLE: Front End Server fe03.contoso.com could not be reached');
    expect(changesSince(before)).toEqual([]);
    expect((await outputs()).servers['fe03.contoso.com']).toMatchObject({ unreachable: { code: 'SERVER_UNREACHABLE' } });

    // Back: fe03 answers again (its replica never stopped), the next up has only to look.
    execFileSync(EMULATOR, ['admin', 'reachable', 'fe03.contoso.com'], { env: skypeEnv });
    await ok(['up', '--yes']);
    const converged = await outputs();
    for (const s of SERVERS) expect(converged.servers[s]).toEqual(expect.objectContaining({ current: a }));
    expect(converged.servers['fe03.contoso.com']).not.toHaveProperty('unreachable');
    expect((await gate()).code).toBe(0);
  });
});
