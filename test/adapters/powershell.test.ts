/**
 * The PowerShell adapter against the Skype cmdlet emulator (docs/skype-emulator.md): the real
 * process boundary, the exact script shapes, the JSON that comes back. The emulator is the
 * compiled one (dist/, built by jest's globalSetup); each test gets its own deployment on disk.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPowerShellPool, splitInto } from '../../provider/adapters/powershell';
import { jsonLines, serversOf } from '../../provider/adapters/powershell/parse';
import { passwordDataFile, singleQuoted } from '../../provider/adapters/powershell/secret-files';
import { runShell } from '../../provider/adapters/powershell/shell';
import { checkPoolSpec, type FrontEndPoolSpec } from '../../provider/domain/pool-spec';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { validatePfx } from '../../provider/validate-pfx';
import { bytesOf, entry } from '../support/pfx-corpus';

const EMULATOR = path.join(__dirname, '..', '..', 'bin', 'sfb-skype-emulator');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A = entry('openssl3-default');
const B = entry('rsa-4096');
// Quotes PowerShell reads as single quotes, and text that would end a string if not doubled.
const TRICKY_PASSWORD = "it's ‘q’ '; Remove-Item C:\\ #";

/** A fresh emulated deployment; the command runs the emulator through `env` with its state dir. */
function deployment(options: { servers?: string[]; culture?: string; timeZone?: string; delay?: number; now?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-emu-adapter-'));
  const env = { ...process.env, SFB_SKYPE_EMULATOR_DIR: dir };
  const admin = (...args: string[]) => execFileSync(EMULATOR, ['admin', ...args], { env, encoding: 'utf8' });
  admin(
    'init',
    // The current adapter speaks PowerShell 7 (-AsArray); the issue #15 adapter runs both editions.
    '--edition',
    'core',
    '--servers',
    (options.servers ?? SERVERS).join(','),
    '--replication-delay',
    String(options.delay ?? 0),
    ...(options.culture ? ['--culture', options.culture] : []),
    ...(options.timeZone ? ['--time-zone', options.timeZone] : []),
    '--now',
    options.now ?? '2026-06-01T00:00:00Z',
  );
  const command = ['env', `SFB_SKYPE_EMULATOR_DIR=${dir}`, EMULATOR, '-NoProfile', '-NonInteractive', '-Command', '-'];
  const spec = (extra: Record<string, unknown> = {}): FrontEndPoolSpec => checkPoolSpec({ kind: 'powershell', servers: options.servers ?? SERVERS, command, ...extra }).spec!;
  const scripts = () =>
    fs
      .readFileSync(path.join(dir, 'scripts.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { script: string; argv: string[] });
  return { dir, admin, spec, scripts, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('the PowerShell adapter against the emulator', () => {
  const made: Array<{ cleanup(): void }> = [];
  const fresh = (options?: Parameters<typeof deployment>[0]) => {
    const d = deployment(options);
    made.push(d);
    return d;
  };
  afterAll(() => made.forEach((d) => d.cleanup()));

  it('an empty deployment: no certificate anywhere, every replica up to date', async () => {
    const pool = createPowerShellPool(fresh().spec());
    expect(await pool.inspect()).toEqual({
      global: { server: 'global' },
      replicas: SERVERS.map((server) => ({ server, upToDate: true })),
      servers: SERVERS.map((server) => ({ server })),
    });
  });

  it('imports with a password full of quotes, assigns now; the servers follow; no secret in any script or argv; the secret files are gone', async () => {
    const d = fresh();
    const pool = createPowerShellPool(d.spec());
    const pfx = await makePfxWithPassword(TRICKY_PASSWORD);
    await pool.assign({ thumbprint: pfx.thumbprint, pfx: { pfxBase64: pfx.base64, password: TRICKY_PASSWORD } });
    const after = await pool.inspect();
    expect(after.global.current).toBe(pfx.thumbprint);
    expect(after.servers.map((s) => s.current)).toEqual([pfx.thumbprint, pfx.thumbprint, pfx.thumbprint]);
    const log = d.scripts();
    const importing = log.find((r) => r.script.includes('Import-CsCertificate'))!;
    expect(importing.script).toMatch(/^\$ErrorActionPreference = 'Stop'\n\$secret = Import-PowerShellDataFile -LiteralPath '.*secret\.psd1'\nImport-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '.*cert\.pfx' -Password \$secret\.Password\n$/);
    for (const record of log) {
      const text = JSON.stringify(record);
      expect(text).not.toContain('Remove-Item');
      expect(text).not.toContain(pfx.base64.slice(0, 24));
      expect(text).not.toContain(pfx.base64.slice(200, 224));
    }
    const secretDir = path.dirname(/-LiteralPath '([^']+)'/.exec(importing.script)![1]!);
    expect(fs.existsSync(secretDir)).toBe(false);
  });

  it('the empty password is a password: the data file carries it', async () => {
    const d = fresh();
    const pool = createPowerShellPool(d.spec());
    const pfx = entry('empty-password');
    await pool.assign({ thumbprint: pfx.expected.thumbprint!, pfx: { pfxBase64: bytesOf(pfx).toString('base64'), password: '' } });
    expect(d.scripts().find((r) => r.script.includes('Import-CsCertificate'))!.script).toContain('-Password $secret.Password');
    expect((await pool.inspect()).global.current).toBe(pfx.expected.thumbprint);
  });

  it.each([
    ['en-US', 'UTC', '12/1/2026 12:00:00 AM'],
    ['en-GB', 'Europe/London', '01/12/2026 00:00:00'],
    ['de-DE', 'Europe/Berlin', '01.12.2026 01:00:00'],
  ])('a scheduled roll in %s (%s): pending until the emulator clock passes it, then current and previous swap on every server', async (culture, timeZone, serverDate) => {
    const d = fresh({ culture, timeZone });
    const pool = createPowerShellPool(d.spec());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: a, pfx: { pfxBase64: bytesOf(A).toString('base64'), password: A.password! } });
    await pool.assign({ thumbprint: b, pfx: { pfxBase64: bytesOf(B).toString('base64'), password: B.password! }, serverDate });
    const pending = await pool.inspect();
    expect(pending.servers).toEqual(SERVERS.map((server) => ({ server, current: a, currentNotAfter: '2035-01-01T00:00:00.000Z', scheduled: { thumbprint: b, effectiveDate: '2026-12-01T00:00:00.000Z' } })));
    d.admin('set-clock', '2026-12-01T00:00:01Z');
    const rolled = await pool.inspect();
    expect(rolled.servers.map((s) => [s.current, s.previous, s.scheduled])).toEqual(SERVERS.map(() => [b, a, undefined]));
    expect(d.scripts().some((r) => r.script.includes(`-EffectiveDate '${serverDate}' -Roll`))).toBe(true);
  });

  it('set by thumbprint for a certificate Skype knows (a rollback), without a PFX', async () => {
    const d = fresh();
    const pool = createPowerShellPool(d.spec());
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: { pfxBase64: bytesOf(A).toString('base64'), password: A.password! } });
    await pool.assign({ thumbprint: B.expected.thumbprint!, pfx: { pfxBase64: bytesOf(B).toString('base64'), password: B.password! } });
    await pool.assign({ thumbprint: A.expected.thumbprint! });
    const after = await pool.inspect();
    expect([after.global.current, after.global.previous]).toEqual([A.expected.thumbprint, B.expected.thumbprint]);
    expect(d.scripts().filter((r) => r.script.includes('Set-CsCertificate')).map((r) => r.script.split('\n')[1])).toEqual([
      `Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A.expected.thumbprint}'`,
    ]);
  });

  it('a stale server: its replica is not up to date and keeps the old certificate; a full replication is asked for it', async () => {
    const d = fresh();
    d.admin('stale', 'fe02.contoso.com');
    const pool = createPowerShellPool(d.spec());
    await pool.assign({ thumbprint: A.expected.thumbprint!, pfx: { pfxBase64: bytesOf(A).toString('base64'), password: A.password! } });
    const seen = await pool.inspect();
    expect(seen.replicas).toEqual([
      { server: 'fe01.contoso.com', upToDate: true },
      { server: 'fe02.contoso.com', upToDate: false },
      { server: 'fe03.contoso.com', upToDate: true },
    ]);
    expect(seen.servers.map((s) => s.current)).toEqual([A.expected.thumbprint, undefined, A.expected.thumbprint]);
    await pool.replicate('fe02.contoso.com');
    expect(d.scripts().at(-1)!.script).toBe("$ErrorActionPreference = 'Stop'\nInvoke-CsManagementStoreReplication -ReplicaFqdn 'fe02.contoso.com'\n");
  });

  it('removes the previous certificate globally (-Identity Global -Previous -Force): gone from the CMS and, after replication, from every server', async () => {
    const d = fresh({ delay: 30 });
    const pool = createPowerShellPool(d.spec());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: a, pfx: { pfxBase64: bytesOf(A).toString('base64'), password: A.password! } });
    await pool.assign({ thumbprint: b, pfx: { pfxBase64: bytesOf(B).toString('base64'), password: B.password! } });
    d.admin('advance', '30');
    expect((await pool.inspect()).servers.map((s) => [s.current, s.previous])).toEqual(SERVERS.map(() => [b, a]));
    await pool.removePrevious();
    expect(d.scripts().at(-1)!.script).toBe("$ErrorActionPreference = 'Stop'\nRemove-CsCertificate -Identity Global -Type OAuthTokenIssuer -Previous -Force\n");
    const removed = await pool.inspect();
    expect([removed.global.current, removed.global.previous]).toEqual([b, undefined]);
    expect(removed.replicas.every((r) => !r.upToDate)).toBe(true);
    d.admin('advance', '30');
    const replicated = await pool.inspect();
    expect(replicated.servers).toEqual(SERVERS.map((server) => ({ server, current: b, currentNotAfter: expect.any(String) as string })));
    expect(replicated.replicas.every((r) => r.upToDate)).toBe(true);
  });

  it('a server set by hand (Set-CsCertificate without -Identity on fe02) reads as a local assignment there only; removeLocal gives it back the global one', async () => {
    const d = fresh();
    const pool = createPowerShellPool(d.spec());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    await pool.assign({ thumbprint: b, pfx: { pfxBase64: bytesOf(B).toString('base64'), password: B.password! } });
    await pool.assign({ thumbprint: a, pfx: { pfxBase64: bytesOf(A).toString('base64'), password: A.password! } });
    const operator = await runShell({
      command: d.spec().command,
      script: `Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${b}' }\n`,
      timeoutMs: 30_000,
      doing: 'an operator setting fe02 by hand',
    });
    expect(operator).toMatchObject({ code: 0, stderr: '' });
    const drifted = await pool.inspect();
    expect(drifted.global.current).toBe(a);
    expect(drifted.servers.map((s) => [s.server, s.current, s.scope])).toEqual([
      ['fe01.contoso.com', a, undefined],
      ['fe02.contoso.com', b, 'local'],
      ['fe03.contoso.com', a, undefined],
    ]);
    await pool.removeLocal('fe02.contoso.com');
    expect(d.scripts().at(-1)!.script).toBe("$ErrorActionPreference = 'Stop'\nInvoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Remove-CsCertificate -Type OAuthTokenIssuer -Force }\n");
    const corrected = await pool.inspect();
    expect(corrected.servers.map((s) => [s.current, s.previous, s.scope])).toEqual(SERVERS.map(() => [a, b, undefined]));
  });

  it('inspects 20 servers in at most `parallelism` shell calls', async () => {
    const servers = Array.from({ length: 20 }, (_, i) => `fe${String(i + 1).padStart(2, '0')}.contoso.com`);
    const d = fresh({ servers });
    const pool = createPowerShellPool(d.spec({ parallelism: 4 }));
    const seen = await pool.inspect();
    expect(seen.servers.map((s) => s.server)).toEqual(servers);
    expect(d.scripts().filter((r) => r.script.includes('Invoke-Command')).length).toBe(4);
  });

  // Issue #15 item 5, reproduced now that the emulator prints PowerShell 7's ConciseView for a
  // transport failure (`OpenError: [fe09...] ...`): this adapter matches `Invoke-Command:` and
  // so reports SHELL_FAILED. The issue #15 adapter reads structured records instead.
  it('an unreachable server among others: this adapter misses PowerShell 7\'s OpenError line (issue #15 item 5)', async () => {
    const d = fresh();
    const pool = createPowerShellPool({ ...d.spec({ parallelism: 1 }), servers: [...SERVERS, 'fe09.contoso.com'] });
    await expect(pool.inspect()).rejects.toMatchObject({ code: 'SHELL_FAILED', message: expect.stringContaining('"OpenError: [fe09.contoso.com] Connecting to remote server fe09.contoso.com failed') });
  });

  it('CMDLET_FAILED quotes the cmdlet: a thumbprint Skype does not know', async () => {
    const pool = createPowerShellPool(fresh().spec());
    await expect(pool.assign({ thumbprint: B.expected.thumbprint! })).rejects.toMatchObject({ code: 'CMDLET_FAILED', message: expect.stringContaining('Set-CsCertificate failed while making the OAuthTokenIssuer certificate') });
  });

  it('SHELL_NOT_FOUND: a command that does not exist', async () => {
    const pool = createPowerShellPool(checkPoolSpec({ kind: 'powershell', servers: SERVERS, command: ['/nonexistent/pwsh', '-Command', '-'] }).spec!);
    await expect(pool.inspect()).rejects.toMatchObject({ code: 'SHELL_NOT_FOUND', message: expect.stringContaining('`/nonexistent/pwsh` cannot be started (ENOENT)') });
  });

  it('SHELL_FAILED: the emulator without its state directory (exit 2)', async () => {
    const pool = createPowerShellPool(checkPoolSpec({ kind: 'powershell', servers: SERVERS, command: ['env', '-u', 'SFB_SKYPE_EMULATOR_DIR', EMULATOR, '-Command', '-'] }).spec!);
    await expect(pool.inspect()).rejects.toMatchObject({ code: 'SHELL_FAILED', message: expect.stringContaining('exited with status 2') });
  });
});

describe('shell calls are bounded', () => {
  it('SHELL_TIMEOUT: the call is killed after its limit', async () => {
    const started = Date.now();
    await expect(runShell({ command: ['sleep', '30'], script: '', timeoutMs: 300, doing: 'testing' })).rejects.toMatchObject({ code: 'SHELL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('SHELL_FAILED: output beyond the limit stops the call', async () => {
    await expect(runShell({ command: ['yes'], script: '', timeoutMs: 10_000, doing: 'testing', maxOutputBytes: 1024 })).rejects.toMatchObject({ code: 'SHELL_FAILED', message: expect.stringContaining('more than 1024 bytes on stdout') });
  });

  it('the script travels on stdin, not argv', async () => {
    const result = await runShell({ command: ['cat'], script: "Get-CsCertificate -Type 'OAuthTokenIssuer'\n", timeoutMs: 5000, doing: 'testing' });
    expect(result).toEqual({ code: 0, stdout: "Get-CsCertificate -Type 'OAuthTokenIssuer'\n", stderr: '' });
  });
});

describe('strict reading of the answers', () => {
  it.each([
    ['a banner before the JSON', 'Welcome\n[]\n', 1, 'SHELL_FAILED'],
    ['two documents where one was asked', '[]\n[]\n', 1, 'SHELL_FAILED'],
    ['nothing', '', 1, 'SHELL_FAILED'],
  ])('%s', (_name, stdout, count, code) => {
    expect(() => jsonLines(stdout, count, 'testing')).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['an object, not an array', { Thumbprint: 'A'.repeat(40), PSComputerName: 'fe01.contoso.com' }],
    ['a short thumbprint', [{ Thumbprint: 'ABC', NotAfter: '2035-01-01T00:00:00+00:00', PSComputerName: 'fe01.contoso.com' }]],
    ['a date without a zone', [{ Thumbprint: 'A'.repeat(40), NotAfter: '2035-01-01 00:00', PSComputerName: 'fe01.contoso.com' }]],
    ['a server not asked', [{ Thumbprint: 'A'.repeat(40), NotAfter: '2035-01-01T00:00:00+00:00', PSComputerName: 'evil.example.com' }]],
  ])('refuses remoting output with %s', (_name, document) => {
    expect(() => serversOf(document, ['fe01.contoso.com'], 'testing')).toThrow(expect.objectContaining({ code: 'SHELL_FAILED' }));
  });

  it('PowerShell literals: every kind of single quote doubled; the data file has a BOM', () => {
    expect(singleQuoted("it's ‘x’ ‚y‛")).toBe("'it''s ‘‘x’’ ‚‚y‛‛'");
    expect(passwordDataFile("a'b")).toBe("\uFEFF@{ Password = 'a''b' }\r\n");
  });

  it('splits servers into at most N near-equal runs, in order', () => {
    expect(splitInto([1, 2, 3, 4, 5], 2)).toEqual([[1, 2, 3], [4, 5]]);
    expect(splitInto([1, 2], 8)).toEqual([[1], [2]]);
  });
});

/** A PFX of the demo kind under `password` (the corpus has none with these quotes). */
async function makePfxWithPassword(password: string): Promise<{ base64: string; thumbprint: string }> {
  const bytes = makeDemoPfx({ sipDomain: 'contoso.com', password, notBefore: new Date('2025-01-01T00:00:00Z'), validDays: 3650 });
  const validation = await validatePfx(bytes, password);
  return { base64: bytes.toString('base64'), thumbprint: validation.thumbprint! };
}
