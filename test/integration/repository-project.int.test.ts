/**
 * The repository's own Pulumi.yaml project (main: examples/embedded/index.ts, what `npm run demo`
 * runs) converges a three-server emulated pool through the real Pulumi CLI in each edition of the
 * emulated shell (Windows PowerShell 5.1, the default, and PowerShell 7): first up, a no-op second
 * preview, a roll set on the CMS at the right instant while the session's culture orders day and
 * month otherwise than the servers', and an unreachable server named SERVER_UNREACHABLE.
 *
 * The CLI runs in the repository root as a user would, with its own PULUMI_HOME, a file backend
 * and the stack config in a file outside the checkout (`--config-file`); the PFX files and the
 * store are in a temp directory too, so nothing is written into the checkout (checked at the end).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DAY_MS } from '../../provider/domain/time';
import { projectRoot } from '../../scripts/project-paths';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS, SHELL_OPTIONS } from '../harness/emulated-pool';
import { bytesOf, entry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'repository-project-store-passphrase';
const ROOT = projectRoot();
/** .NET ticks of an instant: what the roll script builds its DateTime from (docs/shell-contract.md). */
const ticks = (d: Date) => ((BigInt(d.getTime()) + 62_135_596_800_000n) * 10_000n).toString();
const isoZ = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string } };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));

/**
 * What a run could leave in the checkout: stack config files beside Pulumi.yaml, and anything
 * under examples/ (a store directory relative to the program, a compiled file), ignored or not.
 */
function checkoutFootprint(): string[] {
  const stackFiles = fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f));
  const examples = (fs.readdirSync(path.join(ROOT, 'examples'), { recursive: true }) as string[]).map((f) => path.join('examples', f));
  return [...stackFiles, ...examples].sort();
}

describe.each(['desktop', 'core'] as const)("the repository's Pulumi.yaml project converges an emulated pool in the %s edition", (edition) => {
  let pool: EmulatedPool;
  let project: CliProject;
  let footprint: string[];
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;
  const outputs = () => project.resourceOutputs<{ plan: string; servers: Record<string, ServerOut> }>();

  beforeAll(async () => {
    footprint = checkoutFootprint();
    // The servers read dates as en-GB (day first), the session that runs the cmdlets as en-US (month first).
    pool = await EmulatedPool.create({ edition, culture: 'en-GB', timeZone: 'Europe/London', sessionCulture: 'en-US', sessionTimeZone: 'Europe/London' });
    project = await CliProject.create({ inPlace: ROOT });
    const files = path.join(project.tempDir, 'files');
    fs.mkdirSync(files, { mode: 0o700 });
    fs.writeFileSync(path.join(files, 'a.pfx'), bytesOf(A), { mode: 0o600 });
    fs.writeFileSync(path.join(files, 'b.pfx'), bytesOf(B), { mode: 0o600 });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setSecret('pfxPassword', PASSWORD);
    await project.setConfig('pfxFile', path.join(files, 'a.pfx'));
    await project.setConfig('storeDirectory', path.join(files, 'store'));
    await project.setConfig('frontEndServers', JSON.stringify(SERVERS));
    await project.setConfig('frontEndShell', JSON.stringify(pool.command));
    await project.setConfig('frontEndEdition', edition);
    await project.setConfig('frontEndServerTimeZone', 'Europe/London');
    await project.setConfig('frontEndReplicationTimeoutSeconds', '8');
  });

  afterAll(() => {
    project?.cleanup();
    pool?.cleanup();
  });

  it('first up: every server reports the certificate current; every script ran with -File, in the edition declared', async () => {
    await project.ok(['up', '--yes']);
    expect((await outputs()).servers).toEqual(everyServer({ current: a, previous: null }));
    const log = pool.log();
    expect(log.length).toBeGreaterThan(2);
    for (const record of log) expect(record.argv.slice(0, 5)).toEqual([...SHELL_OPTIONS, '-File']);
    expect(log.every((r) => r.script.includes(edition === 'core' ? 'Import-Module SkypeForBusiness -UseWindowsPowerShell' : 'Import-Module SkypeForBusiness\n'))).toBe(true);
  });

  it('a second preview plans no change', async () => {
    const before = pool.log().length;
    await project.ok(['preview', '--expect-no-changes']);
    expect(pool.changesSince(before)).toEqual([]);
  });

  it('a scheduled roll on a day <= 12: the CMS holds it at the declared instant, though the session reads dates month first and the servers day first', async () => {
    // 3 of the next month or later, 01:00 UTC: a day the two cultures would swap with the month.
    const base = new Date(Date.now() + 40 * DAY_MS);
    const at = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), 3, 1, 0, 0));
    await project.setConfig('pfxFile', path.join(project.tempDir, 'files', 'b.pfx'));
    await project.setConfig('effectiveDate', isoZ(at));
    const before = pool.log().length;
    await project.ok(['up', '--yes']);
    expect(pool.changesSince(before).join('\n')).toContain(`[System.DateTime]::new(${ticks(at)}, [System.DateTimeKind]::Utc).ToLocalTime()`);
    const cms = JSON.parse(await pool.admin('show', '--json')) as { cms: { assignments: Record<string, { current: string | null; scheduled: { thumbprint: string; effectiveDate: string } | null }> } };
    const scheduled = Object.values(cms.cms.assignments).flatMap((slot) => (slot.scheduled ? [slot.scheduled] : []));
    expect(scheduled.map((s) => ({ thumbprint: s.thumbprint, at: Date.parse(s.effectiveDate) }))).toEqual([{ thumbprint: b, at: at.getTime() }]);
    expect((await outputs()).servers).toEqual(everyServer({ current: a, pending: { thumbprint: b, effectiveDate: at.toISOString() } }));
  });

  it('an unreachable server: refresh names it, up fails with SERVER_UNREACHABLE naming it, the others still read', async () => {
    await pool.admin('unreachable', 'fe02.contoso.com');
    await project.ok(['refresh', '--yes']);
    const seen = await outputs();
    expect(seen.plan).toContain('fe02.contoso.com (could not be read: SERVER_UNREACHABLE)');
    expect(seen.servers['fe01.contoso.com']).toMatchObject({ current: a });
    await project.setConfig('effectiveDate', null);
    const failed = await project.run(['up', '--yes']);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/SERVER_UNREACHABLE: Front End Server fe02\.contoso\.com could not be reached/);
    await pool.admin('reachable', 'fe02.contoso.com');
  });

  it('no secret in any script the emulator received, any argv, or any CLI output', () => {
    const texts = [...pool.log().map((r) => JSON.stringify(r)), ...project.printed];
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const secret of [PASSWORD, STORE_PASSPHRASE]) expect(text).not.toContain(secret);
  });

  it('wrote nothing into the checkout: no stack config file beside Pulumi.yaml, nothing under examples/', () => {
    expect(checkoutFootprint()).toEqual(footprint);
    expect(fs.existsSync(project.configFile!)).toBe(true);
  });
});
