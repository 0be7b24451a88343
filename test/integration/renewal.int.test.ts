/**
 * Automatic renewal through the real Pulumi CLI: a certificate from `Issuers.selfSigned` on an
 * emulated Front End pool with the local store. The test clock (shiftClock) moves past
 * renewBefore and past the scheduled roll instead of waiting weeks; the emulator's clock follows
 * the provider's, so the servers roll when Skype would.
 */
import * as path from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { DAY_MS } from '../../provider/domain/time';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { engineProgram, emulatedPool, localStore } from '../harness/engine-program';

const STORE_PASSPHRASE = 'renewal-engine-store-passphrase-5c0e';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';

const PROGRAM = engineProgram({
  args: [
    'certificate: Issuers.selfSigned({ validDays: 30 })',
    "renewBefore: '240h'",
    localStore({ directory: '.sfb-store' }),
    emulatedPool("serverTimeZone: 'UTC',"),
  ],
  exports: ['thumbprint', 'plan'],
});

type ServerOut = { current: string | null; previous: string | null; pending?: { thumbprint: string; effectiveDate: string } };
type Outs = { thumbprint: string; previousThumbprint: string | null; pendingThumbprint: string | null; plan: string; effectiveDate?: string; servers: Record<string, ServerOut> };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));

describe('renewal from the self-signed issuer through the Pulumi CLI', () => {
  let emulator: EmulatedPool;
  let project: CliProject;
  const outputs = () => project.resourceOutputs<Outs>();
  const store = () => createLocalStore({ directory: path.join(project.dir, '.sfb-store'), passphrase: STORE_PASSPHRASE });

  beforeAll(async () => {
    emulator = await EmulatedPool.create();
    project = await CliProject.create({ program: PROGRAM });
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.setConfig('servers', JSON.stringify(SERVERS));
    await project.setConfig('command', JSON.stringify(emulator.command));
    project.shiftClock(0);
  });

  afterAll(() => {
    project?.cleanup();
    emulator?.cleanup();
  });

  it('orders, stores and schedules the roll once renewal is due; the servers roll at the scheduled instant; then nothing more', async () => {
    await project.ok(['up', '--yes']);
    const created = await outputs();
    expect(created.plan).toMatch(/^test clock: order the first certificate from self-signed \(30 days\), current now; /);
    expect(created.servers).toEqual(everyServer({ current: created.thumbprint, previous: null }));
    const first = created.thumbprint;

    // Not due yet: preview changes nothing.
    expect((await project.ok(['preview', '--diff'])).stdout).not.toMatch(/to update/);

    // 21 days on: past NotAfter (30 days) − renewBefore (10 days). Preview asks for an update
    // (the engine shows check's plan line: diff's "renewal due" line reaches the provider's log only)
    // and orders nothing.
    project.shiftClock(21 * DAY_MS / 1000);
    const versionsBefore = (await store().describe(SECRET_NAME))!.versions.map((v) => v.versionId);
    const preview = (await project.ok(['preview', '--diff'])).stdout;
    expect(preview).toMatch(/~ 1 to update/);
    expect(preview).toContain('=> "test clock: certificate from self-signed (30 days), renewed 240h before it expires, rolled 24h after the order"');
    expect((await outputs()).thumbprint).toBe(first);
    expect((await store().describe(SECRET_NAME))!.versions.map((v) => v.versionId)).toEqual(versionsBefore);

    await project.ok(['up', '--yes']);
    const renewed = await outputs();
    expect(renewed.thumbprint).not.toBe(first);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    expect(renewed.plan).toMatch(/^test clock: renewal due: order a new certificate from self-signed \(30 days\), roll at /);
    expect(renewed.servers).toEqual(everyServer({ current: first, pending: expect.objectContaining({ thumbprint: renewed.thumbprint }) }));
    const secret = await store().describe(SECRET_NAME);
    expect(secret!.versions.map((v) => v.stages).sort()).toEqual([['current'], ['pending']]);
    const pending = secret!.versions.find((v) => v.stages.includes('pending'))!;
    const payload = await store().getVersion(SECRET_NAME, pending.versionId);
    expect(payload.thumbprint).toBe(renewed.thumbprint);

    // Two days later still: past the roll (rollLeadTime 24 h after the order).
    project.shiftClock(23 * DAY_MS / 1000);
    await project.ok(['refresh', '--yes']);
    const refreshed = await outputs();
    expect(refreshed.servers).toEqual(everyServer({ current: renewed.thumbprint, previous: first }));

    const changesBefore = emulator.log().length;
    await project.ok(['up', '--yes']);
    const rolled = await outputs();
    expect(rolled).toMatchObject({ thumbprint: renewed.thumbprint, previousThumbprint: first, pendingThumbprint: null });
    const again = (await project.ok(['up', '--yes'])).stdout;
    expect(again).toMatch(/Resources:\s+\d+ unchanged/);
    expect(again).not.toMatch(/\d+ (updated|created)/);
    expect((await outputs()).thumbprint).toBe(renewed.thumbprint);
    expect(emulator.changesSince(changesBefore)).toEqual([]);

    // No secret of the issued certificates in state nor in what the shells were handed.
    const exported = (await project.ok(['stack', 'export'])).stdout;
    const argv = JSON.stringify(emulator.log().map((r) => r.argv));
    for (const version of (await store().describe(SECRET_NAME))!.versions) {
      const stored = await store().getVersion(SECRET_NAME, version.versionId);
      for (const secretText of [stored.password!, stored.pfxBase64!.slice(0, 32), stored.pfxBase64!.slice(-32), STORE_PASSPHRASE]) {
        expect(exported).not.toContain(secretText);
        expect(argv).not.toContain(secretText);
      }
    }
  });
});
