/**
 * The PowerShell adapter against the Skype cmdlet emulator (docs/skype-emulator.md), in both of
 * its editions: `desktop` (Windows PowerShell 5.1, what Skype runs) and `core` (PowerShell 7).
 * The real process boundary (`-File`, the call directory), the contract's scripts
 * (docs/shell-contract.md), the records that come back. The emulator is the compiled one (dist/,
 * built by jest's globalSetup); each test gets its own deployment on disk.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPowerShellPool, readCall, splitInto } from '../../provider/adapters/powershell';
import { withCallDirectory } from '../../provider/adapters/powershell/call-directory';
import { framed } from '../../provider/adapters/powershell/scripts';
import { runShell } from '../../provider/adapters/powershell/shell';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { checkPoolSpec, type FrontEndPoolSpec, type PoolEdition } from '../../provider/domain/front-end-pool-spec';
import { validatePfx } from '../../provider/validate-pfx';
import { bytesOf, entry } from '../support/pfx-corpus';

const EMULATOR = path.join(__dirname, '..', '..', 'bin', 'sfb-skype-emulator');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const EDITIONS: PoolEdition[] = ['desktop', 'core'];
// Quotes PowerShell reads as single quotes, and text that would end a string if not doubled.
const TRICKY_PASSWORD = "it's ‘q’ '; Remove-Item C:\\ #";
const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];

interface DeploymentOptions {
  servers?: string[];
  culture?: string;
  timeZone?: string;
  sessionCulture?: string;
  sessionTimeZone?: string;
  delay?: number;
  now?: string;
}

/** A fresh emulated deployment of one edition; the command runs the emulator through `env` with its state dir. */
function deployment(edition: PoolEdition, options: DeploymentOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-emu-adapter-'));
  const env = { ...process.env, SFB_SKYPE_EMULATOR_DIR: dir };
  const admin = (...args: string[]) => execFileSync(EMULATOR, ['admin', ...args], { env, encoding: 'utf8' });
  const servers = options.servers ?? SERVERS;
  admin(
    'init',
    '--servers',
    servers.join(','),
    '--edition',
    edition,
    '--replication-delay',
    String(options.delay ?? 0),
    ...(options.culture ? ['--culture', options.culture] : []),
    ...(options.timeZone ? ['--time-zone', options.timeZone] : []),
    ...(options.sessionCulture ? ['--session-culture', options.sessionCulture] : []),
    ...(options.sessionTimeZone ? ['--session-time-zone', options.sessionTimeZone] : []),
    '--now',
    options.now ?? '2026-06-01T00:00:00Z',
  );
  const command = ['env', `SFB_SKYPE_EMULATOR_DIR=${dir}`, EMULATOR, ...SHELL_OPTIONS];
  const spec = (extra: Record<string, unknown> = {}): FrontEndPoolSpec => {
    const checked = checkPoolSpec({ kind: 'powershell', servers, edition, command, ...extra });
    if (!checked.spec) throw new Error(checked.problems.join(' '));
    return checked.spec;
  };
  const scripts = () =>
    fs
      .readFileSync(path.join(dir, 'scripts.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { script: string; argv: string[] });
  return { dir, admin, spec, scripts, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const made: Array<{ cleanup(): void }> = [];
afterAll(() => made.forEach((d) => d.cleanup()));
const fresh = (edition: PoolEdition, options?: DeploymentOptions) => {
  const d = deployment(edition, options);
  made.push(d);
  return d;
};
const pfxOf = (e: typeof A) => ({ pfxBase64: bytesOf(e).toString('base64'), password: e.password! });

describe.each(EDITIONS)('the PowerShell adapter against the emulator, edition %s', (edition) => {
  const psEdition = edition === 'desktop' ? 'Desktop' : 'Core';

  it('an empty deployment: the session, no certificate anywhere, every replica up to date, each server\'s zone', async () => {
    const pool = createPowerShellPool(fresh(edition).spec());
    expect(await pool.inspect()).toEqual({
      session: { timeZone: 'UTC', culture: 'en-US', psVersion: expect.stringMatching(edition === 'desktop' ? /^5\.1\./ : /^7\./) as string, edition: psEdition },
      global: { server: 'global' },
      replicas: SERVERS.map((server) => ({ server, upToDate: true })),
      servers: SERVERS.map((server) => ({ server, timeZone: 'UTC' })),
    });
  });

  it('runs each script with -File from a call directory that is gone afterwards; imports with a password full of quotes; no secret in any script or argv', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec());
    const pfx = await makePfxWithPassword(TRICKY_PASSWORD);
    await pool.assign({ thumbprint: pfx.thumbprint, pfx: { pfxBase64: pfx.base64, password: TRICKY_PASSWORD } });
    const after = await pool.inspect();
    expect(after.global.current).toBe(pfx.thumbprint);
    expect(after.servers.map((s) => s.current)).toEqual([pfx.thumbprint, pfx.thumbprint, pfx.thumbprint]);
    const log = d.scripts();
    const importing = log.find((r) => r.script.includes('Import-CsCertificate'))!;
    expect(importing.argv.slice(0, 4)).toEqual(SHELL_OPTIONS);
    expect(importing.argv[4]).toBe('-File');
    expect(importing.argv[5]).toMatch(/sfb-oauth-cert-call-\d+-[A-Za-z0-9]{6}[\\/]call\.ps1$/);
    expect(importing.script).toMatch(/\$secret = Import-PowerShellDataFile -LiteralPath '.*secret\.psd1'\n {4}Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '.*cert\.pfx' -Password \$secret\.Password\n/);
    for (const record of log) {
      const text = JSON.stringify(record);
      expect(text).not.toContain('Remove-Item');
      expect(text).not.toContain(pfx.base64.slice(0, 24));
      expect(text).not.toContain(pfx.base64.slice(200, 224));
      expect(fs.existsSync(path.dirname(record.argv[5]!))).toBe(false);
    }
  });

  it('the empty password is a password: the data file carries it', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec());
    const pfx = entry('empty-password');
    await pool.assign({ thumbprint: pfx.expected.thumbprint!, pfx: { pfxBase64: bytesOf(pfx).toString('base64'), password: '' } });
    expect(d.scripts().find((r) => r.script.includes('Import-CsCertificate'))!.script).toContain('-Password $secret.Password');
    expect((await pool.inspect()).global.current).toBe(pfx.expected.thumbprint);
  });

  it.each([
    // Servers' Region, the session's culture (day/month order differs), the zone; days <= 12, so a misread date would not fail loudly.
    ['de-DE', 'en-US', 'Europe/Berlin', 'W. Europe Standard Time'],
    ['en-US', 'en-GB', 'America/New_York', 'Eastern Standard Time'],
    ['en-GB', 'de-DE', 'Europe/London', 'GMT Standard Time'],
    ['fr-FR', 'ja-JP', 'Europe/Paris', 'Romance Standard Time'],
  ])('a scheduled roll, servers in %s, session in %s (%s): set on the CMS at the declared instant, pending until the clock passes it, then current everywhere', async (culture, sessionCulture, timeZone, windowsZone) => {
    const d = fresh(edition, { culture, timeZone, sessionCulture, sessionTimeZone: timeZone });
    const pool = createPowerShellPool(d.spec());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: a, pfx: pfxOf(A) });
    const seen = await pool.inspect();
    expect(seen.session).toMatchObject({ timeZone: windowsZone, culture: sessionCulture });
    expect(seen.servers.map((s) => s.timeZone)).toEqual(SERVERS.map(() => windowsZone));
    await pool.assign({ thumbprint: b, pfx: pfxOf(B), effectiveAt: '2026-12-01T00:00:00.000Z', sessionTimeZone: windowsZone });
    const pending = await pool.inspect();
    expect(pending.global.scheduled).toEqual({ thumbprint: b, effectiveDate: '2026-12-01T00:00:00.000Z' });
    expect(pending.servers).toEqual(SERVERS.map((server) => ({ server, current: a, currentNotAfter: '2035-01-01T00:00:00.000Z', scheduled: { thumbprint: b, effectiveDate: '2026-12-01T00:00:00.000Z' }, timeZone: windowsZone })));
    d.admin('set-clock', '2026-12-01T00:00:01Z');
    const rolled = await pool.inspect();
    expect(rolled.servers.map((s) => [s.current, s.previous, s.scheduled])).toEqual(SERVERS.map(() => [b, a, undefined]));
    const rolling = d.scripts().find((r) => r.script.includes('-Roll'))!.script;
    expect(rolling).toContain('$effectiveDate = [System.DateTime]::new(639316800000000000, [System.DateTimeKind]::Utc).ToLocalTime()');
    expect(rolling).toContain('-EffectiveDate $effectiveDate -Roll');
  });

  it('TIME_ZONE_MISMATCH: a session in another zone than the servers\' changes nothing', async () => {
    const d = fresh(edition, { timeZone: 'Europe/Berlin', sessionTimeZone: 'UTC' });
    const pool = createPowerShellPool(d.spec());
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: pfxOf(A) });
    await expect(pool.assign({ thumbprint: B.expected.thumbprint!, pfx: pfxOf(B), effectiveAt: '2026-12-01T00:00:00.000Z', sessionTimeZone: 'W. Europe Standard Time' })).rejects.toMatchObject({
      code: 'TIME_ZONE_MISMATCH',
      message: expect.stringContaining('The session that runs the Skype cmdlets is in the time zone "UTC", the Front End Servers in "W. Europe Standard Time"'),
    });
    expect((await pool.inspect()).global).toMatchObject({ current: A.expected.thumbprint });
    expect((await pool.inspect()).global.scheduled).toBeUndefined();
  });

  it('set by thumbprint for a certificate Skype knows (a rollback), without a PFX', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec());
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: pfxOf(A) });
    await pool.assign({ thumbprint: B.expected.thumbprint!, pfx: pfxOf(B) });
    await pool.assign({ thumbprint: A.expected.thumbprint! });
    const after = await pool.inspect();
    expect([after.global.current, after.global.previous]).toEqual([A.expected.thumbprint, B.expected.thumbprint]);
    expect(d.scripts().filter((r) => r.script.includes('Set-CsCertificate')).map((r) => r.script.split('\n').find((l) => l.includes('Set-CsCertificate'))!.trim())).toEqual([
      `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A.expected.thumbprint}'`,
    ]);
  });

  it('a stale server: its replica is not up to date and keeps the old certificate; a full replication is asked for it', async () => {
    const d = fresh(edition);
    d.admin('stale', 'fe02.contoso.com');
    const pool = createPowerShellPool(d.spec());
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: pfxOf(A) });
    const seen = await pool.inspect();
    expect(seen.replicas).toEqual([
      { server: 'fe01.contoso.com', upToDate: true },
      { server: 'fe02.contoso.com', upToDate: false },
      { server: 'fe03.contoso.com', upToDate: true },
    ]);
    expect(seen.servers.map((s) => s.current)).toEqual([A.expected.thumbprint, undefined, A.expected.thumbprint]);
    await pool.replicate('fe02.contoso.com');
    expect(d.scripts().at(-1)!.script).toContain("    Invoke-CsManagementStoreReplication -ReplicaFqdn 'fe02.contoso.com'\n");
  });

  it('removes the previous certificate globally (-Identity Global -Previous -Force): gone from the CMS and, after replication, from every server', async () => {
    const d = fresh(edition, { delay: 30 });
    const pool = createPowerShellPool(d.spec());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: a, pfx: pfxOf(A) });
    await pool.assign({ thumbprint: b, pfx: pfxOf(B) });
    d.admin('advance', '30');
    expect((await pool.inspect()).servers.map((s) => [s.current, s.previous])).toEqual(SERVERS.map(() => [b, a]));
    await pool.removePrevious();
    expect(d.scripts().at(-1)!.script).toContain('    Remove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force\n');
    const removed = await pool.inspect();
    expect([removed.global.current, removed.global.previous]).toEqual([b, undefined]);
    d.admin('advance', '30');
    const replicated = await pool.inspect();
    expect(replicated.servers).toEqual(SERVERS.map((server) => ({ server, current: b, currentNotAfter: expect.any(String) as string, timeZone: 'UTC' })));
  });

  it('a server set by hand reads as a local assignment there only; with removeLocalAssignments, removeLocal gives it back the global one', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec({ removeLocalAssignments: true }));
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: b, pfx: pfxOf(B) });
    await pool.assign({ thumbprint: a, pfx: pfxOf(A) });
    await setByHandOn(edition, d.spec().command, 'fe02.contoso.com', b);
    const drifted = await pool.inspect();
    expect(drifted.servers.map((s) => [s.server, s.current, s.scope])).toEqual([
      ['fe01.contoso.com', a, undefined],
      ['fe02.contoso.com', b, 'local'],
      ['fe03.contoso.com', a, undefined],
    ]);
    await pool.removeLocal('fe02.contoso.com');
    expect(d.scripts().at(-1)!.script).toContain("    Invoke-Command -ComputerName 'fe02.contoso.com' -ErrorAction Stop -ScriptBlock {\n        $ErrorActionPreference = 'Stop'\n");
    const corrected = await pool.inspect();
    expect(corrected.servers.map((s) => [s.current, s.previous, s.scope])).toEqual(SERVERS.map(() => [a, b, undefined]));
  });

  it('without removeLocalAssignments the adapter refuses to remove a local assignment (the default)', async () => {
    const pool = createPowerShellPool(fresh(edition).spec());
    await expect(pool.removeLocal('fe02.contoso.com')).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining("the pool's `removeLocalAssignments` is false") });
  });

  it('inspects 20 servers in at most `parallelism` shell calls', async () => {
    const servers = Array.from({ length: 20 }, (_, i) => `fe${String(i + 1).padStart(2, '0')}.contoso.com`);
    const d = fresh(edition, { servers });
    const pool = createPowerShellPool(d.spec({ parallelism: 4 }));
    const seen = await pool.inspect();
    expect(seen.servers.map((s) => s.server)).toEqual(servers);
    expect(d.scripts().filter((r) => r.script.includes('Invoke-Command')).length).toBe(4);
  });

  it('one unreachable server among three: the other two are read in the same call, the one is named SERVER_UNREACHABLE', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec({ parallelism: 1 }));
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: pfxOf(A) });
    d.admin('unreachable', 'fe02.contoso.com');
    const seen = await pool.inspect();
    expect(seen.servers.map((s) => [s.server, s.current, s.unreachable?.code])).toEqual([
      ['fe01.contoso.com', A.expected.thumbprint, undefined],
      ['fe02.contoso.com', undefined, 'SERVER_UNREACHABLE'],
      ['fe03.contoso.com', A.expected.thumbprint, undefined],
    ]);
    expect(seen.servers[1]!.unreachable!.message).toMatch(/^Front End Server fe02\.contoso\.com could not be reached while reading fe02\.contoso\.com: ".*fe02\.contoso\.com.*".*Test-WSMan fe02\.contoso\.com/);
    expect(d.scripts().filter((r) => r.script.includes('Invoke-Command')).length).toBe(1);
  });

  it('a remoting credential: read from an owner-only data file, passed as -Credential; the password in no script or argv', async () => {
    const d = fresh(edition);
    const password = "cr3d'ential-never-printed";
    const pool = createPowerShellPool(d.spec({ credential: { userName: 'CONTOSO\\svc-sfb' }, authentication: 'Negotiate' }), { credentialPassword: password });
    expect((await pool.inspect()).servers).toHaveLength(3);
    const remote = d.scripts().find((r) => r.script.includes('Invoke-Command'))!;
    expect(remote.script).toContain('-Authentication Negotiate -Credential $credential -ErrorAction SilentlyContinue');
    expect(remote.script).toMatch(/\$credentialData = Import-PowerShellDataFile -LiteralPath '.*credential\.psd1'/);
    for (const record of d.scripts()) expect(JSON.stringify(record)).not.toMatch(/cr3d|svc-sfb/);
  });

  it('CMDLET_FAILED from the error record: a thumbprint Skype does not know', async () => {
    const pool = createPowerShellPool(fresh(edition).spec());
    await expect(pool.assign({ thumbprint: B.expected.thumbprint! })).rejects.toMatchObject({
      code: 'CMDLET_FAILED',
      message: expect.stringMatching(/^The Skype for Business Server Management Shell failed while making the OAuthTokenIssuer certificate [0-9A-F]{40} current: ".+" \(.+, .+\)/),
    });
  });

  it('a script with an error on its first line fails the call: nothing after it runs, exit 1, an error record', async () => {
    const d = fresh(edition);
    const script = framed(edition, ["Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '" + 'F'.repeat(40) + "'", "Write-Output '#sfb-oauth-cert:after'"]);
    const result = await withCallDirectory(async (directory) => runShell({ command: [...d.spec().command, '-File', await directory.write('call.ps1', script)], timeoutMs: 30_000, doing: 'testing' }));
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('#sfb-oauth-cert:after');
    expect(result.stdout).not.toContain('#sfb-oauth-cert:done');
    expect(() => readCall(result, d.spec().command, 'testing', [])).toThrow(expect.objectContaining({ code: 'CMDLET_FAILED' }));
  });

  it('a non-ASCII server name and temporary directory work (the script file is UTF-8 with a BOM, which 5.1 needs to read them)', async () => {
    const servers = ['fe01.zürich.contoso.com', 'fe02.東京.contoso.com', 'fe03.contoso.com'];
    const d = fresh(edition, { servers });
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-Zürich-東京-'));
    made.push({ cleanup: () => fs.rmSync(base, { recursive: true, force: true }) });
    const pool = createPowerShellPool(d.spec(), {}, { base });
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: pfxOf(A) });
    expect((await pool.inspect()).servers.map((s) => [s.server, s.current])).toEqual(servers.map((s) => [s, A.expected.thumbprint]));
    expect(d.scripts().some((r) => r.argv[5]!.startsWith(base))).toBe(true);
  });
});

describe('the shell cannot run the scripts', () => {
  it('SHELL_NOT_FOUND: a command that does not exist', async () => {
    const pool = createPowerShellPool(checkPoolSpec({ kind: 'powershell', servers: SERVERS, command: ['/nonexistent/powershell.exe', '-NoProfile'] }).spec!);
    await expect(pool.inspect()).rejects.toMatchObject({ code: 'SHELL_NOT_FOUND', message: expect.stringContaining('`/nonexistent/powershell.exe` cannot be started (ENOENT)') });
  });

  it('SHELL_FAILED: the emulator without its state directory dies before the script runs (no record; the text fallback)', async () => {
    const pool = createPowerShellPool(checkPoolSpec({ kind: 'powershell', servers: SERVERS, command: ['env', '-u', 'SFB_SKYPE_EMULATOR_DIR', EMULATOR, ...SHELL_OPTIONS] }).spec!);
    await expect(pool.inspect()).rejects.toMatchObject({ code: 'SHELL_FAILED', message: expect.stringContaining('exited with status 2') });
  });

  it('splits servers into at most N near-equal runs, in order', () => {
    expect(splitInto([1, 2, 3, 4, 5], 2)).toEqual([[1, 2, 3], [4, 5]]);
    expect(splitInto([1, 2], 8)).toEqual([[1], [2]]);
  });
});

/** An operator sets `server` by hand (Set-CsCertificate without -Identity, run there): a local assignment. */
async function setByHandOn(edition: PoolEdition, command: readonly string[], server: string, thumbprint: string): Promise<void> {
  const script = framed(edition, [`Invoke-Command -ComputerName '${server}' -ScriptBlock { Import-Module SkypeForBusiness; Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${thumbprint}' }`]);
  const result = await withCallDirectory(async (directory) => runShell({ command: [...command, '-File', await directory.write('call.ps1', script)], timeoutMs: 30_000, doing: 'an operator setting a server by hand' }));
  readCall(result, command, 'an operator setting a server by hand', [server]);
}

/** A PFX of the demo kind under `password` (the corpus has none with these quotes). */
async function makePfxWithPassword(password: string): Promise<{ base64: string; thumbprint: string }> {
  const bytes = makeDemoPfx({ sipDomain: 'contoso.com', password, notBefore: new Date('2025-01-01T00:00:00Z'), validDays: 3650 });
  const validation = await validatePfx(bytes, password);
  return { base64: bytes.toString('base64'), thumbprint: validation.thumbprint! };
}
