/**
 * The pool's manual mode through the PowerShell adapter, against the emulator in both editions:
 * each server's own import and local assignment (no replication), the PFX copied over the
 * remoting session into the account's profile and gone afterwards from every emulated server, a
 * copy an interrupted run left swept by the next, one unreachable server as a partial success
 * that the next run resumes, and no secret in any script or argv.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPowerShellPool } from '../../provider/adapters/powershell';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { validatePfx } from '../../provider/validate-pfx';
import { MANUAL_IMPORT_DIRECTORY } from '../../provider/adapters/powershell/manual-scripts';
import { checkPoolSpec, type FrontEndPoolSpec, type PoolEdition } from '../../provider/domain/front-end-pool-spec';
import { shortThumbprint } from '../../provider/domain/roll-plan';
import { convergePool, type PoolDeps } from '../../provider/pulumi/front-end-pool-step';
import { filesLeft } from '../../tools/skype-emulator/server-files';
import type { EmulatorState } from '../../tools/skype-emulator/state';
import { bytesOf, entry } from '../support/pfx-corpus';

const EMULATOR = path.join(__dirname, '..', '..', 'bin', 'sfb-skype-emulator');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
const A = entry('openssl3-default');
const EDITIONS: PoolEdition[] = ['desktop', 'core'];
const NOW = new Date('2026-06-01T00:00:00Z');

function deployment(edition: PoolEdition) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sfb-emu-manual-'));
  const env = { ...process.env, SFB_SKYPE_EMULATOR_DIR: dir };
  const admin = (...args: string[]) => execFileSync(EMULATOR, ['admin', ...args], { env, encoding: 'utf8' });
  admin('init', '--servers', SERVERS.join(','), '--edition', edition, '--replication-delay', '0', '--now', NOW.toISOString());
  const command = ['env', `SFB_SKYPE_EMULATOR_DIR=${dir}`, EMULATOR, ...SHELL_OPTIONS];
  const spec = (extra: Record<string, unknown> = {}): FrontEndPoolSpec => {
    const checked = checkPoolSpec({ kind: 'powershell', servers: SERVERS, edition, command, mode: 'manual', ...extra });
    if (!checked.spec) throw new Error(checked.problems.join(' '));
    return checked.spec;
  };
  const state = (): EmulatorState => JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as EmulatorState;
  /** An operator's (or a cancelled run's) script, run as a file in the emulated shell. */
  const script = (text: string) => {
    const file = path.join(dir, 'operator.ps1');
    fs.writeFileSync(file, `\uFEFF${text}`);
    try {
      return execFileSync(EMULATOR, [...SHELL_OPTIONS, '-File', file], { env, encoding: 'utf8' });
    } finally {
      fs.rmSync(file, { force: true });
    }
  };
  const scripts = () =>
    fs
      .readFileSync(path.join(dir, 'scripts.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { script: string; argv: string[] });
  return { dir, admin, spec, state, script, scripts, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const made: Array<{ cleanup(): void }> = [];
afterAll(() => made.forEach((d) => d.cleanup()));
const fresh = (edition: PoolEdition) => {
  const d = deployment(edition);
  made.push(d);
  return d;
};
const thumbprintA = A.expected.thumbprint!;
const pfxA = { pfxBase64: bytesOf(A).toString('base64'), password: A.password! };

describe.each(EDITIONS)('manual mode through the adapter, edition %s', (edition) => {
  it('installs on each server on its own: a local assignment there, nothing global, nothing replicated, no PFX left on any server, no secret in a script', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec());
    await pool.installLocal('fe02.contoso.com', { thumbprint: thumbprintA, pfx: pfxA });
    const one = await pool.inspect();
    // Only fe02 has it: an import without -Identity Global is local to that server (Skype does not replicate it).
    expect(one.global).toEqual({ server: 'global' });
    expect(one.servers.map((s) => [s.server, s.current ?? null, s.scope ?? null])).toEqual([
      ['fe01.contoso.com', null, null],
      ['fe02.contoso.com', thumbprintA, 'local'],
      ['fe03.contoso.com', null, null],
    ]);
    const state = d.state();
    expect(state.certificates[thumbprintA]).toMatchObject({ global: false, importedOn: ['fe02.contoso.com'], privateKeyExportable: false });
    expect(state.cms.history).toHaveLength(1);
    // The copy and its directory are gone.
    expect(filesLeft(state)).toEqual([]);
    expect(Object.keys(state.serverFiles?.['fe02.contoso.com'] ?? {})).toEqual([]);
    const install = d.scripts().find((r) => r.script.includes('Copy-Item'))!;
    expect(install.script).toContain("$session = New-PSSession -ComputerName 'fe02.contoso.com'");
    expect(install.script).toMatch(/Copy-Item -LiteralPath '[^']*cert\.pfx' -Destination \$remotePfx -ToSession \$session/);
    expect(install.script).toContain('Import-CsCertificate -Path $using:remotePfx -Password $using:password');
    expect(install.script).toContain(`Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${thumbprintA}'`);
    expect(install.script).not.toContain('-Identity');
    for (const record of d.scripts()) {
      const text = JSON.stringify(record);
      expect(text).not.toContain(A.password!);
      expect(text).not.toContain(pfxA.pfxBase64.slice(100, 140));
    }
  });

  it('a password full of quotes reaches Import-CsCertificate on the server through $using:, never in a script', async () => {
    const d = fresh(edition);
    const password = "it's ‘q’ '; Remove-Item C:\\ #";
    const bytes = makeDemoPfx({ sipDomain: 'contoso.com', password, notBefore: new Date('2025-01-01T00:00:00Z'), validDays: 3650 });
    const thumbprint = (await validatePfx(bytes, password)).thumbprint!;
    await createPowerShellPool(d.spec()).installLocal('fe01.contoso.com', { thumbprint, pfx: { pfxBase64: bytes.toString('base64'), password } });
    expect(d.state().local['fe01.contoso.com']?.OAuthTokenIssuer?.current?.thumbprint).toBe(thumbprint);
    for (const record of d.scripts()) expect(JSON.stringify(record)).not.toContain('Remove-Item C:');
  });

  it('assigns by thumbprint alone (no copy) when the server\'s store holds the certificate; a scheduled roll is set on the server in its own zone', async () => {
    const d = fresh(edition);
    const pool = createPowerShellPool(d.spec());
    await pool.installLocal('fe01.contoso.com', { thumbprint: thumbprintA, pfx: pfxA });
    const at = '2026-06-10T08:00:00.000Z';
    await pool.installLocal('fe01.contoso.com', { thumbprint: thumbprintA, effectiveAt: at });
    const last = d.scripts().at(-1)!.script;
    expect(last).not.toContain('Copy-Item');
    expect(last).toContain(`Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${thumbprintA}' -EffectiveDate $effectiveDate -Roll`);
    expect(filesLeft(d.state())).toEqual([]);
  });

  it('an interrupted run: the copy it left in the account\'s profile is swept by the next run, on that server only', async () => {
    const d = fresh(edition);
    const pfxFile = path.join(d.dir, 'left.pfx');
    fs.writeFileSync(pfxFile, bytesOf(A), { mode: 0o600 });
    // What a run cancelled after the copy leaves: the directory and the PFX in it, no finally run.
    d.script(
      [
        "$session = New-PSSession -ComputerName 'fe03.contoso.com'",
        `$directory = Invoke-Command -Session $session -ScriptBlock { $directory = $env:LOCALAPPDATA + '\\${MANUAL_IMPORT_DIRECTORY}'; $created = New-Item -ItemType Directory -Path $directory; $directory }`,
        `Copy-Item -LiteralPath '${pfxFile}' -Destination ($directory + '\\cert.pfx') -ToSession $session`,
      ].join('\n'),
    );
    expect(filesLeft(d.state())).toEqual([`fe03.contoso.com: C:\\Users\\sfbadmin\\AppData\\Local\\${MANUAL_IMPORT_DIRECTORY}\\cert.pfx`]);
    // Readable by the account, SYSTEM and Administrators only (the profile's ACL, inherited).
    expect(Object.values(d.state().serverFiles!['fe03.contoso.com']!).map((f) => [f.kind, f.readers])).toEqual([
      ['directory', ['sfbadmin', 'SYSTEM', 'Administrators']],
      ['file', ['sfbadmin', 'SYSTEM', 'Administrators']],
    ]);
    const pool = createPowerShellPool(d.spec());
    expect(await pool.sweepCopies()).toEqual(['fe03.contoso.com']);
    expect(filesLeft(d.state())).toEqual([]);
    expect(await pool.sweepCopies()).toEqual([]);
  });

  it('one unreachable server: a partial success naming it, the others installed; the next up resumes with it alone', async () => {
    const d = fresh(edition);
    d.admin('unreachable', 'fe03.contoso.com');
    const spec = d.spec();
    const lines: string[] = [];
    const deps: PoolDeps = { open: createPowerShellPool, clock: () => 0, sleep: async () => undefined, progress: (line) => lines.push(line) };
    const inputs = { pool: spec, pfx: pfxA.pfxBase64, password: pfxA.password, thumbprint: thumbprintA, notBefore: '2000-01-01T00:00:00.000Z', notAfter: A.expected.notAfter! };
    const first = convergePool(inputs, NOW, deps);
    await expect(first).rejects.toMatchObject({
      code: 'POOL_NOT_CONVERGED',
      message: expect.stringContaining('Manual mode: 2 of 3 servers report the declared OAuthTokenIssuer certificate'),
      servers: { 'fe03.contoso.com': { current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE' } } },
    });
    await expect(first).rejects.toMatchObject({ message: expect.stringContaining('not yet: fe03.contoso.com (could not be read: SERVER_UNREACHABLE)') });
    // Installed side by side (the pool's parallelism): the order they ran in is not fixed.
    const installs = () => d.scripts().filter((r) => r.script.includes('Set-CsCertificate')).map((r) => /-ComputerName '([^']+)'/.exec(r.script)![1]).sort();
    expect(installs()).toEqual(['fe01.contoso.com', 'fe02.contoso.com']);
    expect(filesLeft(d.state())).toEqual([]);

    d.admin('reachable', 'fe03.contoso.com');
    const servers = await convergePool(inputs, NOW, deps);
    expect(installs()).toEqual(['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com']);
    expect(Object.values(servers!).map((s) => s.current)).toEqual([thumbprintA, thumbprintA, thumbprintA]);
    expect(lines.at(-1)).toBe(`Front End pool of 3 servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) (manual mode): every server reports ${shortThumbprint(thumbprintA)} current, each assigned on the server itself; installed this run on fe03.contoso.com.`);
    expect(filesLeft(d.state())).toEqual([]);
  });
  it('the expired previous certificate of each server\'s local assignment: removed on each server, the global assignment untouched; before its NotAfter, kept', async () => {
    const d = fresh(edition);
    const password = 'short-lived';
    const shortBytes = makeDemoPfx({ sipDomain: 'contoso.com', password, notBefore: new Date('2026-05-01T00:00:00Z'), validDays: 40 });
    const short = await validatePfx(shortBytes, password);
    const lines: string[] = [];
    const deps: PoolDeps = { open: createPowerShellPool, clock: () => 0, sleep: async () => undefined, progress: (line) => lines.push(line) };
    const spec = d.spec({ parallelism: 2 });
    const shortInputs = { pool: spec, pfx: shortBytes.toString('base64'), password, thumbprint: short.thumbprint!, notBefore: short.notBefore!, notAfter: short.notAfter! };
    const aInputs = { pool: spec, pfx: pfxA.pfxBase64, password: pfxA.password, thumbprint: thumbprintA, notBefore: '2000-01-01T00:00:00.000Z', notAfter: A.expected.notAfter! };
    // The short-lived certificate on every server, then A: the short one is each local assignment's previous.
    const first = await convergePool(shortInputs, NOW, deps);
    const kept = await convergePool({ ...aInputs, servers: first }, NOW, deps);
    expect(Object.values(kept!).map((s) => [s.current, s.previous, s.previousNotAfter])).toEqual(SERVERS.map(() => [thumbprintA, short.thumbprint, short.notAfter]));
    const removals = () => d.scripts().filter((r) => r.script.includes('Remove-CsCertificate'));
    expect(removals()).toEqual([]);
    // A day after its NotAfter: each server's local assignment is rid of it, each on its own.
    const later = new Date(Date.parse(short.notAfter!) + 24 * 3600 * 1000);
    const removed = await convergePool({ ...aInputs, servers: kept }, later, deps);
    expect(Object.values(removed!).map((s) => [s.current, s.previous])).toEqual(SERVERS.map(() => [thumbprintA, null]));
    expect(removals().map((r) => /-ComputerName '([^']+)'/.exec(r.script)![1]).sort()).toEqual(SERVERS);
    for (const r of removals()) expect(r.script).toContain('    Remove-CsCertificate -Type OAuthTokenIssuer -Previous -Force\n');
    expect(lines.filter((l) => l.includes('removing its previous certificate')).sort()).toEqual(
      SERVERS.map((s) => `Front End pool of 3 servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) (manual mode): ${s}: removing its previous certificate ${shortThumbprint(short.thumbprint!)} (expired ${short.notAfter!.slice(0, 16)}Z) with Remove-CsCertificate -Type OAuthTokenIssuer -Previous there.`),
    );
    expect(lines.at(-1)).toBe(`Front End pool of 3 servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) (manual mode): every server reports ${shortThumbprint(thumbprintA)} current, each assigned on the server itself; expired previous certificate removed on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com.`);
    const state = d.state();
    expect(state.cms.history).toHaveLength(1);
    expect(Object.fromEntries(SERVERS.map((s) => [s, state.local[s]?.OAuthTokenIssuer?.previous ?? null]))).toEqual(Object.fromEntries(SERVERS.map((s) => [s, null])));
    // Done: the next run sends nothing but its looks.
    const before = d.scripts().length;
    await convergePool({ ...aInputs, servers: removed }, later, deps);
    expect(d.scripts().slice(before).filter((r) => /Remove-CsCertificate|Set-CsCertificate|Import-CsCertificate/.test(r.script))).toEqual([]);
  });
});
