/**
 * Automatic renewal from an ACME CA through the real Pulumi CLI, on Pebble (scripts/install-pebble)
 * with the challenges published by hook commands that call pebble-challtestsrv, as an operator's
 * hooks would call their web server or DNS:
 *
 * - HTTP-01 on an emulated pool: create, the test clock past renewBefore, a challenge the CA
 *   cannot validate (ACME_CHALLENGE_FAILED), the CA gone in the middle of an order
 *   (ISSUER_FAILED), each leaving the store and the certificate as they were; the next `up`
 *   orders with the stored account key and schedules the roll on every server; past the roll,
 *   refresh shows the new certificate current and the old one previous everywhere, and a further
 *   up changes nothing.
 * - DNS-01: the CA resolves the TXT record through challtestsrv's DNS, where the hook put it.
 *
 * Pebble dates its certificates by the real clock, so the test clock that makes the first
 * certificate due would make a renewal of the same lifetime due as well: the first CA issues
 * certificates valid 10 days, and it is restarted (same directory, no accounts: the stored key
 * registers again) issuing Pebble's default 90 days, which the shifted clock leaves far from due.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { DAY_MS } from '../../provider/domain/time';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { emulatedPool, engineProgram, localStore } from '../harness/engine-program';
import { startPebble, type RunningPebble } from '../harness/pebble';

const STORE_PASSPHRASE = 'renewal-acme-store-passphrase-81b3';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
const HOOK = join(__dirname, '..', 'fixtures', 'issuers', 'challtestsrv-hook.js');
const FIRST_VALIDITY_SECONDS = 10 * DAY_MS / 1000;

const program = (challenge: 'http01Hook' | 'dns01Hook', pool: boolean) =>
  engineProgram({
    imports: ["import { readFileSync } from 'node:fs';"],
    setup: ["const hook = config.requireObject<string[]>('hook');"],
    args: [
      `certificate: Issuers.acme({
  directoryUrl: config.require('directoryUrl'),
  email: 'pki@contoso.com',
  caCertificatesPem: readFileSync(config.require('caFile'), 'utf8'),
  challenge: AcmeChallenges.${challenge}({ present: hook, cleanUp: hook }),
  timeoutSeconds: 60,
})`,
      localStore({ directory: '.sfb-store' }),
      ...(pool ? [emulatedPool("serverTimeZone: 'UTC',")] : []),
    ],
    exports: ['thumbprint', 'plan'],
  });

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string } };
type Outs = {
  thumbprint: string;
  previousThumbprint: string | null;
  pendingThumbprint: string | null;
  plan: string;
  notBefore: string;
  notAfter: string;
  servers: Record<string, ServerOut>;
  renewalFailure?: { code: string; at: string; retryAfter?: string } | null;
};
/** Pulumi encrypts a secret output again on every write (a new nonce): compare what it holds, not its ciphertext. */
const SECRET_SIGNATURE = '4dabf18193072939515e22adb298388d';
const withoutCiphertexts = (outs: object): object =>
  Object.fromEntries(Object.entries(outs).map(([key, value]) => [key, typeof value === 'object' && value !== null && SECRET_SIGNATURE in value ? '[secret]' : value]));
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));

/** A project on its own Pebble, with the hook writing its log in a temp directory. */
class AcmeProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'sfb-renewal-acme-'));
  readonly hookLog = join(this.dir, 'hook.log');
  project!: CliProject;

  async create(programText: string, pebble: RunningPebble): Promise<void> {
    this.project = await CliProject.create({ program: programText });
    await this.project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    const caFile = join(this.dir, 'ca.pem');
    writeFileSync(caFile, pebble.tlsRootPem);
    await this.project.setConfig('directoryUrl', pebble.directoryUrl);
    await this.project.setConfig('caFile', caFile);
    this.project.shiftClock(0);
  }

  /** The hook's argv: `mode` as challtestsrv-hook.js takes it. */
  async useHook(pebble: RunningPebble, mode?: string): Promise<void> {
    await this.project.setConfig('hook', JSON.stringify([process.execPath, HOOK, pebble.challengeServerUrl, this.hookLog, ...(mode ? [mode] : [])]));
  }

  /** What the hook did since the last call: `<action> <type> <name or token>` lines. */
  hookRuns(): string[] {
    let text = '';
    try {
      text = readFileSync(this.hookLog, 'utf8');
    } catch {
      // Not run yet.
    }
    rmSync(this.hookLog, { force: true });
    return text.split('\n').filter(Boolean);
  }

  store() {
    return createLocalStore({ directory: join(this.project.dir, '.sfb-store'), passphrase: STORE_PASSPHRASE });
  }

  async versions(): Promise<string[]> {
    return (await this.store().describe(SECRET_NAME))!.versions.map((v) => `${v.versionId}:${v.stages.join(',')}`).sort();
  }

  outputs(): Promise<Outs> {
    return this.project.resourceOutputs<Outs>();
  }

  cleanup(): void {
    this.project?.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('renewal from an ACME CA (Pebble) through the Pulumi CLI', () => {
  const pebbles: RunningPebble[] = [];
  const projects: AcmeProject[] = [];
  let emulator: EmulatedPool | undefined;

  afterAll(async () => {
    for (const project of projects) project.cleanup();
    emulator?.cleanup();
    for (const pebble of pebbles) await pebble.stop();
  });

  it('over HTTP-01 on a pool: a failed challenge and the CA gone mid-order change nothing; the next up orders with the stored account key, the roll happens at its instant, then nothing more', async () => {
    const pebble = await startPebble({ validitySeconds: FIRST_VALIDITY_SECONDS });
    pebbles.push(pebble);
    emulator = await EmulatedPool.create();
    const acme = new AcmeProject();
    projects.push(acme);
    await acme.create(program('http01Hook', true), pebble);
    await acme.project.setConfig('servers', JSON.stringify(SERVERS));
    await acme.project.setConfig('command', JSON.stringify(emulator.command));
    await acme.useHook(pebble);
    const { project } = acme;

    await project.ok(['up', '--yes']);
    const created = await acme.outputs();
    expect(created.plan).toMatch(/^test clock: order the first certificate from ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook /);
    expect(Date.parse(created.notAfter) - Date.parse(created.notBefore)).toBe((FIRST_VALIDITY_SECONDS - 1) * 1000);
    expect(created.servers).toEqual(everyServer({ current: created.thumbprint, previous: null }));
    const [firstToken] = acme.hookRuns().map((line) => line.split(' ')[2]);
    const firstVersion = (await acme.store().describe(SECRET_NAME))!.versions[0]!;
    const accountKeyPem = (await acme.store().getVersion(SECRET_NAME, firstVersion.versionId)).acmeAccountKeyPem!;
    expect(accountKeyPem).toContain('-----BEGIN ');

    // Seven days on: past NotAfter (10 days) minus the default renewBefore (a third).
    const shiftSeconds = 7 * DAY_MS / 1000;
    project.shiftClock(shiftSeconds);
    const before = await acme.versions();
    const failedAt = (outcome: Outs) => outcome.renewalFailure?.at ?? '';
    const shiftedNow = () => Date.now() + shiftSeconds * 1000;

    // A challenge the hook acknowledges but does not publish: the CA cannot validate it.
    await acme.useHook(pebble, 'skip');
    const refused = await project.run(['up', '--yes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/ACME_CHALLENGE_FAILED: ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook [^)]+\) did not issue the certificate for contoso\.com: The ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir could not validate the http-01 challenge for contoso\.com /);
    expect(await acme.versions()).toEqual(before);
    expect((await acme.outputs()).renewalFailure?.code).toBe('ACME_CHALLENGE_FAILED');
    expect(acme.hookRuns()).toEqual([expect.stringMatching(/^present http-01 [\w-]+$/), expect.stringMatching(/^cleanup http-01 [\w-]+$/)]);

    // The CA gone in the middle of the order: the hook stops Pebble once the order and its
    // authorization exist, before the challenge is answered.
    const pidFile = join(acme.dir, 'ca.pid');
    writeFileSync(pidFile, String(pebble.caPid));
    await acme.useHook(pebble, `stop-ca=${pidFile}`);
    const unchanged = await acme.outputs();
    const startedAt = shiftedNow();
    const down = await project.run(['up', '--yes']);
    const endedAt = shiftedNow();
    expect(down.code).not.toBe(0);
    expect(down.stdout + down.stderr).toMatch(/ISSUER_FAILED: ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook [^)]+\) did not issue the certificate for contoso\.com: The ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir could not be reached \(ECONNREFUSED on (HEAD \/nonce-plz|POST \/chalZ\/[\w-]+)\); nothing was stored\./);
    const runs = acme.hookRuns();
    expect(runs).toEqual([expect.stringMatching(/^present http-01 [\w-]+$/), expect.stringMatching(/^cleanup http-01 [\w-]+$/)]);
    expect(runs[0]!.split(' ')[2]).toBe(runs[1]!.split(' ')[2]);
    expect(await acme.versions()).toEqual(before);
    const afterDown = await acme.outputs();
    expect(withoutCiphertexts(afterDown)).toEqual(withoutCiphertexts({ ...unchanged, renewalFailure: { code: 'ISSUER_FAILED', at: failedAt(afterDown) } }));
    expect(Date.parse(failedAt(afterDown))).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
    expect(Date.parse(failedAt(afterDown))).toBeLessThanOrEqual(endedAt);

    // The CA back at the same directory, issuing for 90 days: the same program completes.
    await pebble.restartCa();
    await project.ok(['up', '--yes']);
    const renewed = await acme.outputs();
    expect(renewed.thumbprint).not.toBe(created.thumbprint);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    expect(renewed.renewalFailure ?? null).toBeNull();
    expect(renewed.plan).toMatch(/^test clock: renewal due: order a new certificate from ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook [^)]+\), roll at /);
    expect(renewed.servers).toEqual(everyServer({ current: created.thumbprint, pending: expect.objectContaining({ thumbprint: renewed.thumbprint }) }));
    const renewalRuns = acme.hookRuns();
    expect(renewalRuns).toHaveLength(2);
    expect(renewalRuns[0]).not.toContain(firstToken);
    const secret = (await acme.store().describe(SECRET_NAME))!;
    expect(secret.versions.map((v) => v.stages).sort()).toEqual([['current'], ['pending']]);
    const pending = secret.versions.find((v) => v.stages.includes('pending'))!;
    const payload = await acme.store().getVersion(SECRET_NAME, pending.versionId);
    expect(payload.acmeAccountKeyPem).toBe(accountKeyPem);

    // While the roll is pending, up orders nothing.
    const renewedVersions = await acme.versions();
    const waiting = (await project.ok(['up', '--yes'])).stdout;
    expect(waiting).not.toMatch(/\d+ (updated|created)/);
    expect(acme.hookRuns()).toEqual([]);
    expect(await acme.versions()).toEqual(renewedVersions);

    // Two days after the order: past the roll (rollLeadTime, 24 h after it).
    project.shiftClock(shiftSeconds + 2 * DAY_MS / 1000);
    await project.ok(['refresh', '--yes']);
    expect((await acme.outputs()).servers).toEqual(everyServer({ current: renewed.thumbprint, previous: created.thumbprint }));
    const changesBefore = emulator.log().length;
    await project.ok(['up', '--yes']);
    expect(await acme.outputs()).toMatchObject({ thumbprint: renewed.thumbprint, previousThumbprint: created.thumbprint, pendingThumbprint: null });
    const again = (await project.ok(['up', '--yes'])).stdout;
    expect(again).toMatch(/Resources:\s+\d+ unchanged/);
    expect(again).not.toMatch(/\d+ (updated|created)/);
    expect(emulator.changesSince(changesBefore)).toEqual([]);
    expect(acme.hookRuns()).toEqual([]);

    // No secret in state, in anything the CLI printed, nor in what the shells were handed.
    const exported = (await project.ok(['stack', 'export'])).stdout;
    const printed = project.printed.join('\n');
    const argv = JSON.stringify(emulator.log().map((r) => r.argv));
    const keyLine = accountKeyPem.split('\n')[1]!;
    for (const text of [exported, printed, argv]) {
      expect(text).not.toContain(keyLine);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(payload.password!);
      expect(text).not.toContain(payload.pfxBase64!.slice(0, 32));
    }
  });

  it('over DNS-01: the CA resolves the TXT record the hook put in its DNS; a clean-up that fails is a warning naming the record', async () => {
    const pebble = await startPebble();
    pebbles.push(pebble);
    const acme = new AcmeProject();
    projects.push(acme);
    await acme.create(program('dns01Hook', false), pebble);
    // The clean-up hook fails: the certificate stands, the record left behind is reported.
    await acme.useHook(pebble, 'fail-cleanup');

    const up = await acme.project.ok(['up', '--yes']);
    const created = await acme.outputs();
    expect(created.plan).toMatch(/^test clock: order the first certificate from ACME https:\/\/127\.0\.0\.1:\d+\/dir \(dns-01 via hook /);
    expect(up.stdout).toContain(
      `warning ACME_CLEANUP_FAILED: The dns-01 challenge for contoso.com could not be removed after the order (ISSUER_FAILED: The dns-01 clean-up hook \`${process.execPath}\` exited with 4 (stderr: "the DNS server refused the deletion") for contoso.com; the challenge may still be published. Fix what it reports, then run \`pulumi up\` again.); the order's outcome stands. Remove the TXT record _acme-challenge.contoso.com by hand; it only ever proved this order.`,
    );
    expect(acme.hookRuns()).toEqual(['present dns-01 _acme-challenge.contoso.com', 'cleanup dns-01 _acme-challenge.contoso.com']);
    const [version] = (await acme.store().describe(SECRET_NAME))!.versions;
    expect(version!.stages).toEqual(['current']);
    expect((await acme.store().getVersion(SECRET_NAME, version!.versionId)).thumbprint).toBe(created.thumbprint);

    // The hook acknowledges without publishing: the CA finds no TXT record and refuses.
    await acme.useHook(pebble, 'skip');
    acme.project.shiftClock(61 * DAY_MS / 1000);
    const refused = await acme.project.run(['up', '--yes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/ACME_CHALLENGE_FAILED: .* could not validate the dns-01 challenge for contoso\.com \(".*"\); nothing was stored\. Check that the TXT record _acme-challenge\.contoso\.com is published where the CA resolves it/);
    expect(acme.hookRuns()).toEqual(['present dns-01 _acme-challenge.contoso.com', 'cleanup dns-01 _acme-challenge.contoso.com']);
  });
});
