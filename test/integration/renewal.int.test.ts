/**
 * Automatic renewal through the real Pulumi CLI: a certificate from `Issuers.selfSigned` on an
 * emulated Front End pool with the local store. The test clock (shiftClock) moves past
 * renewBefore and past the scheduled roll instead of waiting weeks; the emulator's clock follows
 * the provider's, so the servers roll when Skype would. What preview shows is read from the
 * CLI's own output: the plan line of `pulumi preview --diff` and the warnings it prints.
 */
import * as path from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { DAY_MS, HOUR_MS } from '../../provider/domain/time';
import { CliProject } from '../harness/cli-project';
import { EmulatedPool, POOL_SERVERS as SERVERS } from '../harness/emulated-pool';
import { engineProgram, emulatedPool, localStore } from '../harness/engine-program';

const STORE_PASSPHRASE = 'renewal-engine-store-passphrase-5c0e';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';

// `plan` exported, as the README's quick start does: a plain preview shows it under Outputs.
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
type Outs = { thumbprint: string; notAfter: string; previousThumbprint: string | null; pendingThumbprint: string | null; plan: string; effectiveDate?: string; servers: Record<string, ServerOut> };
const everyServer = (value: Partial<ServerOut>) => Object.fromEntries(SERVERS.map((s) => [s, expect.objectContaining(value)]));
/** An instant as plan lines and warnings write it: whole seconds, `Z`. */
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const SECOND_MS = 1000;
/** How often `text` holds `part`. */
const occurrences = (text: string, part: string) => text.split(part).length - 1;

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
    const quiet = await project.ok(['preview', '--diff']);
    expect(quiet.stdout).not.toMatch(/to update/);
    expect(quiet.output).not.toContain('renewal');

    // The instants the policy works from: NotAfter - renewBefore (240h), NotAfter - 24h.
    const notAfterMs = Date.parse(created.notAfter);
    const renewAt = iso(Math.floor((notAfterMs - 240 * HOUR_MS) / SECOND_MS) * SECOND_MS);
    const latestRoll = iso(notAfterMs - DAY_MS);
    const shiftTo = (instantMs: number) => project.shiftClock((instantMs - Date.now()) / SECOND_MS);
    const versionsBefore = (await store().describe(SECRET_NAME))!.versions.map((v) => v.versionId);
    const changesBefore = emulator.log().length;

    // Late: 30 h before NotAfter, a roll 24 h ahead would land past NotAfter - 24h: the roll at
    // NotAfter - 24h, and RENEWAL_LATE.
    shiftTo(notAfterMs - 30 * HOUR_MS);
    const late = await project.ok(['preview', '--diff']);
    expect(late.stdout).toMatch(/~ 1 to update/);
    const lateLine = `=> "test clock: renewal late: order a new certificate from self-signed (30 days), roll at ${latestRoll}"\n`;
    // On the resource's `plan` and on the exported output, never as a diagnostic.
    expect(occurrences(late.stdout, lateLine)).toBe(2);
    expect(late.stderr).not.toContain('renewal late');
    const lateWarning = `warning RENEWAL_LATE: Renewal of the OAuthTokenIssuer certificate ${first} was due at ${renewAt}; a roll 24h ahead would land less than 24 hours before its NotAfter ${iso(notAfterMs)}, so the new certificate rolls at ${latestRoll}, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`;
    expect(occurrences(late.output, lateWarning)).toBe(1);

    // Too late for any roll (12 h before NotAfter): no change, and the warning says what to set.
    shiftTo(notAfterMs - 12 * HOUR_MS);
    const blocked = await project.ok(['preview', '--diff']);
    expect(blocked.stdout).not.toMatch(/to update/);
    const blockedWarning = `warning RENEWAL_LATE: Renewal of the OAuthTokenIssuer certificate ${first} was due at ${renewAt}; no roll can be scheduled any more at least 24 hours before its NotAfter ${iso(notAfterMs)} with 8s for replication, and making a new certificate current at once would hand partners tokens signed by a key they have not seen, so nothing was ordered. Set \`allowImmediateRenewal: true\` and run \`pulumi up\` to renew now, or renew by hand with a PFX and an \`effectiveDate\`.`;
    expect(occurrences(blocked.output, blockedWarning)).toBe(1);

    // 21 days on: past NotAfter (30 days) - renewBefore (10 days). Preview shows the plan line
    // with the roll instant 24 h after its own moment, and orders nothing: `--diff` on the
    // resource's `plan` (and on the exported output), a plain preview under Outputs; never as a
    // diagnostic besides.
    const shift = (21 * DAY_MS) / SECOND_MS;
    project.shiftClock(shift);
    const earliest = Date.now() + shift * SECOND_MS;
    const preview = await project.ok(['preview', '--diff']);
    const plain = await project.ok(['preview']);
    const latest = Date.now() + shift * SECOND_MS;
    const rollWindow = [Math.ceil((earliest + DAY_MS) / SECOND_MS) * SECOND_MS, Math.ceil((latest + DAY_MS) / SECOND_MS) * SECOND_MS] as const;
    const dueLine = '"test clock: renewal due: order a new certificate from self-signed \\(30 days\\), roll at (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)"\n';
    const onResource = [...preview.stdout.matchAll(new RegExp(`~ plan +: "test clock: order the first certificate from self-signed \\(30 days\\), current now" => ${dueLine}`, 'g'))];
    const underOutputs = [...plain.stdout.matchAll(new RegExp(`~ plan: "test clock: order the first certificate from self-signed \\(30 days\\), current now; new ${first.slice(0, 4)}\\.\\. current now" => ${dueLine}`, 'g'))];
    expect([onResource.length, underOutputs.length]).toEqual([1, 1]);
    for (const match of [...onResource, ...underOutputs]) {
      expect(Date.parse(match[1]!)).toBeGreaterThanOrEqual(rollWindow[0]);
      expect(Date.parse(match[1]!)).toBeLessThanOrEqual(rollWindow[1]);
    }
    expect(preview.stdout).toMatch(/~ 1 to update/);
    expect(plain.stdout).toMatch(/~ +pulumi-nodejs:dynamic\/sfb:OAuthTokenIssuerCertificate oauth update \[diff: ~plan\]/);
    expect(occurrences(preview.stdout, 'renewal due: ')).toBe(2);
    expect(occurrences(plain.stdout, 'renewal due: ')).toBe(1);
    for (const output of [preview.stderr, plain.stderr]) expect(output).toBe('');

    // No preview ordered, wrote or touched a server.
    expect((await outputs()).thumbprint).toBe(first);
    expect((await store().describe(SECRET_NAME))!.versions.map((v) => v.versionId)).toEqual(versionsBefore);
    expect(emulator.changesSince(changesBefore)).toEqual([]);

    const upStarted = Date.now() + shift * SECOND_MS;
    await project.ok(['up', '--yes']);
    const upEnded = Date.now() + shift * SECOND_MS;
    const renewed = await outputs();
    expect(renewed.thumbprint).not.toBe(first);
    // The roll at the instant the policy chose during up: 24 h after the order, as preview said.
    expect(Date.parse(renewed.effectiveDate!)).toBeGreaterThanOrEqual(Math.ceil((upStarted + DAY_MS) / SECOND_MS) * SECOND_MS);
    expect(Date.parse(renewed.effectiveDate!)).toBeLessThanOrEqual(Math.ceil((upEnded + DAY_MS) / SECOND_MS) * SECOND_MS);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    expect(renewed.plan).toMatch(/^test clock: renewal due: order a new certificate from self-signed \(30 days\), roll at /);
    expect(renewed.servers).toEqual(everyServer({ current: first, pending: expect.objectContaining({ thumbprint: renewed.thumbprint }) }));
    const secret = await store().describe(SECRET_NAME);
    expect(secret!.versions.map((v) => v.stages).sort()).toEqual([['current'], ['pending']]);
    const pending = secret!.versions.find((v) => v.stages.includes('pending'))!;
    const payload = await store().getVersion(SECRET_NAME, pending.versionId);
    expect(payload.thumbprint).toBe(renewed.thumbprint);

    // The renewal ordered and scheduled: preview shows no change, and says nothing of renewal.
    const settled = await project.ok(['preview', '--diff', '--expect-no-changes']);
    expect(settled.output).not.toContain('renewal');

    // Two days later still: past the roll (rollLeadTime 24 h after the order).
    project.shiftClock(23 * DAY_MS / 1000);
    await project.ok(['refresh', '--yes']);
    const refreshed = await outputs();
    expect(refreshed.servers).toEqual(everyServer({ current: renewed.thumbprint, previous: first }));

    const changesBeforeUp = emulator.log().length;
    await project.ok(['up', '--yes']);
    const rolled = await outputs();
    expect(rolled).toMatchObject({ thumbprint: renewed.thumbprint, previousThumbprint: first, pendingThumbprint: null });
    const again = (await project.ok(['up', '--yes'])).stdout;
    expect(again).toMatch(/Resources:\s+\d+ unchanged/);
    expect(again).not.toMatch(/\d+ (updated|created)/);
    expect((await outputs()).thumbprint).toBe(renewed.thumbprint);
    expect(emulator.changesSince(changesBeforeUp)).toEqual([]);

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
