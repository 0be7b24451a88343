import type { StoredSecret } from '../../provider/ports/certificate-store';
import type { FrontEndCertificates, PoolSnapshot } from '../../provider/ports/front-end-pool';
import { readStackOutputs } from '../../provider/domain/stack-outputs';
import { SEALED_STORE_NOTE, statusReport, type StatusFacts } from '../../provider/domain/status-report';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A_EXPIRES = '2027-06-01T00:00:00.000Z';
const LABELS = { current: 'AWSCURRENT', previous: 'AWSPREVIOUS', pending: 'AWSPENDING' } as const;

type Report = Omit<FrontEndCertificates, 'server'>;

/** A pool where the CMS and every server report `report`, with per-server overrides. */
function aPool(report: Report, overrides: Record<string, Report> = {}, replicas: Record<string, boolean> = {}): PoolSnapshot {
  return {
    global: { server: 'global', ...report },
    replicas: SERVERS.map((server) => ({ server, upToDate: replicas[server] ?? true })),
    servers: SERVERS.map((server) => ({ server, ...(overrides[server] ?? report) })),
  };
}

const currentA: Report = { current: A, currentNotAfter: A_EXPIRES };
const facts = (extra: Partial<StatusFacts>): StatusFacts => ({ now: NOW, warnBeforeExpiryDays: 30, ...extra });
const poolRead = (snapshot: PoolSnapshot) => ({ read: true as const, value: snapshot });
const awsStore = (secret: StoredSecret | undefined) => ({ kind: 'described' as const, description: 'AWS Secrets Manager store in us-east-1', secretName: 'sfb/oauth', stageLabels: LABELS, look: { read: true as const, value: secret } });
const secretWith = (current: string, previous?: string): StoredSecret => ({
  name: 'sfb/oauth',
  versions: [{ versionId: `${current}-0123456789abcdef`, stages: ['current'], thumbprint: current }, ...(previous ? [{ versionId: `${previous}-0123456789abcdef`, stages: ['previous' as const], thumbprint: previous }] : [])],
});

describe('statusReport: warnings, what could not be read, and the exit status', () => {
  it.each<{ row: string; facts: StatusFacts; warnings: string[]; unreadable: string[]; exit: number; agree: boolean | null }>([
    { row: 'every server and the CMS report the same valid certificate', facts: facts({ pool: poolRead(aPool(currentA)) }), warnings: [], unreadable: [], exit: 0, agree: true },
    { row: 'no certificate anywhere yet', facts: facts({ pool: poolRead(aPool({})) }), warnings: [], unreadable: [], exit: 0, agree: true },
    { row: 'the current certificate expires within the window', facts: facts({ pool: poolRead(aPool(currentA)), now: new Date('2027-05-10T00:00:00Z') }), warnings: ['CERT_EXPIRES_SOON'], unreadable: [], exit: 1, agree: true },
    { row: 'a window of 0 days warns of nothing before expiry', facts: facts({ pool: poolRead(aPool(currentA)), now: new Date('2027-05-31T00:00:00Z'), warnBeforeExpiryDays: 0 }), warnings: [], unreadable: [], exit: 0, agree: true },
    { row: 'the current certificate has expired', facts: facts({ pool: poolRead(aPool(currentA)), now: new Date('2027-06-02T00:00:00Z') }), warnings: ['CERT_EXPIRED'], unreadable: [], exit: 1, agree: true },
    { row: 'one server is behind', facts: facts({ pool: poolRead(aPool({ current: B, previous: A, currentNotAfter: A_EXPIRES }, { 'fe03.contoso.com': currentA }, { 'fe03.contoso.com': false })) }), warnings: ['SERVERS_DISAGREE', 'REPLICATION_PENDING'], unreadable: [], exit: 1, agree: false },
    { row: 'a local assignment on one server', facts: facts({ pool: poolRead(aPool(currentA, { 'fe02.contoso.com': { ...currentA, scope: 'local' } })) }), warnings: ['SERVERS_DISAGREE'], unreadable: [], exit: 1, agree: false },
    {
      row: 'a roll scheduled less than 24 hours before the current NotAfter',
      facts: facts({ pool: poolRead(aPool({ ...currentA, scheduled: { thumbprint: B, effectiveDate: '2027-05-31T12:00:00.000Z' } })) }),
      warnings: ['ROLL_TOO_LATE'],
      unreadable: [],
      exit: 1,
      agree: true,
    },
    {
      row: 'a roll scheduled exactly 24 hours before the current NotAfter is in time',
      facts: facts({ pool: poolRead(aPool({ ...currentA, scheduled: { thumbprint: B, effectiveDate: '2027-05-31T00:00:00.000Z' } })) }),
      warnings: [],
      unreadable: [],
      exit: 0,
      agree: true,
    },
    {
      row: 'the previous certificate has expired (its NotAfter from the stack outputs)',
      facts: facts({ pool: poolRead(aPool({ current: B, currentNotAfter: '2028-01-01T00:00:00Z', previous: A })), stack: { servers: { 'fe01.contoso.com': { current: B, previous: A, previousNotAfter: '2026-05-01T00:00:00.000Z' } } } }),
      warnings: ['PREVIOUS_CERT_EXPIRED'],
      unreadable: [],
      exit: 1,
      agree: true,
    },
    { row: 'a server could not be read', facts: facts({ pool: poolRead(aPool(currentA, { 'fe02.contoso.com': { unreachable: { code: 'SERVER_UNREACHABLE', message: 'fe02 could not be reached.' } } })) }), warnings: [], unreadable: ['SERVER_UNREACHABLE'], exit: 3, agree: true },
    { row: 'the pool could not be read at all', facts: facts({ pool: { read: false, failure: { code: 'SHELL_NOT_FOUND', message: 'No shell.' } } }), warnings: [], unreadable: ['SHELL_NOT_FOUND'], exit: 3, agree: null },
    { row: 'unreadable wins over warnings', facts: facts({ pool: poolRead(aPool(currentA, { 'fe02.contoso.com': { unreachable: { code: 'CMDLET_FAILED', message: 'x.' } }, 'fe03.contoso.com': { current: B } })) }), warnings: ['SERVERS_DISAGREE'], unreadable: ['CMDLET_FAILED'], exit: 3, agree: false },
    { row: 'the store and the pool agree', facts: facts({ pool: poolRead(aPool(currentA)), store: awsStore(secretWith(A)) }), warnings: [], unreadable: [], exit: 0, agree: true },
    { row: 'the store names another current certificate than the CMS', facts: facts({ pool: poolRead(aPool(currentA)), store: awsStore(secretWith(B, A)) }), warnings: ['STORE_DISAGREES'], unreadable: [], exit: 1, agree: true },
    { row: 'the secret does not exist', facts: facts({ store: awsStore(undefined) }), warnings: [], unreadable: ['STORE_NOT_FOUND'], exit: 3, agree: null },
    { row: 'the secret is scheduled for deletion', facts: facts({ store: awsStore({ ...secretWith(A), deletionDate: '2026-06-30T00:00:00.000Z' }) }), warnings: ['STORE_DISAGREES'], unreadable: [], exit: 1, agree: null },
    { row: 'the store alone, its current NotAfter from the stack, expiring', facts: facts({ store: awsStore(secretWith(A)), stack: { thumbprint: A, notAfter: '2026-06-10T00:00:00.000Z' } }), warnings: ['CERT_EXPIRES_SOON'], unreadable: [], exit: 1, agree: null },
    { row: 'the stack recorded another certificate than the CMS reports', facts: facts({ pool: poolRead(aPool(currentA)), stack: { thumbprint: C } }), warnings: ['STORE_DISAGREES'], unreadable: [], exit: 1, agree: true },
    { row: 'the stack recorded the scheduled certificate', facts: facts({ pool: poolRead(aPool({ ...currentA, scheduled: { thumbprint: B, effectiveDate: '2026-12-01T00:00:00.000Z' } })), stack: { thumbprint: B, pendingThumbprint: B } }), warnings: [], unreadable: [], exit: 0, agree: true },
    { row: 'the store could not be described', facts: facts({ store: { ...awsStore(undefined), look: { read: false, failure: { code: 'STORE_ACCESS_DENIED', message: 'Denied.' } } } }), warnings: [], unreadable: ['STORE_ACCESS_DENIED'], exit: 3, agree: null },
    { row: 'a sealed local store holding the secret', facts: facts({ store: { kind: 'sealed', description: 'local store at s', secretName: 'sfb/oauth', look: { read: true, value: [{ name: 'sfb/oauth', formatVersion: 1 }] } } }), warnings: [], unreadable: [], exit: 0, agree: null },
    { row: 'a sealed local store without the secret', facts: facts({ store: { kind: 'sealed', description: 'local store at s', secretName: 'other', look: { read: true, value: [{ name: 'sfb/oauth', formatVersion: 1 }] } } }), warnings: [], unreadable: ['STORE_NOT_FOUND'], exit: 3, agree: null },
  ])('$row', ({ facts: given, warnings, unreadable, exit, agree }) => {
    const report = statusReport(given);
    expect(report.warnings.map((w) => w.code)).toEqual(warnings);
    expect(report.unreadable.map((u) => u.code)).toEqual(unreadable);
    expect(report.exitStatus).toBe(exit);
    expect(report.serversAgree).toBe(agree);
  });
});

describe('statusReport: rows and samples', () => {
  it('the CMS first, then each server with its certificates, days left, scope and replication', () => {
    const report = statusReport(facts({ pool: poolRead(aPool({ ...currentA, previous: B, scheduled: { thumbprint: C, effectiveDate: '2026-12-01T00:00:00.000Z' }, timeZone: 'UTC' }, {}, { 'fe02.contoso.com': true })) }));
    expect(report.servers.map((r) => [r.server, r.role, r.replication])).toEqual([
      ['global', 'cms', 'not-reported'],
      ['fe01.contoso.com', 'front-end', 'up-to-date'],
      ['fe02.contoso.com', 'front-end', 'up-to-date'],
      ['fe03.contoso.com', 'front-end', 'up-to-date'],
    ]);
    expect(report.servers[1]).toEqual({
      server: 'fe01.contoso.com',
      role: 'front-end',
      scope: 'global',
      current: { thumbprint: A, notAfter: A_EXPIRES, daysLeft: 365 },
      previous: { thumbprint: B, notAfter: null, daysLeft: null },
      scheduled: { thumbprint: C, notAfter: null, daysLeft: null, effectiveDate: '2026-12-01T00:00:00.000Z' },
      replication: 'up-to-date',
      timeZone: 'UTC',
      unreadable: null,
    });
    expect(report.expiries).toEqual(['global', ...SERVERS].map((server) => ({ server, role: 'current', thumbprint: A, notAfter: A_EXPIRES, daysLeft: 365 })));
    expect(report.lookedAt).toBe('2026-06-01T00:00:00.000Z');
  });

  it('days left round down, and go negative once expired', () => {
    const at = (now: string) => statusReport(facts({ pool: poolRead(aPool(currentA)), now: new Date(now), warnBeforeExpiryDays: 0 })).servers[0]!.current!.daysLeft;
    expect([at('2027-05-31T00:00:01Z'), at('2027-05-31T00:00:00Z'), at('2027-06-01T00:00:01Z')]).toEqual([0, 1, -1]);
  });

  it('a warning names the certificate, every server that holds it, and the fix', () => {
    const report = statusReport(facts({ pool: poolRead(aPool(currentA)), now: new Date('2027-05-10T00:00:00Z') }));
    expect(report.warnings).toEqual([
      {
        code: 'CERT_EXPIRES_SOON',
        message: `The current OAuthTokenIssuer certificate ${A} (on the Central Management Store, fe01.contoso.com, fe02.contoso.com and 1 more) expires at 2027-06-01T00:00Z, in 22 days (the warning starts 30 days ahead). Declare the new PFX with an \`effectiveDate\` at least 24 hours before that and run \`pulumi up\`.`,
      },
    ]);
  });

  it('servers that disagree are named with what each reports', () => {
    const report = statusReport(facts({ pool: poolRead(aPool(currentA, { 'fe03.contoso.com': { current: B } })) }));
    expect(report.warnings[0]!.message).toContain('(the Central Management Store, fe01.contoso.com, fe02.contoso.com: current AAAA..; fe03.contoso.com: current BBBB..)');
  });

  it('the store alone: its labels as thumbprints, samples under "store"', () => {
    const report = statusReport(facts({ store: awsStore(secretWith(A, B)), stack: { thumbprint: A, notAfter: A_EXPIRES } }));
    expect(report.store).toEqual({ description: 'AWS Secrets Manager store in us-east-1', secretName: 'sfb/oauth', state: 'present', current: A, previous: B, pending: null, owner: null, deletionDate: null, secrets: [], note: null });
    expect(report.expiries).toEqual([{ server: 'store', role: 'current', thumbprint: A, notAfter: A_EXPIRES, daysLeft: 365 }]);
    expect(report.servers).toEqual([]);
  });

  it('the sealed local store says what it cannot show', () => {
    const report = statusReport(facts({ store: { kind: 'sealed', description: 'local store at s', look: { read: true, value: [{ name: 'b', formatVersion: 1 }, { name: 'a', formatVersion: 1 }] } } }));
    expect(report.store).toMatchObject({ state: 'sealed', secrets: ['b', 'a'], note: SEALED_STORE_NOTE, current: null });
  });
});

describe('readStackOutputs', () => {
  const NEVER = ' (the resource never writes such a value; give the unedited output of `pulumi stack output --json`)';
  it.each<{ row: string; document: unknown; outcome: unknown }>([
    { row: 'outputs exported one by one', document: { thumbprint: A.toLowerCase(), notAfter: '2027-06-01T02:00:00+02:00', previousThumbprint: null, secretName: 'sfb/oauth', plan: 'x' }, outcome: { ok: true, record: { thumbprint: A, notAfter: '2027-06-01T00:00:00.000Z', secretName: 'sfb/oauth' } } },
    { row: 'the resource exported as one object', document: { certificate: { thumbprint: A, pendingThumbprint: B, servers: { 'FE01.contoso.com': { current: A, previous: null, currentNotAfter: A_EXPIRES } } }, other: 1 }, outcome: { ok: true, record: { thumbprint: A, pendingThumbprint: B, servers: { 'fe01.contoso.com': { current: A, previous: null, currentNotAfter: A_EXPIRES } } } } },
    { row: 'a value hidden as [secret]', document: { thumbprint: A, notAfter: '[secret]' }, outcome: { ok: true, record: { thumbprint: A } } },
    { row: 'no thumbprint anywhere', document: { plan: 'x' }, outcome: { ok: false, reason: "it has no `thumbprint` output, neither at the top level nor in exactly one exported object; export the certificate's outputs (thumbprint, notAfter, ...) or the resource itself" } },
    { row: 'not an object', document: [A], outcome: { ok: false, reason: 'it is not a JSON object (run `pulumi stack output --json`)' } },
    { row: 'a thumbprint of another shape', document: { thumbprint: 'abc' }, outcome: { ok: false, reason: `\`thumbprint\` is not a thumbprint of 40 hexadecimal digits${NEVER}` } },
    { row: 'a date without a zone', document: { thumbprint: A, notAfter: '2027-06-01 00:00' }, outcome: { ok: false, reason: `\`notAfter\` is not an ISO 8601 date and time with a zone${NEVER}` } },
    { row: 'two exported objects with a thumbprint', document: { a: { thumbprint: A }, b: { thumbprint: B } }, outcome: { ok: false, reason: expect.stringMatching(/^it has no `thumbprint` output/) } },
    { row: 'a number as the thumbprint', document: { thumbprint: 42 }, outcome: { ok: false, reason: `\`thumbprint\` is not a thumbprint of 40 hexadecimal digits${NEVER}` } },
    { row: 'an empty secret name is not recorded', document: { thumbprint: A, secretName: '' }, outcome: { ok: true, record: { thumbprint: A } } },
    {
      row: 'every problem, in order: entries of servers, then their fields',
      document: { thumbprint: A, pendingThumbprint: 'x', servers: { fe01: 'up', 'fe02.contoso.com': { current: 'y', currentNotAfter: 'soon' } } },
      outcome: { ok: false, reason: `\`pendingThumbprint\` is not a thumbprint of 40 hexadecimal digits; an entry of \`servers\` is not an object; \`servers.currentNotAfter\` is not an ISO 8601 date and time with a zone; \`servers\`.current is not a thumbprint of 40 hexadecimal digits${NEVER}` },
    },
    { row: 'servers that is not an object', document: { thumbprint: A, servers: [A] }, outcome: { ok: false, reason: `\`servers\` is not an object of FQDN to what the server reported${NEVER}` } },
  ])('$row', ({ document, outcome }) => {
    expect(readStackOutputs(document)).toEqual(outcome);
  });
});
