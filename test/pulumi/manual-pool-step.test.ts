/**
 * The manual-mode pool step's shell (provider/pulumi/manual-pool-step.ts) over a fake pool whose
 * installations finish when the test lets them: the servers of one step run side by side, never
 * more than the pool's `parallelism` at once; each reports its own line; one that fails is named
 * and the others still finish (a partial success); a defect is not swallowed.
 */
import { convergePool, type PoolDeps } from '../../provider/pulumi/front-end-pool-step';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { SfbError } from '../../provider/domain/errors';
import type { FrontEndCertificates, FrontEndPool, LocalInstallRequest, PoolSnapshot } from '../../provider/ports/front-end-pool';

const B = 'B'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com', 'fe04.contoso.com', 'fe05.contoso.com'];
const NOW = new Date('2026-06-01T00:00:00Z');
const NOT_AFTER = '2035-01-01T00:00:00.000Z';

/** A fake pool: a server has B once its installation resolved; `failOn` throws that error there. */
function fakePool(failOn: Record<string, Error> = {}) {
  const installed = new Set<string>();
  const started: string[] = [];
  let running = 0;
  let most = 0;
  const look = (server: string): FrontEndCertificates => (installed.has(server) ? { server, current: B, currentNotAfter: NOT_AFTER, scope: 'local' } : { server });
  const pool: FrontEndPool = {
    description: 'a fake pool',
    servers: SERVERS,
    inspect: async (): Promise<PoolSnapshot> => ({ global: { server: 'global' }, replicas: [], servers: SERVERS.map(look) }),
    assign: async () => undefined,
    replicate: async () => undefined,
    removePrevious: async () => undefined,
    removeLocal: async () => undefined,
    removeLocalPrevious: async () => undefined,
    sweepCopies: async () => [],
    installLocal: async (server: string, request: LocalInstallRequest) => {
      started.push(`${server} ${request.pfx ? 'with' : 'without'} the PFX`);
      running++;
      most = Math.max(most, running);
      // Let the other workers start before this one finishes.
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      const failure = failOn[server];
      if (failure) throw failure;
      installed.add(server);
    },
  };
  return { pool, started, most: () => most };
}

function run(fake: ReturnType<typeof fakePool>, parallelism: number) {
  const lines: string[] = [];
  const deps: PoolDeps = { open: () => fake.pool, clock: () => 0, sleep: async () => undefined, progress: (line) => lines.push(line) };
  const pool = checkPoolSpec({ kind: 'powershell', servers: SERVERS, mode: 'manual', parallelism }).spec!;
  const inputs = { pool, pfx: Buffer.from('not a real PFX').toString('base64'), password: 'pw', thumbprint: B, notBefore: '2025-01-01T00:00:00.000Z', notAfter: NOT_AFTER };
  return { result: convergePool(inputs, NOW, deps), lines };
}

describe('manual mode: servers installed side by side, bounded', () => {
  it.each([
    ['parallelism 2: never more than 2 at once', 2, 2],
    ['parallelism 1: one after another', 1, 1],
    ['parallelism above the servers: every server at once', 8, 5],
  ])('%s', async (_name, parallelism, most) => {
    const fake = fakePool();
    const { result, lines } = run(fake, parallelism);
    expect(Object.values((await result)!).map((s) => s.current)).toEqual(SERVERS.map(() => B));
    expect(fake.most()).toBe(most);
    expect(fake.started.sort()).toEqual(SERVERS.map((s) => `${s} with the PFX`));
    // Each server reported on its own line.
    for (const server of SERVERS) expect(lines.filter((l) => l.startsWith(`a fake pool (manual mode): ${server} (no current certificate): copying the PFX`))).toHaveLength(1);
    expect(lines.at(-1)).toBe(`a fake pool (manual mode): every server reports BBBB.. current, each assigned on the server itself; installed this run on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com and 2 more.`);
  });

  it('one server fails: the others are installed all the same, and the step is a partial success naming it', async () => {
    const fake = fakePool({ 'fe02.contoso.com': new SfbError('CMDLET_FAILED', 'Import-CsCertificate failed on fe02.contoso.com (test).') });
    const { result, lines } = run(fake, 2);
    await expect(result).rejects.toMatchObject({
      code: 'POOL_NOT_CONVERGED',
      servers: { 'fe02.contoso.com': { current: null }, 'fe01.contoso.com': { current: B }, 'fe05.contoso.com': { current: B } },
    });
    await expect(result).rejects.toMatchObject({ message: expect.stringContaining('Manual mode: 4 of 5 servers report the declared OAuthTokenIssuer certificate') });
    await expect(result).rejects.toMatchObject({ message: expect.stringContaining('not yet: fe02.contoso.com (CMDLET_FAILED).') });
    expect(fake.started).toHaveLength(5);
    expect(lines).toContain('fe02.contoso.com: its installation failed (CMDLET_FAILED); going on with the other servers.');
  });

  it('a defect (not one of our errors) stops the step once the servers running finish; it is not turned into a partial success', async () => {
    const fake = fakePool({ 'fe01.contoso.com': new TypeError('a bug') });
    const { result } = run(fake, 2);
    await expect(result).rejects.toThrow(TypeError);
    // fe01 and fe02 ran; no later server was started after the defect.
    expect(fake.started.sort()).toEqual(['fe01.contoso.com with the PFX', 'fe02.contoso.com with the PFX']);
  });
});
