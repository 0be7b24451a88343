/**
 * The test clock through the handlers: a shift moves the moment check and up decide with, every
 * plan line then says so, and a shift that would reach a real party is refused before anything
 * is planned or written.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CLOCK_VARIABLE } from '../../provider/domain/test-clock';
import * as handlers from '../../provider/pulumi/handlers';
import { compose } from '../../provider/pulumi/composition';
import { bytesOf, entry } from '../support/pfx-corpus';

const REAL = new Date('2026-06-01T00:00:00Z');
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const TWO_DAYS = 2 * 24 * 3600;

function newsFor(e: typeof A, directory: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sipDomain: 'contoso.com',
    pfx: bytesOf(e).toString('base64'),
    password: e.password,
    secretName: 'sfb/oauth-token-issuer/contoso.com',
    store: { kind: 'local', directory },
    storePassphrase: 'test-clock-passphrase',
    owner: 'organization/test-clock/dev',
    adopt: false,
    ...extra,
  };
}

const freshDirectory = () => join(mkdtempSync(join(tmpdir(), 'sfb-test-clock-')), 'store');
const shifted = (seconds: number | string) => ({ environment: { [TEST_CLOCK_VARIABLE]: String(seconds) }, realClock: () => REAL });

describe('the composition clock', () => {
  it('is the real clock without the variable, and the real clock plus the shift with it', () => {
    const parties = { store: { kind: 'local', directory: '.sfb-store' } };
    expect(compose(parties, { environment: {}, realClock: () => REAL })).toMatchObject({ testClock: false });
    expect(compose(parties, { environment: {}, realClock: () => REAL }).clock()).toEqual(REAL);
    const moved = compose(parties, shifted(TWO_DAYS));
    expect(moved.testClock).toBe(true);
    expect(moved.clock()).toEqual(new Date('2026-06-03T00:00:00Z'));
  });

  it('refuses an invalid value and a real party with INVALID_ARGUMENT', () => {
    expect(() => compose({ store: { kind: 'local', directory: 'x' } }, shifted('soon'))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(TEST_CLOCK_VARIABLE) }));
    expect(() => compose({ store: { kind: 'aws-secrets-manager', region: 'eu-west-1' } }, shifted(60))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('check and up on the test clock', () => {
  it('plans a roll scheduled in a day as current once the clock is two days ahead, and prefixes every plan line', async () => {
    const directory = freshDirectory();
    const first = await handlers.checkInputs({}, newsFor(A, directory), undefined, shifted(0));
    expect(first.failures).toEqual([]);
    expect(first.inputs.plan).toBe(`test clock: new ${A.expected.thumbprint!.slice(0, 4)}.. current now`);
    const { outs } = await handlers.create(first.inputs, undefined, shifted(0));
    expect(outs.plan).toBe(`test clock: new ${A.expected.thumbprint!.slice(0, 4)}.. current now`);

    const tomorrow = '2026-06-02T00:00:00Z';
    const scheduled = await handlers.checkInputs(outs as unknown as Record<string, unknown>, newsFor(B, directory, { effectiveDate: tomorrow }), undefined, shifted(0));
    expect(scheduled.inputs.plan).toBe(`test clock: current ${A.expected.thumbprint!.slice(0, 4)}.. → previous at 2026-06-02T00:00Z; new ${B.expected.thumbprint!.slice(0, 4)}.. current at 2026-06-02T00:00Z`);
    const { outs: rolled } = await handlers.update('id', outs as unknown as Record<string, unknown>, scheduled.inputs, undefined, shifted(0));
    expect(rolled).toMatchObject({ pendingThumbprint: B.expected.thumbprint });

    // Two days on: the scheduled roll's date has passed, without waiting for it.
    const state = rolled as unknown as Record<string, unknown>;
    expect(handlers.diff(state, scheduled.inputs, undefined, process.platform, shifted(TWO_DAYS))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const refreshed = await handlers.read('id', state, undefined, shifted(TWO_DAYS));
    expect(refreshed.props).toMatchObject({ pendingThumbprint: null, previousThumbprint: A.expected.thumbprint, plan: expect.stringMatching(/^test clock: /) });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a real powershell.exe pool', { pool: { kind: 'powershell', servers: ['fe01.contoso.com'], command: ['powershell.exe', '-NoProfile'] } }, 'pool'],
    ['AWS without an endpoint', { store: { kind: 'aws-secrets-manager', region: 'eu-west-1' }, storePassphrase: null }, 'store'],
  ])('refuses %s in check, before anything is planned', async (_row, change, property) => {
    const { failures, inputs } = await handlers.checkInputs({}, newsFor(A, freshDirectory(), change), undefined, shifted(TWO_DAYS));
    expect(failures).toEqual([{ property, reason: expect.stringMatching(new RegExp(`^INVALID_ARGUMENT: The environment variable ${TEST_CLOCK_VARIABLE} is set, but the `)) }]);
    expect(inputs.plan).toBeUndefined();
  });

  it('refuses an invalid value in check, naming the variable', async () => {
    const { failures } = await handlers.checkInputs({}, newsFor(A, freshDirectory()), undefined, shifted('2 days'));
    expect(failures).toEqual([{ property: 'store', reason: expect.stringMatching(new RegExp(`^INVALID_ARGUMENT: The environment variable ${TEST_CLOCK_VARIABLE} is "2 days", which is not a whole number of seconds`)) }]);
  });

  it('refuses a real store in refresh too, before the store is opened', async () => {
    const state = { schemaVersion: 1, secretName: 's', store: { kind: 'aws-secrets-manager', region: 'eu-west-1' }, versionId: 'v' };
    await expect(handlers.read('s', state, undefined, shifted(60))).rejects.toThrow(new RegExp(`^INVALID_ARGUMENT: The environment variable ${TEST_CLOCK_VARIABLE} is set`));
  });
});
