/**
 * The test clock through the real Pulumi CLI: with SFB_OAUTH_CERT_TEST_CLOCK_SHIFT_SECONDS set
 * for the engine (which hands its environment to the provider), a roll scheduled for tomorrow
 * becomes current on the next `up` run with the clock two days ahead, without waiting a day; and
 * every plan line says the test clock is in force.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../../provider';
import { DAY_MS, isoMinute } from '../../provider/domain/time';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';
import { bytesOf, entry, type CorpusEntry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'test-clock-engine-passphrase';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
const short = (e: CorpusEntry) => `${e.expected.thumbprint!.slice(0, 4)}..`;

describe('the test clock through the real engine', () => {
  let stack: ThrowawayStack;
  const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-test-clock-store-')), 'store');
  const desired: { pfx: CorpusEntry; effectiveDate?: string } = { pfx: A };
  const store = () => createLocalStore({ directory: storeDir, passphrase: PASSPHRASE });
  /** The shift the next engine run (and so its provider) gets. */
  const shiftBy = (seconds: number) => {
    stack.stack.workspace.envVars[TEST_CLOCK_VARIABLE] = String(seconds);
  };

  beforeAll(async () => {
    stack = await ThrowawayStack.create({
      envVars: { [TEST_CLOCK_VARIABLE]: '0' },
      program: async () => {
        const certificate = new OAuthTokenIssuerCertificate('oauth', {
          sipDomain: 'contoso.com',
          pfx: bytesOf(desired.pfx).toString('base64'),
          password: desired.pfx.password!,
          ...(desired.effectiveDate ? { effectiveDate: desired.effectiveDate } : {}),
          store: CertificateStores.local({ directory: storeDir, passphrase: PASSPHRASE }),
        });
        return { thumbprint: certificate.thumbprint, previous: certificate.previousThumbprint, pending: certificate.pendingThumbprint, plan: certificate.plan };
      },
    });
  });

  afterAll(async () => {
    await stack?.cleanup();
  });

  it('makes a roll scheduled for tomorrow current on an up two days ahead, and marks every plan line', async () => {
    const created = await stack.up();
    expect(created.outputs.plan?.value).toBe(`test clock: new ${short(A)} current now`);

    // Tomorrow, to the minute (the plan line shows minutes).
    const tomorrow = new Date(Math.ceil((Date.now() + DAY_MS) / 60_000) * 60_000);
    desired.pfx = B;
    desired.effectiveDate = tomorrow.toISOString();
    const scheduled = await stack.up();
    expect(scheduled.outputs).toMatchObject({ thumbprint: { value: B.expected.thumbprint }, pending: { value: B.expected.thumbprint } });
    expect(scheduled.outputs.plan?.value).toBe(`test clock: current ${short(A)} → previous at ${isoMinute(tomorrow)}; new ${short(B)} current at ${isoMinute(tomorrow)}`);

    // Two days on: preview sees the date passed and asks for an update; up records the roll.
    shiftBy(2 * 24 * 3600);
    const preview = await stack.preview();
    expect(nonZeroChanges(preview.changeSummary)).toEqual({ same: 1, update: 1 });
    expect(preview.stdout).toContain(`=> "test clock: current ${short(B)} unchanged"`);
    const rolled = await stack.up();
    expect(nonZeroChanges(rolled.summary.resourceChanges)).toEqual({ same: 1, update: 1 });
    expect(rolled.outputs.plan?.value).toBe(`test clock: scheduled ${short(B)} current since ${isoMinute(tomorrow)}`);
    expect(rolled.outputs).toMatchObject({ thumbprint: { value: B.expected.thumbprint }, previous: { value: A.expected.thumbprint }, pending: { value: null } });
    const secret = await store().describe(SECRET_NAME);
    const current = secret?.versions.find((v) => v.stages.includes('current'));
    expect((await store().getVersion(SECRET_NAME, current!.versionId)).thumbprint).toBe(B.expected.thumbprint);
  });
});
