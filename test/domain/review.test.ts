/**
 * The review of a preview: what it says per certificate, decided from the facts the preview reader
 * gathers from documents in the shapes the real CLI printed (test/builders/preview-json.ts; the
 * live documents are reviewed in test/integration/review.int.test.ts).
 */
import { readPreviewDocument } from '../../provider/adapters/pulumi-preview/preview-document';
import { MAX_PLAN_CHARS } from '../../provider/adapters/pulumi-preview/property-values';
import { planDeployment } from '../../provider/domain/front-end-pool-plan';
import { zoneOfIana } from '../../provider/domain/server-zone';
import { CERTIFICATE_TYPE } from '../../provider/adapters/pulumi-preview/urn';
import { MAX_COMMENT_CHARS, renderReviewMarkdown } from '../../provider/cli/review-markdown';
import { MAX_FINDINGS, reviewPreview, type CertificateReview } from '../../provider/domain/review';
import { headingsOf, renderedBlocks } from '../support/markdown';
import {
  A, B, BAD_PASSWORD, checkFailure, DATE_CULTURE_DEPRECATED, DAYS_TO_A, EXPIRES_SOON, newState, NOW, oldState, poolOf, previewDocument, providerWarning, RENEWAL_LATE, reviewOf, ROLL_AT, ROLL_PLAN, SECRET_ENVELOPE, step, UNKNOWN, URN,
  urnOf,
} from '../builders/preview-json';

const certificate = (overrides: Partial<CertificateReview>): CertificateReview => ({
  urn: URN,
  name: 'oauth',
  operation: 'create',
  engineOperations: ['create'],
  plan: 'new 999F.. current now',
  oldThumbprint: null,
  newThumbprint: A.thumbprint,
  notAfter: A.notAfter,
  daysLeft: DAYS_TO_A,
  serversBehind: [],
  warnings: [],
  moreWarnings: 0,
  failures: [],
  timeline: null,
  ...overrides,
});

/** The builders' NotBefore, and what the timeline says of A and B with it. */
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const validity = (role: 'current' | 'new', c: { thumbprint: string; notAfter: string }) => ({ kind: 'validity', role, thumbprint: c.thumbprint, notBefore: NOT_BEFORE, notAfter: new Date(c.notAfter) }) as const;
const limitOfA = { kind: 'milestone', role: 'limit', event: 'latest-roll', thumbprint: A.thumbprint, at: new Date('2034-12-31T00:00:00Z') } as const;
const becomesCurrent = (c: { thumbprint: string }, at: Date, scheduled = false) => ({ kind: 'milestone', role: 'new', event: 'becomes-current', thumbprint: c.thumbprint, at, scheduled, late: false }) as const;

describe('reviewPreview: one certificate per operation', () => {
  it.each<[string, Record<string, unknown>[], CertificateReview]>([
    ['create', [step({ op: 'create', new: newState() })], certificate({ timeline: { entries: [becomesCurrent(A, NOW), validity('new', A)] } })],
    [
      'update to another PFX with a scheduled effective date',
      [step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, notAfter: B.notAfter, plan: ROLL_PLAN, effectiveDate: ROLL_AT }) })],
      certificate({
        operation: 'update', engineOperations: ['update'], plan: ROLL_PLAN, oldThumbprint: A.thumbprint, newThumbprint: B.thumbprint, notAfter: B.notAfter,
        timeline: { entries: [validity('current', A), limitOfA, becomesCurrent(B, new Date(ROLL_AT), true), validity('new', B)] },
      }),
    ],
    [
      'same (`--show-sames`)',
      [step({ op: 'same', old: oldState(), new: newState({ plan: 'current 999F.. unchanged' }) })],
      certificate({ operation: 'same', engineOperations: ['same'], plan: 'current 999F.. unchanged', oldThumbprint: A.thumbprint, timeline: { entries: [validity('current', A), limitOfA] } }),
    ],
    [
      'delete: the old certificate, no plan',
      [step({ op: 'delete', old: oldState() })],
      certificate({ operation: 'delete', engineOperations: ['delete'], plan: null, oldThumbprint: A.thumbprint, newThumbprint: null, timeline: { entries: [validity('current', A), limitOfA] } }),
    ],
    [
      'replace (create-replacement, replace, delete-replaced)',
      [
        step({ op: 'create-replacement', old: oldState(), new: newState({ thumbprint: B.thumbprint }) }),
        step({ op: 'replace', old: oldState(), new: newState({ thumbprint: B.thumbprint }) }),
        step({ op: 'delete-replaced', old: oldState() }),
      ],
      certificate({
        operation: 'replace', engineOperations: ['create-replacement', 'replace', 'delete-replaced'], oldThumbprint: A.thumbprint, newThumbprint: B.thumbprint,
        timeline: { entries: [validity('current', A), limitOfA, becomesCurrent(B, NOW), validity('new', B)] },
      }),
    ],
    [
      'an engine operation without a review meaning (read)',
      [step({ op: 'read', new: newState() })],
      certificate({ operation: 'other', engineOperations: ['read'], timeline: { entries: [becomesCurrent(A, NOW), validity('new', A)] } }),
    ],
    [
      'values known only after up (a PFX computed from another resource)',
      [step({ op: 'create', new: newState({ thumbprint: UNKNOWN, plan: UNKNOWN, notAfter: UNKNOWN }) })],
      certificate({ plan: { hidden: 'unknown' }, newThumbprint: { hidden: 'unknown' }, notAfter: { hidden: 'unknown' }, daysLeft: null }),
    ],
    [
      'values marked secret (an envelope, or "[secret]")',
      [step({ op: 'create', new: newState({ thumbprint: SECRET_ENVELOPE, plan: '[secret]', notAfter: SECRET_ENVELOPE }) })],
      certificate({ plan: { hidden: 'secret' }, newThumbprint: { hidden: 'secret' }, notAfter: { hidden: 'secret' }, daysLeft: null }),
    ],
    [
      'values that are not what the provider writes (not shown as such)',
      [step({ op: 'create', new: newState({ thumbprint: 'not-a-thumbprint', plan: 'two\nlines', notAfter: '12/01/2035' }) })],
      certificate({ plan: null, newThumbprint: null, notAfter: null, daysLeft: null }),
    ],
  ])('%s', (_name, steps, expected) => {
    expect(reviewOf(previewDocument(steps))).toEqual({ now: NOW, certificates: [expected], otherWarnings: [], otherFailures: [], otherErrorCount: 0 });
  });

  it('reviews only OAuthTokenIssuer certificates, each once, in the order of the preview', () => {
    const other = urnOf('bucket', 'aws:s3/bucket:Bucket');
    const review = reviewOf(previewDocument([
      step({ op: 'create', urn: urnOf('second'), new: newState({}, urnOf('second')) }),
      step({ op: 'create', urn: other, new: { urn: other, type: 'aws:s3/bucket:Bucket', inputs: { thumbprint: B.thumbprint } } }),
      step({ op: 'update', urn: urnOf('first'), old: oldState({}, urnOf('first')), new: newState({ thumbprint: B.thumbprint }, urnOf('first')) }),
    ]));
    expect(review.certificates.map((c) => [c.name, c.operation])).toEqual([['second', 'create'], ['first', 'update']]);
  });

  it('finds the type in a URN with a parent type (`parent$type`) when a step has no state', () => {
    const urn = `urn:pulumi:test::rvexp::my:component:Certs$${CERTIFICATE_TYPE}::oauth`;
    const review = reviewOf(previewDocument([step({ op: 'delete', urn })]));
    expect(review.certificates).toEqual([certificate({ urn, operation: 'delete', engineOperations: ['delete'], plan: null, newThumbprint: null, notAfter: null, daysLeft: null })]);
  });
});

describe('reviewPreview: an update of a certificate the store already holds (after POOL_NOT_CONVERGED left servers behind)', () => {
  const FE = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
  // After the failed up: the store and state hold B; fe03 was still on A when it gave up.
  const partial = { [FE[0]!]: { current: B.thumbprint, previous: A.thumbprint }, [FE[1]!]: { current: B.thumbprint, previous: A.thumbprint }, [FE[2]!]: { current: A.thumbprint, previous: null } };
  const resumed = (servers: Record<string, unknown>, pool = poolOf(FE)) =>
    reviewOf(previewDocument([step({ op: 'update', old: oldState({ thumbprint: B.thumbprint }, URN, servers), new: newState({ thumbprint: B.thumbprint, plan: 'current 4D95.. unchanged', pool }) })]));

  it('names the servers behind and what they hold', () => {
    expect(resumed(partial).certificates[0]?.serversBehind).toEqual([{ server: FE[2], current: A.thumbprint }]);
  });

  it('the comment says the thumbprint is unchanged and what changes on which server, not B → B', () => {
    const markdown = renderReviewMarkdown(resumed(partial));
    expect(markdown).toContain(`- Thumbprint: \`${B.thumbprint}\` (unchanged)`);
    expect(markdown).toContain(`- Servers not on it at the last up or refresh: \`${FE[2]}\` \`${A.thumbprint}\` → \`${B.thumbprint}\``);
    expect(markdown).not.toContain(`\`${B.thumbprint}\` → \`${B.thumbprint}\``);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, { server: string; current: string | null }[]]>([
    ['a server added to the pool, not recorded yet', { [FE[0]!]: { current: B.thumbprint, previous: null } }, poolOf([FE[0]!, 'FE04.contoso.com']), [{ server: 'FE04.contoso.com', current: null }]],
    ['a server with the roll to it pending is not behind', { [FE[0]!]: { current: A.thumbprint, previous: null, pending: { thumbprint: B.thumbprint, effectiveDate: '2027-01-15T00:00:00Z' } } }, poolOf([FE[0]!]), []],
    ['names compare case-insensitively (FQDNs)', { 'FE01.CONTOSO.COM': { current: B.thumbprint, previous: null } }, poolOf([FE[0]!]), []],
    ['a recorded thumbprint that is not one is not shown', { [FE[0]!]: { current: '<b>x</b>', previous: null } }, poolOf([FE[0]!]), [{ server: FE[0]!, current: null }]],
    ['servers marked secret: nothing said', SECRET_ENVELOPE, poolOf([FE[0]!]), []],
  ])('%s', (_name, servers, pool, expected) => {
    expect(resumed(servers, pool).certificates[0]?.serversBehind).toEqual(expected);
  });

  it('a new thumbprint: every server moves to it, which the thumbprint line says (no servers line)', () => {
    const review = reviewOf(previewDocument([step({ op: 'update', old: oldState({}, URN, { [FE[0]!]: { current: A.thumbprint, previous: null } }), new: newState({ thumbprint: B.thumbprint, pool: poolOf([FE[0]!]) }) })]));
    expect(review.certificates[0]?.serversBehind).toEqual([{ server: FE[0], current: A.thumbprint }]);
    const markdown = renderReviewMarkdown(review);
    expect(markdown).toContain(`- Thumbprint: \`${A.thumbprint}\` → \`${B.thumbprint}\``);
    expect(markdown).not.toContain('- Servers');
  });

  it('lists 20 servers and counts the rest', () => {
    const many = Array.from({ length: 23 }, (_, i) => `fe${String(i).padStart(2, '0')}.contoso.com`);
    const markdown = renderReviewMarkdown(resumed(Object.fromEntries(many.map((s) => [s, { current: A.thumbprint, previous: null }])), poolOf(many)));
    expect(markdown).toContain('`fe19.contoso.com`');
    expect(markdown).not.toContain('`fe20.contoso.com`');
    expect(markdown).toContain(', and 3 more');
  });
});

describe('reviewPreview: the plan line is kept at any pool size', () => {
  // 200 servers with long FQDNs (three 60-character labels each), all on the old certificate: the
  // line the provider writes names three and counts the rest.
  const servers = Array.from({ length: 200 }, (_, i) => `fe${String(i + 1).padStart(3, '0')}.${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.contoso.com`);
  const deployment = planDeployment(
    { reports: servers.map((server) => ({ server, current: A.thumbprint })), current: { thumbprint: A.thumbprint, notAfter: new Date(A.notAfter) } },
    { thumbprint: B.thumbprint, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date(B.notAfter), effectiveDate: new Date(ROLL_AT) },
    { servers, zone: zoneOfIana('UTC')! },
    NOW,
  );
  const line = `${ROLL_PLAN}; ${deployment.plan!.summary}`;

  it('the provider\'s line for 200 servers is one line the review shows whole', () => {
    expect(line).toContain(' and 197 more behind; roll 4D95.. at 2027-01-15T00:00:00Z');
    expect(line.length).toBeLessThan(MAX_PLAN_CHARS);
    const review = reviewOf(previewDocument([step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, plan: line, effectiveDate: ROLL_AT, pool: poolOf(servers) }) })]));
    expect(review.certificates[0]!.plan).toBe(line);
    expect(renderReviewMarkdown(review)).toContain(`- Plan: \`${line}\``);
  });

  it('a line longer than any the provider writes is cut and says so, never dropped', () => {
    const long = `${line}; ${'x'.repeat(MAX_PLAN_CHARS)}`;
    const review = reviewOf(previewDocument([step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, plan: long }) })]));
    expect(review.certificates[0]!.plan).toBe(`${long.slice(0, MAX_PLAN_CHARS)}... (${long.length - MAX_PLAN_CHARS} more characters)`);
  });
});

describe('reviewPreview: days left', () => {
  it.each([
    ['years ahead', '2026-12-01T00:00:00Z', DAYS_TO_A],
    ['one minute short of a day', '2034-12-31T00:01:00Z', 0],
    ['exactly one day', '2034-12-31T00:00:00Z', 1],
    ['at NotAfter', '2035-01-01T00:00:00Z', 0],
    ['one minute after NotAfter: expired', '2035-01-01T00:01:00Z', -1],
    ['ten days after', '2035-01-11T00:00:00Z', -10],
  ])('%s', (_name, now, days) => {
    const review = reviewOf(previewDocument([step({ op: 'create', new: newState() })]), new Date(now));
    expect(review.certificates[0]?.daysLeft).toBe(days);
  });
});

describe('reviewPreview: warnings and failures', () => {
  it('a check failure: the certificate has no step, the failure has its code, property and sentence (not the value)', () => {
    const review = reviewOf(previewDocument([], [checkFailure('certificate', '<nil>', BAD_PASSWORD)]));
    expect(review.certificates).toEqual([
      certificate({
        operation: null, engineOperations: [], plan: null, newThumbprint: null, notAfter: null, daysLeft: null,
        failures: [{ code: 'PFX_BAD_PASSWORD', property: 'certificate', message: BAD_PASSWORD.slice('PFX_BAD_PASSWORD: '.length) }],
      }),
    ]);
  });

  it('every check failure of a resource, in order; a value holding the engine phrase does not fool the parser', () => {
    const review = reviewOf(previewDocument([], [
      checkFailure('minKeyBits', '2048', 'KEY_TOO_SMALL: The `pfx` input\'s RSA key is 1024 bits, below the required 2048; request a certificate with a key of at least 2048 bits.'),
      checkFailure('sipDomain', 'x has a problem: PFX_BAD_PASSWORD: no', 'SIP_DOMAIN_MISSING: The certificate does not name it.'),
    ]));
    expect(review.certificates[0]?.failures).toEqual([
      { code: 'KEY_TOO_SMALL', property: 'minKeyBits', message: 'The `pfx` input\'s RSA key is 1024 bits, below the required 2048; request a certificate with a key of at least 2048 bits.' },
      { code: 'SIP_DOMAIN_MISSING', property: 'sipDomain', message: 'The certificate does not name it.' },
    ]);
  });

  it.each<[string, Record<string, unknown>[], Record<string, unknown>[], { on: string[]; other: string[] }]>([
    [
      'a warning naming the new thumbprint goes to that certificate',
      [step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint }) })],
      [providerWarning(EXPIRES_SOON(B.thumbprint))],
      { on: ['CERT_EXPIRES_SOON'], other: [] },
    ],
    [
      'a warning on the certificate\'s URN goes to it',
      [step({ op: 'create', new: newState() })],
      [{ urn: URN, message: 'warning CHAIN_INCOMPLETE: The chain is incomplete.', severity: 'warning' }],
      { on: ['CHAIN_INCOMPLETE'], other: [] },
    ],
    [
      'a warning of an unchanged certificate (no step) stays with the preview',
      [],
      [providerWarning(EXPIRES_SOON(A.thumbprint))],
      { on: [], other: ['CERT_EXPIRES_SOON'] },
    ],
    [
      'the same warning printed twice (check runs more than once) is shown once',
      [step({ op: 'create', new: newState() })],
      [providerWarning(EXPIRES_SOON(A.thumbprint)), providerWarning(EXPIRES_SOON(A.thumbprint))],
      { on: ['CERT_EXPIRES_SOON'], other: [] },
    ],
    [
      'several warning lines in one diagnostic',
      [step({ op: 'create', new: newState() })],
      [providerWarning(`${EXPIRES_SOON(A.thumbprint)}\nwarning CERT_SHA1_SIGNATURE: The certificate (${A.thumbprint}) is signed with SHA-1.`)],
      { on: ['CERT_EXPIRES_SOON', 'CERT_SHA1_SIGNATURE'], other: [] },
    ],
    [
      'a line with a code outside the vocabulary is not a provider warning',
      [step({ op: 'create', new: newState() })],
      [providerWarning(`warning NOT_OURS: something (${A.thumbprint})`)],
      { on: [], other: [] },
    ],
    [
      'a code of this project that check never prints (a status warning), or one a letter longer than RENEWAL_LATE, is not a provider warning',
      [step({ op: 'create', new: newState() })],
      [providerWarning(`warning SERVERS_DISAGREE: something (${A.thumbprint})`), providerWarning(RENEWAL_LATE(A.thumbprint).replace('RENEWAL_LATE', 'RENEWAL_LATES'))],
      { on: [], other: [] },
    ],
    [
      'an issuer\'s late renewal (RENEWAL_LATE) goes to the certificate whose current thumbprint it names',
      [step({ op: 'update', old: oldState(), new: newState({ thumbprint: UNKNOWN }) })],
      [providerWarning(RENEWAL_LATE(A.thumbprint))],
      { on: ['RENEWAL_LATE'], other: [] },
    ],
    [
      'a late renewal that plans no step (nothing ordered) stays with the preview',
      [],
      [providerWarning(RENEWAL_LATE(A.thumbprint))],
      { on: [], other: ['RENEWAL_LATE'] },
    ],
    [
      'a deprecated pool option (POOL_OPTION_DEPRECATED) names no thumbprint: it stays with the preview',
      [step({ op: 'create', new: newState() })],
      [providerWarning(DATE_CULTURE_DEPRECATED)],
      { on: [], other: ['POOL_OPTION_DEPRECATED'] },
    ],
  ])('%s', (_name, steps, diagnostics, expected) => {
    const review = reviewOf(previewDocument(steps, diagnostics));
    expect((review.certificates[0]?.warnings ?? []).map((w) => w.code)).toEqual(expected.on);
    expect(review.otherWarnings.map((w) => w.code)).toEqual(expected.other);
  });

  it('quotes RENEWAL_LATE and POOL_OPTION_DEPRECATED word for word, as the engine printed them', () => {
    const review = reviewOf(previewDocument([step({ op: 'update', old: oldState(), new: newState({ thumbprint: UNKNOWN }) })], [providerWarning(RENEWAL_LATE(A.thumbprint)), providerWarning(DATE_CULTURE_DEPRECATED)]));
    expect(review.certificates[0]?.warnings).toEqual([
      {
        code: 'RENEWAL_LATE',
        message: `Renewal of the OAuthTokenIssuer certificate ${A.thumbprint} was due at 2034-12-22T00:00:00Z; a roll 24h ahead would land less than 24 hours before its NotAfter 2035-01-01T00:00:00Z, so the new certificate rolls at 2034-12-31T00:00:00Z, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`,
      },
    ]);
    expect(review.otherWarnings).toEqual([
      { code: 'POOL_OPTION_DEPRECATED', message: 'The pool\'s `dateCulture` ("de-DE") is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers\' Region and Language format no longer matters; remove it.' },
    ]);
  });

  it('a warning message is cleaned: no terminal colours, one line, the trailing blank lines gone', () => {
    const review = reviewOf(previewDocument([], [providerWarning('warning PFX_NO_MAC: \u001b[33mThe file has\u001b[0m no MAC.\t')]));
    expect(review.otherWarnings).toEqual([{ code: 'PFX_NO_MAC', message: 'The file has no MAC.' }]);
  });

  it('the program\'s own SfbError is a failure of the preview (its first line only); other errors are counted, not shown', () => {
    const thrown =
      'error: Running program \'/tmp/p/index.ts\' failed with an unhandled exception:\nSfbError INVALID_ARGUMENT: OAuthTokenIssuer certificate "oauth": The `sipDomain` argument "not a domain" is not a DNS domain.\n    at new OAuthTokenIssuerCertificate (/x/resource.ts:149:13)\n';
    const review = reviewOf(previewDocument([], [
      { urn: 'urn:pulumi:test::rvexp::pulumi:pulumi:Stack::rvexp-test', message: thrown, severity: 'error' },
      { message: 'error: something else failed with password hunter2 in it', severity: 'error' },
      { message: 'just information', severity: 'info' },
    ]));
    expect(review.certificates).toEqual([]);
    expect(review.otherFailures).toEqual([{ code: 'INVALID_ARGUMENT', property: null, message: 'OAuthTokenIssuer certificate "oauth": The `sipDomain` argument "not a domain" is not a DNS domain.' }]);
    expect(review.otherErrorCount).toBe(1);
    expect(renderReviewMarkdown(review)).not.toContain('hunter2');
  });

  it('blanks out a plaintext secret the document reveals, should a message ever hold it', () => {
    const password = 'Plaintext-Password-42';
    const review = reviewOf(previewDocument(
      [step({ op: 'create', new: newState({ password, pfx: 'MIIKcQIBAzCCCjcGCSqGSIb3DQEHAaCCCigEggok' }) })],
      [providerWarning(`warning PFX_NO_MAC: The file opened with ${password} has no MAC (${A.thumbprint}).`)],
    ));
    expect(review.certificates[0]?.warnings).toEqual([{ code: 'PFX_NO_MAC', message: `The file opened with [secret] has no MAC (${A.thumbprint}).` }]);
  });
});

describe('reviewPreview and renderReviewMarkdown: bounded by the input, not by certificates × warnings', () => {
  const warningNaming = (thumbprints: string[], i: number) => providerWarning(`warning CERT_EXPIRES_SOON: The certificate (${thumbprints.join(', ')}) expires soon, number ${i}.`);
  const updates = (count: number) => Array.from({ length: count }, (_, i) => step({ op: 'update', urn: urnOf(`c${i}`), old: oldState({}, urnOf(`c${i}`)), new: newState({ thumbprint: B.thumbprint }, urnOf(`c${i}`)) }));

  it('each certificate lists its first MAX_FINDINGS warnings and counts the rest', () => {
    const review = reviewOf(previewDocument(updates(3), Array.from({ length: MAX_FINDINGS + 10 }, (_, i) => warningNaming([B.thumbprint], i))));
    for (const c of review.certificates) {
      expect(c.warnings.map((w) => w.message)).toEqual(Array.from({ length: MAX_FINDINGS }, (_, i) => `The certificate (${B.thumbprint}) expires soon, number ${i}.`));
      expect(c.moreWarnings).toBe(10);
    }
    expect(renderedBlocks(renderReviewMarkdown(review))).toContain('and 10 more warnings, not shown here: see the `pulumi preview` log');
  });

  it('counts a warning once when it names both thumbprints, or is also on the URN', () => {
    const own = { urn: urnOf('c0'), message: `warning CERT_EXPIRES_SOON: The certificate (${A.thumbprint}, ${B.thumbprint}) expires soon, number 0.`, severity: 'warning' };
    const review = reviewOf(previewDocument(updates(1), [own, warningNaming([A.thumbprint, B.thumbprint], 0), warningNaming([A.thumbprint], 1), warningNaming([B.thumbprint], 2)]));
    expect(review.certificates[0]).toMatchObject({ moreWarnings: 0 });
    // Its URN's first, then those naming its thumbprints (by thumbprint), each once.
    expect(review.certificates[0]?.warnings.map((w) => w.message.slice(-9))).toEqual(['number 0.', 'number 2.', 'number 1.']);
  });

  it('the comment stays under GitHub\'s 65,536 characters and says how many sections it leaves out', () => {
    const markdown = renderReviewMarkdown(reviewOf(previewDocument(updates(2000))));
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown.length).toBeGreaterThan(MAX_COMMENT_CHARS - 1000);
    expect(markdown).toMatch(/\n\d+ more sections are not shown here \(a pull-request comment holds at most 65,536 characters\): see the `pulumi preview` log\.\n$/);
    const listed = headingsOf(markdown).length - 1;
    expect(markdown).toContain(`${2000 - listed} more sections`);
  });
});

describe('reviewPreview: a preview with nothing to review', () => {
  it('takes a document with no steps (a preview that failed early) as a review with nothing to say', () => {
    const read = readPreviewDocument({ changeSummary: {} });
    expect(read).toEqual({ ok: true, facts: { steps: [], diagnostics: [] } });
    expect(read.ok && reviewPreview(read.facts, NOW)).toEqual({ now: NOW, certificates: [], otherWarnings: [], otherFailures: [], otherErrorCount: 0 });
  });
});
