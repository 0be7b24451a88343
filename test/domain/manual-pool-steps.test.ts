/**
 * The manual mode's decisions (provider/domain/manual-pool-steps.ts), one look at a time, with
 * exact values: the sweep first, each server installed on its own in pool order, a local
 * assignment as the desired state, a server that fails or cannot be read as a partial success
 * naming it, servers removed from the pool left alone and named, the rules of the replicated plan;
 * preview's line; refresh's drift; the `mode` option.
 */
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { decideManualStep, manualDrift, NOTHING_INSTALLED, planManualPool, previewManualPool, serversLeftAlone, type ManualAttempts, type ManualStepInput } from '../../provider/domain/manual-pool-steps';
import type { FrontEndCertificates, PoolSnapshot } from '../../provider/ports/front-end-pool';
import { aPoolLook } from '../builders/pool-look';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const BERLIN = 'W. Europe Standard Time';
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const A_NOT_AFTER = '2026-06-20T00:00:00.000Z';
const LATER = '2035-01-01T00:00:00.000Z';
const POOL = 'a pool of 3';
const SWEPT: ManualAttempts = { ...NOTHING_INSTALLED, swept: true };

const spec = (extra: Record<string, unknown> = {}) => {
  const checked = checkPoolSpec({ kind: 'powershell', servers: SERVERS, mode: 'manual', serverTimeZone: 'Europe/Berlin', ...extra });
  if (!checked.spec) throw new Error(checked.problems.join(' '));
  return checked.spec;
};
const a = (extra: Partial<FrontEndCertificates> = {}): Partial<FrontEndCertificates> => ({ current: A, currentNotAfter: A_NOT_AFTER, scope: 'local', ...extra });
const b = (extra: Partial<FrontEndCertificates> = {}): Partial<FrontEndCertificates> => ({ current: B, currentNotAfter: LATER, scope: 'local', previous: A, ...extra });
const down: Partial<FrontEndCertificates> = { unreachable: { code: 'SERVER_UNREACHABLE', message: 'Front End Server fe03.contoso.com could not be reached (test).' } };

function snapshot(servers: readonly Partial<FrontEndCertificates>[]): PoolSnapshot {
  return {
    global: { server: 'global' },
    replicas: [],
    servers: SERVERS.map((server, i) => {
      const s = servers[i] ?? {};
      return s.unreachable ? { server, unreachable: s.unreachable } : { server, timeZone: BERLIN, ...s };
    }),
  };
}

function input(servers: readonly Partial<FrontEndCertificates>[], options: { tried?: ManualAttempts; effectiveDate?: string; recorded?: string[]; pool?: Record<string, unknown>; now?: Date; knownA?: boolean } = {}): ManualStepInput {
  return {
    ...aPoolLook(snapshot(servers), {
      description: POOL,
      pool: spec(options.pool),
      now: options.now ?? NOW,
      declared: { thumbprint: B, notAfter: LATER },
      seenBefore: { thumbprint: A, notAfter: options.knownA === false ? null : A_NOT_AFTER },
      ...(options.effectiveDate ? { effectiveDate: options.effectiveDate } : {}),
    }),
    tried: options.tried ?? SWEPT,
    recordedServers: options.recorded ?? SERVERS,
  };
}

const tried = (extra: Partial<ManualAttempts>): ManualAttempts => ({ ...SWEPT, ...extra });
const installLine = (server: string, current: string, what: string, copy = true) =>
  `a pool of 3 (manual mode): ${server} (current ${current}): ${copy ? 'copying the PFX over the remoting session, importing it into its local computer store and assigning' : 'assigning'} ${what} there (no replication).`;
const installOf = (server: string, extra: Record<string, unknown> = {}) => ({ server, thumbprint: B, import: true, line: installLine(server, 'AAAA..', 'BBBB.. current now'), ...extra });
/** A's NotAfter passed: B current on each server, A its local assignment's previous. */
const AFTER_A = new Date('2026-06-21T00:00:00Z');
const removalOf = (server: string) => ({ server, thumbprint: A, notAfter: A_NOT_AFTER, line: `a pool of 3 (manual mode): ${server}: removing its previous certificate AAAA.. (expired 2026-06-20T00:00Z) with Remove-CsCertificate -Type OAuthTokenIssuer -Previous there.` });

describe('decideManualStep', () => {
  it.each([
    ['the first step of a run is the sweep, before anything is read', input([a(), a(), a()], { tried: NOTHING_INSTALLED }), { kind: 'sweep' }],
    ['every server behind: each one, in pool order, imported (its store lacks B)', input([a(), a(), a()]), { kind: 'install', installs: SERVERS.map((s) => installOf(s)) }],
    ['one done in an earlier run: the others', input([b(), a(), a()]), { kind: 'install', installs: [installOf('fe02.contoso.com'), installOf('fe03.contoso.com')] }],
    [
      'a server whose store holds B already (its previous): assigned by thumbprint, no copy',
      input([b(), b(), { current: A, currentNotAfter: A_NOT_AFTER, previous: B, scope: 'local' }]),
      { kind: 'install', installs: [{ server: 'fe03.contoso.com', thumbprint: B, import: false, line: installLine('fe03.contoso.com', 'AAAA..', 'BBBB.. current now', false) }] },
    ],
    [
      'a scheduled roll: set on each server, the instant carried',
      input([a(), b({ current: A, currentNotAfter: A_NOT_AFTER, previous: undefined, scheduled: { thumbprint: B, effectiveDate: '2026-06-10T08:00:00.000Z' } }), a()], { effectiveDate: '2026-06-10T08:00:00.000Z' }),
      { kind: 'install', installs: ['fe01.contoso.com', 'fe03.contoso.com'].map((s) => installOf(s, { effectiveAt: '2026-06-10T08:00:00.000Z', line: installLine(s, 'AAAA..', 'roll BBBB.. at 2026-06-10T08:00:00Z') })) },
    ],
    [
      'every server has B as its local assignment: done (not drift), the servers left alone named',
      input([b(), b(), b()], { recorded: [...SERVERS, 'fe04.contoso.com'] }),
      { kind: 'done', line: 'a pool of 3 (manual mode): every server reports BBBB.. current, each assigned on the server itself; left alone (no longer in the pool, their local assignment stays): fe04.contoso.com.' },
    ],
    [
      'B through the global assignment counts as well (the server reports it); the servers installed named in pool order',
      input([b({ scope: undefined }), b(), b()], { tried: tried({ installed: ['fe03.contoso.com', 'fe02.contoso.com'] }) }),
      { kind: 'done', line: 'a pool of 3 (manual mode): every server reports BBBB.. current, each assigned on the server itself; installed this run on fe02.contoso.com, fe03.contoso.com.' },
    ],
    ['A, the previous certificate, not yet expired: kept', input([b(), b(), b()]), { kind: 'done', line: 'a pool of 3 (manual mode): every server reports BBBB.. current, each assigned on the server itself.' }],
    ['A expired: removed on each server that keeps it in its local assignment, not where the global one shows it', input([b(), b({ scope: undefined }), b()], { now: AFTER_A }), { kind: 'remove-previous', removals: [removalOf('fe01.contoso.com'), removalOf('fe03.contoso.com')] }],
    ['A expired, its NotAfter unknown (never seen current): kept', input([b(), b(), b()], { now: AFTER_A, knownA: false }), { kind: 'done', line: 'a pool of 3 (manual mode): every server reports BBBB.. current, each assigned on the server itself.' }],
    ['A expired but a server still lacks B: installed first, removed at a later look', input([b(), a(), b()], { now: AFTER_A, effectiveDate: undefined }), { kind: 'install', installs: [installOf('fe02.contoso.com')] }],
    [
      'removed this run: done, named',
      input([b({ previous: undefined }), b({ previous: undefined }), b({ previous: undefined })], { now: AFTER_A, tried: tried({ removed: ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'] }) }),
      { kind: 'done', line: 'a pool of 3 (manual mode): every server reports BBBB.. current, each assigned on the server itself; expired previous certificate removed on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com.' },
    ],
  ])('%s', (_name, given, expected) => {
    expect(decideManualStep(given)).toEqual(expected);
  });

  it('an unreachable server is not tried; the others are; then a partial success names it, and the next run resumes with it', () => {
    expect(decideManualStep(input([a(), a(), down]))).toEqual({ kind: 'install', installs: [installOf('fe01.contoso.com'), installOf('fe02.contoso.com')] });
    const step = decideManualStep(input([b(), b(), down], { tried: tried({ installed: ['fe01.contoso.com', 'fe02.contoso.com'] }) }));
    expect(step).toEqual({
      kind: 'not-converged',
      code: 'POOL_NOT_CONVERGED',
      servers: ['fe03.contoso.com'],
      message:
        'Manual mode: 2 of 3 servers report the declared OAuthTokenIssuer certificate BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB (BBBB.. current now); not yet: fe03.contoso.com (could not be read: SERVER_UNREACHABLE). The servers done keep their local assignment and the store holds the certificate; the next `pulumi up` resumes with fe03.contoso.com. Fix what is named (Test-WSMan <server> for remoting; Get-CsCertificate -Type OAuthTokenIssuer on the server), or remove a decommissioned server from the pool\'s `servers`, then run `pulumi up` again.',
    });
    // The next run: only fe03 is installed.
    expect(decideManualStep(input([b(), b(), a()]))).toEqual({ kind: 'install', installs: [installOf('fe03.contoso.com')] });
  });

  it('a server whose installation failed is tried once per run, and named with its error', () => {
    const failed = tried({ installed: ['fe01.contoso.com', 'fe03.contoso.com'], failed: [{ server: 'fe02.contoso.com', code: 'CMDLET_FAILED', message: 'The Skype for Business Server Management Shell failed (test).' }] });
    const step = decideManualStep(input([b(), a(), b()], { tried: failed }));
    expect(step).toMatchObject({ kind: 'not-converged', code: 'POOL_NOT_CONVERGED', servers: ['fe02.contoso.com'] });
    expect(step.kind === 'not-converged' && step.message).toContain('not yet: fe02.contoso.com (CMDLET_FAILED). ');
    expect(step.kind === 'not-converged' && step.message).toContain('fe02.contoso.com: The Skype for Business Server Management Shell failed (test).');
  });

  it('a removal that failed, or left the expired certificate: named, tried once per run', () => {
    const failed = tried({ removed: ['fe01.contoso.com', 'fe03.contoso.com'], failed: [{ server: 'fe02.contoso.com', code: 'CMDLET_FAILED', message: 'Remove-CsCertificate failed (test).' }] });
    const step = decideManualStep(input([b({ previous: undefined }), b(), b()], { now: AFTER_A, tried: failed }));
    expect(step).toMatchObject({ kind: 'not-converged', code: 'POOL_NOT_CONVERGED', servers: ['fe02.contoso.com', 'fe03.contoso.com'] });
    expect(step.kind === 'not-converged' && step.message).toContain('not yet: fe02.contoso.com (CMDLET_FAILED), fe03.contoso.com (still keeps its previous certificate AAAA.., expired 2026-06-20T00:00Z, after its removal). ');
  });

  it('installed but still not reporting B: named as such', () => {
    const step = decideManualStep(input([b(), b(), a()], { tried: tried({ installed: ['fe03.contoso.com'] }) }));
    expect(step.kind === 'not-converged' && step.message).toContain('not yet: fe03.contoso.com (current AAAA..) after its assignment.');
  });

  it.each([
    ['ROLL_TOO_LATE: a roll less than 24 hours before the servers\' current certificate expires', '2026-06-19T12:00:00.000Z', A_NOT_AFTER, 'ROLL_TOO_LATE'],
    ['EFFECTIVE_DATE_AMBIGUOUS: inside the hour Berlin\'s clocks go back', '2026-10-25T00:30:00.000Z', LATER, 'EFFECTIVE_DATE_AMBIGUOUS'],
  ])('%s: refused before anything is sent', (_name, effectiveDate, currentNotAfter, code) => {
    expect(decideManualStep(input([a({ currentNotAfter }), a({ currentNotAfter }), a({ currentNotAfter })], { effectiveDate }))).toMatchObject({ kind: 'refuse', code });
  });

  it('TIME_ZONE_MISMATCH: servers in two zones cannot take one roll instant; the session\'s zone is not involved', () => {
    expect(decideManualStep(input([a(), a({ timeZone: 'GMT Standard Time' }), a()], { effectiveDate: '2026-06-10T08:00:00.000Z' }))).toMatchObject({ kind: 'refuse', code: 'TIME_ZONE_MISMATCH' });
  });
});

describe('planManualPool: the run server by server, as `plan` prints it', () => {
  it('each server: its installation, and the removal of the certificate it replaces once that has expired', () => {
    // fe01 has B already with A expired as its previous; fe02 has A (expired) current: set B, then A goes; fe03 has A current with a global assignment.
    const look = input([b(), a(), a({ scope: undefined })], { now: AFTER_A });
    expect(planManualPool(look)).toEqual({
      plan: {
        action: 'set',
        servers: [
          { server: 'fe01.contoso.com', removal: removalOf('fe01.contoso.com') },
          { server: 'fe02.contoso.com', install: installOf('fe02.contoso.com'), removal: removalOf('fe02.contoso.com') },
          { server: 'fe03.contoso.com', install: installOf('fe03.contoso.com') },
        ],
        behind: ['fe02.contoso.com', 'fe03.contoso.com'],
        summary: 'servers (manual mode): set BBBB.. current now on fe02.contoso.com, fe03.contoso.com, each on its own (no replication), then verify each; remove the expired previous certificate on fe01.contoso.com (AAAA.., expired 2026-06-20T00:00Z), fe02.contoso.com (AAAA.., expired 2026-06-20T00:00Z)',
      },
    });
  });

  it('nothing to do: none; removals only: remove-previous', () => {
    expect(planManualPool(input([b(), b(), b()]))).toEqual({ plan: { action: 'none', servers: SERVERS.map((server) => ({ server })), behind: [], summary: 'servers (manual mode): all 3 have BBBB.. current, each assigned on the server itself' } });
    expect(planManualPool(input([b({ scope: undefined }), b({ scope: undefined }), b()], { now: AFTER_A }))).toMatchObject({ plan: { action: 'remove-previous', behind: [], summary: 'servers (manual mode): all 3 have BBBB.. current, each assigned on the server itself; remove the expired previous certificate on fe03.contoso.com (AAAA.., expired 2026-06-20T00:00Z)' } });
  });

  it('a roll: the current certificate stays until it is effective, so nothing is removed; a rule broken refuses the whole plan', () => {
    expect(planManualPool(input([a(), a(), a()], { effectiveDate: '2026-06-10T08:00:00.000Z' }))).toMatchObject({ plan: { action: 'roll', servers: SERVERS.map((server) => ({ server, install: { server, effectiveAt: '2026-06-10T08:00:00.000Z' } })) } });
    expect(planManualPool(input([a(), a(), a()], { effectiveDate: '2026-06-19T12:00:00.000Z' }))).toMatchObject({ refuse: { kind: 'refuse', code: 'ROLL_TOO_LATE' } });
  });
});

describe('preview in manual mode', () => {
  const desired = { thumbprint: B, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date(LATER) };
  const entry = (current: string) => ({ current, previous: null, currentNotAfter: LATER });
  const after = (servers: string[]) => ({ thumbprint: B, notAfter: LATER, pool: spec({ servers }), servers: Object.fromEntries(servers.map((s) => [s, entry(B)])) });

  it.each([
    ['a first up: every server', {}, SERVERS, 'servers (manual mode): set BBBB.. current now on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com, each imported into its local computer store and assigned there (no replication), then verify each'],
    ['after it: nothing', after(SERVERS), SERVERS, 'servers (manual mode): all 3 have BBBB.. current, each assigned on the server itself'],
    ['a server added: that one only', after(SERVERS.slice(0, 2)), SERVERS, 'servers (manual mode): set BBBB.. current now on fe03.contoso.com, each imported into its local computer store and assigned there (no replication), then verify each'],
    ['a server removed: left alone, named', after(SERVERS), SERVERS.slice(0, 2), 'servers (manual mode): all 2 have BBBB.. current, each assigned on the server itself; left alone (no longer in the pool, their local assignment stays): fe03.contoso.com'],
    [
      'a server the last up could not finish: that one',
      { ...after(SERVERS), servers: { ...after(SERVERS).servers, 'fe02.contoso.com': { current: null, previous: null, unreachable: { code: 'SERVER_UNREACHABLE', message: 'x' } } } },
      SERVERS,
      'servers (manual mode): set BBBB.. current now on fe02.contoso.com, each imported into its local computer store and assigned there (no replication), then verify each',
    ],
    [
      'a new certificate: every server',
      { ...after(SERVERS), thumbprint: A, notAfter: A_NOT_AFTER, servers: Object.fromEntries(SERVERS.map((s) => [s, entry(A)])) },
      SERVERS,
      'servers (manual mode): set BBBB.. current now on fe01.contoso.com, fe02.contoso.com, fe03.contoso.com, each imported into its local computer store and assigned there (no replication), then verify each',
    ],
  ])('%s', (_name, olds, servers, summary) => {
    expect(previewManualPool(olds as Record<string, unknown>, spec({ servers }), desired, NOW).plan?.summary).toBe(summary);
  });

  it('the certificate B replaced, once expired: its removal on each server that keeps it; before, nothing', () => {
    const olds = { ...after(SERVERS), retiredCertificate: { thumbprint: A, notAfter: A_NOT_AFTER } };
    expect(previewManualPool(olds, spec(), desired, NOW).plan).toEqual({ action: 'none', steps: [], behind: [], summary: 'servers (manual mode): all 3 have BBBB.. current, each assigned on the server itself' });
    expect(previewManualPool(olds, spec(), desired, AFTER_A).plan).toEqual({
      action: 'remove-previous',
      steps: [{ kind: 'remove-previous', thumbprint: A, notBefore: A_NOT_AFTER }],
      behind: [],
      summary: 'servers (manual mode): all 3 have BBBB.. current, each assigned on the server itself; remove previous AAAA.. (expired 2026-06-20T00:00Z) on each server that keeps it',
    });
  });

  it('the rules hold in preview too: ROLL_TOO_LATE', () => {
    const olds = { thumbprint: A, notAfter: A_NOT_AFTER, pool: spec(), servers: Object.fromEntries(SERVERS.map((s) => [s, entry(A)])) };
    expect(previewManualPool(olds, spec(), { ...desired, effectiveDate: new Date('2026-06-19T12:00:00.000Z') }, NOW).issues.map((i) => i.code)).toEqual(['ROLL_TOO_LATE']);
  });
});

describe('refresh in manual mode', () => {
  const desired = { thumbprint: B, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date(LATER) };
  it('a local assignment of B is not drift; a server with A, or unread, is', () => {
    expect(manualDrift(snapshot([b(), b(), b()]), desired, NOW)).toEqual([]);
    expect(manualDrift(snapshot([b(), a(), down]), desired, NOW)).toEqual(['fe02.contoso.com (current AAAA..)', 'fe03.contoso.com (could not be read: SERVER_UNREACHABLE)']);
  });
});

describe('the pool\'s mode', () => {
  it.each([
    ['left out: replicated (the spec unchanged)', {}, undefined, []],
    ['replicated', { mode: 'replicated' }, undefined, []],
    ['manual', { mode: 'manual' }, 'manual', []],
    ['another word', { mode: 'local' }, undefined, ['The pool\'s `mode` must be "replicated" (import once, globally; replication deploys it) or "manual" (import and assign on every server, no replication); got "local"; or leave it out for "replicated".']],
    ['manual with removeLocalAssignments', { mode: 'manual', removeLocalAssignments: true }, undefined, ['The pool\'s `removeLocalAssignments: true` contradicts `mode: "manual"`: in manual mode each server\'s local assignment is the desired state, so `up` makes them rather than removes them; leave `removeLocalAssignments` out.']],
  ])('%s', (_name, extra, mode, problems) => {
    const checked = checkPoolSpec({ kind: 'powershell', servers: SERVERS, ...extra });
    expect(checked.problems).toEqual(problems);
    if (problems.length === 0) expect(checked.spec!.mode).toBe(mode);
  });

  it('servers left alone: the recorded ones the pool no longer lists, once each, any case', () => {
    expect(serversLeftAlone(['FE01.contoso.com', 'fe04.contoso.com', 'fe04.contoso.com'], SERVERS)).toEqual(['fe04.contoso.com']);
  });
});
