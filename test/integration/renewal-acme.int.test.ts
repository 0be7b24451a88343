/**
 * Automatic renewal from an ACME CA through the real Pulumi CLI: Pebble (scripts/install-pebble)
 * over HTTP-01, the challenge published by hook commands that call pebble-challtestsrv, as an
 * operator's hooks would call their web server. Create, one renewal (the test clock past
 * renewBefore), the CA gone (a clear code, nothing changed, the next up completes), a challenge
 * that fails (ACME_CHALLENGE_FAILED, nothing stored); the account key stays in the store only.
 * The stopped CA is stopped before the up that orders (a CA stopped between two requests of one
 * order is test/issuers/acme-issuer.test.ts's).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { CliProject } from '../harness/cli-project';
import { engineProgram, localStore } from '../harness/engine-program';
import { startPebble, type RunningPebble } from '../harness/pebble';

const STORE_PASSPHRASE = 'renewal-acme-store-passphrase-81b3';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
const HOOK = join(__dirname, '..', 'fixtures', 'issuers', 'challtestsrv-hook.js');

const PROGRAM = engineProgram({
  imports: ["import { readFileSync } from 'node:fs';"],
  setup: ["const hook = config.requireObject<string[]>('hook');"],
  args: [
    `certificate: Issuers.acme({
  directoryUrl: config.require('directoryUrl'),
  email: 'pki@contoso.com',
  caCertificatesPem: readFileSync(config.require('caFile'), 'utf8'),
  challenge: AcmeChallenges.http01Hook({ present: hook, cleanUp: hook }),
  timeoutSeconds: 60,
})`,
    localStore({ directory: '.sfb-store' }),
  ],
  exports: ['thumbprint', 'plan'],
});

type Outs = { thumbprint: string; pendingThumbprint: string | null; plan: string; notBefore: string; notAfter: string; renewalFailure?: { code: string } | null };

describe('renewal from an ACME CA (Pebble, HTTP-01 hooks) through the Pulumi CLI', () => {
  let pebble: RunningPebble;
  let project: CliProject;
  const dir = mkdtempSync(join(tmpdir(), 'sfb-renewal-acme-'));
  const outputs = () => project.resourceOutputs<Outs>();
  const store = () => createLocalStore({ directory: join(project.dir, '.sfb-store'), passphrase: STORE_PASSPHRASE });
  const versions = async () => (await store().describe(SECRET_NAME))!.versions.map((v) => `${v.versionId}:${v.stages.join(',')}`).sort();
  const useCa = async (ca: RunningPebble, mode?: 'skip') => {
    const caFile = join(dir, `ca-${Math.random().toString(36).slice(2)}.pem`);
    writeFileSync(caFile, ca.tlsRootPem);
    await project.setConfig('directoryUrl', ca.directoryUrl);
    await project.setConfig('caFile', caFile);
    await project.setConfig('hook', JSON.stringify([process.execPath, HOOK, ca.challengeServerUrl, join(dir, 'hook.log'), ...(mode ? [mode] : [])]));
  };

  beforeAll(async () => {
    pebble = await startPebble();
    project = await CliProject.create({ program: PROGRAM });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await useCa(pebble);
    project.shiftClock(0);
  });

  afterAll(async () => {
    project?.cleanup();
    await pebble?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('orders on create, renews with the same account, survives the CA going away, and stores nothing from a failed challenge', async () => {
    await project.ok(['up', '--yes']);
    const created = await outputs();
    expect(created.plan).toMatch(/^test clock: order the first certificate from ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook /);
    const firstVersion = (await store().describe(SECRET_NAME))!.versions[0]!;
    const accountKeyPem = (await store().getVersion(SECRET_NAME, firstVersion.versionId)).acmeAccountKeyPem!;
    expect(accountKeyPem).toContain('-----BEGIN ');

    // Three quarters into the certificate's lifetime: past the default renewBefore (a third).
    const notBefore = Date.parse(created.notBefore);
    const dueAt = notBefore + 0.75 * (Date.parse(created.notAfter) - notBefore);
    project.shiftClock(Math.ceil((dueAt - Date.now()) / 1000));

    // The CA gone: a clear code, nothing stored, the current certificate stays.
    pebble.stopCa();
    const before = await versions();
    const down = await project.run(['up', '--yes']);
    expect(down.code).not.toBe(0);
    expect(down.stdout + down.stderr).toMatch(/ISSUER_FAILED: ACME https:\/\/127\.0\.0\.1:\d+\/dir \(http-01 via hook [^)]+\) did not issue the certificate for contoso\.com: The ACME CA at https:\/\/127\.0\.0\.1:\d+\/dir could not be reached/);
    expect(await versions()).toEqual(before);
    expect((await outputs()).thumbprint).toBe(created.thumbprint);

    // The CA back (a new Pebble: new ports), a challenge the hook does not publish.
    await pebble.stop();
    pebble = await startPebble();
    await useCa(pebble, 'skip');
    const refused = await project.run(['up', '--yes']);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('ACME_CHALLENGE_FAILED: ');
    expect(await versions()).toEqual(before);

    // A working hook: the renewal is ordered with the stored account key and scheduled.
    await useCa(pebble);
    await project.ok(['up', '--yes']);
    const renewed = await outputs();
    expect(renewed.thumbprint).not.toBe(created.thumbprint);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    expect(renewed.plan).toMatch(/^test clock: renewal due: order a new certificate from ACME /);
    const secret = (await store().describe(SECRET_NAME))!;
    expect(secret.versions.map((v) => v.stages).sort()).toEqual([['current'], ['pending']]);
    const pending = secret.versions.find((v) => v.stages.includes('pending'))!;
    const payload = await store().getVersion(SECRET_NAME, pending.versionId);
    expect(payload.acmeAccountKeyPem).toBe(accountKeyPem);

    // A second up while the renewal is pending orders nothing. (The roll itself is not waited
    // for here: Pebble dates its certificates by the real clock, so the test clock that made the
    // first one due makes the renewed one due as well; renewal.int.test.ts follows a roll.)
    const again = (await project.ok(['up', '--yes'])).stdout;
    expect(again).not.toMatch(/\d+ (updated|created)/);
    expect(await outputs()).toMatchObject({ thumbprint: renewed.thumbprint, pendingThumbprint: renewed.thumbprint });
    expect((await store().describe(SECRET_NAME))!.versions).toHaveLength(2);

    // No secret in state, nor in anything the CLI printed.
    const exported = (await project.ok(['stack', 'export'])).stdout;
    const printed = project.printed.join('\n');
    const keyLine = accountKeyPem.split('\n')[1]!;
    for (const text of [exported, printed]) {
      expect(text).not.toContain(keyLine);
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(payload.password!);
      expect(text).not.toContain(payload.pfxBase64!.slice(0, 32));
    }
  });
});
