/**
 * Renewal through the provider's handlers, as the engine calls them: check, diff (preview and
 * up), create and update, with an in-memory store and a real self-signed signer behind the
 * orderer seam (test/support/test-issuer.ts). The clock is a parameter: no waits.
 */
import { unknownValue } from '@pulumi/pulumi/runtime';
import * as handlers from '../../provider/pulumi/handlers';
import type { CompositionOverrides } from '../../provider/pulumi/composition';
import { createMemoryStore } from '../support/memory-store';
import { createTestIssuer } from '../support/test-issuer';
import { warnings } from '../support/console-warnings';

type Props = Record<string, unknown>;
const DAY = 24 * 3600 * 1000;
const T0 = new Date('2027-01-01T00:00:00Z');
const at = (days: number, extraMs = 0) => new Date(T0.getTime() + days * DAY + extraMs);
const OWNER = 'organization/certs/prod';

function declared(extra: Props = {}): Props {
  return {
    sipDomain: 'contoso.com',
    pfx: null,
    password: null,
    certificate: { issuer: { kind: 'selfSigned' } },
    effectiveDate: null,
    minKeyBits: 2048,
    warnBeforeExpiryDays: 30,
    secretName: null,
    store: { kind: 'local', directory: '/nonexistent-memory-store' },
    storePassphrase: 'renewal-test-passphrase',
    owner: OWNER,
    adopt: false,
    pool: null,
    poolPassword: null,
    ...extra,
  };
}

/** One stack: a memory store, a test issuer whose certificates start at `now`, and the clock. */
function aStack() {
  let now = T0;
  const store = createMemoryStore(() => now);
  const issuer = createTestIssuer(() => now);
  const world: CompositionOverrides = { environment: {}, openStore: () => store, orderCertificate: issuer.order };
  return {
    store,
    issuer,
    world,
    setNow(date: Date) {
      now = date;
    },
    get now() {
      return now;
    },
  };
}

async function checked(olds: Props, news: Props, now: Date, world: CompositionOverrides): Promise<Props> {
  const result = await handlers.check(olds, news, now, world);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

function logged<T>(run: () => T): { result: T; lines: string[] } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    return { result: run(), lines };
  } finally {
    spy.mockRestore();
  }
}

describe('a certificate from an issuer', () => {
  it('check plans the first order and create makes it current', async () => {
    const stack = aStack();
    const inputs = await checked({}, declared(), T0, stack.world);
    expect(inputs.plan).toBe('order the first certificate from self-signed (365 days), current now');
    expect(inputs.renewal).toEqual({ rollLeadTimeMs: DAY, allowImmediateRenewal: false });
    expect(stack.issuer.orders).toHaveLength(0);
    const { outs } = await handlers.create(inputs, T0, stack.world);
    expect(stack.issuer.orders).toHaveLength(1);
    expect(stack.issuer.orders[0]!.request).toMatchObject({ sipDomain: 'contoso.com', keyBits: 2048 });
    expect(outs.plan).toBe(`order the first certificate from self-signed (365 days), current now; new ${outs.thumbprint.slice(0, 4)}.. current now`);
    expect(outs.pendingThumbprint).toBeNull();
    expect(outs.dnsNames).toEqual(['contoso.com']);
    // A certificate from T0 - 1 h to T0 + 90 days: renewal a third of that (30 days 20 minutes) before its NotAfter.
    expect((outs as unknown as Props).nextRenewalAt).toBe(new Date(at(60).getTime() - 20 * 60 * 1000).toISOString());
    const text = JSON.stringify(outs);
    expect(text).not.toContain('"pfx":"');
    expect(text).not.toContain('"password":"');
  });

  it('renews after renewBefore: preview plans it (check reads the store) and orders nothing, up orders and schedules the roll, a second up orders nothing', async () => {
    const stack = aStack();
    const first = await checked({}, declared({ renewBefore: '720h' }), T0, stack.world);
    const { outs } = await handlers.create(first, T0, stack.world);
    const state = outs as unknown as Props;

    // Before renewBefore: nothing to do. The certificate runs from T0 - 1 h to T0 + 90 days.
    const quiet = at(59);
    const versionsBefore = await stack.store.describe(String(state.secretName));
    const news1 = await checked(first, declared({ renewBefore: '720h' }), quiet, stack.world);
    expect(news1.plan).toBe('renewal not due: next renewal at 2027-03-02T00:00:00Z from self-signed (365 days)');
    const before = logged(() => handlers.diff(state, news1, quiet, 'linux', stack.world));
    expect(before.result.changes).toBe(false);
    expect(before.lines).toEqual([]);

    // After: check's plan line says what up will do, diff makes it an update, nothing is ordered or written.
    const due = at(61, 123);
    stack.setNow(due);
    const news2 = await checked(first, declared({ renewBefore: '720h' }), due, stack.world);
    const rollAt = new Date(Math.ceil((due.getTime() + DAY) / 1000) * 1000);
    expect(news2.plan).toBe(`renewal due: order a new certificate from self-signed (365 days), roll at ${rollAt.toISOString().replace('.000Z', 'Z')}`);
    const preview = logged(() => handlers.diff(state, news2, due, 'linux', stack.world));
    expect(preview.result.changes).toBe(true);
    expect(preview.lines).toEqual([]);
    expect(stack.issuer.orders).toHaveLength(1);
    expect(await stack.store.describe(String(state.secretName))).toEqual(versionsBefore);

    // up: one order, stored as pending, the roll scheduled at the instant preview said.
    const { outs: renewed } = await handlers.update(String(state.secretName), state, news2, due, stack.world);
    expect(stack.issuer.orders).toHaveLength(2);
    expect(stack.issuer.orders[1]!.request.renewalKey).toBe(`renew-${String(state.thumbprint)}`);
    expect(renewed.thumbprint).not.toBe(state.thumbprint);
    expect(renewed.pendingThumbprint).toBe(renewed.thumbprint);
    expect(renewed.effectiveDate).toBe(rollAt.toISOString());
    expect(renewed.plan).toBe(
      `renewal due: order a new certificate from self-signed (365 days), roll at ${rollAt.toISOString().replace('.000Z', 'Z')}; current ${String(state.thumbprint).slice(0, 4)}.. → previous at ${rollAt.toISOString().slice(0, 16)}Z; new ${renewed.thumbprint.slice(0, 4)}.. current at ${rollAt.toISOString().slice(0, 16)}Z`,
    );
    const secret = await stack.store.describe(String(state.secretName));
    expect(secret!.versions.map((v) => v.stages).sort()).toEqual([['current'], ['pending']]);

    // A second preview and up while pending: no change, no order.
    const later = new Date(due.getTime() + 3600 * 1000);
    const news3 = await checked(news2, declared({ renewBefore: '720h' }), later, stack.world);
    expect(news3.plan).toBe(`renewal pending: ${renewed.thumbprint.slice(0, 4)}.. rolls at ${rollAt.toISOString().replace('.000Z', 'Z')}`);
    const again = logged(() => handlers.diff(renewed as unknown as Props, news3, later, 'linux', stack.world));
    expect(again.result.changes).toBe(false);
    const { outs: same } = await handlers.update(String(state.secretName), renewed as unknown as Props, news3, later, stack.world);
    expect(stack.issuer.orders).toHaveLength(2);
    expect(same.thumbprint).toBe(renewed.thumbprint);
    expect(same.versionId).toBe(renewed.versionId);

    // After the roll instant, an up records the roll: the new certificate current, the old one previous.
    const afterRoll = new Date(rollAt.getTime() + 1000);
    const news4 = await checked(news3, declared({ renewBefore: '720h' }), afterRoll, stack.world);
    // The renewed certificate (from `due` - 1 h to `due` + 90 days) is the one renewal now waits on.
    const nextRenewal = new Date(due.getTime() + 90 * DAY - 30 * DAY);
    expect(news4.plan).toBe(`renewal not due: next renewal at ${new Date(Math.floor(nextRenewal.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z')} from self-signed (365 days)`);
    const rolledDiff = logged(() => handlers.diff(same as unknown as Props, news4, afterRoll, 'linux', stack.world));
    expect(rolledDiff.result.changes).toBe(true);
    expect(rolledDiff.lines).toEqual([]);
    const { outs: rolled } = await handlers.update(String(state.secretName), same as unknown as Props, news4, afterRoll, stack.world);
    expect(stack.issuer.orders).toHaveLength(2);
    expect(rolled.thumbprint).toBe(renewed.thumbprint);
    expect(rolled.previousThumbprint).toBe(state.thumbprint);
    expect(rolled.pendingThumbprint).toBeNull();
  });

  it('refresh says when renewal is due, and orders nothing', async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    const state = (await handlers.create(first, T0, stack.world)).outs as unknown as Props;
    const due = at(62);
    const refreshed = await (async () => {
      const lines: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
      try {
        await handlers.read(String(state.secretName), state, due, stack.world);
      } finally {
        spy.mockRestore();
      }
      return lines;
    })();
    expect(refreshed).toEqual(['renewal due: order a new certificate from self-signed (365 days), roll at 2027-03-05T00:00:00Z']);
    expect(stack.issuer.orders).toHaveLength(1);
  });

  it('a failed order keeps the current certificate, records the code, and the next up retries', async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    const state = (await handlers.create(first, T0, stack.world)).outs as unknown as Props;
    const due = at(62);
    stack.setNow(due);
    const news = await checked(first, declared(), due, stack.world);
    stack.issuer.failWith('ISSUER_FAILED');
    const failed = await handlers.update(String(state.secretName), state, news, due, stack.world).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      message: `ISSUER_FAILED: self-signed (365 days) did not issue the certificate for contoso.com: the test CA refused the order (ISSUER_FAILED). Nothing was stored and the current certificate stays; the next \`pulumi up\` orders again.`,
      properties: { thumbprint: state.thumbprint, versionId: state.versionId, renewalFailure: { code: 'ISSUER_FAILED', at: due.toISOString() } },
    });
    const secret = await stack.store.describe(String(state.secretName));
    expect(secret!.versions).toHaveLength(1);

    stack.issuer.failWith(undefined);
    const kept = (failed as { properties: Props }).properties;
    const { outs } = await handlers.update(String(state.secretName), kept, news, due, stack.world);
    expect(stack.issuer.orders).toHaveLength(3);
    expect(outs.pendingThumbprint).toBe(outs.thumbprint);
    expect((outs as unknown as Props).renewalFailure).toBeNull();
  });

  it("a CA's Retry-After is honoured: no order before it, then the next up orders", async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    const state = (await handlers.create(first, T0, stack.world)).outs as unknown as Props;
    const due = at(62);
    const retryAfter = new Date(due.getTime() + 6 * 3600 * 1000);
    stack.setNow(due);
    const news = await checked(first, declared(), due, stack.world);
    stack.issuer.failWith('ISSUER_RATE_LIMITED', retryAfter);
    const failed = (await handlers.update(String(state.secretName), state, news, due, stack.world).catch((e: unknown) => e)) as { message: string; properties: Props };
    expect(failed.message).toBe(
      `ISSUER_RATE_LIMITED: self-signed (365 days) did not issue the certificate for contoso.com: the test CA refused the order (ISSUER_RATE_LIMITED). Nothing was stored and the current certificate stays; the next \`pulumi up\` orders again at or after ${retryAfter.toISOString()}, as the CA asked.`,
    );
    stack.issuer.failWith(undefined);
    const soon = new Date(due.getTime() + 3600 * 1000);
    // Only state knows of the CA's wait: diff says so (the engine shows it as a diagnostic) and changes nothing.
    const waiting = logged(() => handlers.diff(failed.properties, news, soon, 'linux', stack.world));
    expect(waiting.result.changes).toBe(false);
    expect(waiting.lines).toEqual([`renewal due: self-signed (365 days) asked to wait (ISSUER_RATE_LIMITED); next order at ${retryAfter.toISOString().replace('.000Z', 'Z')}`]);
    const { outs: unchanged } = await handlers.update(String(state.secretName), failed.properties, news, soon, stack.world);
    expect(stack.issuer.orders).toHaveLength(2);
    expect(unchanged.thumbprint).toBe(state.thumbprint);
    expect(handlers.diff(failed.properties, news, retryAfter, 'linux', stack.world).changes).toBe(true);
  });

  it('late: preview plans the roll at the latest instant the 24-hour rule allows, with RENEWAL_LATE, and up schedules it there', async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    const state = (await handlers.create(first, T0, stack.world)).outs as unknown as Props;
    const notAfter = new Date(String(state.notAfter));
    const late = new Date(notAfter.getTime() - 30 * 3600 * 1000);
    stack.setNow(late);
    const rollAt = new Date(notAfter.getTime() - DAY);
    const checkedLate = await handlers.checkInputs(first, declared(), late, stack.world);
    expect(checkedLate.failures).toEqual([]);
    expect(checkedLate.inputs.plan).toBe(`renewal late: order a new certificate from self-signed (365 days), roll at ${rollAt.toISOString().replace('.000Z', 'Z')}`);
    expect(checkedLate.warnings.map((w) => w.code)).toEqual(['RENEWAL_LATE']);
    expect(checkedLate.warnings[0]!.message).toContain(`so the new certificate rolls at ${rollAt.toISOString().replace('.000Z', 'Z')}, the latest instant Skype's 24-hour rule allows`);
    const seen = await warnings(async () => handlers.diff(state, checkedLate.inputs, late, 'linux', stack.world));
    expect(seen.result.changes).toBe(true);
    expect(seen.lines).toEqual([]);
    const up = await warnings(() => handlers.update(String(state.secretName), state, checkedLate.inputs, late, stack.world));
    expect(up.lines.map((l) => l.split(':')[0])).toEqual(['warning RENEWAL_LATE']);
    expect(up.result.outs.effectiveDate).toBe(rollAt.toISOString());
    expect(stack.issuer.orders).toHaveLength(2);
  });

  it('too late to roll on time: RENEWAL_LATE, nothing ordered without allowImmediateRenewal', async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    const state = (await handlers.create(first, T0, stack.world)).outs as unknown as Props;
    const late = new Date(new Date(String(state.notAfter)).getTime() - 3600 * 1000);
    const checkedLate = await handlers.checkInputs(first, declared(), late, stack.world);
    expect(checkedLate.failures).toEqual([]);
    expect(checkedLate.inputs.plan).toBe('renewal late: nothing ordered from self-signed (365 days); no roll can be scheduled before the current certificate expires');
    expect(checkedLate.warnings.map((w) => w.code)).toEqual(['RENEWAL_LATE']);
    expect(checkedLate.warnings[0]!.message).toContain('Set `allowImmediateRenewal: true` and run `pulumi up` to renew now');
    const news = checkedLate.inputs;
    const seen = await warnings(async () => handlers.diff(state, news, late, 'linux', stack.world));
    expect(seen.result.changes).toBe(false);
    expect(seen.lines).toEqual([]);
    const up = await warnings(() => handlers.update(String(state.secretName), state, news, late, stack.world));
    expect(up.lines.map((l) => l.split(':')[0])).toEqual(['warning RENEWAL_LATE']);
    expect(up.result.outs.thumbprint).toBe(state.thumbprint);
    expect(stack.issuer.orders).toHaveLength(1);
  });

  it("a store preview cannot read fails the preview with the store's code on `store`, and nothing is planned", async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    await handlers.create(first, T0, stack.world);
    const lost = aStack();
    const result = await handlers.checkInputs(first, declared(), at(62), lost.world);
    expect(result.failures).toEqual([
      { property: 'store', reason: 'STORE_NOT_FOUND: The memory store has no secret "sfb/oauth-token-issuer/contoso.com". Preview reads the certificate the store holds to decide its renewal.' },
    ]);
    expect(result.inputs.plan).toBeUndefined();
  });

  it.each([
    ['a store passphrase', { storePassphrase: unknownValue }],
    ['a store directory', { store: { kind: 'local', directory: unknownValue } }],
  ])('%s computed elsewhere: preview plans from the settings, without opening the store', async (_name, computed) => {
    const stack = aStack();
    const first = await checked({}, declared({ renewBefore: '720h' }), T0, stack.world);
    await handlers.create(first, T0, stack.world);
    const opened: unknown[] = [];
    const world: CompositionOverrides = { ...stack.world, openStore: (spec) => void opened.push(spec) as never };
    const result = await handlers.checkInputs(first, declared({ renewBefore: '720h', ...computed }), at(62), world);
    expect(result.failures).toEqual([]);
    expect(result.inputs.plan).toBe('certificate from self-signed (365 days), renewed 720h before it expires, rolled 24h after the order');
    expect(opened).toEqual([]);
  });

  it('a secret scheduled for deletion behind Pulumi\'s back: preview plans from the settings (up restores it first)', async () => {
    const stack = aStack();
    const first = await checked({}, declared(), T0, stack.world);
    await handlers.create(first, T0, stack.world);
    await stack.store.scheduleDeletion(String(first.secretName), 7);
    const result = await handlers.checkInputs(first, declared(), at(62), stack.world);
    expect(result.failures).toEqual([]);
    expect(result.inputs.plan).toBe('certificate from self-signed (365 days), renewed a third of its lifetime before it expires, rolled 24h after the order');
  });

  it('keeps the ACME account key in the store with each certificate, reuses it on the next order, and keeps it out of the outputs', async () => {
    const stack = aStack();
    const acme = { certificate: { issuer: { kind: 'acme', directoryUrl: 'https://acme.contoso.com/directory', challenge: { type: 'http-01', via: 'hook', present: ['/usr/local/bin/present'], cleanUp: ['/usr/local/bin/clean-up'] } } }, renewBefore: '720h' };
    const first = await checked({}, declared(acme), T0, stack.world);
    const { outs } = await handlers.create(first, T0, stack.world);
    const state = outs as unknown as Props;
    expect(stack.issuer.orders[0]!.request.accountKeyPem).toBeUndefined();
    const firstPayload = await stack.store.getVersion(String(state.secretName), String(state.versionId));
    const accountKey = firstPayload.acmeAccountKeyPem;
    expect(accountKey).toMatch(/^-----BEGIN PRIVATE KEY-----\ntest-account-[0-9a-f]{16}\n/);

    const due = at(61);
    stack.setNow(due);
    const news = await checked(first, declared(acme), due, stack.world);
    const { outs: renewed } = await handlers.update(String(state.secretName), state, news, due, stack.world);
    expect(stack.issuer.orders).toHaveLength(2);
    expect(stack.issuer.orders[1]!.request.accountKeyPem).toBe(accountKey);
    expect(renewed.versionId).not.toBe(state.versionId);
    expect((await stack.store.getVersion(String(state.secretName), renewed.versionId)).acmeAccountKeyPem).toBe(accountKey);
    for (const value of [outs, renewed, first, news]) expect(JSON.stringify(value)).not.toContain('test-account-');
  });

  it("hands the issuer's secret environment to the order and keeps it out of the outputs", async () => {
    const stack = aStack();
    const inputs = await checked({}, declared({ issuerSecrets: { DNS_TOKEN: 'tok-9c41e' } }), T0, stack.world);
    const { outs } = await handlers.create(inputs, T0, stack.world);
    expect(stack.issuer.orders[0]!.request.environment).toEqual({ DNS_TOKEN: 'tok-9c41e' });
    expect(JSON.stringify(outs)).not.toContain('tok-9c41e');
  });

  it.each([
    ['renewBefore in days', { renewBefore: '30d' }, 'renewBefore'],
    ['a PFX beside the issuer', { pfx: 'MIIK' }, 'certificate'],
    ['renewal settings on a PFX certificate', { certificate: null, pfx: 'MIIK', rollLeadTime: '24h' }, 'rollLeadTime'],
  ])('check refuses %s with INVALID_ARGUMENT on a non-secret property', async (_name, extra, property) => {
    const stack = aStack();
    const result = await handlers.check({}, declared(extra), T0, stack.world);
    expect(result.failures.map((f) => [f.property, f.reason.split(':')[0]])).toEqual([[property, 'INVALID_ARGUMENT']]);
  });
});
