/**
 * The pool step of up (provider/pulumi/front-end-pool-step.ts) against an in-memory pool: what reaches
 * the port (AssignRequest), and what stops before anything is sent (the zone the
 * servers and the session report, the clock-change rule in that zone).
 */
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { isSfbError } from '../../provider/domain/errors';
import { convergePool, type PoolDeps, type PoolInputs } from '../../provider/pulumi/front-end-pool-step';
import type { AssignRequest, FrontEndCertificates, FrontEndPool, PoolSnapshot, ShellSession } from '../../provider/ports/front-end-pool';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const BERLIN = 'W. Europe Standard Time';
const NOW = new Date('2027-01-15T00:00:00Z');

interface FakeOptions {
  /** Each server's `[TimeZoneInfo]::Local.Id`, in SERVERS order; one value for all. */
  readonly zones?: string | readonly (string | undefined)[];
  readonly session?: Partial<ShellSession> | null;
}

/** A pool that reports A current everywhere until assigned; an assign takes effect at once (replication included). */
function fakePool(options: FakeOptions = {}) {
  const assigned: AssignRequest[] = [];
  let current = A;
  let scheduled: FrontEndCertificates['scheduled'];
  const zoneOf = (i: number) => (typeof options.zones === 'string' || options.zones === undefined ? (options.zones ?? BERLIN) : options.zones[i]);
  const entry = (server: string, i: number): FrontEndCertificates => ({
    server,
    current,
    currentNotAfter: '2030-01-01T00:00:00.000Z',
    ...(scheduled ? { scheduled } : {}),
    ...(i >= 0 && zoneOf(i) !== undefined ? { timeZone: zoneOf(i) } : {}),
  });
  const session: ShellSession | undefined = options.session === null ? undefined : { timeZone: BERLIN, culture: 'en-US', psVersion: '5.1.17763.1', edition: 'Desktop', ...options.session };
  const pool: FrontEndPool = {
    description: 'fake pool of 3 Front End Servers',
    servers: SERVERS,
    async inspect(): Promise<PoolSnapshot> {
      return { global: entry('global', -1), replicas: SERVERS.map((server) => ({ server, upToDate: true })), servers: SERVERS.map(entry), ...(session ? { session } : {}) };
    },
    async assign(request) {
      assigned.push(request);
      if (request.effectiveAt) scheduled = { thumbprint: request.thumbprint, effectiveDate: request.effectiveAt };
      else current = request.thumbprint;
    },
    async replicate() {},
    async removePrevious() {},
    async removeLocal() {},
    async installLocal() {},
    async removeLocalPrevious() {},
    async sweepCopies() {
      return [];
    },
  };
  const progress: string[] = [];
  const deps: PoolDeps = { open: () => pool, clock: () => 0, sleep: async () => undefined, progress: (line) => progress.push(line) };
  return { assigned, deps, progress };
}

function inputs(effectiveDate: string | undefined, serverTimeZone = 'Europe/Berlin'): PoolInputs {
  return {
    pool: checkPoolSpec({ kind: 'powershell', servers: SERVERS, serverTimeZone }).spec!,
    pfx: 'UEZY',
    password: 'pfx password',
    thumbprint: B,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2035-01-01T00:00:00.000Z',
    ...(effectiveDate ? { effectiveDate } : {}),
  };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSfbError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the pool step to fail');
}

describe('the roll reaches the port as an instant and a zone: the session culture plays no part', () => {
  // Days at most 12, so a day/month swap would be a valid other date; both sides of both DST changes.
  const INSTANTS = ['2027-03-01T09:00:00Z', '2027-04-05T09:00:00Z', '2027-10-12T09:00:00Z', '2027-11-02T09:00:00Z', '2027-12-01T00:00:00Z'];
  const CULTURES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'ja-JP'];

  it.each(INSTANTS)('%s: the same AssignRequest under en-US, en-GB, de-DE, fr-FR and ja-JP sessions', async (instant) => {
    const requests: AssignRequest[] = [];
    for (const culture of CULTURES) {
      const fake = fakePool({ session: { culture } });
      await convergePool(inputs(instant), NOW, fake.deps);
      expect(fake.assigned).toHaveLength(1);
      requests.push(fake.assigned[0]!);
    }
    const expected: AssignRequest = { thumbprint: B, pfx: { pfxBase64: 'UEZY', password: 'pfx password' }, effectiveAt: new Date(instant).toISOString(), sessionTimeZone: BERLIN };
    expect(requests).toEqual(CULTURES.map(() => expected));
    expect(requests[0]).not.toHaveProperty('serverDate');
  });

  it('the progress line shows the instant and the servers\' local time', async () => {
    const fake = fakePool();
    await convergePool(inputs('2027-11-02T09:00:00Z'), NOW, fake.deps);
    expect(fake.progress).toContain('fake pool of 3 Front End Servers: servers: fe01.contoso.com (current AAAA..), fe02.contoso.com (current AAAA..), fe03.contoso.com (current AAAA..) behind; roll BBBB.. at 2027-11-02T09:00:00Z (10:00 W. Europe Standard Time on the servers), then verify 3');
  });

  it('the zone the servers report wins over the declared one (declared UTC, servers in Berlin)', async () => {
    const fake = fakePool();
    await convergePool(inputs('2027-11-02T09:00:00Z', 'UTC'), NOW, fake.deps);
    expect(fake.assigned[0]).toMatchObject({ sessionTimeZone: BERLIN });
  });

  it('the servers output records each server\'s zone', async () => {
    const fake = fakePool();
    const servers = await convergePool(inputs('2027-11-02T09:00:00Z'), NOW, fake.deps);
    expect(Object.values(servers!).map((s) => s.timeZone)).toEqual([BERLIN, BERLIN, BERLIN]);
  });
});

describe('EFFECTIVE_DATE_AMBIGUOUS at up: a roll in a clock-change hour of the servers\' zone is refused, nothing sent', () => {
  it('Berlin\'s repeated autumn hour', async () => {
    const fake = fakePool();
    const error = await failure(convergePool(inputs('2027-10-31T00:30:00Z', 'UTC'), NOW, fake.deps));
    expect(error.code).toBe('EFFECTIVE_DATE_AMBIGUOUS');
    expect(error.message).toContain('Choose an effective date at or before 2027-10-30T23:59:59Z, or at or after 2027-10-31T02:00:00Z.');
    expect(fake.assigned).toEqual([]);
  });

  it('an instant just outside it converges', async () => {
    const fake = fakePool();
    await convergePool(inputs('2027-10-31T02:00:00Z'), NOW, fake.deps);
    expect(fake.assigned).toEqual([expect.objectContaining({ effectiveAt: '2027-10-31T02:00:00.000Z', sessionTimeZone: BERLIN })]);
  });
});

describe('TIME_ZONE_MISMATCH: nothing is sent unless every server and the session share one zone', () => {
  it('the session in another zone than the servers', async () => {
    const fake = fakePool({ session: { timeZone: 'Pacific Standard Time' } });
    const error = await failure(convergePool(inputs('2027-11-02T09:00:00Z'), NOW, fake.deps));
    expect(error).toEqual({
      code: 'TIME_ZONE_MISMATCH',
      message:
        'The session that runs Import/Set-CsCertificate is in time zone "Pacific Standard Time", but the Front End Servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) are in "W. Europe Standard Time": the effective date is given as the session\'s local time, and Skype\'s reading of it is documented for neither zone, so the roll could land at another instant. Run the provider on a Front End Server, or on an agent whose time zone is the servers\' one ("W. Europe Standard Time", tzutil /s "W. Europe Standard Time"), or leave `effectiveDate` out to make the certificate current now.',
    });
    expect(fake.assigned).toEqual([]);
  });

  it('servers that disagree', async () => {
    const fake = fakePool({ zones: [BERLIN, 'GMT Standard Time', BERLIN] });
    const error = await failure(convergePool(inputs('2027-11-02T09:00:00Z'), NOW, fake.deps));
    expect(error.code).toBe('TIME_ZONE_MISMATCH');
    expect(error.message).toMatch(/^The Front End Servers are not in one time zone \(fe01\.contoso\.com, fe03\.contoso\.com in "W\. Europe Standard Time"; fe02\.contoso\.com in "GMT Standard Time"\)/);
    expect(fake.assigned).toEqual([]);
  });

  it('a shell that reports no zone: never guessed', async () => {
    const fake = fakePool({ zones: [undefined, undefined, undefined], session: null });
    expect((await failure(convergePool(inputs('2027-11-02T09:00:00Z'), NOW, fake.deps))).code).toBe('TIME_ZONE_MISMATCH');
    expect(fake.assigned).toEqual([]);
  });

  it('an immediate set carries no date: it goes ahead whatever the zones', async () => {
    const fake = fakePool({ zones: [BERLIN, 'GMT Standard Time', BERLIN], session: { timeZone: 'Pacific Standard Time' } });
    await convergePool(inputs(undefined), NOW, fake.deps);
    expect(fake.assigned).toEqual([{ thumbprint: B, pfx: { pfxBase64: 'UEZY', password: 'pfx password' } }]);
  });
});
