/**
 * The Front End pool step's decider, one look at a time: every kind of step, with its exact
 * value (the line the shell prints, or the code and sentence it fails with).
 */
import { SfbError } from '../../provider/domain/errors';
import { decidePoolStep, describeServer, NOTHING_TRIED, poolDrift, removeLocalCommand, type PoolAttempts, type PoolStep, type PoolStepInput } from '../../provider/domain/front-end-pool-steps';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import type { FrontEndCertificates, PoolSnapshot } from '../../provider/ports/front-end-pool';
import { thrownCode } from '../support/thrown-code';
import { aPoolLook } from '../builders/pool-look';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const BERLIN = 'W. Europe Standard Time';
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com'];
const EXPIRED = '2026-05-01T00:00:00.000Z';
const LATER = '2035-01-01T00:00:00.000Z';
const ROLL = '2026-12-01T09:00:00.000Z';
const POOL = 'a pool of 2';

const spec = (extra: Record<string, unknown> = {}) => checkPoolSpec({ kind: 'powershell', servers: SERVERS, replicationTimeoutSeconds: 60, pollIntervalSeconds: 10, ...extra }).spec!;
const server = (name: string, extra: Partial<FrontEndCertificates> = {}): FrontEndCertificates => ({ server: name, current: B, currentNotAfter: LATER, timeZone: BERLIN, ...extra });

interface Look {
  readonly global?: Partial<FrontEndCertificates>;
  /** Per server, in SERVERS order: what it reports beyond B current. */
  readonly servers?: readonly Partial<FrontEndCertificates>[];
  readonly stale?: readonly string[];
}

function snapshot(look: Look = {}): PoolSnapshot {
  return {
    global: { server: 'global', current: B, currentNotAfter: LATER, ...look.global },
    replicas: SERVERS.map((s) => ({ server: s, upToDate: !(look.stale ?? []).includes(s) })),
    servers: SERVERS.map((s, i) => server(s, look.servers?.[i])),
    session: { timeZone: BERLIN, culture: 'en-US', psVersion: '5.1.17763.1', edition: 'Desktop' },
  };
}

/** Declared: B, current now unless `effectiveDate`; A's NotAfter is known (expired unless said). */
function input(look: Look, options: { tried?: Partial<PoolAttempts>; effectiveDate?: string; secondsLeft?: number; pool?: Record<string, unknown>; previousNotAfter?: string } = {}): PoolStepInput {
  return {
    ...aPoolLook(snapshot(look), { description: POOL, pool: spec(options.pool), now: NOW, declared: { thumbprint: B, notAfter: LATER }, seenBefore: { thumbprint: A, notAfter: options.previousNotAfter ?? EXPIRED }, ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}) }),
    tried: { ...NOTHING_TRIED, ...options.tried },
    secondsLeft: options.secondsLeft ?? 60,
  };
}

const PLANNED = { planned: true };
const LOCAL_FIX = "Invoke-Command -ComputerName 'fe02.contoso.com' -ScriptBlock { Import-Module SkypeForBusiness; Remove-CsCertificate -Type OAuthTokenIssuer -Force }";

describe('decidePoolStep: the first look', () => {
  it.each<[string, PoolStepInput, PoolStep]>([
    ['every server has the declared certificate: done, nothing to do', input({}), { kind: 'done', line: 'a pool of 2: servers: all 2 have BBBB.. current; nothing to do.' }],
    [
      'the CMS has A: assign B now, imported (Skype does not know it)',
      input({ global: { current: A }, servers: [{ current: A }, { current: A }] }),
      { kind: 'assign', thumbprint: B, import: true, line: 'a pool of 2: servers: fe01.contoso.com (current AAAA..), fe02.contoso.com (current AAAA..) behind; set BBBB.. current now, then verify 2' },
    ],
    [
      'B is the servers\' previous (a rollback): assign by thumbprint, no import',
      input({ global: { current: A, previous: B }, servers: [{ current: A, previous: B }, { current: A, previous: B }] }),
      { kind: 'assign', thumbprint: B, import: false, line: 'a pool of 2: servers: fe01.contoso.com (current AAAA..), fe02.contoso.com (current AAAA..) behind; set BBBB.. current now, then verify 2' },
    ],
    [
      'a scheduled roll: the instant and the zone the servers reported',
      input({ global: { current: A }, servers: [{ current: A }, { current: A }] }, { effectiveDate: ROLL }),
      {
        kind: 'assign',
        thumbprint: B,
        import: true,
        roll: { effectiveAt: ROLL, sessionTimeZone: BERLIN },
        line: 'a pool of 2: servers: fe01.contoso.com (current AAAA..), fe02.contoso.com (current AAAA..) behind; roll BBBB.. at 2026-12-01T09:00:00Z (10:00 W. Europe Standard Time on the servers), then verify 2',
      },
    ],
    ['the CMS has B, fe02 not yet: no assignment, look again', input({ servers: [{}, { current: A }] }), { kind: 'verify' }],
    ['every server has B, a replica behind: look again', input({ stale: ['fe02.contoso.com'] }), { kind: 'verify' }],
    [
      'every server has B, the previous A expired: the plan line, then look again',
      input({ global: { previous: A }, servers: [{ previous: A }, { previous: A }] }),
      { kind: 'verify', line: 'a pool of 2: servers: all 2 have BBBB.. current; remove previous AAAA.. (expired 2026-05-01T00:00Z)' },
    ],
  ])('%s', (_name, given, step) => {
    expect(decidePoolStep(given)).toEqual(step);
  });

  it('a rule the plan breaks: refuse with every sentence, the first code', () => {
    const soon = { current: A, currentNotAfter: '2026-12-01T12:00:00.000Z' };
    const step = decidePoolStep(input({ global: soon, servers: [soon, soon] }, { effectiveDate: ROLL }));
    expect(step).toEqual({
      kind: 'refuse',
      code: 'ROLL_TOO_LATE',
      message:
        'The `effectiveDate` 2026-12-01T09:00:00Z is less than 24 hours before the current OAuthTokenIssuer certificate AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA expires (NotAfter 2026-12-01T12:00:00Z); Skype needs a roll at least 24 hours ahead, because Exchange and other partner servers keep OAuth material that long. Choose an effective date at or before 2026-11-30T12:00:00Z, or leave `effectiveDate` out to make the certificate current now.',
    });
  });

  it('a roll nobody declared: refuse with FOREIGN_ROLL_PENDING', () => {
    const hand = { scheduled: { thumbprint: C, effectiveDate: '2026-09-01T00:00:00.000Z' } };
    expect(decidePoolStep(input({ global: hand, servers: [hand, hand] }))).toMatchObject({ kind: 'refuse', code: 'FOREIGN_ROLL_PENDING' });
  });
});

describe('decidePoolStep: a server that could not be read stops the step, first look or later', () => {
  const down = { current: undefined, currentNotAfter: undefined, timeZone: undefined, unreachable: { code: 'SERVER_UNREACHABLE' as const, message: 'Front End Server fe02.contoso.com could not be reached (test).' } };
  it.each([
    ['the first look', {}],
    ['a later look', PLANNED],
  ])('%s', (_name, tried) => {
    expect(decidePoolStep(input({ servers: [{}, down] }, { tried }))).toEqual({ kind: 'refuse', code: 'SERVER_UNREACHABLE', message: 'Front End Server fe02.contoso.com could not be reached (test).' });
  });
});

describe('decidePoolStep: later looks', () => {
  it.each<[string, PoolStepInput, PoolStep]>([
    [
      'fe02 differs although its replica is up to date: a full replication of it',
      input({ servers: [{}, { current: A }] }, { tried: PLANNED }),
      { kind: 'replicate', server: 'fe02.contoso.com', line: 'fe02.contoso.com differs from the Central Management Store (fe02.contoso.com (current AAAA..)); starting a full replication of it.' },
    ],
    [
      'fe02 keeps a local assignment and the pool allows its removal: remove it there',
      input({ servers: [{}, { current: A, scope: 'local' }] }, { tried: PLANNED, pool: { removeLocalAssignments: true } }),
      {
        kind: 'remove-local',
        server: 'fe02.contoso.com',
        line: `fe02.contoso.com uses a certificate set on the server itself (fe02.contoso.com (current AAAA.. set on the server itself; remove it there with ${LOCAL_FIX}, or set the pool's removeLocalAssignments: true)); removing that local assignment so it uses the global one.`,
      },
    ],
    [
      'fe02 keeps a local assignment the pool does not let up remove: stop, naming the command',
      input({ servers: [{}, { current: A, scope: 'local' }] }, { tried: PLANNED }),
      {
        kind: 'report-local',
        server: 'fe02.contoso.com',
        code: 'POOL_NOT_CONVERGED',
        message: `fe02.contoso.com uses an OAuthTokenIssuer certificate set on the server itself (AAAA.., a local assignment), which replication never replaces; the provider does not remove it unless the pool's \`removeLocalAssignments\` is true, because Remove-CsCertificate -Force there revokes that certificate's bindings. Remove it in the Management Shell with ${LOCAL_FIX}, or set removeLocalAssignments: true, then run \`pulumi up\` again.`,
      },
    ],
    [
      'fe02 already repaired in this run: wait, at most the poll interval',
      input({ servers: [{}, { current: A }] }, { tried: { planned: true, repaired: ['fe02.contoso.com'] } }),
      { kind: 'wait', sleepMs: 10_000, line: 'waiting for 1 of 2 servers: fe02.contoso.com (current AAAA..) (60 s left)' },
    ],
    [
      'fe02 behind with its replica not up to date: not repaired, waited for, at most the time left',
      input({ servers: [{}, { current: A }], stale: ['fe02.contoso.com'] }, { tried: PLANNED, secondsLeft: 4 }),
      { kind: 'wait', sleepMs: 4_000, line: 'waiting for 1 of 2 servers: fe02.contoso.com (current AAAA..); fe02.contoso.com replication not up to date (4 s left)' },
    ],
    [
      'a replica not up to date, its server in step: waited for',
      input({ stale: ['fe01.contoso.com'] }, { tried: PLANNED }),
      { kind: 'wait', sleepMs: 10_000, line: 'waiting for 1 of 2 servers: fe01.contoso.com replication not up to date (60 s left)' },
    ],
    [
      'a roll pending on fe02 at another date, out of time: not converged',
      input({ servers: [{}, { current: A, scheduled: { thumbprint: C, effectiveDate: '2026-09-01T00:00:00.000Z' } }], stale: ['fe01.contoso.com'] }, { tried: { planned: true, repaired: ['fe02.contoso.com'] }, secondsLeft: 0 }),
      {
        kind: 'not-converged',
        code: 'POOL_NOT_CONVERGED',
        message:
          "After 60 s, fe02.contoso.com (current AAAA.., CCCC.. pending at 2026-09-01T00:00Z), fe01.contoso.com (replication not up to date) have not reached the declared OAuthTokenIssuer certificate BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB (1 of 2 servers have). The assignment is in the Central Management Store and the store holds the certificate; the resource keeps this state, and the next `pulumi up` resumes. Check replication on fe02.contoso.com (Get-CsManagementStoreReplicationStatus -ReplicaFqdn <server>; Invoke-CsManagementStoreReplication -ReplicaFqdn <server>), or raise the pool's `replicationTimeoutSeconds`.",
      },
    ],
    [
      'every server has B, the previous A expired: remove it',
      input({ global: { previous: A }, servers: [{ previous: A }, { previous: A }] }, { tried: PLANNED }),
      { kind: 'remove-previous', thumbprint: A, line: 'a pool of 2: removing the previous certificate AAAA.. (expired 2026-05-01T00:00Z) with Remove-CsCertificate -Identity Global -Previous.' },
    ],
    [
      'the previous A not expired yet: done, A kept',
      input({ global: { previous: A }, servers: [{ previous: A }, { previous: A }] }, { tried: PLANNED, previousNotAfter: '2026-07-01T00:00:00.000Z' }),
      { kind: 'done', line: 'a pool of 2: every server reports BBBB.. current; replication up to date.' },
    ],
    [
      'A removed in this run, fe02 still keeps it: fe02 is behind',
      input({ servers: [{}, { previous: A }] }, { tried: { planned: true, repaired: [], removed: A } }),
      { kind: 'replicate', server: 'fe02.contoso.com', line: 'fe02.contoso.com differs from the Central Management Store (fe02.contoso.com (current BBBB..)); starting a full replication of it.' },
    ],
    [
      'A removed in this run and gone everywhere: done, once',
      input({}, { tried: { planned: true, repaired: [], removed: A } }),
      { kind: 'done', line: 'a pool of 2: every server reports BBBB.. current, previous AAAA.. removed; replication up to date.' },
    ],
    [
      'the declared roll pending everywhere: done, scheduled',
      input({ global: { current: A, scheduled: { thumbprint: B, effectiveDate: ROLL } }, servers: [{ current: A, scheduled: { thumbprint: B, effectiveDate: ROLL } }, { current: A, scheduled: { thumbprint: B, effectiveDate: ROLL } }] }, { tried: PLANNED, effectiveDate: ROLL }),
      { kind: 'done', line: 'a pool of 2: every server reports BBBB.. scheduled; replication up to date.' },
    ],
  ])('%s', (_name, given, step) => {
    expect(decidePoolStep(given)).toEqual(step);
  });

  it('each server is repaired once per look, in the pool\'s order', () => {
    const look = { servers: [{ current: A }, { current: A }] };
    expect(decidePoolStep(input(look, { tried: PLANNED }))).toMatchObject({ kind: 'replicate', server: 'fe01.contoso.com' });
    expect(decidePoolStep(input(look, { tried: { planned: true, repaired: ['fe01.contoso.com'] } }))).toMatchObject({ kind: 'replicate', server: 'fe02.contoso.com' });
    expect(decidePoolStep(input(look, { tried: { planned: true, repaired: SERVERS } }))).toMatchObject({ kind: 'wait' });
  });
});

describe('describeServer, poolDrift and the operator\'s command', () => {
  it('the command names the server', () => {
    expect(removeLocalCommand('fe02.contoso.com')).toBe(LOCAL_FIX);
  });

  it.each<[string, FrontEndCertificates, string]>([
    ['current', server('fe01.contoso.com'), 'fe01.contoso.com (current BBBB..)'],
    ['none', { server: 'fe01.contoso.com' }, 'fe01.contoso.com (no current certificate)'],
    ['a roll pending', server('fe01.contoso.com', { scheduled: { thumbprint: C, effectiveDate: '2026-09-01T00:00:00.000Z' } }), 'fe01.contoso.com (current BBBB.., CCCC.. pending at 2026-09-01T00:00Z)'],
    ['unread', { server: 'fe01.contoso.com', unreachable: { code: 'CMDLET_FAILED', message: 'x' } }, 'fe01.contoso.com (could not be read: CMDLET_FAILED)'],
  ])('%s', (_name, s, line) => {
    expect(describeServer(s)).toBe(line);
  });

  it('a pending date the port did not normalise is a defect, not a guess', () => {
    const read = () => describeServer(server('fe01.contoso.com', { scheduled: { thumbprint: C, effectiveDate: '09/01/2026' } }));
    expect(read).toThrow(SfbError);
    expect(thrownCode(read)).toBe('INTERNAL_ERROR');
    expect(read).toThrow('The effective date of the roll pending on fe01.contoso.com reached the pool step unreadable: "09/01/2026" is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00; report it as the "Reporting a problem" section of the sfb-oauth-cert README says.');
  });

  it('drift names only the servers not in the declared state', () => {
    expect(poolDrift(snapshot({ servers: [{}, { current: A }] }), input({}).desired, NOW)).toEqual(['fe02.contoso.com (current AAAA..)']);
  });
});
