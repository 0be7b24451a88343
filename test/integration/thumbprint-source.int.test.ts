/**
 * A certificate a Front End Server already has, through the real Pulumi CLI against the Skype
 * emulator: a thumbprint source assigned from the server that holds it (checked there in preview,
 * checked again in up), `fromType: 'Default'` resolved on its server to a thumbprint kept in
 * state, and that server's Default certificate renewed later showing in preview as a roll, which
 * only the next `up` makes. In both editions of the pool (`desktop`: Windows PowerShell 5.1;
 * `core`: PowerShell 7 loading the module through -UseWindowsPowerShell), each on its own
 * emulated deployment.
 */
import { join } from 'node:path';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { engineProgram, emulatedPool, localStore } from '../harness/engine-program';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const HOLDER = 'fe02.contoso.com';
const STORE_PASSPHRASE = 'thumbprint-source-store-passphrase';

const PROGRAM = engineProgram({
  args: ["certificate: config.requireObject('certificate')", localStore(), emulatedPool("edition: config.require('edition') as 'desktop' | 'core',", "serverTimeZone: 'UTC',")],
  exports: ['thumbprint', 'plan'],
});

type ServerOut = { current: string | null; previous: string | null };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));
const CHECKS = `checked on ${HOLDER}: key size, SIP domain, validity, private key, exportable`;

describe.each(['desktop', 'core'] as const)('a certificate a Front End Server already has, through the Pulumi CLI, edition %s', (edition) => {
  let pool: EmulatedPool;
  let project: CliProject;
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;
  const outputs = () => project.resourceOutputs<{ thumbprint: string; plan: string; servers: Record<string, ServerOut> }>();

  /** The plan line `pulumi preview --json` shows for the certificate (the text output shortens long lines). */
  async function previewPlan(): Promise<unknown> {
    const document = JSON.parse((await project.ok(['preview', '--json'])).stdout) as { steps: { urn: string; newState?: { inputs?: { plan?: unknown } } }[] };
    return document.steps.find((step) => step.urn.endsWith('::oauth'))?.newState?.inputs?.plan;
  }

  /** An operator imports a PFX into fe02's store with an exportable key and, with `useAs`, makes it fe02's certificate of that type. */
  async function operatorOnHolder(name: string, useAs?: string): Promise<void> {
    const e = entry(name);
    const files = pool.operatorFiles(join(CORPUS_DIR, e.file), e.password ?? '');
    const assign = useAs ? `\n    Set-CsCertificate -Type ${useAs} -Thumbprint '${e.expected.thumbprint}'` : '';
    const result = await pool.script(`$ProgressPreference = 'SilentlyContinue'\n$s = Import-PowerShellDataFile -LiteralPath '${files.psd1}'\n$p = $s.Password\nInvoke-Command -ComputerName '${HOLDER}' -ErrorAction Stop -ScriptBlock {\n    $ProgressPreference = 'SilentlyContinue'\n    Import-Module SkypeForBusiness\n    Import-CsCertificate -Path '${files.pfx}' -Password $using:p -PrivateKeyExportable $True${assign}\n}`);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  }

  beforeAll(async () => {
    pool = await EmulatedPool.create({ edition });
    project = await CliProject.create({ program: PROGRAM });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setConfig('servers', JSON.stringify(SERVERS));
    await project.setConfig('command', JSON.stringify(pool.command));
    await project.setConfig('edition', edition);
    await operatorOnHolder('openssl3-default', 'Default');
    await operatorOnHolder('rsa-4096');
  });

  afterAll(() => {
    project?.cleanup();
    pool?.cleanup();
  });

  it('a thumbprint: checked on its server in preview, assigned from it in up, every server reports it', async () => {
    await project.setConfig('certificate', JSON.stringify({ thumbprint: a.toLowerCase(), server: HOLDER }));
    const before = pool.log().length;
    expect(await previewPlan()).toBe(`new ${a.slice(0, 4)}.. current now; servers: set ${a.slice(0, 4)}.. current now, then verify 3; ${CHECKS}`);
    expect(pool.changesSince(before)).toEqual([]);
    await project.ok(['up', '--yes']);
    const out = await outputs();
    expect(out.thumbprint).toBe(a);
    expect(out.servers).toEqual(everyServer({ current: a, previous: null }));
    // One assignment (a loaded machine may add repair replications, which are not assignments).
    const sets = pool.changesSince(before).filter((script) => script.includes('Set-CsCertificate'));
    expect(sets).toHaveLength(1);
    expect(sets[0]).toContain(`Invoke-Command -ComputerName '${HOLDER}'`);
    expect(sets[0]).toContain(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${a}'`);
    // Every script ran in the edition declared.
    expect(pool.log().slice(before).every((r) => r.script.includes(edition === 'core' ? 'Import-Module SkypeForBusiness -UseWindowsPowerShell' : 'Import-Module SkypeForBusiness\n'))).toBe(true);
  });

  it("fromType: 'Default' resolves on its server to the same thumbprint: nothing to do", async () => {
    await project.setConfig('certificate', JSON.stringify({ fromType: 'Default', server: HOLDER }));
    const before = pool.log().length;
    await project.ok(['up', '--yes']);
    expect((await outputs()).thumbprint).toBe(a);
    expect(pool.changesSince(before)).toEqual([]);
  });

  it("the server's Default certificate renewed: preview shows a roll and changes nothing; the next up makes it", async () => {
    const renewed = await pool.script(`$ProgressPreference = 'SilentlyContinue'\nInvoke-Command -ComputerName '${HOLDER}' -ErrorAction Stop -ScriptBlock {\n    Import-Module SkypeForBusiness\n    Set-CsCertificate -Type Default -Thumbprint '${b}'\n}`);
    expect(renewed.code).toBe(0);
    const before = pool.log().length;
    const preview = (await project.ok(['preview', '--diff'])).stdout;
    expect(preview).toContain(`=> "${HOLDER}'s Default certificate renewed: ${a.slice(0, 4)}.. → ${b.slice(0, 4)}..; current ${a.slice(0, 4)}.. → previous; new ${b.slice(0, 4)}.. current now; `);
    expect(preview).toContain(`; ${CHECKS}"`);
    // Preview assigned nothing, and state still names the certificate of the last up.
    expect(pool.changesSince(before)).toEqual([]);
    expect((await outputs()).thumbprint).toBe(a);
    await project.ok(['up', '--yes']);
    const out = await outputs();
    expect(out.thumbprint).toBe(b);
    expect(out.servers).toEqual(everyServer({ current: b, previous: a }));
  });

  it('a thumbprint the server does not hold: preview fails with CERT_NOT_ON_SERVER, nothing assigned', async () => {
    await project.setConfig('certificate', JSON.stringify({ thumbprint: a, server: 'fe03.contoso.com' }));
    const before = pool.log().length;
    const preview = await project.run(['preview']);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(`CERT_NOT_ON_SERVER: Certificate ${a} is not in Cert:\\LocalMachine\\My on fe03.contoso.com`);
    expect(pool.changesSince(before)).toEqual([]);
  });
});
