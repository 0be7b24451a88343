/**
 * Front End convergence through the real Pulumi CLI against the Skype cmdlet emulator:
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
 * (a short-lived one, made by makeDemoPfx; the test moves the provider's clock past it) is
 * planned for removal in preview and removed from every server by the next up
 * (Remove-CsCertificate -Identity Global -Previous). The editions of the emulated shell are
 * converged by the repository's own project: repository-project.int.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { DAY_MS, HOUR_MS, isoMinute } from '../../provider/domain/time';
import { validatePfx } from '../../provider/validate-pfx';
import { projectRoot } from '../../scripts/project-paths';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { engineProgram, emulatedPool, localStore, pfxFile } from '../harness/engine-program';
import { runProcess, TOOL_MS } from '../harness/process';
import { bytesOf, CORPUS_DIR, entry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'front-end-store-passphrase-never-printed';
/** .NET ticks of an instant: what the roll script builds its DateTime from (docs/shell-contract.md). */
const ticks = (d: Date) => ((BigInt(d.getTime()) + 62_135_596_800_000n) * 10_000n).toString();

const PROGRAM = engineProgram({
  setup: ["const effectiveDate = config.get('effectiveDate');"],
  args: [
    pfxFile(),
    '...(effectiveDate ? { effectiveDate } : {})',
    localStore({ directorySource: "config.get('storeDir') ?? '.sfb-store'" }),
    emulatedPool(
      "edition: (config.get('edition') ?? 'desktop') as 'desktop',",
      "removeLocalAssignments: config.getBoolean('removeLocalAssignments') ?? false,",
      '// Deprecated (the scripts pass instants, not culture strings): accepted and ignored with a',
      '// warning; set only by the Berlin roll test.',
      "...(config.get('dateCulture') ? { dateCulture: config.get('dateCulture') } : {}),",
      "serverTimeZone: config.get('serverTimeZone') ?? 'UTC',",
    ),
  ],
  exports: ['thumbprint', 'plan', 'servers'],
});

/** The certificate resource's outputs in state (refresh and a failed update change them, not the stack outputs). */
const outputsOf = (project: CliProject) => project.resourceOutputs<{ thumbprint: string; plan: string; servers: Record<string, ServerOut> }>();
/** What a command printed on stdout; it must exit 0. */
const stdoutOf = async (project: CliProject, args: string[]) => (await project.ok(args)).stdout;

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string }; previousNotAfter?: string };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));
const wholeMinute = (ms: number) => new Date(Math.ceil(ms / 60_000) * 60_000);
const isoZ = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

describe('Front End convergence through the Pulumi CLI against the Skype cmdlet emulator', () => {
  let emulator: EmulatedPool;
  let project: CliProject;
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
    emulator = await EmulatedPool.create();
    project = await CliProject.create({ program: PROGRAM, files: { 'a.pfx': bytesOf(A), 'b.pfx': bytesOf(B), 'soon.pfx': soonPfx } });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setSecret('pfxPassword', PASSWORD);
    await project.setConfig('pfxFile', 'a.pfx');
    await project.setConfig('servers', JSON.stringify(SERVERS));
    await project.setConfig('command', JSON.stringify(emulator.command));
  });

  afterAll(() => {
    project?.cleanup();
    emulator?.cleanup();
  });

  it('immediate set: import once, every server reports it current', async () => {
    const preview = await stdoutOf(project, ['preview', '--diff']);
    expect(preview).toContain(`new ${a.slice(0, 4)}.. current now; servers: set ${a.slice(0, 4)}.. current now, then verify 3`);
    await stdoutOf(project, ['up', '--yes']);
    const out = await outputsOf(project);
    expect(out.servers).toEqual(everyServer({ current: a, previous: null }));
    expect(emulator.changesSince(0).filter((s) => s.includes('Import-CsCertificate'))).toHaveLength(1);
  });

  it('the same desired state twice: no change, nothing sent but inspections', async () => {
    const before = emulator.log().length;
    const up = await stdoutOf(project, ['up', '--yes']);
    // The CLI's summary of a no-op up: every resource unchanged, none updated or created.
    expect(up).toMatch(/Resources:\s+\d+ unchanged/);
    expect(up).not.toMatch(/\d+ (updated|created)|OAuthTokenIssuerCertificate\s+oauth\s+(update|create)/);
    expect(emulator.changesSince(before)).toEqual([]);
  });

  it('a deployment changed by hand shows as drift at refresh; the next up puts the declared certificate back', async () => {
    // An operator imports and sets another certificate behind Pulumi's back.
    const hand = emulator.operatorFiles(path.join(CORPUS_DIR, B.file), PASSWORD);
    // Done two seconds ago on the emulator's clock: replicated (a 1 s delay) before the provider reads the servers.
    emulator.shiftClock(-2);
    const operator = await emulator.script(
      `$ErrorActionPreference = 'Stop'\nImport-Module SkypeForBusiness\n$s = Import-PowerShellDataFile -LiteralPath '${hand.psd1}'\nImport-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${hand.pfx}' -Password $s.Password\n`,
    );
    expect(operator).toMatchObject({ code: 0 });
    emulator.shiftClock(0);
    await stdoutOf(project, ['refresh', '--yes']);
    const drifted = await outputsOf(project);
    expect(drifted.plan).toMatch(/^drift: fe01\.contoso\.com \(current 4D95\.\.\), fe02\.contoso\.com \(current 4D95\.\.\), fe03\.contoso\.com \(current 4D95\.\.\) instead of the declared 999F/);
    expect(drifted.servers).toEqual(everyServer({ current: b, previous: a }));
    await stdoutOf(project, ['up', '--yes']);
    const corrected = await outputsOf(project);
    expect(corrected.servers).toEqual(everyServer({ current: a, previous: b }));
  });

  it('one stale server: the update fails naming it, as a partial success; after it recovers, the next up converges', async () => {
    await emulator.admin('stale', 'fe03.contoso.com');
    await project.setConfig('pfxFile', 'soon.pfx');
    const failed = await project.run(['up', '--yes']);
    expect(failed.code).not.toBe(0);
    const text = failed.stdout + failed.stderr;
    expect(text).toContain('POOL_NOT_CONVERGED: After 8 s, fe03.contoso.com (current 999F..) has not reached the declared OAuthTokenIssuer certificate');
    expect(text).toContain('(2 of 3 servers have)');
    const partial = await outputsOf(project);
    expect(partial.plan).toContain('servers: not converged (POOL_NOT_CONVERGED), the next up resumes');
    // The pull-request review of the resuming update: the store already
    // holds the new certificate, so the thumbprint is unchanged and fe03 is what changes.
    const soonThumbprint = (await validatePfx(soonPfx, PASSWORD)).thumbprint!;
    const previewJson = await project.run(['preview', '--json']);
    const review = await runProcess(process.execPath, [path.join(projectRoot(), 'bin', 'sfb-oauth-cert'), 'review', '--now', new Date().toISOString()], { stdin: previewJson.stdout, timeoutMs: TOOL_MS });
    expect({ code: review.code, stderr: review.stderr }).toEqual({ code: 0, stderr: '' });
    expect(review.stdout).toContain(`- Thumbprint: \`${soonThumbprint}\` (unchanged)`);
    expect(review.stdout).toContain(`- Servers not on it at the last up or refresh: \`fe03.contoso.com\` \`${a}\` → \`${soonThumbprint}\``);
    await emulator.admin('fresh', 'fe03.contoso.com');
    await stdoutOf(project, ['up', '--yes']);
    const soon = (await validatePfx(soonPfx, PASSWORD)).thumbprint!;
    expect((await outputsOf(project)).servers).toEqual(everyServer({ current: soon, previous: a }));
  });

  it('a roll too close to the current certificate\'s expiry is refused at preview with ROLL_TOO_LATE', async () => {
    const notAfter = soonNotBefore.getTime() + 10 * DAY_MS;
    await project.setConfig('pfxFile', 'b.pfx');
    await project.setConfig('effectiveDate', isoZ(wholeMinute(notAfter - 12 * HOUR_MS)));
    const preview = await project.run(['preview']);
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
    await project.setConfig('effectiveDate', isoZ(at));
    // The servers read dates in German, in Berlin time; the pool says so.
    await emulator.admin('configure', '--culture', 'de-DE', '--time-zone', 'Europe/Berlin', '--session-culture', 'en-US', '--session-time-zone', 'Europe/Berlin');
    await project.setConfig('dateCulture', 'de-DE');
    await project.setConfig('serverTimeZone', 'Europe/Berlin');
    const berlin = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .format(at)
      .replace(',', '');
    const preview = await stdoutOf(project, ['preview', '--diff']);
    // The plan line: the UTC instant and the servers' wall clock, no culture string (the script builds the date from ticks).
    const local = berlinParts(at);
    const localDate = `${local.year}-${local.month}-${local.day}`;
    expect(preview).toContain(`roll 4D95.. at ${isoZ(at)} (${local.hour}:${local.minute}${localDate === isoZ(at).slice(0, 10) ? '' : ` on ${localDate}`} W. Europe Standard Time on the servers), then verify 3`);
    const before = emulator.log().length;
    await stdoutOf(project, ['up', '--yes']);
    const rolling = emulator.changesSince(before).join('\n');
    expect(rolling).toContain(`$effectiveDate = [System.DateTime]::new(${ticks(at)}, [System.DateTimeKind]::Utc).ToLocalTime()`);
    expect(rolling).toContain('-EffectiveDate $effectiveDate -Roll');
    expect(rolling).not.toContain(berlin);
    expect((await outputsOf(project)).servers).toEqual(everyServer({ current: soon, previous: a, pending: { thumbprint: b, effectiveDate: at.toISOString() } }));
    await emulator.admin('set-clock', new Date(at.getTime() + 60_000).toISOString());
    await stdoutOf(project, ['refresh', '--yes']);
    expect((await outputsOf(project)).servers).toEqual(everyServer({ current: b, previous: soon }));
    await emulator.admin('set-clock', 'real');
    await emulator.admin('configure', '--culture', 'en-US', '--time-zone', 'UTC', '--session-culture', 'en-US', '--session-time-zone', 'UTC');
    await project.setConfig('dateCulture', null);
    await project.setConfig('serverTimeZone', null);
  });

  it('adopt: a second stack declaring what the deployment already has current takes it on with no action', async () => {
    const second = await CliProject.create({ program: PROGRAM, files: { 'a.pfx': bytesOf(A) } });
    await second.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await second.setSecret('pfxPassword', PASSWORD);
    await second.setConfig('pfxFile', 'a.pfx');
    await second.setConfig('servers', JSON.stringify(SERVERS));
    await second.setConfig('command', JSON.stringify(emulator.command));
    // The main stack rolls back to A now; then the second stack declares A.
    await project.setConfig('pfxFile', 'a.pfx');
    await project.setConfig('effectiveDate', null);
    await stdoutOf(project, ['up', '--yes']);
    const before = emulator.log().length;
    await stdoutOf(second, ['up', '--yes']);
    expect(emulator.changesSince(before)).toEqual([]);
    expect((await outputsOf(second)).servers).toEqual(everyServer({ current: a }));
    project.printed.push(...second.printed);
    second.cleanup();
  });

  it('one server set by hand on itself (fe02 only): refresh shows fe02 alone as drift with the command that fixes it; up does not remove it by default; with removeLocalAssignments the next up removes it there and touches nothing else', async () => {
    const { servers: untouched } = await outputsOf(project);
    const operator = await emulator.script(`$ErrorActionPreference = 'Stop'\nImport-Module SkypeForBusiness\nInvoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${b}' }\n`);
    expect(operator).toMatchObject({ code: 0 });
    await stdoutOf(project, ['refresh', '--yes']);
    const drifted = await outputsOf(project);
    const fix = "Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Remove-CsCertificate -Type OAuthTokenIssuer -Force }";
    expect(drifted.plan).toBe(`drift: fe02.contoso.com (current ${b.slice(0, 4)}.. set on the server itself; remove it there with ${fix}, or set the pool's removeLocalAssignments: true) instead of the declared ${a}`);
    expect(untouched['fe01.contoso.com']).toMatchObject({ current: a });
    expect(drifted.servers).toEqual({ ...untouched, 'fe02.contoso.com': expect.objectContaining({ current: b, previous: null }) });
    // By default nothing is removed: Remove-CsCertificate -Force there revokes the certificate's bindings.
    const refused = emulator.log().length;
    const kept = await project.run(['up', '--yes']);
    expect(kept.code).not.toBe(0);
    expect(kept.stdout + kept.stderr).toContain(`POOL_NOT_CONVERGED: fe02.contoso.com uses an OAuthTokenIssuer certificate set on the server itself (${b.slice(0, 4)}.., a local assignment)`);
    expect(emulator.changesSince(refused)).toEqual([]);
    await project.setConfig('removeLocalAssignments', 'true');
    const before = emulator.log().length;
    const up = await stdoutOf(project, ['up', '--yes']);
    expect(up).toContain('OAuthTokenIssuerCertificate oauth updated');
    const changes = emulator.changesSince(before);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain("    Invoke-Command -ComputerName 'fe02.contoso.com' -ErrorAction Stop -ScriptBlock {\n");
    expect(changes[0]).toContain('        Remove-CsCertificate -Type OAuthTokenIssuer -Force\n');
    await project.setConfig('removeLocalAssignments', null);
    const corrected = await outputsOf(project);
    expect(corrected.servers).toEqual(untouched);
    expect(corrected.plan).not.toMatch(/^drift:/);
  });

  it('the previous certificate once its NotAfter has passed: preview plans its removal with the date, the next up removes it from every server, refresh alone does not', async () => {
    // Expires a day from now: the test moves the provider's clock past it instead of waiting.
    const notAfter = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
    const shortPfx = makeDemoPfx({ sipDomain: 'contoso.com', password: PASSWORD, notBefore: new Date(notAfter.getTime() - 2 * DAY_MS), validDays: 2 });
    const base64 = shortPfx.toString('base64');
    secrets.push(base64.slice(0, 24), base64.slice(base64.length >> 1, (base64.length >> 1) + 24));
    fs.writeFileSync(path.join(project.dir, 'short.pfx'), shortPfx);
    const short = (await validatePfx(shortPfx, PASSWORD)).thumbprint!;
    // The short-lived certificate current, then A again: the short one is previous everywhere.
    await project.setConfig('pfxFile', 'short.pfx');
    await stdoutOf(project, ['up', '--yes']);
    await project.setConfig('pfxFile', 'a.pfx');
    await stdoutOf(project, ['up', '--yes']);
    const kept = await outputsOf(project);
    expect(kept.servers).toEqual(everyServer({ current: a, previous: short, previousNotAfter: notAfter.toISOString() }));
    // Before its NotAfter: nothing to do.
    expect(await stdoutOf(project, ['preview', '--diff'])).not.toContain('remove previous');
    // A day and an hour on, for the provider and the shells it starts: the short one has expired.
    project.shiftClock((DAY_MS + HOUR_MS) / 1000);
    // A refresh reads, it never removes.
    const beforeRefresh = emulator.log().length;
    await stdoutOf(project, ['refresh', '--yes']);
    expect(emulator.changesSince(beforeRefresh)).toEqual([]);
    expect((await outputsOf(project)).servers).toEqual(everyServer({ current: a, previous: short }));
    const preview = await stdoutOf(project, ['preview', '--diff']);
    // Every plan line says the clock is a test's.
    expect(preview).toContain('"test clock: ');
    expect(preview).toContain(`servers: all 3 have ${a.slice(0, 4)}.. current; remove previous ${short.slice(0, 4)}.. (expired ${isoMinute(notAfter)})`);
    const before = emulator.log().length;
    await stdoutOf(project, ['up', '--yes']);
    const removals = emulator.changesSince(before);
    expect(removals).toHaveLength(1);
    expect(removals[0]).toContain('    Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force\n');
    expect((await outputsOf(project)).servers).toEqual(everyServer({ current: a, previous: null }));
    // Done: the next up has nothing to send.
    const after = emulator.log().length;
    expect(await stdoutOf(project, ['up', '--yes'])).not.toContain('OAuthTokenIssuerCertificate oauth updat');
    expect(emulator.changesSince(after)).toEqual([]);
  });

  it('no secret in any script the emulator received, any argv, or any CLI output', () => {
    const log = emulator.log();
    expect(log.length).toBeGreaterThan(10);
    expect(secrets.filter((s) => `x${secrets[3]}x`.includes(s))).toEqual([secrets[3]]);
    const texts = [...log.map((r) => JSON.stringify(r)), ...project.printed];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
