import { expiredPrevious, planDeployment, recordedTimeZone, serversBehind, type DeploymentFacts, type DesiredDeployment, type PoolSettings } from '../../provider/domain/front-end-pool-plan';
import { zoneOfIana } from '../../provider/domain/server-zone';

const NOW = new Date('2026-06-01T00:00:00Z');
const A = 'A'.repeat(40);
const B = 'B'.repeat(40);
const C = 'C'.repeat(40);
const LATER = new Date('2026-12-01T00:00:00Z');
const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
const POOL: PoolSettings = { servers: SERVERS, zone: zoneOfIana('UTC')! };
const VALID = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };

/** Every server reports the same. */
const all = (report: { current?: string; previous?: string; pending?: { thumbprint: string; effectiveDate: Date } }): DeploymentFacts['reports'] =>
  SERVERS.map((server) => ({ server, ...report }));

const desired = (overrides: Partial<DesiredDeployment> = {}): DesiredDeployment => ({ thumbprint: B, ...VALID, ...overrides });
const verifyCurrent = (thumbprint: string) => SERVERS.map((server) => ({ kind: 'verify', server, current: thumbprint }));
const verifyPending = (thumbprint: string) => SERVERS.map((server) => ({ kind: 'verify', server, pending: thumbprint }));

describe('planDeployment', () => {
  it('a first certificate: import, set now, replicate, verify each server', () => {
    expect(planDeployment({ reports: [] }, desired(), POOL, NOW)).toEqual({
      plan: {
        action: 'set',
        steps: [{ kind: 'import', thumbprint: B }, { kind: 'set', thumbprint: B }, { kind: 'replicate' }, ...verifyCurrent(B)],
        behind: [],
        summary: 'servers: set BBBB.. current now, then verify 3',
      },
      issues: [],
    });
  });

  it('a large pool: the plan line names three servers behind and counts the rest, whatever the pool size; `behind` keeps them all', () => {
    const servers = Array.from({ length: 200 }, (_, i) => `fe${String(i + 1).padStart(3, '0')}.contoso.com`);
    const facts: DeploymentFacts = { reports: servers.map((server) => ({ server, current: A })) };
    const outcome = planDeployment(facts, desired(), { ...POOL, servers }, NOW);
    expect(outcome.plan?.behind).toEqual(servers);
    expect(outcome.plan?.summary).toBe(
      'servers: fe001.contoso.com (current AAAA..), fe002.contoso.com (current AAAA..), fe003.contoso.com (current AAAA..) and 197 more behind; set BBBB.. current now, then verify 200',
    );
  });

  it('a scheduled roll: the instant and the zone the session must be in, then removal of the old one after it expires', () => {
    const facts: DeploymentFacts = { reports: all({ current: A }), current: { thumbprint: A, notAfter: new Date('2027-01-01T00:00:00Z') } };
    expect(planDeployment(facts, desired({ effectiveDate: LATER }), POOL, NOW)).toEqual({
      plan: {
        action: 'roll',
        steps: [
          { kind: 'import', thumbprint: B },
          { kind: 'roll', thumbprint: B, effectiveAt: '2026-12-01T00:00:00.000Z', sessionTimeZone: 'UTC' },
          { kind: 'replicate' },
          ...verifyPending(B),
          { kind: 'remove-previous', thumbprint: A, notBefore: '2027-01-01T00:00:00.000Z' },
        ],
        behind: SERVERS,
        summary:
          'servers: fe01.contoso.com (current AAAA..), fe02.contoso.com (current AAAA..), fe03.contoso.com (current AAAA..) behind; roll BBBB.. at 2026-12-01T00:00:00Z (00:00 UTC on the servers), then verify 3',
      },
      issues: [],
    });
  });

  it.each([
    ['the certificate current everywhere (adopted: no action)', all({ current: B, previous: A }), desired(), 'servers: all 3 have BBBB.. current'],
    ['the same roll pending everywhere', all({ current: A, pending: { thumbprint: B, effectiveDate: LATER } }), desired({ effectiveDate: LATER }), 'servers: all 3 have BBBB.. scheduled'],
    ['a scheduled roll whose date has passed, current everywhere', all({ current: B, previous: A }), desired({ effectiveDate: new Date('2026-05-01T00:00:00Z') }), 'servers: all 3 have BBBB.. current'],
    ['a roll declared with milliseconds, pending on the servers to the second', all({ current: A, pending: { thumbprint: B, effectiveDate: LATER } }), desired({ effectiveDate: new Date(LATER.getTime() + 500) }), 'servers: all 3 have BBBB.. scheduled'],
    ['server names in another case', SERVERS.map((s) => ({ server: s.toUpperCase(), current: B })), desired(), 'servers: all 3 have BBBB.. current'],
  ])('plans nothing when the desired state is there: %s', (_name, reports, wanted, summary) => {
    expect(planDeployment({ reports }, wanted, POOL, NOW)).toEqual({ plan: { action: 'none', steps: [], behind: [], summary }, issues: [] });
  });

  it('one server changed by hand: names it, and sets again without importing (Skype knows the certificate)', () => {
    const reports = [
      { server: SERVERS[0]!, current: B, previous: A },
      { server: SERVERS[1]!, current: C, previous: B },
      { server: SERVERS[2]!, current: B, previous: A },
    ];
    expect(planDeployment({ reports, current: { thumbprint: B } }, desired(), POOL, NOW)).toEqual({
      plan: {
        action: 'set',
        steps: [{ kind: 'set', thumbprint: B }, { kind: 'replicate' }, ...verifyCurrent(B)],
        behind: [SERVERS[1]],
        summary: 'servers: fe02.contoso.com (current CCCC..) behind; set BBBB.. current now, then verify 3',
      },
      issues: [],
    });
  });

  it('a server that never reported is not known to be up to date', () => {
    const reports = all({ current: B }).slice(0, 2);
    const outcome = planDeployment({ reports }, desired(), POOL, NOW);
    expect(outcome.plan?.action).toBe('set');
    expect(outcome.plan?.behind).toEqual([]);
  });

  it('changing a roll not yet effective re-plans it (another date)', () => {
    const reports = all({ current: A, pending: { thumbprint: B, effectiveDate: LATER } });
    const moved = new Date('2026-11-01T00:00:00Z');
    // The roll pending is the one this resource declared before: its own, replaced.
    expect(planDeployment({ reports, current: { thumbprint: A }, ownRolls: [{ thumbprint: B, effectiveDate: LATER }] }, desired({ effectiveDate: moved }), POOL, NOW)).toEqual({
      plan: {
        action: 'reschedule',
        steps: [{ kind: 'roll', thumbprint: B, effectiveAt: '2026-11-01T00:00:00.000Z', sessionTimeZone: 'UTC' }, { kind: 'replicate' }, ...verifyPending(B)],
        behind: SERVERS,
        summary:
          'servers: fe01.contoso.com (current AAAA.., BBBB.. pending at 2026-12-01T00:00Z), fe02.contoso.com (current AAAA.., BBBB.. pending at 2026-12-01T00:00Z), fe03.contoso.com (current AAAA.., BBBB.. pending at 2026-12-01T00:00Z) behind; replace the roll of BBBB.. at 2026-12-01T00:00Z; roll BBBB.. at 2026-11-01T00:00:00Z (00:00 UTC on the servers), then verify 3',
      },
      issues: [],
    });
  });

  it('changing a roll not yet effective re-plans it (another certificate), importing the new one', () => {
    const reports = all({ current: A, pending: { thumbprint: C, effectiveDate: LATER } });
    const plan = planDeployment({ reports, ownRolls: [{ thumbprint: C, effectiveDate: LATER }] }, desired({ effectiveDate: LATER }), POOL, NOW).plan;
    expect(plan?.action).toBe('reschedule');
    expect(plan?.steps.slice(0, 2)).toEqual([
      { kind: 'import', thumbprint: B },
      { kind: 'roll', thumbprint: B, effectiveAt: '2026-12-01T00:00:00.000Z', sessionTimeZone: 'UTC' },
    ]);
  });

  it('an effective date in the past means now: a set, not a roll', () => {
    const plan = planDeployment({ reports: all({ current: A }) }, desired({ effectiveDate: new Date('2026-01-01T00:00:00Z') }), POOL, NOW).plan;
    expect(plan?.action).toBe('set');
    expect(plan?.steps.map((s) => s.kind)).toEqual(['import', 'set', 'replicate', 'verify', 'verify', 'verify']);
  });

  const NOT_AFTER = new Date('2026-12-01T12:00:00Z');
  it.each([
    ['23 hours before NotAfter', new Date('2026-11-30T13:00:00Z'), ['ROLL_TOO_LATE']],
    ['after NotAfter', new Date('2026-12-02T00:00:00Z'), ['ROLL_TOO_LATE']],
    ['exactly 24 hours before NotAfter', new Date('2026-11-30T12:00:00Z'), []],
    ['48 hours before NotAfter', new Date('2026-11-29T12:00:00Z'), []],
  ])('the 24-hour lead time of a scheduled roll: %s', (_name, effectiveDate, codes) => {
    const outcome = planDeployment({ reports: all({ current: A }), current: { thumbprint: A, notAfter: NOT_AFTER } }, desired({ effectiveDate }), POOL, NOW);
    expect(outcome.issues.map((i) => i.code)).toEqual(codes);
    expect(outcome.plan === undefined).toBe(codes.length > 0);
  });

  it('ROLL_TOO_LATE names the dates and the fix', () => {
    const outcome = planDeployment({ reports: [], current: { thumbprint: A, notAfter: NOT_AFTER } }, desired({ effectiveDate: new Date('2026-11-30T13:00:00Z') }), POOL, NOW);
    expect(outcome.issues).toEqual([
      {
        code: 'ROLL_TOO_LATE',
        message: `The \`effectiveDate\` 2026-11-30T13:00:00Z is less than 24 hours before the current OAuthTokenIssuer certificate ${A} expires (NotAfter 2026-12-01T12:00:00Z); Skype needs a roll at least 24 hours ahead, because Exchange and other partner servers keep OAuth material that long. Choose an effective date at or before 2026-11-30T12:00:00Z, or leave \`effectiveDate\` out to make the certificate current now.`,
      },
    ]);
  });

  it('ROLL_TOO_LATE prints the exact instants: a roll seconds too late reads as too late', () => {
    // Checked to the millisecond: minutes on both sides printed "01:35Z ... at or before 01:35Z".
    const notAfter = new Date('2027-12-07T01:35:10Z');
    const outcome = planDeployment({ reports: [], current: { thumbprint: A, notAfter } }, desired({ effectiveDate: new Date('2027-12-06T01:35:30Z') }), POOL, NOW);
    expect(outcome.issues.map((i) => i.message)).toEqual([expect.stringContaining('The `effectiveDate` 2027-12-06T01:35:30Z is less than 24 hours before')]);
    expect(outcome.issues[0]!.message).toContain('(NotAfter 2027-12-07T01:35:10Z)');
    expect(outcome.issues[0]!.message).toContain('Choose an effective date at or before 2027-12-06T01:35:10Z,');
    const byHalfASecond = planDeployment({ reports: [], current: { thumbprint: A, notAfter } }, desired({ effectiveDate: new Date('2027-12-06T01:35:10.500Z') }), POOL, NOW);
    expect(byHalfASecond.issues[0]!.message).toMatch(/effectiveDate` 2027-12-06T01:35:10\.500Z .* at or before 2027-12-06T01:35:10Z,/);
  });

  it('an immediate set is always allowed, even hours before the current certificate expires', () => {
    const outcome = planDeployment({ reports: all({ current: A }), current: { thumbprint: A, notAfter: new Date('2026-06-01T01:00:00Z') } }, desired(), POOL, NOW);
    expect(outcome.issues).toEqual([]);
    expect(outcome.plan?.action).toBe('set');
  });

  it.each([
    ['not yet valid at the effective date', desired({ notBefore: new Date('2026-12-02T00:00:00Z'), effectiveDate: LATER }), ['CERT_NOT_YET_VALID']],
    ['not yet valid now (immediate set)', desired({ notBefore: new Date('2026-07-01T00:00:00Z') }), ['CERT_NOT_YET_VALID']],
    ['expired by the effective date', desired({ notAfter: new Date('2026-11-01T00:00:00Z'), effectiveDate: LATER }), ['CERT_EXPIRES_BEFORE_EFFECTIVE_DATE']],
    ['valid from exactly the effective date', desired({ notBefore: LATER, effectiveDate: LATER }), []],
  ])('the new certificate is valid when it becomes current and after: %s', (_name, wanted, codes) => {
    expect(planDeployment({ reports: [] }, wanted, POOL, NOW).issues.map((i) => i.code)).toEqual(codes);
  });
});

describe('a roll nobody declared (FOREIGN_ROLL_PENDING)', () => {
  const HAND = new Date('2026-09-01T00:00:00Z');
  const handRoll = { thumbprint: C, effectiveDate: HAND };
  const foreignMessage = (declared: string, keep: string) =>
    `A roll this resource did not declare is pending: certificate ${C} becomes current at 2026-09-01T00:00:00Z on the Central Management Store, fe01.contoso.com, fe02.contoso.com, fe03.contoso.com; the declaration is ${declared}. What cancels a pending roll is not documented, so \`pulumi up\` does not replace it. If the roll is wanted, declare that certificate with \`effectiveDate: "2026-09-01T00:00:00Z"\`. If not, an administrator cancels it in the Skype for Business Server Management Shell, e.g. \`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint ${keep}\` (without -Roll), checks with \`Get-CsCertificate -Identity Global -Type OAuthTokenIssuer\` that no roll is left, then runs \`pulumi up\`; or set the pool's \`replaceForeignRoll: true\` to let \`pulumi up\` set the declared state over it.`;

  it('the declared certificate current everywhere, another one rolled in by hand: refused, naming the roll and the command', () => {
    const facts: DeploymentFacts = { reports: all({ current: B, previous: A, pending: handRoll }), current: { thumbprint: B }, cmsPending: handRoll };
    expect(planDeployment(facts, desired(), POOL, NOW)).toEqual({ issues: [{ code: 'FOREIGN_ROLL_PENDING', message: foreignMessage(`${B} current now`, B) }] });
  });

  it('with replaceForeignRoll: the declared certificate is set over it (no import: Skype knows it), said in the plan line', () => {
    const facts: DeploymentFacts = { reports: all({ current: B, previous: A, pending: handRoll }), current: { thumbprint: B }, cmsPending: handRoll };
    expect(planDeployment(facts, desired(), { ...POOL, replaceForeignRoll: true }, NOW).plan).toEqual({
      action: 'set',
      steps: [{ kind: 'set', thumbprint: B }, { kind: 'replicate' }, ...verifyCurrent(B)],
      behind: SERVERS,
      summary:
        'servers: fe01.contoso.com (current BBBB.., CCCC.. pending at 2026-09-01T00:00Z), fe02.contoso.com (current BBBB.., CCCC.. pending at 2026-09-01T00:00Z), fe03.contoso.com (current BBBB.., CCCC.. pending at 2026-09-01T00:00Z) behind; replace the roll not declared (CCCC.. at 2026-09-01T00:00Z; replaceForeignRoll); set BBBB.. current now, then verify 3',
    });
  });

  it('on the Central Management Store only (not replicated yet): refused all the same', () => {
    const outcome = planDeployment({ reports: all({ current: B }), current: { thumbprint: B }, cmsPending: handRoll }, desired(), POOL, NOW);
    expect(outcome.issues.map((i) => i.code)).toEqual(['FOREIGN_ROLL_PENDING']);
    expect(outcome.issues[0]!.message).toContain(`certificate ${C} becomes current at 2026-09-01T00:00:00Z on the Central Management Store;`);
  });

  it('a declared roll, and another roll pending by hand: refused too, the command keeps the current certificate', () => {
    const facts: DeploymentFacts = { reports: all({ current: A, pending: handRoll }), current: { thumbprint: A, notAfter: new Date('2027-06-01T00:00:00Z') }, cmsPending: handRoll };
    expect(planDeployment(facts, desired({ effectiveDate: LATER }), POOL, NOW).issues).toEqual([{ code: 'FOREIGN_ROLL_PENDING', message: foreignMessage(`a roll of ${B} at 2026-12-01T00:00:00Z`, A) }]);
    const replaced = planDeployment(facts, desired({ effectiveDate: LATER }), { ...POOL, replaceForeignRoll: true }, NOW).plan;
    expect(replaced?.action).toBe('reschedule');
    expect(replaced?.summary).toContain('replace the roll not declared (CCCC.. at 2026-09-01T00:00Z; replaceForeignRoll); roll BBBB.. at 2026-12-01T00:00:00Z (00:00 UTC on the servers)');
  });

  it('every problem at once: a foreign roll and ROLL_TOO_LATE', () => {
    const facts: DeploymentFacts = { reports: all({ current: A, pending: handRoll }), current: { thumbprint: A, notAfter: new Date('2026-12-01T12:00:00Z') } };
    expect(planDeployment(facts, desired({ effectiveDate: LATER }), POOL, NOW).issues.map((i) => i.code)).toEqual(['FOREIGN_ROLL_PENDING', 'ROLL_TOO_LATE']);
  });

  it.each([
    ['the declared roll itself', all({ current: A, pending: { thumbprint: B, effectiveDate: LATER } }), desired({ effectiveDate: LATER }), []],
    ['the roll the previous declaration scheduled (replaced as ever)', all({ current: A, pending: handRoll }), desired({ effectiveDate: LATER }), [handRoll]],
    ['the previous declaration\'s roll at the same second', all({ current: A, pending: handRoll }), desired({ effectiveDate: LATER }), [{ ...handRoll, effectiveDate: new Date(HAND.getTime() + 400) }]],
  ])('not foreign: %s', (_name, reports, wanted, ownRolls) => {
    const outcome = planDeployment({ reports, current: { thumbprint: A }, ownRolls }, wanted, POOL, NOW);
    expect(outcome.issues).toEqual([]);
  });

  it('serversBehind (diff\'s drift gate): a server with the declared certificate current and a roll nobody declared is behind', () => {
    const servers = Object.fromEntries(SERVERS.map((s, i) => [s, { current: B, previous: A, ...(i === 1 ? { pending: { thumbprint: C, effectiveDate: HAND.toISOString() } } : {}) }]));
    expect(serversBehind(servers, POOL, { thumbprint: B }, NOW)).toEqual(['fe02.contoso.com']);
  });
});

describe('the previous certificate once it has expired (STAGE\'s last step)', () => {
  const expired = new Date('2026-05-31T23:59:00Z');
  it('every server has the declared certificate and the previous one has expired: remove it, said in the plan line', () => {
    const facts: DeploymentFacts = { reports: all({ current: B, previous: A }), current: { thumbprint: B }, previous: { thumbprint: A, notAfter: expired } };
    expect(planDeployment(facts, desired(), POOL, NOW)).toEqual({
      plan: {
        action: 'remove-previous',
        steps: [{ kind: 'remove-previous', thumbprint: A, notBefore: '2026-05-31T23:59:00.000Z' }],
        behind: [],
        summary: 'servers: all 3 have BBBB.. current; remove previous AAAA.. (expired 2026-05-31T23:59Z)',
      },
      issues: [],
    });
  });

  it('not yet expired, or its NotAfter unknown: nothing to do', () => {
    for (const previous of [{ thumbprint: A, notAfter: new Date('2026-06-01T00:01:00Z') }, { thumbprint: A }]) {
      expect(planDeployment({ reports: all({ current: B, previous: A }), previous }, desired(), POOL, NOW).plan?.action).toBe('none');
    }
  });

  it('a scheduled roll keeps the expired previous one until then: it is removed too, and the line says so', () => {
    const facts: DeploymentFacts = { reports: all({ current: C, previous: A }), current: { thumbprint: C, notAfter: new Date('2027-01-01T00:00:00Z') }, previous: { thumbprint: A, notAfter: expired } };
    const plan = planDeployment(facts, desired({ effectiveDate: LATER }), POOL, NOW).plan!;
    expect(plan.steps.filter((s) => s.kind === 'remove-previous')).toEqual([
      { kind: 'remove-previous', thumbprint: C, notBefore: '2027-01-01T00:00:00.000Z' },
      { kind: 'remove-previous', thumbprint: A, notBefore: '2026-05-31T23:59:00.000Z' },
    ]);
    expect(plan.summary).toMatch(/, then verify 3; remove previous AAAA\.\. \(expired 2026-05-31T23:59Z\)$/);
  });

  it('an immediate set drops it anyway (Skype keeps two): no separate removal', () => {
    const facts: DeploymentFacts = { reports: all({ current: C, previous: A }), current: { thumbprint: C }, previous: { thumbprint: A, notAfter: expired } };
    const plan = planDeployment(facts, desired(), POOL, NOW).plan!;
    expect(plan.summary).toBe('servers: fe01.contoso.com (current CCCC..), fe02.contoso.com (current CCCC..), fe03.contoso.com (current CCCC..) behind; set BBBB.. current now, then verify 3');
  });

  it('the servers output: an expired previous kept makes those servers need an up; one still valid, or the declared one, does not', () => {
    const output = (previousNotAfter: string, previous = A) => Object.fromEntries(SERVERS.map((s) => [s, { current: B, previous, previousNotAfter }]));
    expect(expiredPrevious(output('2026-05-31T23:59:00.000Z'), NOW)).toEqual({ thumbprint: A, notAfter: expired });
    expect(serversBehind(output('2026-05-31T23:59:00.000Z'), POOL, { thumbprint: B }, NOW)).toEqual(SERVERS);
    expect(serversBehind(output('2026-06-01T00:01:00.000Z'), POOL, { thumbprint: B }, NOW)).toEqual([]);
    expect(expiredPrevious(output('2026-06-01T00:01:00.000Z'), NOW)).toBeUndefined();
    expect(serversBehind(output('2026-05-31T23:59:00.000Z', B), POOL, { thumbprint: B }, NOW)).toEqual([]);
    expect(serversBehind({ ...output('2026-05-31T23:59:00.000Z'), 'fe02.contoso.com': { current: B, previous: null } }, POOL, { thumbprint: B }, NOW)).toEqual(['fe01.contoso.com', 'fe03.contoso.com']);
  });
});


describe('the effective date in the servers\' time zone', () => {
  const BERLIN: PoolSettings = { servers: SERVERS, zone: zoneOfIana('Europe/Berlin')! };
  const NEW_YORK: PoolSettings = { servers: SERVERS, zone: zoneOfIana('America/New_York')! };
  const AFTER = new Date('2027-01-01T00:00:00Z');
  const LONG_VALID = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };
  const rollAt = (iso: string) => desired({ ...LONG_VALID, effectiveDate: new Date(iso) });
  const facts: DeploymentFacts = { reports: all({ current: A }), current: { thumbprint: A, notAfter: new Date('2030-01-01T00:00:00Z') } };
  const NOW_2027 = AFTER;

  it('the plan line shows the UTC instant and the servers\' local time with the zone, never a culture string', () => {
    const outcome = planDeployment({ reports: [] }, rollAt('2027-11-02T09:00:00Z'), BERLIN, NOW_2027);
    expect(outcome.plan?.summary).toBe('servers: roll BBBB.. at 2027-11-02T09:00:00Z (10:00 W. Europe Standard Time on the servers), then verify 3');
    expect(outcome.plan?.steps).toContainEqual({ kind: 'roll', thumbprint: B, effectiveAt: '2027-11-02T09:00:00.000Z', sessionTimeZone: 'W. Europe Standard Time' });
  });

  it('the local date is shown when it is not the UTC date', () => {
    const outcome = planDeployment({ reports: [] }, rollAt('2027-12-01T03:00:00Z'), NEW_YORK, NOW_2027);
    expect(outcome.plan?.summary).toBe('servers: roll BBBB.. at 2027-12-01T03:00:00Z (22:00 on 2027-11-30 Eastern Standard Time on the servers), then verify 3');
  });

  it('EFFECTIVE_DATE_AMBIGUOUS: a roll in Berlin\'s repeated autumn hour is refused, naming the nearest safe instants', () => {
    expect(planDeployment(facts, rollAt('2027-10-31T00:30:00Z'), BERLIN, NOW_2027)).toEqual({
      issues: [
        {
          code: 'EFFECTIVE_DATE_AMBIGUOUS',
          message:
            'The `effectiveDate` 2027-10-31T00:30:00Z is 02:30 on 2027-10-31 on the Front End Servers, in W. Europe Standard Time (Europe/Berlin), inside the hour their clocks go back at 2027-10-31T01:00:00Z, where that local time names two instants; how Skype stores -EffectiveDate there is not confirmed, so the roll could land at another instant. Choose an effective date at or before 2027-10-30T23:59:59Z, or at or after 2027-10-31T02:00:00Z.',
        },
      ],
    });
  });

  it('the spring gap is refused too, with its own sentence', () => {
    const outcome = planDeployment(facts, rollAt('2027-03-28T01:30:00Z'), BERLIN, NOW_2027);
    expect(outcome.issues).toEqual([
      {
        code: 'EFFECTIVE_DATE_AMBIGUOUS',
        message:
          'The `effectiveDate` 2027-03-28T01:30:00Z is 03:30 on 2027-03-28 on the Front End Servers, in W. Europe Standard Time (Europe/Berlin), next to the hour their clocks skip at 2027-03-28T01:00:00Z, where a local time of the skipped hour names this instant or the one an hour away; how Skype stores -EffectiveDate there is not confirmed, so the roll could land at another instant. Choose an effective date at or before 2027-03-27T23:59:59Z, or at or after 2027-03-28T02:00:00Z.',
      },
    ]);
  });

  it.each([
    ['Berlin autumn, inside', BERLIN, '2027-10-31T01:59:59Z', ['EFFECTIVE_DATE_AMBIGUOUS']],
    ['Berlin autumn, the safe instant before', BERLIN, '2027-10-30T23:59:59Z', []],
    ['Berlin autumn, the safe instant after', BERLIN, '2027-10-31T02:00:00Z', []],
    ['Berlin spring, inside', BERLIN, '2027-03-28T00:30:00Z', ['EFFECTIVE_DATE_AMBIGUOUS']],
    ['Berlin spring, outside', BERLIN, '2027-03-28T02:00:00Z', []],
    ['New York autumn, the repeated 01:30 (EDT)', NEW_YORK, '2027-11-07T05:30:00Z', ['EFFECTIVE_DATE_AMBIGUOUS']],
    ['New York autumn, outside', NEW_YORK, '2027-11-07T07:00:00Z', []],
    ['New York spring, 02:30 EST', NEW_YORK, '2027-03-14T07:30:00Z', ['EFFECTIVE_DATE_AMBIGUOUS']],
    ['New York spring, outside', NEW_YORK, '2027-03-14T08:00:00Z', []],
    ['UTC: the Berlin hour is an ordinary one', POOL, '2027-10-31T00:30:00Z', []],
  ])('%s: %s', (_name, pool, iso, codes) => {
    const outcome = planDeployment(facts, rollAt(iso), pool, NOW_2027);
    expect(outcome.issues.map((i) => i.code)).toEqual(codes);
    expect(outcome.plan?.action).toBe(codes.length === 0 ? 'roll' : undefined);
  });

  it('an immediate set needs no zone: no clock-change rule, no zone agreement', () => {
    const zones = { servers: [{ server: SERVERS[0]!, timeZone: 'UTC' }, { server: SERVERS[1]!, timeZone: 'Tokyo Standard Time' }], session: { timeZone: 'Pacific Standard Time' } };
    expect(planDeployment({ ...facts, zones }, desired(), BERLIN, NOW_2027).plan?.action).toBe('set');
  });

  describe('during up: the zone the servers reported, not the declared one', () => {
    const reported = (servers: string, session: string) => ({ servers: SERVERS.map((server) => ({ server, timeZone: servers })), session: { timeZone: session } });

    it('a roll is given in the reported zone, and the clock-change rule runs in it', () => {
      const inBerlin = { ...facts, zones: reported('W. Europe Standard Time', 'W. Europe Standard Time') };
      expect(planDeployment(inBerlin, rollAt('2027-11-02T09:00:00Z'), POOL, NOW_2027).plan?.steps).toContainEqual({ kind: 'roll', thumbprint: B, effectiveAt: '2027-11-02T09:00:00.000Z', sessionTimeZone: 'W. Europe Standard Time' });
      expect(planDeployment(inBerlin, rollAt('2027-10-31T00:30:00Z'), POOL, NOW_2027).issues.map((i) => i.code)).toEqual(['EFFECTIVE_DATE_AMBIGUOUS']);
    });

    it('a session in another zone stops the roll with TIME_ZONE_MISMATCH (and the other rules still report)', () => {
      const outcome = planDeployment({ ...facts, current: { thumbprint: A, notAfter: new Date('2027-11-02T12:00:00Z') }, zones: reported('W. Europe Standard Time', 'UTC') }, rollAt('2027-11-02T09:00:00Z'), BERLIN, NOW_2027);
      expect(outcome.plan).toBeUndefined();
      expect(outcome.issues.map((i) => i.code)).toEqual(['TIME_ZONE_MISMATCH', 'ROLL_TOO_LATE']);
    });

    it('the same roll already pending everywhere plans nothing, whatever the zones', () => {
      const pending = { reports: all({ current: A, pending: { thumbprint: B, effectiveDate: new Date('2027-11-02T09:00:00Z') } }), zones: reported('UTC', 'Tokyo Standard Time') };
      expect(planDeployment(pending, rollAt('2027-11-02T09:00:00Z'), POOL, NOW_2027).plan?.action).toBe('none');
    });
  });

  it('the servers output records each server\'s zone; recordedTimeZone is the one they agree on', () => {
    const output = (zones: (string | undefined)[]) => Object.fromEntries(SERVERS.map((s, i) => [s, { current: B, previous: null, ...(zones[i] ? { timeZone: zones[i] } : {}) }]));
    expect(recordedTimeZone(output(['W. Europe Standard Time', 'W. Europe Standard Time', 'W. Europe Standard Time']))).toBe('W. Europe Standard Time');
    expect(recordedTimeZone(output(['W. Europe Standard Time', undefined, 'W. Europe Standard Time']))).toBe('W. Europe Standard Time');
    expect(recordedTimeZone(output(['W. Europe Standard Time', 'UTC', 'W. Europe Standard Time']))).toBeUndefined();
    expect(recordedTimeZone(output([]))).toBeUndefined();
    expect(recordedTimeZone('not an output')).toBeUndefined();
  });
});
