/**
 * The pool's manual mode through the real Pulumi CLI against the emulator: a project declares
 * `mode: 'manual'` over three of the emulated deployment's four Front End Servers. First up: each
 * of the three imports and assigns the certificate itself (local assignments, nothing global,
 * nothing replicated), no PFX copy left on any server; a second preview plans no change; the
 * fourth server added to `servers` is the only one the next up installs; a server removed from
 * `servers` is left alone and named; a previous certificate whose NotAfter passes (the test clock
 * moved past it, no wait) is removed on each server that keeps it, by the next up. No secret in
 * any script, argv or CLI output.
 */
import { CliProject } from '../harness/cli-project';
import { EmulatedPool } from '../harness/emulated-pool';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { DAY_MS, HOUR_MS, isoMinute } from '../../provider/domain/time';
import { validatePfx } from '../../provider/validate-pfx';
import { engineProgram, emulatedPool, localStore, pfxFile } from '../harness/engine-program';
import { filesLeft } from '../../tools/skype-emulator/server-files';
import type { EmulatorState } from '../../tools/skype-emulator/state';
import { bytesOf, entry } from '../support/pfx-corpus';
import * as fs from 'node:fs';
import * as path from 'node:path';

const A = entry('openssl3-default');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'front-end-manual-store-passphrase';
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com', 'fe04.contoso.com'];

const PROGRAM = engineProgram({
  args: [pfxFile(), localStore({ directory: '.sfb-store' }), emulatedPool("mode: 'manual',")],
  exports: ['plan', 'servers'],
});

describe('manual mode through the Pulumi CLI against the emulator', () => {
  let emulator: EmulatedPool;
  let project: CliProject;
  const a = A.expected.thumbprint!;
  const base64 = bytesOf(A).toString('base64');
  const extraSecrets: string[] = [];
  const state = () => JSON.parse(fs.readFileSync(path.join(emulator.dir, 'state.json'), 'utf8')) as EmulatorState;
  const outputs = () => project.resourceOutputs<{ servers: Record<string, { current: string | null }> }>();
  // The servers of one step are installed side by side: the order they ran in is not fixed.
  const installsSince = (from: number) => emulator.log().slice(from).filter((r) => r.script.includes('Set-CsCertificate')).map((r) => /New-PSSession -ComputerName '([^']+)'/.exec(r.script)![1]).sort();

  beforeAll(async () => {
    emulator = await EmulatedPool.create({ servers: SERVERS });
    project = await CliProject.create({ program: PROGRAM, files: { 'a.pfx': bytesOf(A) } });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setSecret('pfxPassword', PASSWORD);
    await project.setConfig('servers', JSON.stringify(SERVERS.slice(0, 3)));
    await project.setConfig('command', JSON.stringify(emulator.command));
    await project.setConfig('pfxFile', 'a.pfx');
  });

  afterAll(() => {
    project?.cleanup();
    emulator?.cleanup();
  });

  it('first up: each of the three servers imports and assigns it itself; nothing global, nothing on fe04, no copy left', async () => {
    // The CLI shortens long strings in its text view; --json has the whole plan line.
    const preview = (await project.ok(['preview', '--json'])).stdout;
    expect(preview).toContain(`new ${a.slice(0, 4)}.. current now; servers (manual mode): set ${a.slice(0, 4)}.. current now on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com, each imported into its local computer store and assigned there (no replication), then verify each`);
    const up = await project.ok(['up', '--yes']);
    expect(up.output).toContain(`(manual mode): every server reports ${a.slice(0, 4)}.. current, each assigned on the server itself; installed this run on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com.`);
    expect(installsSince(0)).toEqual(SERVERS.slice(0, 3));
    expect(emulator.log().some((r) => /-Identity Global -Type OAuthTokenIssuer -Path|Set-CsCertificate -Identity/.test(r.script))).toBe(false);
    const s = state();
    expect(Object.fromEntries(SERVERS.map((server) => [server, s.local[server]?.OAuthTokenIssuer?.current?.thumbprint ?? null]))).toEqual({ 'fe01.contoso.com': a, 'fe02.contoso.com': a, 'fe03.contoso.com': a, 'fe04.contoso.com': null });
    expect(s.cms.history).toHaveLength(1);
    expect(filesLeft(s)).toEqual([]);
    expect(Object.values((await outputs()).servers).map((o) => o.current)).toEqual([a, a, a]);
  });

  it('a second preview plans no change, and a no-op up sends nothing', async () => {
    const before = emulator.log().length;
    await project.ok(['preview', '--expect-no-changes']);
    await project.ok(['up', '--yes', '--expect-no-changes']);
    expect(emulator.changesSince(before)).toEqual([]);
  });

  it('a server added to the pool: the next up installs it alone', async () => {
    await project.setConfig('servers', JSON.stringify(SERVERS));
    const before = emulator.log().length;
    const preview = (await project.ok(['preview', '--diff'])).stdout;
    expect(preview).toContain(`servers (manual mode): set ${a.slice(0, 4)}.. current now on fe04.contoso.com, each imported into its local`);
    await project.ok(['up', '--yes']);
    expect(installsSince(before)).toEqual(['fe04.contoso.com']);
    expect(state().local['fe04.contoso.com']?.OAuthTokenIssuer?.current?.thumbprint).toBe(a);
    expect(filesLeft(state())).toEqual([]);
  });

  it('a server removed from the pool: left alone (its assignment stays) and named in the plan', async () => {
    await project.setConfig('servers', JSON.stringify(SERVERS.slice(1)));
    const left = 'left alone (no longer in the pool, their local assignment stays): fe01.contoso.com';
    expect((await project.ok(['preview', '--json'])).stdout).toContain(`servers (manual mode): all 3 have ${a.slice(0, 4)}.. current, each assigned on the server itself; ${left}`);
    const before = emulator.log().length;
    const up = await project.ok(['up', '--yes']);
    expect(up.output).toContain(`; ${left}.`);
    expect(emulator.changesSince(before)).toEqual([]);
    expect(state().local['fe01.contoso.com']?.OAuthTokenIssuer?.current?.thumbprint).toBe(a);
  });

  it('the previous certificate once its NotAfter has passed: preview plans its removal on each server, the next up removes it there (no -Identity), each server on its own', async () => {
    const servers = SERVERS.slice(1);
    // Expires a day from now: the test moves the provider's clock past it instead of waiting.
    const notAfter = new Date(Math.ceil((Date.now() + DAY_MS) / 1000) * 1000);
    const shortPfx = makeDemoPfx({ sipDomain: 'contoso.com', password: PASSWORD, notBefore: new Date(notAfter.getTime() - 2 * DAY_MS), validDays: 2 });
    const shortBase64 = shortPfx.toString('base64');
    extraSecrets.push(shortBase64.slice(0, 24), shortBase64.slice(400, 424));
    fs.writeFileSync(path.join(project.dir, 'short.pfx'), shortPfx);
    const short = (await validatePfx(shortPfx, PASSWORD)).thumbprint!;
    // The short-lived certificate on every server, then A again (by thumbprint: each store holds it): the short one is each server's previous.
    await project.setConfig('pfxFile', 'short.pfx');
    await project.ok(['up', '--yes']);
    await project.setConfig('pfxFile', 'a.pfx');
    await project.ok(['up', '--yes']);
    const local = () => Object.fromEntries(servers.map((server) => [server, [state().local[server]?.OAuthTokenIssuer?.current?.thumbprint, state().local[server]?.OAuthTokenIssuer?.previous?.thumbprint ?? null]]));
    expect(local()).toEqual(Object.fromEntries(servers.map((server) => [server, [a, short]])));
    // Before its NotAfter: nothing to do.
    expect((await project.ok(['preview', '--json'])).stdout).not.toContain('remove previous');
    // A day and an hour on, for the provider and the shells it starts.
    project.shiftClock((DAY_MS + HOUR_MS) / 1000);
    try {
      const preview = (await project.ok(['preview', '--json'])).stdout;
      expect(preview).toContain('test clock: ');
      expect(preview).toContain(`servers (manual mode): all 3 have ${a.slice(0, 4)}.. current, each assigned on the server itself; remove previous ${short.slice(0, 4)}.. (expired ${isoMinute(notAfter)}) on each server that keeps it`);
      const before = emulator.log().length;
      const up = await project.ok(['up', '--yes']);
      for (const server of servers) expect(up.output).toContain(`(manual mode): ${server}: removing its previous certificate ${short.slice(0, 4)}.. (expired ${isoMinute(notAfter)}) with Remove-CsCertificate -Type OAuthTokenIssuer -Previous there.`);
      expect(up.output).toContain(`; expired previous certificate removed on ${servers.join(', ')}`);
      const removals = emulator.changesSince(before);
      expect(removals.map((script) => /-ComputerName '([^']+)'/.exec(script)![1]).sort()).toEqual(servers);
      for (const script of removals) {
        expect(script).toContain('    Remove-CsCertificate -Type OAuthTokenIssuer -Previous -Force\n');
        expect(script).not.toContain('-Identity');
      }
      expect(local()).toEqual(Object.fromEntries(servers.map((server) => [server, [a, null]])));
      expect(state().cms.history).toHaveLength(1);
      // Done: the next up has nothing to send.
      const after = emulator.log().length;
      await project.ok(['up', '--yes', '--expect-no-changes']);
      expect(emulator.changesSince(after)).toEqual([]);
    } finally {
      project.shiftClock(0);
    }
  });

  it('no secret in any script the emulator received, any argv, or any CLI output', () => {
    const texts = [...emulator.log().map((r) => JSON.stringify(r)), ...project.printed];
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const secret of [PASSWORD, STORE_PASSPHRASE, base64.slice(0, 24), base64.slice(400, 424), ...extraSecrets]) expect(text).not.toContain(secret);
  });
});
