/**
 * The provider's behaviour without the engine: check, diff, create, update, read and delete
 * against a real local store in a temp directory, with real PFX files from the corpus.
 * test/integration/resource.int.test.ts drives the same code through the real Pulumi CLI.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { createLocalStore } from '../../provider/adapters/local-store';
import * as handlers from '../../provider/pulumi/handlers';
import { bytesOf, entry } from '../support/pfx-corpus';
import { localCertificateInputs } from '../harness/certificate-inputs';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSPHRASE = 'correct horse battery staple';

function newsFor(e: typeof A, directory: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return localCertificateInputs(e, directory, { storePassphrase: PASSPHRASE, owner: 'organization/handlers-test/dev', ...extra });
}

function freshDirectory(): string {
  return join(mkdtempSync(join(tmpdir(), 'sfb-handlers-')), 'store');
}

function secretsIn(text: string, e: typeof A): string[] {
  const pfx = bytesOf(e);
  const candidates = [e.password ?? '', PASSPHRASE, pfx.toString('base64').slice(0, 40), pfx.toString('latin1').slice(100, 140)];
  return candidates.filter((c) => c.length > 0 && text.includes(c));
}

async function checked(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = await handlers.check(olds, news, NOW);
  expect(result.failures).toEqual([]);
  return result.inputs;
}

describe('check', () => {
  it('returns the reviewable facts and the plan as inputs', async () => {
    const inputs = await checked({}, newsFor(A, freshDirectory()));
    expect(inputs).toMatchObject({
      thumbprint: A.expected.thumbprint,
      subject: 'CN=sfb-fe01.contoso.com',
      keyBits: 2048,
      notAfter: '2035-01-01T00:00:00.000Z',
      plan: `new ${A.expected.thumbprint!.slice(0, 4)}.. current now`,
      versionId: expect.stringMatching(new RegExp(`^${A.expected.thumbprint}-[0-9a-f]{16}$`)),
    });
  });

  it.each([
    ['a wrong password', { password: 'not-it' }, 'certificate', 'PFX_BAD_PASSWORD'],
    ['another SIP domain', { sipDomain: 'fabrikam.com' }, 'sipDomain', 'SIP_DOMAIN_MISSING'],
    ['a key size above the key', { minKeyBits: 4096 }, 'minKeyBits', 'KEY_TOO_SMALL'],
    ['an effective date after expiry', { effectiveDate: '2036-01-01T00:00:00Z' }, 'effectiveDate', 'CERT_EXPIRES_BEFORE_EFFECTIVE_DATE'],
    ['a date that is not one', { effectiveDate: 'next week' }, 'effectiveDate', undefined],
    ['a SIP domain that is not a domain', { sipDomain: 'not a domain' }, 'sipDomain', undefined],
    ['an empty pfx', { pfx: '' }, 'certificate', undefined],
  ])('fails for %s on a non-secret property, without echoing secrets', async (_row, change, property, code) => {
    const news = newsFor(A, freshDirectory(), change);
    const { failures } = await handlers.check({}, news, NOW);
    expect(failures.map((f) => f.property)).toContain(property);
    if (code) expect(failures.map((f) => f.reason.split(':')[0])).toContain(code);
    for (const failure of failures) {
      expect(['pfx', 'password', 'storePassphrase']).not.toContain(failure.property);
      expect(secretsIn(failure.reason, A)).toEqual([]);
    }
  });

  it('re-checks the recorded facts, without decrypting again, when PFX and password are unchanged', async () => {
    const news = newsFor(A, freshDirectory());
    const first = await checked({}, news);
    // Recorded facts say the certificate expired: only a check that reuses them can see that.
    const olds = { ...first, certificateFacts: { ...(first.certificateFacts as object), notAfter: '2026-01-01T00:00:00.000Z' } };
    const { failures } = await handlers.check(olds, news, NOW);
    expect(failures.map((f) => f.reason.split(':')[0])).toEqual(['CERT_EXPIRED']);
  });

  it('prints a warning, in preview and up alike, when the certificate expires soon', async () => {
    const soon = entry('expiring-soon');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const news = newsFor(soon, freshDirectory());
      const first = await handlers.check({}, news, NOW);
      expect(first.failures).toEqual([]);
      // The same PFX again (facts reused, nothing decrypted): still warned.
      await handlers.check(first.inputs, news, NOW);
      const printed = warn.mock.calls.map((call) => String(call[0]));
      expect(printed).toHaveLength(2);
      for (const line of printed) {
        expect(line).toMatch(/^warning CERT_EXPIRES_SOON: The `pfx` input's certificate \([0-9A-F]{40}\) expires at 2026-06-20T00:00Z, within 30 days of now/);
        expect(secretsIn(line, soon)).toEqual([]);
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('lets unknown preview values through unvalidated', async () => {
    const unknown = pulumi.runtime.unknownValue;
    const { failures, inputs } = await handlers.check({}, newsFor(A, freshDirectory(), { pfx: unknown }), NOW);
    expect(failures).toEqual([]);
    expect(inputs.pfx).toBe(unknown);
  });

  it('plans a roll from the old state', async () => {
    const directory = freshDirectory();
    const first = await checked({}, newsFor(A, directory));
    const second = await checked(first, newsFor(B, directory, { effectiveDate: '2026-12-01T00:00:00Z' }));
    expect(second.plan).toBe(`current ${A.expected.thumbprint!.slice(0, 4)}.. → previous at 2026-12-01T00:00Z; new ${B.expected.thumbprint!.slice(0, 4)}.. current at 2026-12-01T00:00Z`);
  });
});

describe('check: the same warnings on every preview (recorded facts)', () => {
  it.each([
    ['a PFX without a MAC', 'nomac', 'PFX_NO_MAC'],
    ['a SHA-1 signed certificate', 'sha1-signed', 'CERT_SHA1_SIGNATURE'],
    ['a chain without its root', 'chain-incomplete', 'CHAIN_INCOMPLETE'],
    ['a certificate expiring soon', 'expiring-soon', 'CERT_EXPIRES_SOON'],
  ])('%s warns on the first preview and on the next ones', async (_row, name, code) => {
    const e = entry(name);
    const news = newsFor(e, freshDirectory());
    const first = await handlers.checkInputs({}, news, NOW);
    expect(first.failures).toEqual([]);
    expect(first.warnings.map((w) => w.code)).toEqual([code]);
    // The next preview reuses the recorded facts (nothing decrypted) and warns the same.
    const second = await handlers.checkInputs(first.inputs, news, NOW);
    expect(second.warnings).toEqual(first.warnings);
    const third = await handlers.checkInputs(second.inputs, news, NOW);
    expect(third.warnings).toEqual(first.warnings);
  });

  it('records the facts it re-checks, none of them secret', async () => {
    const { inputs } = await handlers.checkInputs({}, newsFor(entry('chain-incomplete'), freshDirectory()), NOW);
    expect(inputs.certificateFacts).toEqual({
      hasMac: true,
      thumbprint: '999F89E137CEA7A0C35740D6F19592CF209226A3',
      subject: 'CN=sfb-fe01.contoso.com',
      commonNames: ['sfb-fe01.contoso.com'],
      dnsNames: expect.arrayContaining(['sfb-fe01.contoso.com']),
      notBefore: expect.stringMatching(/^\d{4}-/),
      notAfter: '2035-01-01T00:00:00.000Z',
      signatureHash: 'sha2',
      keyAlgorithm: 'rsa',
      keyBits: 2048,
      chainSize: 1,
      chainComplete: false,
    });
  });

  it('decrypts again when the password changes, even if the PFX does not', async () => {
    const news = newsFor(A, freshDirectory());
    const first = await checked({}, news);
    const { failures } = await handlers.checkInputs(first, { ...news, password: 'not-it' }, NOW);
    expect(failures.map((f) => f.reason.split(':')[0])).toEqual(['PFX_BAD_PASSWORD']);
  });
});

describe('check: one meaning of a past effective date (the later of now and the date)', () => {
  it('warns that a certificate expires soon when its effective date has passed', async () => {
    const soon = entry('expiring-soon');
    const { failures, warnings } = await handlers.checkInputs({}, newsFor(soon, freshDirectory(), { effectiveDate: '2026-01-01T00:00:00Z' }), NOW);
    expect(failures).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['CERT_EXPIRES_SOON']);
    expect(warnings[0]!.message).toContain('within 30 days of now (2026-06-01T00:00Z; its effective date 2026-01-01T00:00Z has passed)');
  });

  it('accepts a certificate valid now whose past effective date precedes its notBefore, and says the date has passed', async () => {
    const { failures, inputs } = await handlers.checkInputs({}, newsFor(A, freshDirectory(), { effectiveDate: '2020-01-01T00:00:00Z' }), NOW);
    expect(failures).toEqual([]);
    expect(inputs.plan).toBe(`new ${A.expected.thumbprint!.slice(0, 4)}.. current now (effective date 2020-01-01T00:00Z has passed)`);
  });
});

describe('check: every input validated at preview, nothing defaulted silently', () => {
  it.each([
    ['minKeyBits as a string', { minKeyBits: '4096' }, 'minKeyBits', /must be a whole number \(not a string\); got "4096"/],
    ['minKeyBits below Skype\'s minimum', { minKeyBits: 1024 }, 'minKeyBits', /is 1024, outside 2048\.\.16384 \(Skype requires at least 2048 bits\)/],
    ['a negative minKeyBits', { minKeyBits: -1 }, 'minKeyBits', /is -1, outside 2048/],
    ['warnBeforeExpiryDays as a string', { warnBeforeExpiryDays: '7' }, 'warnBeforeExpiryDays', /must be a whole number/],
    ['a negative warnBeforeExpiryDays', { warnBeforeExpiryDays: -3 }, 'warnBeforeExpiryDays', /is -3, outside 0\.\.3650 days/],
    ['a SIP domain with a leading space', { sipDomain: ' contoso.com' }, 'sipDomain', /has white space around it; write it without, e\.g\. "contoso\.com"/],
    ['a missing SIP domain', { sipDomain: undefined }, 'sipDomain', /got undefined \(a config value that is not set\?\)/],
    ['a SIP domain that is a number', { sipDomain: 42 }, 'sipDomain', /got number 42/],
    ['a secret name with spaces', { secretName: 'my secret' }, 'secretName', /has characters a secret's name may not have/],
    ['a secret name of 600 characters', { secretName: 'a'.repeat(600) }, 'secretName', /is 600 characters long, above the 512/],
    ['an effective date in US notation', { effectiveDate: '12/01/2027' }, 'effectiveDate', /"12\/01\/2027" is not an ISO 8601 date and time with a zone/],
    ['an effective date of "1"', { effectiveDate: '1' }, 'effectiveDate', /"1" is not an ISO 8601/],
    ['an effective date in words', { effectiveDate: 'March 3 2027' }, 'effectiveDate', /"March 3 2027" is not an ISO 8601/],
    ['an effective date without a zone', { effectiveDate: '2026-12-01 00:00' }, 'effectiveDate', /"2026-12-01 00:00" is not an ISO 8601/],
    ['an effective date that does not exist', { effectiveDate: '2027-02-30T00:00:00Z' }, 'effectiveDate', /is not a real date and time/],
    ['an empty effective date', { effectiveDate: '' }, 'effectiveDate', /"" is not an ISO 8601/],
    ['adopt as a string', { adopt: 'yes' }, 'adopt', /must be true or false/],
    ['an empty store passphrase', { storePassphrase: '' }, 'store', /passphrase is empty/],
  ])('refuses %s with INVALID_ARGUMENT', async (_row, change, property, reason) => {
    const { failures } = await handlers.check({}, newsFor(A, freshDirectory(), change), NOW);
    expect(failures).toEqual([{ property, reason: expect.stringMatching(/^INVALID_ARGUMENT: The `?/) }]);
    expect(failures[0]!.reason).toMatch(reason);
  });

  it('never describes the PFX or the password, only what is wrong with them', async () => {
    const { failures } = await handlers.check({}, newsFor(A, freshDirectory(), { pfx: 17, password: 42 }), NOW);
    expect(failures.map((f) => f.property)).toEqual(['certificate', 'certificate']);
    expect(failures.map((f) => f.reason).join(' ')).not.toMatch(/17|42/);
  });

  it('gives one secret to CONTOSO.COM. and contoso.com', async () => {
    const declared = { ...newsFor(A, freshDirectory()), secretName: null };
    const lower = await checked({}, { ...declared, sipDomain: 'contoso.com' });
    const upper = await checked({}, { ...declared, sipDomain: 'CONTOSO.COM.' });
    expect(lower.secretName).toBe('sfb/oauth-token-issuer/contoso.com');
    expect(upper.secretName).toBe(lower.secretName);
    expect(upper.sipDomain).toBe('contoso.com');
  });

  it('normalises an effective date with an offset to UTC', async () => {
    const inputs = await checked({}, newsFor(A, freshDirectory(), { effectiveDate: '2026-12-01T01:00:00+01:00' }));
    expect(inputs.effectiveDate).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('diff', () => {
  it('updates once to clear a drift line when the store came back to the declared certificate', async () => {
    const a = await checked({}, newsFor(A, freshDirectory()));
    const drifted = { ...a, schemaVersion: 1, plan: `drift: store holds ${A.expected.thumbprint} as current` };
    expect(handlers.diff(drifted, a)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it('updates in place for a new certificate and replaces for another secret name', async () => {
    const directory = freshDirectory();
    const a = await checked({}, newsFor(A, directory));
    const b = await checked(a, newsFor(B, directory));
    expect(handlers.diff({ ...a, schemaVersion: 1 }, a)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(handlers.diff({ ...a, schemaVersion: 1 }, b)).toMatchObject({ changes: true, replaces: [] });
    expect(handlers.diff({ ...a, schemaVersion: 1 }, { ...a, secretName: 'other' })).toMatchObject({ changes: true, replaces: ['secretName'] });
  });

  it('sees a relative store directory and its absolute path as one store', async () => {
    const a = await checked({}, newsFor(A, freshDirectory()));
    const relative = { ...a, store: { kind: 'local', directory: '.sfb-store' } };
    const absolute = { ...a, store: { kind: 'local', directory: join(process.cwd(), '.sfb-store') } };
    expect(handlers.diff({ ...relative, schemaVersion: 1 }, absolute).changes).toBe(false);
    expect(handlers.diff({ ...relative, schemaVersion: 1 }, { ...a, store: { kind: 'local', directory: '.other-store' } })).toMatchObject({ replaces: ['store'] });
  });

  it('sees store directories that differ only in case as one store on Windows, and as two elsewhere', async () => {
    const a = await checked({}, newsFor(A, freshDirectory()));
    const before = { ...a, schemaVersion: 1, store: { kind: 'local', directory: 'c:\\Sfb\\' } };
    const sameOnWindows = { ...a, store: { kind: 'local', directory: 'C:/sfb' } };
    expect(handlers.diff(before, sameOnWindows, new Date(), 'win32')).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(handlers.diff(before, { ...a, store: { kind: 'local', directory: 'C:\\sfb-2' } }, new Date(), 'win32')).toMatchObject({ replaces: ['store'] });
    const posix = { ...a, schemaVersion: 1, store: { kind: 'local', directory: '/srv/Sfb' } };
    expect(handlers.diff(posix, { ...a, store: { kind: 'local', directory: '/srv/sfb' } }, new Date(), 'linux')).toMatchObject({ replaces: ['store'] });
  });

  it('ignores the plan line, which only describes the change', async () => {
    const a = await checked({}, newsFor(A, freshDirectory()));
    expect(handlers.diff({ ...a, schemaVersion: 1 }, { ...a, plan: 'current 0000.. unchanged' }).changes).toBe(false);
  });
});

describe('create, update, read, delete on the local store', () => {
  const secretName = 'sfb/oauth-token-issuer/contoso.com';

  it('stores, rolls to previous, detects drift, and deletes recoverably', async () => {
    const directory = freshDirectory();
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    const a = await checked({}, newsFor(A, directory));
    const created = await handlers.create(a, NOW);
    expect(created.id).toBe(secretName);
    expect(created.outs).toMatchObject({ thumbprint: A.expected.thumbprint, previousThumbprint: null, schemaVersion: 1 });
    const afterCreate = await store.describe(secretName);
    expect(afterCreate?.versions).toHaveLength(1);

    // A second create (a retry) writes nothing new.
    await handlers.create(a, NOW);
    expect((await store.describe(secretName))?.versions).toHaveLength(1);

    const b = await checked(created.outs as unknown as Record<string, unknown>, newsFor(B, directory));
    const updated = await handlers.update(secretName, created.outs as unknown as Record<string, unknown>, b, NOW);
    expect(updated.outs).toMatchObject({ thumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint });
    const versions = (await store.describe(secretName))!.versions;
    expect(versions.find((v) => v.stages.includes('current'))?.versionId).toBe(b.versionId);
    expect(versions.find((v) => v.stages.includes('previous'))?.versionId).toBe(a.versionId);
    // The previous certificate stays retrievable.
    expect((await store.getVersion(secretName, a.versionId as string)).thumbprint).toBe(A.expected.thumbprint);

    const state = updated.outs as unknown as Record<string, unknown>;
    expect(await handlers.read(secretName, state, NOW)).toEqual({ id: secretName, props: expect.objectContaining({ versionId: b.versionId, thumbprint: B.expected.thumbprint }) });

    // Behind Pulumi's back: the old certificate made current again.
    await store.moveStage(secretName, 'current', a.versionId as string);
    const drifted = await handlers.read(secretName, state, NOW);
    expect(drifted.props).toMatchObject({ versionId: a.versionId, thumbprint: A.expected.thumbprint, plan: `drift: store holds ${A.expected.thumbprint} as current` });
    expect(handlers.diff(drifted.props!, b).changes).toBe(true);

    await handlers.remove(state);
    const deleted = await store.describe(secretName);
    expect(deleted?.deletionDate).toBeDefined();
    // Refresh keeps the resource and shows the deletion as drift (lifecycle.test.ts has the details).
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await handlers.read(secretName, state, NOW)).props).toMatchObject({ versionId: '', plan: expect.stringMatching(/^drift: store scheduled the secret for deletion/) });
    warn.mockRestore();
    // Declared again: recovered, not duplicated.
    const recreated = await handlers.create(b, NOW);
    expect(recreated.outs.thumbprint).toBe(B.expected.thumbprint);
    expect((await store.describe(secretName))?.deletionDate).toBeUndefined();
  });

  it('schedules a roll, keeps the current certificate until its date, then records the roll', async () => {
    const directory = freshDirectory();
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    const labels = async () =>
      Object.fromEntries((await store.describe(secretName))!.versions.flatMap((v) => v.stages.map((stage) => [stage, v.versionId.slice(0, 40)])));
    const a = await checked({}, newsFor(A, directory));
    const created = await handlers.create(a, NOW);
    const later = '2026-12-01T00:00:00.000Z';
    const b = await checked(created.outs as unknown as Record<string, unknown>, newsFor(B, directory, { effectiveDate: later }));
    const scheduled = await handlers.update(secretName, created.outs as unknown as Record<string, unknown>, b, NOW);
    expect(scheduled.outs).toMatchObject({ thumbprint: B.expected.thumbprint, pendingThumbprint: B.expected.thumbprint, previousThumbprint: A.expected.thumbprint });
    expect(await labels()).toEqual({ current: A.expected.thumbprint, pending: B.expected.thumbprint });

    const state = scheduled.outs as unknown as Record<string, unknown>;
    // Before the date: nothing drifted. After it: B is current (Skype rolled it), A previous.
    expect((await handlers.read(secretName, state, NOW)).props).toMatchObject({ versionId: b.versionId, pendingThumbprint: B.expected.thumbprint });
    const afterDate = new Date('2026-12-02T00:00:00Z');
    // Without a refresh: the next preview plans recording the roll, diff asks for an update
    // (nothing in the inputs changed), and the update moves the store's labels, once.
    const during = await checked(state, newsFor(B, directory, { effectiveDate: later }));
    expect(during.plan).toBe(`current ${A.expected.thumbprint!.slice(0, 4)}.. → previous at 2026-12-01T00:00Z; new ${B.expected.thumbprint!.slice(0, 4)}.. current at 2026-12-01T00:00Z`);
    const { inputs: rechecked, failures } = await handlers.check(state, newsFor(B, directory, { effectiveDate: later }), afterDate);
    expect(failures).toEqual([]);
    expect(rechecked.plan).toBe(`scheduled ${B.expected.thumbprint!.slice(0, 4)}.. current since 2026-12-01T00:00Z`);
    expect(handlers.diff(state, rechecked, NOW).changes).toBe(false);
    expect(handlers.diff(state, rechecked, afterDate)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const recorded = await handlers.update(secretName, state, rechecked, afterDate);
    expect(recorded.outs).toMatchObject({ plan: `scheduled ${B.expected.thumbprint!.slice(0, 4)}.. current since 2026-12-01T00:00Z`, pendingThumbprint: null, previousThumbprint: A.expected.thumbprint });
    expect(await labels()).toMatchObject({ current: B.expected.thumbprint, previous: A.expected.thumbprint });
    const settled = recorded.outs as unknown as Record<string, unknown>;
    const again = await handlers.check(settled, newsFor(B, directory, { effectiveDate: later }), afterDate);
    expect(again.inputs.plan).toBe(`current ${B.expected.thumbprint!.slice(0, 4)}.. unchanged`);
    expect(handlers.diff(settled, again.inputs, afterDate).changes).toBe(false);
    expect((await handlers.update(secretName, settled, b, afterDate)).outs.plan).toBe(`current ${B.expected.thumbprint!.slice(0, 4)}.. unchanged`);
  });

  it('records a scheduled roll in the store on the first refresh after its date', async () => {
    const directory = freshDirectory();
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    const labels = async () =>
      Object.fromEntries((await store.describe(secretName))!.versions.flatMap((v) => v.stages.map((stage) => [stage, v.versionId.slice(0, 40)])));
    const a = await checked({}, newsFor(A, directory));
    const created = await handlers.create(a, NOW);
    const b = await checked(created.outs as unknown as Record<string, unknown>, newsFor(B, directory, { effectiveDate: '2026-12-01T00:00:00.000Z' }));
    const state = (await handlers.update(secretName, created.outs as unknown as Record<string, unknown>, b, NOW)).outs as unknown as Record<string, unknown>;
    // Before the date a refresh changes nothing in the store.
    await handlers.read(secretName, state, NOW);
    expect(await labels()).toEqual({ current: A.expected.thumbprint, pending: B.expected.thumbprint });
    const afterDate = new Date('2026-12-02T00:00:00Z');
    expect((await handlers.read(secretName, state, afterDate)).props).toMatchObject({ versionId: b.versionId, previousThumbprint: A.expected.thumbprint, pendingThumbprint: null });
    expect(await labels()).toMatchObject({ current: B.expected.thumbprint, previous: A.expected.thumbprint });
  });

  it('adopts a store that already holds this certificate instead of writing it again', async () => {
    const directory = freshDirectory();
    const a = await checked({}, newsFor(A, directory));
    await handlers.create(a, NOW);
    // A new stack (no state) declaring the same certificate.
    const adopted = await handlers.create(a, NOW);
    expect(adopted.outs.plan).toBe(`current ${A.expected.thumbprint!.slice(0, 4)}.. unchanged`);
    expect((await createLocalStore({ directory, passphrase: PASSPHRASE }).describe(secretName))?.versions).toHaveLength(1);
  });

  it('keeps the previous certificate and reports a partial success when an update fails', async () => {
    const directory = freshDirectory();
    const a = await checked({}, newsFor(A, directory));
    const created = await handlers.create(a, NOW);
    const b = await checked(created.outs as unknown as Record<string, unknown>, newsFor(B, directory, { storePassphrase: 'the wrong passphrase' }));
    const failure = handlers.update(secretName, created.outs as unknown as Record<string, unknown>, b, NOW);
    await expect(failure).rejects.toMatchObject({
      id: secretName,
      properties: expect.objectContaining({ versionId: a.versionId, thumbprint: A.expected.thumbprint }),
      reasons: [expect.stringMatching(/^STORE_WRONG_PASSPHRASE: /)],
    });
    await failure.catch((error: Error) => expect(secretsIn(error.message, A)).toEqual([]));
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    const versions = (await store.describe(secretName))!.versions;
    expect(versions).toHaveLength(1);
    expect(versions[0]!.stages).toEqual(['current']);
  });

  it('fails a refresh with the store\'s code, and no secret, when the passphrase is wrong', async () => {
    const directory = freshDirectory();
    const { outs } = await handlers.create(await checked({}, newsFor(A, directory)), NOW);
    const wrong = { ...(outs as unknown as Record<string, unknown>), storePassphrase: 'not the passphrase' };
    const refresh = handlers.read(secretName, wrong, NOW);
    await expect(refresh).rejects.toThrow(/^STORE_WRONG_PASSPHRASE: /);
    await refresh.catch((error: Error) => {
      expect(error.message).not.toContain('not the passphrase');
      expect(secretsIn(error.message, A)).toEqual([]);
    });
  });

  it('reads state written by schema 0', async () => {
    const directory = freshDirectory();
    const a = await checked({}, newsFor(A, directory));
    const { outs } = await handlers.create(a, NOW);
    const { thumbprint, schemaVersion: _v, previousThumbprint: _p, pendingThumbprint: _q, ...rest } = outs as unknown as Record<string, unknown>;
    const schema0 = { ...rest, currentThumbprint: thumbprint };
    expect((await handlers.read(secretName, schema0, NOW)).props).toMatchObject({ thumbprint, schemaVersion: 1 });
  });
});
