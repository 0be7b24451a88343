/**
 * The OAuthTokenIssuerCertificate resource through the real Pulumi CLI (Automation API, inline
 * program) on the embedded local store: what users and reviewers see in preview, up, refresh and
 * destroy, and that no secret reaches state, output or the serialized provider.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, localStorePaths } from '../../provider/adapters/local-store';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../../provider';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';
import { bytesOf, entry, type CorpusEntry } from '../support/pfx-corpus';
import { pfxSecretNeedles } from '../support/secret-needles';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'store-passphrase-for-the-integration-test';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
const TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';

interface Desired {
  pfx: CorpusEntry;
  password: string | null;
  effectiveDate?: string;
  passphrase: string;
}

const WRONG_PASSPHRASE = 'a-passphrase-that-opens-nothing';

/** Everything secret that must never appear: the PFX files' secrets and both passphrases. */
const secretNeedles = async (...entries: CorpusEntry[]) => [PASSPHRASE, WRONG_PASSPHRASE, ...(await pfxSecretNeedles(...entries))];

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** The value with every engine-marked secret replaced by a placeholder. */
function withoutSecretWrappers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretWrappers);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG] === '1b47061264138c4ac30d75fd1eb44270') return '[secret]';
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, withoutSecretWrappers(v)]));
  }
  return value;
}

function leaks(haystack: string, needles: string[]): string[] {
  return needles.filter((n) => haystack.includes(n));
}

describe('OAuthTokenIssuerCertificate through the real engine', () => {
  let stack: ThrowawayStack;
  const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-resource-store-')), 'store');
  const desired: Desired = { pfx: A, password: A.password, passphrase: PASSPHRASE };

  beforeAll(async () => {
    stack = await ThrowawayStack.create({
      program: async () => {
        const certificate = new OAuthTokenIssuerCertificate('oauth', {
          sipDomain: 'contoso.com',
          pfx: bytesOf(desired.pfx).toString('base64'),
          ...(desired.password !== null ? { password: desired.password } : {}),
          ...(desired.effectiveDate ? { effectiveDate: desired.effectiveDate } : {}),
          store: CertificateStores.local({ directory: storeDir, passphrase: desired.passphrase }),
        });
        return { thumbprint: certificate.thumbprint, plan: certificate.plan, previous: certificate.previousThumbprint };
      },
    });
  });

  afterAll(async () => {
    await stack?.cleanup();
  });

  const store = () => createLocalStore({ directory: storeDir, passphrase: PASSPHRASE });

  it('fails preview with the code for a bad PFX, writes nothing and never prints the password', async () => {
    desired.password = 'Wr0ng-Password-For-Preview';
    await expect(stack.preview()).rejects.toThrow(/PFX_BAD_PASSWORD/);
    expect(stack.output).toContain('property certificate');
    expect(stack.output).not.toContain('Wr0ng-Password-For-Preview');
    expect(await store().describe(SECRET_NAME)).toBeUndefined();
    desired.password = A.password;
  });

  it('previews the create with the thumbprint and plan', async () => {
    const preview = await stack.preview();
    expect(nonZeroChanges(preview.changeSummary)).toEqual({ create: 2 });
    expect(preview.stdout).toContain(A.expected.thumbprint!);
    expect(preview.stdout).toContain(`new ${A.expected.thumbprint!.slice(0, 4)}.. current now`);
    expect(await store().describe(SECRET_NAME)).toBeUndefined();
  });

  it('creates on up', async () => {
    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ create: 2 });
    expect(up.outputs.thumbprint?.value).toBe(A.expected.thumbprint);
    const secret = await store().describe(SECRET_NAME);
    expect(secret?.versions.map((v) => v.stages)).toEqual([['current']]);
  });

  it('changes and writes nothing on a second up', async () => {
    const file = localStorePaths(storeDir, SECRET_NAME).secretFile;
    const before = statSync(file).mtimeMs;
    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ same: 2 });
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('shows the thumbprint change and the plan line in preview --diff', async () => {
    desired.pfx = B;
    desired.password = B.password;
    const preview = await stack.preview();
    expect(nonZeroChanges(preview.changeSummary)).toEqual({ same: 1, update: 1 });
    expect(preview.stdout).toMatch(new RegExp(`thumbprint\\s*:\\s*"${A.expected.thumbprint}" => "${B.expected.thumbprint}"`));
    expect(preview.stdout).toContain(`current ${A.expected.thumbprint!.slice(0, 4)}.. → previous; new ${B.expected.thumbprint!.slice(0, 4)}.. current now`);
    // The PFX and password show only as [secret].
    expect(preview.stdout).toMatch(/pfx\s*:\s*\[secret\]/);
    expect(preview.stdout).toMatch(/password\s*:\s*\[secret\]/);
  });

  it('updates to the new certificate and keeps the old one as previous', async () => {
    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ same: 1, update: 1 });
    expect(up.outputs.thumbprint?.value).toBe(B.expected.thumbprint);
    expect(up.outputs.previous?.value).toBe(A.expected.thumbprint);
    const versions = (await store().describe(SECRET_NAME))!.versions;
    const previous = versions.find((v) => v.stages.includes('previous'))!;
    expect((await store().getVersion(SECRET_NAME, previous.versionId)).thumbprint).toBe(A.expected.thumbprint);
  });

  it('detects on refresh a store changed behind Pulumi\'s back, and the next up repairs it', async () => {
    const versions = (await store().describe(SECRET_NAME))!.versions;
    const previous = versions.find((v) => v.stages.includes('previous'))!;
    await store().moveStage(SECRET_NAME, 'current', previous.versionId);
    const refresh = await stack.refresh();
    expect(nonZeroChanges(refresh.summary.resourceChanges)).toMatchObject({ update: 1 });
    const [resource] = (await stack.stateResources()).filter((r) => r.type === TYPE);
    expect(resource?.outputs?.thumbprint).toBe(A.expected.thumbprint);
    expect(String(resource?.outputs?.plan)).toContain('drift');
    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ same: 1, update: 1 });
    const current = (await store().describe(SECRET_NAME))!.versions.find((v) => v.stages.includes('current'))!;
    expect((await store().getVersion(SECRET_NAME, current.versionId)).thumbprint).toBe(B.expected.thumbprint);
  });

  it('keeps the previous certificate when an update fails, and the next up finishes it', async () => {
    desired.pfx = A;
    desired.password = A.password;
    desired.passphrase = WRONG_PASSPHRASE;
    await expect(stack.up()).rejects.toThrow(/STORE_WRONG_PASSPHRASE/);
    const currentThumbprint = async () => {
      const current = (await store().describe(SECRET_NAME))!.versions.find((v) => v.stages.includes('current'))!;
      return (await store().getVersion(SECRET_NAME, current.versionId)).thumbprint;
    };
    expect(await currentThumbprint()).toBe(B.expected.thumbprint);
    const [kept] = (await stack.stateResources()).filter((r) => r.type === TYPE);
    expect(kept?.outputs?.thumbprint).toBe(B.expected.thumbprint);

    desired.passphrase = PASSPHRASE;
    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ same: 1, update: 1 });
    expect(up.outputs.thumbprint?.value).toBe(A.expected.thumbprint);
    expect(up.outputs.previous?.value).toBe(B.expected.thumbprint);
    expect(await currentThumbprint()).toBe(A.expected.thumbprint);
  });

  it('keeps every secret out of state, output and the serialized provider', async () => {
    const state = JSON.stringify(await stack.exportState());
    const needles = await secretNeedles(A, B);
    expect(leaks(state, needles)).toEqual([]);
    // Everything printed by preview, up, refresh (and the errors) is free of secrets.
    expect(leaks(stack.output, needles)).toEqual([]);
    // The engine's event stream to the Automation API carries step inputs; secrets may travel
    // there only inside the engine's own secret wrapper, never as bare values.
    // The engine's event stream to the Automation API carries step inputs; secrets travel there
    // only inside the engine's own secret wrapper, never as bare values...
    const isDebug = (event: (typeof stack.events)[number]) => String(event.diagnosticEvent?.severity) === 'debug'; // not in the SDK's typings
    expect(stack.events.filter((e) => !isDebug(e)).flatMap((e) => leaks(JSON.stringify(withoutSecretWrappers(e)), needles))).toEqual([]);
    // ...except the Node SDK's own debug log, which prints every registration's properties
    // (secrets included; during preview the outputs are the checked inputs, so the PFX too). It
    // reaches users only at debug verbosity (`--debug`); docs/security.md says so. Pin that this
    // is the only such message: nothing of ours logs a secret at any level.
    const leakingDebug = stack.events.filter(isDebug).filter((e) => leaks(JSON.stringify(e), needles).length > 0);
    expect(leakingDebug.map((e) => e.diagnosticEvent!.message.split(':')[0])).toEqual(leakingDebug.map(() => 'RegisterResource RPC finished'));
    const [resource] = ((await stack.exportState()).resources ?? []).filter((r) => r.type === TYPE);
    const provider = String(resource?.inputs?.__provider ?? resource?.outputs?.__provider ?? '');
    expect(provider.length).toBeGreaterThan(0);
    expect(leaks(provider, needles)).toEqual([]);
    // The secret inputs are stored encrypted.
    const encrypted = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: expect.any(String) };
    for (const key of ['pfx', 'password', 'storePassphrase']) expect(resource?.inputs?.[key]).toEqual(encrypted);
    expect(resource?.outputs?.storePassphrase).toEqual(encrypted);
    // The PFX and its password are not outputs at all: the store holds them.
    expect(resource?.outputs).not.toHaveProperty('pfx');
    expect(resource?.outputs).not.toHaveProperty('password');
  });

  it('destroys recoverably: the store keeps the secret for its recovery window', async () => {
    const destroyed = await stack.destroy();
    expect(nonZeroChanges(destroyed.summary.resourceChanges)).toEqual({ delete: 2 });
    const secret = await store().describe(SECRET_NAME);
    expect(secret?.deletionDate).toBeDefined();
    const restored = await store().restore(SECRET_NAME);
    expect(restored.versions.find((v) => v.stages.includes('current'))).toBeDefined();
  });
});
