/**
 * The pool step's use of the PowerShell pool's facts: a local assignment is not
 * removed unless the pool says so; a server that could not be read stops `up`, named; a roll
 * reaches the adapter as an instant with the servers' zone; the remoting credential's password
 * reaches the adapter from its secret input. A fake pool stands in for the shell.
 */
import { convergePool, PoolStepError, type PoolDeps, type PoolInputs } from '../../provider/pulumi/front-end-pool-step';
import type { PoolSecrets } from '../../provider/adapters/powershell';
import { checkPoolSpec, type FrontEndPoolSpec } from '../../provider/domain/front-end-pool-spec';
import type { AssignRequest, FrontEndCertificates, FrontEndPool, PoolSnapshot } from '../../provider/ports/front-end-pool';

const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];
const NOW = new Date('2026-06-01T00:00:00Z');
const ZONE = 'W. Europe Standard Time';

function spec(extra: Record<string, unknown> = {}): FrontEndPoolSpec {
  return checkPoolSpec({ kind: 'powershell', servers: SERVERS, replicationTimeoutSeconds: 5, pollIntervalSeconds: 1, ...extra }).spec!;
}

const server = (name: string, extra: Partial<FrontEndCertificates> = {}): FrontEndCertificates => ({ server: name, current: A, currentNotAfter: '2035-01-01T00:00:00.000Z', timeZone: ZONE, ...extra });
const snapshot = (servers: FrontEndCertificates[], global: Partial<FrontEndCertificates> = {}): PoolSnapshot => ({
  global: { server: 'global', current: A, currentNotAfter: '2035-01-01T00:00:00.000Z', ...global },
  replicas: SERVERS.map((s) => ({ server: s, upToDate: true })),
  servers,
  session: { timeZone: ZONE, culture: 'en-US', psVersion: '5.1.17763.1', edition: 'Desktop' },
});

/** A pool that answers the given snapshots in turn (the last one again) and records every change. */
function fakePool(snapshots: PoolSnapshot[]) {
  const calls: string[] = [];
  const assigned: AssignRequest[] = [];
  const opened: PoolSecrets[] = [];
  let i = 0;
  const pool: FrontEndPool = {
    description: 'a fake pool',
    servers: SERVERS,
    inspect: async () => snapshots[Math.min(i++, snapshots.length - 1)]!,
    assign: async (request) => void assigned.push(request),
    replicate: async (s) => void calls.push(`replicate ${s}`),
    removePrevious: async () => void calls.push('removePrevious'),
    removeLocal: async (s) => void calls.push(`removeLocal ${s}`),
    installLocal: async (s) => void calls.push(`installLocal ${s}`),
    removeLocalPrevious: async (s) => void calls.push(`removeLocalPrevious ${s}`),
    sweepCopies: async () => [],
  };
  let clock = NOW.getTime();
  const deps: PoolDeps = {
    open: (_spec, secrets) => (opened.push(secrets ?? {}), pool),
    clock: () => clock,
    sleep: async (ms) => void (clock += ms),
    progress: () => undefined,
  };
  return { deps, calls, assigned, opened };
}

const inputs = (pool: FrontEndPoolSpec, extra: Partial<PoolInputs> = {}): PoolInputs => ({ pool, thumbprint: A, notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2035-01-01T00:00:00.000Z', ...extra });

describe('the pool step and the PowerShell pool', () => {
  it('a local assignment is kept by default: up stops with POOL_NOT_CONVERGED naming the server and the command, nothing removed', async () => {
    const fake = fakePool([snapshot([server('fe01.contoso.com'), server('fe02.contoso.com', { current: B, scope: 'local' })])]);
    const failure = convergePool(inputs(spec()), NOW, fake.deps);
    await expect(failure).rejects.toBeInstanceOf(PoolStepError);
    await expect(failure).rejects.toMatchObject({
      code: 'POOL_NOT_CONVERGED',
      message: expect.stringContaining(
        "fe02.contoso.com uses an OAuthTokenIssuer certificate set on the server itself (BBBB.., a local assignment), which replication never replaces; the provider does not remove it unless the pool's `removeLocalAssignments` is true, because Remove-CsCertificate -Force there revokes that certificate's bindings. Remove it in the Management Shell with Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Remove-CsCertificate -Type OAuthTokenIssuer -Force }",
      ),
    });
    expect(fake.calls).toEqual([]);
  });

  it('with removeLocalAssignments: true, up removes it there', async () => {
    const local = snapshot([server('fe01.contoso.com'), server('fe02.contoso.com', { current: B, scope: 'local' })]);
    const fake = fakePool([local, local, snapshot([server('fe01.contoso.com'), server('fe02.contoso.com')])]);
    await convergePool(inputs(spec({ removeLocalAssignments: true })), NOW, fake.deps);
    expect(fake.calls).toEqual(['removeLocal fe02.contoso.com']);
  });

  it('a server that could not be read stops up with its own code and message, after the others were read', async () => {
    const message = 'Front End Server fe02.contoso.com could not be reached while reading fe02.contoso.com: "Connecting to remote server fe02.contoso.com failed".';
    const fake = fakePool([snapshot([server('fe01.contoso.com'), { server: 'fe02.contoso.com', unreachable: { code: 'SERVER_UNREACHABLE', message } }])]);
    const failure = convergePool(inputs(spec()), NOW, fake.deps);
    await expect(failure).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE', message });
    expect(((await failure.catch((e: PoolStepError) => e)) as PoolStepError).servers?.['fe01.contoso.com']).toMatchObject({ current: A });
  });

  it('a roll reaches the adapter as the instant and the servers\' Windows zone', async () => {
    const at = '2026-12-01T00:00:00.000Z';
    const fake = fakePool([
      snapshot([server('fe01.contoso.com', { current: B }), server('fe02.contoso.com', { current: B })], { current: B }),
      snapshot(SERVERS.map((s) => server(s, { current: B, scheduled: { thumbprint: A, effectiveDate: at } })), { current: B, scheduled: { thumbprint: A, effectiveDate: at } }),
    ]);
    await convergePool(inputs(spec(), { effectiveDate: at, pfx: 'MA==', password: 'p' }), NOW, fake.deps);
    expect(fake.assigned).toEqual([expect.objectContaining({ thumbprint: A, effectiveAt: at, sessionTimeZone: ZONE })]);
  });

  it('the remoting credential\'s password reaches the pool from its secret input, never from the spec', async () => {
    const fake = fakePool([snapshot(SERVERS.map((s) => server(s)))]);
    const pool = spec({ credential: { userName: 'CONTOSO\\svc', password: 'ignored-here' } });
    expect(JSON.stringify(pool)).not.toContain('ignored-here');
    await convergePool(inputs(pool, { poolPassword: 's3cret' }), NOW, fake.deps);
    expect(fake.opened).toEqual([{ credentialPassword: 's3cret' }]);
  });
});
