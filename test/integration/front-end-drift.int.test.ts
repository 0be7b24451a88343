/**
 * Drift on the Front End pool that the drift gate must catch, through
 * the real Pulumi CLI against the Skype cmdlet emulator (a Pulumi.yaml project whose pool command
 * is bin/sfb-skype-emulator: test/harness/emulated-pool.ts).
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
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DAY_MS } from '../../provider/domain/time';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { engineProgram, emulatedPool, localStore, pfxFile } from '../harness/engine-program';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';

/** What an administrator types on a US-English server whose clock is UTC: `M/d/yyyy h:mm:ss AM`. */
function usEnglishUtc(at: Date): string {
  const hour = at.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ${hour % 12 === 0 ? 12 : hour % 12}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const STORE_PASSPHRASE = 'front-end-drift-store-passphrase';

const PROGRAM = engineProgram({
  args: [
    pfxFile(),
    localStore({ directory: '.sfb-store' }),
    emulatedPool("...(config.getBoolean('replaceForeignRoll') ? { replaceForeignRoll: true } : {}),"),
  ],
  exports: ['thumbprint'],
});

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string }; unreachable?: { code: string; message: string } };

describe('Front End drift the gate must catch: a roll nobody declared, a server that cannot be read', () => {
  let pool: EmulatedPool;
  let project: CliProject;
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;

  const pulumi = (args: string[]) => project.run(args);
  const ok = async (args: string[]) => (await project.ok(args)).stdout;
  /** The resource's outputs in state: refresh and a failed update change them, not the stack outputs. */
  const outputs = () => project.resourceOutputs<{ plan: string; servers: Record<string, ServerOut> }>();
  const log = () => pool.log();
  const changesSince = (from: number) => pool.changesSince(from);
  const gate = () => pulumi(['preview', '--expect-no-changes']);

  beforeAll(async () => {
    pool = await EmulatedPool.create();
    project = await CliProject.create({ program: PROGRAM, files: { 'a.pfx': fs.readFileSync(path.join(CORPUS_DIR, A.file)) } });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setSecret('pfxPassword', PASSWORD);
    await project.setConfig('pfxFile', 'a.pfx');
    await project.setConfig('servers', JSON.stringify(SERVERS));
    await project.setConfig('command', JSON.stringify(pool.command));
    await ok(['up', '--yes']);
    expect((await gate()).code).toBe(0);
  });

  afterAll(() => {
    project?.cleanup();
    pool?.cleanup();
  });

  it('a roll scheduled by hand to an undeclared certificate: refresh shows it, the gate fails, up refuses it (FOREIGN_ROLL_PENDING) sending nothing; replaceForeignRoll sets the declared state over it', async () => {
    // An operator imports B as a roll 30 days ahead, behind Pulumi's back (en-US, UTC servers).
    const at = new Date(Math.ceil((Date.now() + 30 * DAY_MS) / 1000) * 1000);
    const hand = pool.operatorFiles(path.join(CORPUS_DIR, B.file), B.password!);
    // Done two seconds ago on the emulator's clock: replicated (a 1 s delay) before the provider reads the servers.
    pool.shiftClock(-2);
    // Typed at a Windows PowerShell 5.1 prompt, a line at a time (the emulator's default edition).
    const operator = await pool.typed(
      `$ProgressPreference = 'SilentlyContinue'\nImport-Module SkypeForBusiness\n$s = Import-PowerShellDataFile -LiteralPath '${hand.psd1}'\nImport-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '${hand.pfx}' -Password $s.Password -EffectiveDate '${usEnglishUtc(at)}' -Roll\n`,
    );
    expect(operator).toMatchObject({ code: 0, stderr: '' });
    pool.shiftClock(0);

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
    await project.setConfig('replaceForeignRoll', 'true');
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
    await pool.admin('unreachable', 'fe03.contoso.com');

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
    await pool.admin('reachable', 'fe03.contoso.com');
    await ok(['up', '--yes']);
    const converged = await outputs();
    for (const s of SERVERS) expect(converged.servers[s]).toEqual(expect.objectContaining({ current: a }));
    expect(converged.servers['fe03.contoso.com']).not.toHaveProperty('unreachable');
    expect((await gate()).code).toBe(0);
  });
});
