/**
 * The pool step of up and refresh against an in-memory pool: a roll
 * nobody declared stops the up with FOREIGN_ROLL_PENDING unless `replaceForeignRoll`; a server
 * that cannot be read no longer fails the refresh (it is marked, named in the drift line, and
 * diff asks for an update), while an up stops before changing anything, naming it. The engine
 * test (test/integration/front-end-drift.int.test.ts) runs the same through the CLI and emulator.
 */
import { convergePool, poolRefresh, poolStep, type PoolDeps, type PoolInputs } from '../../provider/pulumi/front-end-pool-step';
import { diff } from '../../provider/pulumi/check';
import { checkPoolSpec, type FrontEndPoolSpec } from '../../provider/domain/front-end-pool-spec';
import type { AssignRequest, FrontEndCertificates, FrontEndPool, PoolSnapshot } from '../../provider/ports/front-end-pool';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const HAND = '2026-09-01T00:00:00.000Z';
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];

/** A deployment in memory: the CMS's assignment, replicated at once; servers may be down. */
class MemoryPool implements FrontEndPool {
  readonly description = 'in-memory pool';
  readonly servers = SERVERS;
  readonly calls: string[] = [];
  down = new Set<string>();
  constructor(public cms: Omit<FrontEndCertificates, 'server'>) {}
  async inspect(): Promise<PoolSnapshot> {
    return {
      global: { server: 'global', ...this.cms },
      replicas: SERVERS.map((server) => ({ server, upToDate: true })),
      servers: SERVERS.map((server) =>
        this.down.has(server) ? { server, unreachable: { code: 'SERVER_UNREACHABLE' as const, message: `Front End Server ${server} could not be reached (test).` } } : { server, ...this.cms },
      ),
    };
  }
  async assign(request: AssignRequest): Promise<void> {
    this.calls.push(`assign ${request.thumbprint}${request.effectiveAt ? ` at ${request.effectiveAt}` : ''}`);
    // The assumption replaceForeignRoll rests on (docs/front-end.md): a set now cancels a pending roll.
    if (!request.effectiveAt) this.cms = { current: request.thumbprint, currentNotAfter: '2035-01-01T00:00:00.000Z', ...(this.cms.current !== request.thumbprint && this.cms.current ? { previous: this.cms.current } : this.cms.previous ? { previous: this.cms.previous } : {}) };
  }
  async replicate(server: string): Promise<void> {
    this.calls.push(`replicate ${server}`);
  }
  async removePrevious(): Promise<void> {
    this.calls.push('remove-previous');
  }
  async removeLocal(server: string): Promise<void> {
    this.calls.push(`remove-local ${server}`);
  }
  async installLocal(server: string): Promise<void> {
    this.calls.push(`install-local ${server}`);
  }
  async removeLocalPrevious(server: string): Promise<void> {
    this.calls.push(`remove-local-previous ${server}`);
  }
  async sweepCopies(): Promise<string[]> {
    return [];
  }
}

function spec(extra: Record<string, unknown> = {}): FrontEndPoolSpec {
  const checked = checkPoolSpec({ kind: 'powershell', servers: SERVERS, replicationTimeoutSeconds: 1, pollIntervalSeconds: 1, ...extra });
  if (!checked.spec) throw new Error(checked.problems.join(' '));
  return checked.spec;
}

function depsFor(pool: MemoryPool): PoolDeps & { lines: string[] } {
  const lines: string[] = [];
  let clock = 0;
  return { open: () => pool, clock: () => clock, sleep: async (ms) => void (clock += ms), progress: (line) => lines.push(line), lines };
}

const declaredB = (pool: FrontEndPoolSpec, extra: Partial<PoolInputs> = {}): PoolInputs => ({ pool, thumbprint: B, notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2035-01-01T00:00:00.000Z', ...extra });
const withHandRoll = () => new MemoryPool({ current: B, currentNotAfter: '2035-01-01T00:00:00.000Z', previous: A, scheduled: { thumbprint: C, effectiveDate: HAND } });

describe('a roll nobody declared (FOREIGN_ROLL_PENDING)', () => {
  it('up fails with FOREIGN_ROLL_PENDING naming the roll and the command; nothing is sent; the servers as seen are kept', async () => {
    const pool = withHandRoll();
    const run = convergePool(declaredB(spec()), NOW, depsFor(pool));
    await expect(run).rejects.toMatchObject({
      code: 'FOREIGN_ROLL_PENDING',
      message: expect.stringContaining(`certificate ${C} becomes current at 2026-09-01T00:00:00Z on the Central Management Store, fe01.contoso.com, fe02.contoso.com, fe03.contoso.com`),
      servers: expect.objectContaining({ 'fe02.contoso.com': expect.objectContaining({ current: B, pending: { thumbprint: C, effectiveDate: HAND } }) }),
    });
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining(`\`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${B}\` (without -Roll)`) });
    expect(pool.calls).toEqual([]);
  });

  it('refresh records it as drift of every server, and diff then asks for an update (the drift gate fails)', async () => {
    const props = { ...declaredB(spec()), plan: 'current BBBB..' } as Record<string, unknown>;
    const refreshed = await poolRefresh(props, NOW, depsFor(withHandRoll()));
    expect(refreshed.plan).toBe(`drift: ${SERVERS.map((s) => `${s} (current BBBB.., CCCC.. pending at 2026-09-01T00:00Z)`).join(', ')} instead of the declared ${B}`);
    const news = { ...props, versionId: 'v', sipDomain: 'contoso.com' };
    expect(diff({ ...refreshed, versionId: 'v', sipDomain: 'contoso.com', schemaVersion: 1 }, news, NOW).changes).toBe(true);
    // Without the roll, the same state is no change.
    const clean = await poolRefresh(props, NOW, depsFor(new MemoryPool({ current: B, previous: A })));
    expect(diff({ ...clean, versionId: 'v', sipDomain: 'contoso.com', schemaVersion: 1 }, news, NOW).changes).toBe(false);
  });

  it('with replaceForeignRoll: true, up sets the declared certificate over it (Set-CsCertificate now, no import) and converges', async () => {
    const pool = withHandRoll();
    const deps = depsFor(pool);
    const servers = await convergePool(declaredB(spec({ replaceForeignRoll: true })), NOW, deps);
    expect(pool.calls).toEqual([`assign ${B}`]);
    expect(deps.lines[0]).toContain('replace the roll not declared (CCCC.. at 2026-09-01T00:00Z; replaceForeignRoll); set BBBB.. current now');
    expect(Object.values(servers!).map((s) => s.pending)).toEqual([undefined, undefined, undefined]);
  });

  it('a roll the previous declaration scheduled is the resource\'s own: a changed declaration replaces it without the option', async () => {
    const pool = withHandRoll();
    await convergePool(declaredB(spec(), { declaredBefore: { thumbprint: C, effectiveDate: HAND } }), NOW, depsFor(pool));
    expect(pool.calls).toEqual([`assign ${B}`]);
  });
});

describe('a server that cannot be read', () => {
  it('refresh succeeds with what it could read: the server marked in `servers`, named in the drift line; diff then asks for an update', async () => {
    const pool = new MemoryPool({ current: B, previous: A });
    pool.down.add('fe03.contoso.com');
    const props = { ...declaredB(spec()), plan: 'current BBBB..' } as Record<string, unknown>;
    const refreshed = await poolRefresh(props, NOW, depsFor(pool));
    expect(refreshed.servers).toEqual({
      'fe01.contoso.com': { current: B, previous: A },
      'fe02.contoso.com': { current: B, previous: A },
      'fe03.contoso.com': { current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE', message: 'Front End Server fe03.contoso.com could not be reached (test).' } },
    });
    expect(refreshed.plan).toBe(`drift: fe03.contoso.com (could not be read: SERVER_UNREACHABLE) instead of the declared ${B}`);
    const news = { ...props, versionId: 'v', sipDomain: 'contoso.com' };
    expect(diff({ ...refreshed, versionId: 'v', sipDomain: 'contoso.com', schemaVersion: 1 }, news, NOW).changes).toBe(true);
  });

  it('up stops before changing anything, naming the server, as a partial success that keeps the servers it read and marks the other', async () => {
    const pool = new MemoryPool({ current: A });
    pool.down.add('fe02.contoso.com');
    const inputs = { ...declaredB(spec()), pfx: 'AAAA', password: null } as unknown as Record<string, unknown>;
    const step = poolStep('id', { plan: 'new BBBB.. current now' }, inputs, NOW, (e) => `${(e as { code: string }).code}: ${(e as Error).message}`, depsFor(pool));
    await expect(step).rejects.toMatchObject({
      message: 'SERVER_UNREACHABLE: Front End Server fe02.contoso.com could not be reached (test).',
      properties: expect.objectContaining({
        plan: 'new BBBB.. current now; servers: not converged (SERVER_UNREACHABLE), the next up resumes',
        servers: expect.objectContaining({ 'fe01.contoso.com': { current: A, previous: null }, 'fe02.contoso.com': expect.objectContaining({ unreachable: expect.objectContaining({ code: 'SERVER_UNREACHABLE' }) }) }),
      }),
    });
    expect(pool.calls).toEqual([]);
  });
});

describe('the state refresh reads the pool from', () => {
  it('without a pool, refresh leaves the state as it is and opens nothing', async () => {
    const props = { thumbprint: B, plan: 'current BBBB..' };
    const open = jest.fn();
    await expect(poolRefresh(props, NOW, { open })).resolves.toBe(props);
    expect(open).not.toHaveBeenCalled();
  });

  it('a declared date that cannot be read is INTERNAL_ERROR naming the key, never its value; nothing is opened', async () => {
    const props = { ...declaredB(spec()), notAfter: 'Sup3r-unreadable', secretName: 'sfb/oauth' } as Record<string, unknown>;
    const open = jest.fn();
    await expect(poolRefresh(props, NOW, { open })).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: expect.stringMatching(/^The state of secret "sfb\/oauth" reached the pool step of refresh unreadable: `notAfter` \(is not an ISO 8601 instant with a zone\)\. Run `pulumi up`/),
    });
    await expect(poolRefresh(props, NOW, { open })).rejects.toMatchObject({ message: expect.not.stringContaining('Sup3r') });
    expect(open).not.toHaveBeenCalled();
  });
});
