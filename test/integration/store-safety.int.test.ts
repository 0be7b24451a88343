/**
 * The store's safety through the real Pulumi engine: a store directory that is gone fails
 * `pulumi refresh` with STORE_NOT_FOUND (instead of `- 1 deleted` and a fresh secret without
 * history on the next up), and two stacks declaring one secret in one store do not fight: the
 * second is refused with STORE_OWNED_ELSEWHERE until it adopts the secret, and destroying the
 * stack that lost it leaves the secret in place.
 */
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { CertificateStores, OAuthTokenIssuerCertificate } from '../../provider';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';
import { bytesOf, entry, type CorpusEntry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'store-passphrase-for-the-store-safety-test';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';
const TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';

/** A stack declaring one certificate in `storeDir`; `declared` may be changed between runs. */
function aStack(storeDir: string, declared: { pfx: CorpusEntry; adopt?: boolean }, projectName: string): Promise<ThrowawayStack> {
  return ThrowawayStack.create({
    projectName,
    program: async () => {
      const certificate = new OAuthTokenIssuerCertificate('oauth', {
        sipDomain: 'contoso.com',
        pfx: bytesOf(declared.pfx).toString('base64'),
        password: declared.pfx.password!,
        store: CertificateStores.local({ directory: storeDir, passphrase: PASSPHRASE }),
        ...(declared.adopt ? { adopt: true } : {}),
      });
      return { thumbprint: certificate.thumbprint };
    },
  });
}

describe('a store directory that is gone, through the real engine', () => {
  const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-safety-lost-')), 'store');
  let stack: ThrowawayStack;

  beforeAll(async () => {
    stack = await aStack(storeDir, { pfx: A }, `sfb-it-lost-${Math.random().toString(36).slice(2, 8)}`);
  });

  afterAll(async () => {
    await stack?.cleanup();
  });

  it('fails refresh with STORE_NOT_FOUND naming the directory and the way on, and keeps the resource in state', async () => {
    await stack.up();
    // A mistyped path, an unmounted disk, a deleted directory: the store is not where it was.
    renameSync(storeDir, `${storeDir}.moved`);

    await expect(stack.refresh()).rejects.toThrow(/STORE_NOT_FOUND: The local store directory \S+ does not exist/);
    expect(stack.output).toContain(`The local store directory ${storeDir} does not exist, so secret "${SECRET_NAME}" cannot be found there.`);
    expect(stack.output).toContain('`pulumi state delete <urn>`');
    expect((await stack.stateResources()).filter((r) => r.type === TYPE)).toHaveLength(1);

    // Put back, everything is as it was: the history was never at risk.
    renameSync(`${storeDir}.moved`, storeDir);
    const refreshed = await stack.refresh();
    expect(nonZeroChanges(refreshed.summary.resourceChanges)).toEqual({ same: 2 });
  });
});

describe('two stacks declaring one secret in one store, through the real engine', () => {
  const storeDir = join(mkdtempSync(join(tmpdir(), 'sfb-safety-shared-')), 'store');
  const suffix = Math.random().toString(36).slice(2, 8);
  const first = { pfx: A };
  const second: { pfx: CorpusEntry; adopt?: boolean } = { pfx: B };
  let prod: ThrowawayStack;
  let copy: ThrowawayStack;
  const store = () => createLocalStore({ directory: storeDir, passphrase: PASSPHRASE });

  beforeAll(async () => {
    prod = await aStack(storeDir, first, `sfb-it-prod-${suffix}`);
    copy = await aStack(storeDir, second, `sfb-it-copy-${suffix}`);
  });

  afterAll(async () => {
    await prod?.cleanup();
    await copy?.cleanup();
  });

  it('refuses the second stack with STORE_OWNED_ELSEWHERE naming the owner and the fix, leaving the first one\'s certificate current', async () => {
    await prod.up();
    await expect(copy.up()).rejects.toThrow(/STORE_OWNED_ELSEWHERE/);
    expect(copy.output).toContain(`The secret "${SECRET_NAME}" is managed by organization/sfb-it-prod-${suffix}/test, not by organization/sfb-it-copy-${suffix}/test`);
    expect(copy.output).toContain('set `adopt: true` on this resource once to take it over');
    const secret = await store().describe(SECRET_NAME);
    expect(secret?.owner).toBe(`organization/sfb-it-prod-${suffix}/test`);
    expect(secret?.versions.map((v) => v.stages)).toEqual([['current']]);
  });

  it('lets the second stack adopt it; destroying the first then leaves the secret in place and says so', async () => {
    second.adopt = true;
    const up = await copy.up();
    expect(up.outputs.thumbprint?.value).toBe(B.expected.thumbprint);
    expect((await store().describe(SECRET_NAME))?.owner).toBe(`organization/sfb-it-copy-${suffix}/test`);

    const destroyed = await prod.destroy();
    expect(nonZeroChanges(destroyed.summary.resourceChanges)).toEqual({ delete: 2 });
    expect(prod.output).toContain(`is managed by organization/sfb-it-copy-${suffix}/test, not by organization/sfb-it-prod-${suffix}/test, so this destroy leaves it in place`);
    const secret = await store().describe(SECRET_NAME);
    expect(secret?.deletionDate).toBeUndefined();
    expect(secret?.versions.find((v) => v.stages.includes('current'))?.versionId.slice(0, 40)).toBe(B.expected.thumbprint);
  });
});
