/**
 * Front End convergence through the real Pulumi CLI against the Skype cmdlet emulator (issue #10):
 * a Pulumi.yaml project (`runtime: nodejs`, the Node language host stand-in) declares an
 * OAuthTokenIssuerCertificate with `pool: FrontEndPools.powershell(...)` whose command is the
 * emulator (bin/sfb-skype-emulator), so every script crosses a real process boundary and the
 * emulator logs it (scripts.log) for the secret scan at the end.
 *
 * One stack walks through: immediate set; no-op up sends no change; a deployment changed by hand
 * shows as drift and the next up corrects it; one stale server fails the update as a partial
 * success naming it, then converges; a scheduled roll in de-DE / Europe/Berlin (preview shows the
 * server string; after the emulator clock passes the date, refresh shows current and previous
 * swapped on every server); a roll too close to the current certificate's expiry is refused at
 * preview. A second stack adopts the deployment with no action. Then: one server set by hand on
 * itself (a local assignment on fe02 only) shows as drift of fe02 alone and the next up removes
 * that assignment there, touching nothing else; and a previous certificate whose NotAfter passes
 * (a short-lived one, made by makeDemoPfx) is planned for removal in preview and removed from
 * every server by the next up (Remove-CsCertificate -Identity Global -Previous).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { DAY_MS, HOUR_MS, isoMinute } from '../../provider/domain/time';
import { validatePfx } from '../../provider/validate-pfx';
import { engineEnv } from '../../scripts/engine-environment';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { bytesOf, CORPUS_DIR, entry } from '../support/pfx-corpus';

const layout = requirePulumiInstalled();
const EMULATOR = path.join(projectRoot(), 'bin', 'sfb-skype-emulator');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'front-end-store-passphrase-never-printed';
const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
/** .NET ticks of an instant: what the roll script builds its DateTime from (docs/shell-contract.md). */
const ticks = (d: Date) => ((BigInt(d.getTime()) + 62_135_596_800_000n) * 10_000n).toString();

const PROGRAM = `
import * as pulumi from '@pulumi/pulumi';
import { CertificateStores, FrontEndPools, OAuthTokenIssuerCertificate, pfxFromFile } from 'sfb-oauth-cert';

const config = new pulumi.Config();
const effectiveDate = config.get('effectiveDate');
const certificate = new OAuthTokenIssuerCertificate('oauth', {
  sipDomain: 'contoso.com',
  pfx: pfxFromFile(config.require('pfxFile')),
  password: config.requireSecret('pfxPassword'),
  ...(effectiveDate ? { effectiveDate } : {}),
  store: CertificateStores.local({ directory: config.get('storeDir') ?? '.sfb-store' }),
  pool: FrontEndPools.powershell({
    servers: config.requireObject<string[]>('servers'),
    command: config.requireObject<string[]>('command'),
    edition: (config.get('edition') ?? 'desktop') as 'desktop',
    removeLocalAssignments: config.getBoolean('removeLocalAssignments') ?? false,
    // Deprecated (issue #15): accepted and ignored with a warning; set only by the Berlin roll test.
    ...(config.get('dateCulture') ? { dateCulture: config.get('dateCulture') } : {}),
    serverTimeZone: config.get('serverTimeZone') ?? 'UTC',
    replicationTimeoutSeconds: 8,
    pollIntervalSeconds: 1,
  }),
});
export const thumbprint = certificate.thumbprint;
export const plan = certificate.plan;
export const servers = certificate.servers;
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

/** The emulated deployment: its state directory, the admin CLI, raw scripts and the log. */
class Emulator {
  readonly env: NodeJS.ProcessEnv;
  constructor(readonly dir: string) {
    this.env = { ...process.env, SFB_SKYPE_EMULATOR_DIR: dir };
  }
  admin(...args: string[]): string {
    return execFileSync(EMULATOR, ['admin', ...args], { env: this.env, encoding: 'utf8' });
  }
  /** An operator's script, run as a file in the emulated shell (docs/shell-contract.md). */
  async script(text: string): Promise<Run> {
    const file = path.join(this.dir, `operator-${Date.now()}-${Math.random().toString(36).slice(2)}.ps1`);
    fs.writeFileSync(file, `\uFEFF${text}`);
    try {
      return await run(EMULATOR, [...SHELL_OPTIONS, '-File', file], { env: this.env });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
  get command(): string[] {
    return ['env', `SFB_SKYPE_EMULATOR_DIR=${this.dir}`, EMULATOR, ...SHELL_OPTIONS];
  }
  log(): Array<{ script: string; argv: string[] }> {
    const file = path.join(this.dir, 'scripts.log');
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { script: string; argv: string[] });
  }
  /** Scripts that change the deployment, sent since `from` log entries. */
  changesSince(from: number): string[] {
    return this.log()
      .slice(from)
      .map((r) => r.script)
      .filter((s) => /Import-CsCertificate|Set-CsCertificate|Invoke-CsManagementStoreReplication|Remove-CsCertificate/.test(s));
  }
}

class Project {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly outputs: string[] = [];

  constructor(readonly tempDir: string, stack: string) {
    this.dir = path.join(tempDir, `project-${stack}`);
    const home = path.join(tempDir, `pulumi-home-${stack}`);
    const state = path.join(tempDir, `state-${stack}`);
    for (const d of [this.dir, home, state]) fs.mkdirSync(d);
    const name = `front-end-${stack}`;
    fs.writeFileSync(path.join(this.dir, 'Pulumi.yaml'), `name: ${name}\nruntime: nodejs\n`);
    fs.writeFileSync(path.join(this.dir, 'package.json'), JSON.stringify({ name, private: true, main: 'index.ts' }));
    fs.symlinkSync(path.join(projectRoot(), 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(this.dir, 'index.ts'), PROGRAM);
    this.env = { ...process.env, ...engineEnv({ pulumiHome: home, backendUrl: `file://${state}`, passphrase: LOCAL_DEMO_PASSPHRASE }) };
    delete this.env.PULUMI_NODEJS_TYPESCRIPT;
    delete this.env.PULUMI_NODEJS_TSCONFIG_PATH;
    delete this.env.SFB_STORE_PASSPHRASE;
    delete this.env.SFB_SKYPE_EMULATOR_DIR;
  }

  async pulumi(args: string[], stdin = ''): Promise<Run> {
    const result = await run(layout.pulumiBinary, ['--non-interactive', ...args], { cwd: this.dir, env: this.env, stdin });
    this.outputs.push(result.stdout, result.stderr);
    return result;
  }

  async ok(args: string[], stdin = ''): Promise<string> {
    const result = await this.pulumi(args, stdin);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  async set(key: string, value: string | null, secret = false): Promise<void> {
    if (value === null) await this.ok(['config', 'rm', key]);
    else if (secret) await this.ok(['config', 'set', '--secret', key], value);
    else await this.ok(['config', 'set', key, value]);
  }

  /**
   * The certificate resource's outputs in state (`pulumi stack export`): stack outputs are the
   * program's, written by a successful up only, while refresh and a failed update change state.
   */
  async output<T>(): Promise<{ thumbprint: string; plan: string; servers: Record<string, T> }> {
    const exported = JSON.parse(await this.ok(['stack', 'export'])) as { deployment: { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } };
    const resource = (exported.deployment.resources ?? []).find((r) => r.type.endsWith('sfb:OAuthTokenIssuerCertificate'));
    if (!resource?.outputs) throw new Error('no OAuthTokenIssuerCertificate in the stack');
    return resource.outputs as { thumbprint: string; plan: string; servers: Record<string, T> };
  }
}

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string }; previousNotAfter?: string };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));
const wholeMinute = (ms: number) => new Date(Math.ceil(ms / 60_000) * 60_000);
const isoZ = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

describe('Front End convergence through the Pulumi CLI against the Skype cmdlet emulator', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-front-end-'));
  const emulator = new Emulator(path.join(temp, 'skype'));
  const project = new Project(temp, 'main');
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;
  const soonNotBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY_MS);
  const soonPfx = makeDemoPfx({ sipDomain: 'contoso.com', password: PASSWORD, notBefore: soonNotBefore, validDays: 10 });
  const secrets = [PASSWORD, STORE_PASSPHRASE];
  for (const bytes of [bytesOf(A), bytesOf(B), soonPfx]) {
    const base64 = bytes.toString('base64');
    secrets.push(base64.slice(0, 24), base64.slice(base64.length >> 1, (base64.length >> 1) + 24));
  }

  beforeAll(async () => {
    fs.mkdirSync(emulator.dir);
    emulator.admin('init', '--servers', SERVERS.join(','), '--replication-delay', '1', '--now', 'real');
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(project.dir, 'a.pfx'));
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(project.dir, 'b.pfx'));
    fs.writeFileSync(path.join(project.dir, 'soon.pfx'), soonPfx);
    await project.ok(['stack', 'init', 'test']);
    await project.set('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE, true);
    await project.set('pfxPassword', PASSWORD, true);
    await project.set('pfxFile', 'a.pfx');
    await project.set('servers', JSON.stringify(SERVERS));
    await project.set('command', JSON.stringify(emulator.command));
  });

  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('immediate set: import once, every server reports it current', async () => {
    const preview = await project.ok(['preview', '--diff']);
    expect(preview).toContain(`new ${a.slice(0, 4)}.. current now; servers: set ${a.slice(0, 4)}.. current now, then verify 3`);
    await project.ok(['up', '--yes']);
    const out = await project.output<ServerOut>();
    expect(out.servers).toEqual(everyServer({ current: a, previous: null }));
    expect(emulator.changesSince(0).filter((s) => s.includes('Import-CsCertificate'))).toHaveLength(1);
  });

  it('the same desired state twice: no change, nothing sent but inspections', async () => {
    const before = emulator.log().length;
    const up = await project.ok(['up', '--yes']);
    // The CLI's summary of a no-op up: every resource unchanged, none updated or created.
    expect(up).toMatch(/Resources:\s+\d+ unchanged/);
    expect(up).not.toMatch(/\d+ (updated|created)|OAuthTokenIssuerCertificate\s+oauth\s+(update|create)/);
    expect(emulator.changesSince(before)).toEqual([]);
  });

  it('a deployment changed by hand shows as drift at refresh; the next up puts the declared certificate back', async () => {
    // An operator imports and sets another certificate behind Pulumi's back.
    const hand = path.join(temp, 'hand');
    fs.mkdirSync(hand, { mode: 0o700 });
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(hand, 'b.pfx'));
    fs.chmodSync(path.join(hand, 'b.pfx'), 0o600);
    fs.writeFileSync(path.join(hand, 's.psd1'), `@{ Password = '${PASSWORD}' }`, { mode: 0o600 });
    const operator = await emulator.script(
      `$ErrorActionPreference = 'Stop'\nImport-Module SkypeForBusiness\n$s = Import-PowerShellDataFile -LiteralPath '${hand}/s.psd1'\nImport-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${hand}/b.pfx' -Password $s.Password\n`,
    );
    expect(operator).toMatchObject({ code: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    await project.ok(['refresh', '--yes']);
    const drifted = await project.output<ServerOut>();
    expect(drifted.plan).toMatch(/^drift: fe01\.contoso\.com \(current 4D95\.\.\), fe02\.contoso\.com \(current 4D95\.\.\), fe03\.contoso\.com \(current 4D95\.\.\) instead of the declared 999F/);
    expect(drifted.servers).toEqual(everyServer({ current: b, previous: a }));
    await project.ok(['up', '--yes']);
    const corrected = await project.output<ServerOut>();
    expect(corrected.servers).toEqual(everyServer({ current: a, previous: b }));
  });

  it('one stale server: the update fails naming it, as a partial success; after it recovers, the next up converges', async () => {
    emulator.admin('stale', 'fe03.contoso.com');
    await project.set('pfxFile', 'soon.pfx');
    const failed = await project.pulumi(['up', '--yes']);
    expect(failed.code).not.toBe(0);
    const text = failed.stdout + failed.stderr;
    expect(text).toContain('POOL_NOT_CONVERGED: After 8 s, fe03.contoso.com (current 999F..) has not reached the declared OAuthTokenIssuer certificate');
    expect(text).toContain('(2 of 3 servers have)');
    const partial = await project.output<ServerOut>();
    expect(partial.plan).toContain('servers: not converged (POOL_NOT_CONVERGED), the next up resumes');
    // The pull-request review of the resuming update (issue #19, item 3): the store already
    // holds the new certificate, so the thumbprint is unchanged and fe03 is what changes.
    const soonThumbprint = (await validatePfx(soonPfx, PASSWORD)).thumbprint!;
    const previewJson = await project.pulumi(['preview', '--json']);
    const review = await run(process.execPath, [path.join(projectRoot(), 'bin', 'sfb-oauth-cert'), 'review', '--now', new Date().toISOString()], { stdin: previewJson.stdout });
    expect({ code: review.code, stderr: review.stderr }).toEqual({ code: 0, stderr: '' });
    expect(review.stdout).toContain(`- Thumbprint: \`${soonThumbprint}\` (unchanged)`);
    expect(review.stdout).toContain(`- Servers not on it at the last up or refresh: \`fe03.contoso.com\` \`${a}\` → \`${soonThumbprint}\``);
    emulator.admin('fresh', 'fe03.contoso.com');
    await project.ok(['up', '--yes']);
    const soon = (await validatePfx(soonPfx, PASSWORD)).thumbprint!;
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: soon, previous: a }));
  });

  it('a roll too close to the current certificate\'s expiry is refused at preview with ROLL_TOO_LATE', async () => {
    const notAfter = soonNotBefore.getTime() + 10 * DAY_MS;
    await project.set('pfxFile', 'b.pfx');
    await project.set('effectiveDate', isoZ(wholeMinute(notAfter - 12 * HOUR_MS)));
    const preview = await project.pulumi(['preview']);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain('ROLL_TOO_LATE: The `effectiveDate`');
    expect(preview.stdout + preview.stderr).toContain('is less than 24 hours before the current OAuthTokenIssuer certificate');
  });

  it('a scheduled roll, servers in de-DE / Europe/Berlin, the session in en-US (another day/month order): set on the CMS: preview shows the instant and the servers\' local time; set on the CMS from the instant\'s ticks, pending at the right instant; after the clock passes it, refresh shows current and previous swapped on every server', async () => {
    const soon = (await validatePfx(soonPfx, PASSWORD)).thumbprint!;
    // Three days ahead, a day later if that is near a Berlin clock change (refused: EFFECTIVE_DATE_AMBIGUOUS).
    const berlinParts = (d: Date) =>
      Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d).map((p) => [p.type, p.value]));
    const berlinOffset = (ms: number) => {
      const p = berlinParts(new Date(ms));
      return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - Math.floor(ms / 60_000) * 60_000;
    };
    let at = wholeMinute(Date.now() + 3 * DAY_MS);
    if (berlinOffset(at.getTime() - 3 * HOUR_MS) !== berlinOffset(at.getTime() + 3 * HOUR_MS)) at = new Date(at.getTime() + DAY_MS);
    await project.set('effectiveDate', isoZ(at));
    // The servers read dates in German, in Berlin time; the pool says so.
    emulator.admin('configure', '--culture', 'de-DE', '--time-zone', 'Europe/Berlin', '--session-culture', 'en-US', '--session-time-zone', 'Europe/Berlin');
    await project.set('dateCulture', 'de-DE');
    await project.set('serverTimeZone', 'Europe/Berlin');
    const berlin = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .format(at)
      .replace(',', '');
    const preview = await project.ok(['preview', '--diff']);
    // The plan line: the UTC instant and the servers' wall clock, no culture string (issue #15).
    const local = berlinParts(at);
    const localDate = `${local.year}-${local.month}-${local.day}`;
    expect(preview).toContain(`roll 4D95.. at ${isoZ(at)} (${local.hour}:${local.minute}${localDate === isoZ(at).slice(0, 10) ? '' : ` on ${localDate}`} W. Europe Standard Time on the servers), then verify 3`);
    const before = emulator.log().length;
    await project.ok(['up', '--yes']);
    const rolling = emulator.changesSince(before).join('\n');
    expect(rolling).toContain(`$effectiveDate = [System.DateTime]::new(${ticks(at)}, [System.DateTimeKind]::Utc).ToLocalTime()`);
    expect(rolling).toContain('-EffectiveDate $effectiveDate -Roll');
    expect(rolling).not.toContain(berlin);
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: soon, previous: a, pending: { thumbprint: b, effectiveDate: at.toISOString() } }));
    emulator.admin('set-clock', new Date(at.getTime() + 60_000).toISOString());
    await project.ok(['refresh', '--yes']);
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: b, previous: soon }));
    emulator.admin('set-clock', 'real');
    emulator.admin('configure', '--culture', 'en-US', '--time-zone', 'UTC', '--session-culture', 'en-US', '--session-time-zone', 'UTC');
    await project.set('dateCulture', null);
    await project.set('serverTimeZone', null);
  });

  it('adopt: a second stack declaring what the deployment already has current takes it on with no action', async () => {
    const second = new Project(temp, 'adopt');
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(second.dir, 'a.pfx'));
    await second.ok(['stack', 'init', 'test']);
    await second.set('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE, true);
    await second.set('pfxPassword', PASSWORD, true);
    await second.set('pfxFile', 'a.pfx');
    await second.set('servers', JSON.stringify(SERVERS));
    await second.set('command', JSON.stringify(emulator.command));
    // The main stack rolls back to A now; then the second stack declares A.
    await project.set('pfxFile', 'a.pfx');
    await project.set('effectiveDate', null);
    await project.ok(['up', '--yes']);
    const before = emulator.log().length;
    await second.ok(['up', '--yes']);
    expect(emulator.changesSince(before)).toEqual([]);
    expect((await second.output<ServerOut>()).servers).toEqual(everyServer({ current: a }));
    project.outputs.push(...second.outputs);
  });

  it('one server set by hand on itself (fe02 only): refresh shows fe02 alone as drift with the command that fixes it; up does not remove it by default; with removeLocalAssignments the next up removes it there and touches nothing else', async () => {
    const { servers: untouched } = await project.output<ServerOut>();
    const operator = await emulator.script(`$ErrorActionPreference = 'Stop'\nImport-Module SkypeForBusiness\nInvoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${b}' }\n`);
    expect(operator).toMatchObject({ code: 0 });
    await project.ok(['refresh', '--yes']);
    const drifted = await project.output<ServerOut>();
    const fix = "Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Remove-CsCertificate -Type OAuthTokenIssuer -Force }";
    expect(drifted.plan).toBe(`drift: fe02.contoso.com (current ${b.slice(0, 4)}.. set on the server itself; remove it there with ${fix}, or set the pool's removeLocalAssignments: true) instead of the declared ${a}`);
    expect(untouched['fe01.contoso.com']).toMatchObject({ current: a });
    expect(drifted.servers).toEqual({ ...untouched, 'fe02.contoso.com': expect.objectContaining({ current: b, previous: null }) });
    // By default nothing is removed: Remove-CsCertificate -Force there revokes the certificate's bindings.
    const refused = emulator.log().length;
    const kept = await project.pulumi(['up', '--yes']);
    expect(kept.code).not.toBe(0);
    expect(kept.stdout + kept.stderr).toContain(`POOL_NOT_CONVERGED: fe02.contoso.com uses an OAuthTokenIssuer certificate set on the server itself (${b.slice(0, 4)}.., a local assignment)`);
    expect(emulator.changesSince(refused)).toEqual([]);
    await project.set('removeLocalAssignments', 'true');
    const before = emulator.log().length;
    const up = await project.ok(['up', '--yes']);
    expect(up).toContain('OAuthTokenIssuerCertificate oauth updated');
    const changes = emulator.changesSince(before);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain("    Invoke-Command -ComputerName 'fe02.contoso.com' -ErrorAction Stop -ScriptBlock {\n");
    expect(changes[0]).toContain('        Remove-CsCertificate -Type OAuthTokenIssuer -Force\n');
    await project.set('removeLocalAssignments', null);
    const corrected = await project.output<ServerOut>();
    expect(corrected.servers).toEqual(untouched);
    expect(corrected.plan).not.toMatch(/^drift:/);
  });

  it('the previous certificate once its NotAfter has passed: preview plans its removal with the date, the next up removes it from every server, refresh alone does not', async () => {
    // Expires about two minutes from now, in real time: the provider decides with its own clock.
    const notAfter = new Date(Math.ceil((Date.now() + 120_000) / 1000) * 1000);
    const shortPfx = makeDemoPfx({ sipDomain: 'contoso.com', password: PASSWORD, notBefore: new Date(notAfter.getTime() - DAY_MS), validDays: 1 });
    const base64 = shortPfx.toString('base64');
    secrets.push(base64.slice(0, 24), base64.slice(base64.length >> 1, (base64.length >> 1) + 24));
    fs.writeFileSync(path.join(project.dir, 'short.pfx'), shortPfx);
    const short = (await validatePfx(shortPfx, PASSWORD)).thumbprint!;
    // The short-lived certificate current, then A again: the short one is previous everywhere.
    await project.set('pfxFile', 'short.pfx');
    await project.ok(['up', '--yes']);
    await project.set('pfxFile', 'a.pfx');
    await project.ok(['up', '--yes']);
    const kept = await project.output<ServerOut>();
    expect(kept.servers).toEqual(everyServer({ current: a, previous: short, previousNotAfter: notAfter.toISOString() }));
    // Before its NotAfter: nothing to do.
    expect(await project.ok(['preview', '--diff'])).not.toContain('remove previous');
    await new Promise((r) => setTimeout(r, Math.max(0, notAfter.getTime() - Date.now() + 1500)));
    // A refresh reads, it never removes.
    const beforeRefresh = emulator.log().length;
    await project.ok(['refresh', '--yes']);
    expect(emulator.changesSince(beforeRefresh)).toEqual([]);
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: a, previous: short }));
    const preview = await project.ok(['preview', '--diff']);
    expect(preview).toContain(`servers: all 3 have ${a.slice(0, 4)}.. current; remove previous ${short.slice(0, 4)}.. (expired ${isoMinute(notAfter)})`);
    const before = emulator.log().length;
    await project.ok(['up', '--yes']);
    const removals = emulator.changesSince(before);
    expect(removals).toHaveLength(1);
    expect(removals[0]).toContain('    Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force\n');
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: a, previous: null }));
    // Done: the next up has nothing to send.
    const after = emulator.log().length;
    expect(await project.ok(['up', '--yes'])).not.toContain('OAuthTokenIssuerCertificate oauth updat');
    expect(emulator.changesSince(after)).toEqual([]);
  });

  it('no secret in any script the emulator received, any argv, or any CLI output', () => {
    const log = emulator.log();
    expect(log.length).toBeGreaterThan(10);
    expect(secrets.filter((s) => `x${secrets[3]}x`.includes(s))).toEqual([secrets[3]]);
    const texts = [...log.map((r) => JSON.stringify(r)), ...project.outputs];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

/**
 * Issue #15, done when: in each edition of the emulated shell (Windows PowerShell 5.1, the
 * default, and PowerShell 7), a three-server pool converges through the CLI: first up, a no-op
 * second preview, a roll set on the CMS at the right instant while the session's culture orders
 * day and month otherwise than the servers', and an unreachable server named SERVER_UNREACHABLE.
 */
describe.each(['desktop', 'core'])('Front End convergence in the %s edition of the emulated shell', (edition) => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), `sfb-front-end-${edition}-`));
  const emulator = new Emulator(path.join(temp, 'skype'));
  const project = new Project(temp, edition);
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;

  beforeAll(async () => {
    fs.mkdirSync(emulator.dir);
    // The servers read dates as en-GB (day first), the session that runs the cmdlets as en-US (month first).
    emulator.admin('init', '--servers', SERVERS.join(','), '--edition', edition, '--culture', 'en-GB', '--time-zone', 'Europe/London', '--session-culture', 'en-US', '--session-time-zone', 'Europe/London', '--replication-delay', '1', '--now', 'real');
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(project.dir, 'a.pfx'));
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(project.dir, 'b.pfx'));
    await project.ok(['stack', 'init', 'test']);
    await project.set('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE, true);
    await project.set('pfxPassword', PASSWORD, true);
    await project.set('pfxFile', 'a.pfx');
    await project.set('servers', JSON.stringify(SERVERS));
    await project.set('command', JSON.stringify(emulator.command));
    await project.set('edition', edition);
    await project.set('serverTimeZone', 'Europe/London');
  });

  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it('first up: every server reports the certificate current; every script ran with -File', async () => {
    await project.ok(['up', '--yes']);
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: a, previous: null }));
    const log = emulator.log();
    expect(log.length).toBeGreaterThan(2);
    for (const record of log) expect(record.argv.slice(0, 5)).toEqual([...SHELL_OPTIONS, '-File']);
    expect(log.every((r) => r.script.includes(edition === 'core' ? 'Import-Module SkypeForBusiness -UseWindowsPowerShell' : 'Import-Module SkypeForBusiness\n'))).toBe(true);
  });

  it('a second preview plans no change', async () => {
    const before = emulator.log().length;
    await project.ok(['preview', '--expect-no-changes']);
    expect(emulator.changesSince(before)).toEqual([]);
  });

  it('a scheduled roll on a day <= 12: the CMS holds it at the declared instant, though the session reads dates month first and the servers day first', async () => {
    // 3 of the next month or later, 01:00 UTC: a day the two cultures would swap with the month.
    const base = new Date(Date.now() + 40 * DAY_MS);
    const at = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), 3, 1, 0, 0));
    await project.set('pfxFile', 'b.pfx');
    await project.set('effectiveDate', isoZ(at));
    const before = emulator.log().length;
    await project.ok(['up', '--yes']);
    expect(emulator.changesSince(before).join('\n')).toContain(`[System.DateTime]::new(${ticks(at)}, [System.DateTimeKind]::Utc).ToLocalTime()`);
    const cms = JSON.parse(emulator.admin('show', '--json')) as unknown;
    expect(JSON.stringify(cms)).toContain(b);
    expect((await project.output<ServerOut>()).servers).toEqual(everyServer({ current: a, pending: { thumbprint: b, effectiveDate: at.toISOString() } }));
  });

  it('an unreachable server: refresh names it, up fails with SERVER_UNREACHABLE naming it, the others still read', async () => {
    emulator.admin('unreachable', 'fe02.contoso.com');
    await project.ok(['refresh', '--yes']);
    const seen = await project.output<ServerOut>();
    expect(seen.plan).toContain('fe02.contoso.com (could not be read: SERVER_UNREACHABLE)');
    expect(seen.servers['fe01.contoso.com']).toMatchObject({ current: a });
    await project.set('effectiveDate', null);
    const failed = await project.pulumi(['up', '--yes']);
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toMatch(/SERVER_UNREACHABLE: Front End Server fe02\.contoso\.com could not be reached/);
    emulator.admin('reachable', 'fe02.contoso.com');
  });

  it('no secret in any script the emulator received, any argv, or any CLI output', () => {
    const texts = [...emulator.log().map((r) => JSON.stringify(r)), ...project.outputs];
    for (const text of texts) for (const secret of [PASSWORD, STORE_PASSPHRASE]) expect(text).not.toContain(secret);
  });
});
