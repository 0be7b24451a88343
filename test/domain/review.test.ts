/**
 * The review of `pulumi preview --json` (issue #8, part 5), on the shapes the real CLI printed
 * (test/builders/preview-json.ts; the live documents are reviewed in
 * test/integration/review.int.test.ts).
 */
import { CERTIFICATE_TYPE, checkFailureParts, MAX_COMMENT_CHARS, MAX_FINDINGS, NO_CHANGES, REVIEW_MARKER, renderReviewMarkdown, reviewPreview, type CertificateReview, type PreviewReview } from '../../provider/domain/review';
import { visible } from '../../provider/domain/markdown';
import { headingsOf, liveConstructs, renderedBlocks } from '../support/markdown';
import { HOSTILE } from '../support/hostile-strings';
import { A, B, checkFailure, newState, oldState, poolOf, previewDocument, providerWarning, SECRET_ENVELOPE, STACK_URN, step, UNKNOWN, URN, urnOf } from '../builders/preview-json';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAYS_TO_A = 2953; // 2026-12-01 .. 2035-01-01
const ROLL_AT = '2027-01-15T00:00:00.000Z';
const ROLL_PLAN = 'current 999F.. → previous at 2027-01-15T00:00Z; new 4D95.. current at 2027-01-15T00:00Z';

function reviewOf(document: unknown, now = NOW): PreviewReview {
  const outcome = reviewPreview(document, now);
  if (!outcome.ok) throw new Error(`not reviewed: ${outcome.reason}`);
  return outcome.review;
}

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
  ...overrides,
});

describe('reviewPreview: one certificate per operation', () => {
  it.each<[string, Record<string, unknown>[], CertificateReview]>([
    ['create', [step({ op: 'create', new: newState() })], certificate({})],
    [
      'update to another PFX with a scheduled effective date',
      [step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, notAfter: B.notAfter, plan: ROLL_PLAN, effectiveDate: ROLL_AT }) })],
      certificate({ operation: 'update', engineOperations: ['update'], plan: ROLL_PLAN, oldThumbprint: A.thumbprint, newThumbprint: B.thumbprint, notAfter: B.notAfter }),
    ],
    [
      'same (`--show-sames`)',
      [step({ op: 'same', old: oldState(), new: newState({ plan: 'current 999F.. unchanged' }) })],
      certificate({ operation: 'same', engineOperations: ['same'], plan: 'current 999F.. unchanged', oldThumbprint: A.thumbprint }),
    ],
    [
      'delete: the old certificate, no plan',
      [step({ op: 'delete', old: oldState() })],
      certificate({ operation: 'delete', engineOperations: ['delete'], plan: null, oldThumbprint: A.thumbprint, newThumbprint: null }),
    ],
    [
      'replace (create-replacement, replace, delete-replaced)',
      [
        step({ op: 'create-replacement', old: oldState(), new: newState({ thumbprint: B.thumbprint }) }),
        step({ op: 'replace', old: oldState(), new: newState({ thumbprint: B.thumbprint }) }),
        step({ op: 'delete-replaced', old: oldState() }),
      ],
      certificate({ operation: 'replace', engineOperations: ['create-replacement', 'replace', 'delete-replaced'], oldThumbprint: A.thumbprint, newThumbprint: B.thumbprint }),
    ],
    [
      'an engine operation without a review meaning (read)',
      [step({ op: 'read', new: newState() })],
      certificate({ operation: 'other', engineOperations: ['read'] }),
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

describe('reviewPreview: an update of a certificate the store already holds (after POOL_NOT_CONVERGED, issue #19 item 3)', () => {
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

const BAD_PASSWORD = 'PFX_BAD_PASSWORD: The password does not open the `pfx` input: its integrity check or decryption failed; supply the password the file was exported with.';
const EXPIRES_SOON = (thumbprint: string) =>
  `warning CERT_EXPIRES_SOON: The \`pfx\` input's certificate (${thumbprint}) expires at 2026-12-06T03:59Z, within 30 days of now (2026-11-26T03:59Z); plan its renewal.`;

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
  ])('%s', (_name, steps, diagnostics, expected) => {
    const review = reviewOf(previewDocument(steps, diagnostics));
    expect((review.certificates[0]?.warnings ?? []).map((w) => w.code)).toEqual(expected.on);
    expect(review.otherWarnings.map((w) => w.code)).toEqual(expected.other);
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

describe('checkFailureParts: the engine\'s check-failure line, parsed in linear time (issue #19, item 2)', () => {
  /** The regular expression it replaced (quadratic on `property a value ` repeated): the behaviour to keep. */
  const before = (message: string) => {
    const match = /property (\S+) value [\s\S]* has a problem: ([A-Z][A-Z0-9_]*): ([^\n]*)/.exec(message);
    return match ? { property: match[1], code: match[2], reason: match[3] } : undefined;
  };

  it.each([
    ['the engine\'s line', `error: ${CERTIFICATE_TYPE} resource 'oauth': property certificate value {<nil>} has a problem: PFX_BAD_PASSWORD: The password does not open it.\n`],
    ['a value holding the phrase', 'property sipDomain value {x has a problem: PFX_BAD_PASSWORD: no} has a problem: SIP_DOMAIN_MISSING: It does not.'],
    ['a value over lines', 'property a value {x\ny\n} has a problem: KEY_TOO_SMALL: small\nmore'],
    ['an empty value', 'property a value  has a problem: KEY_TOO_SMALL: small'],
    ['no value', 'property a value has a problem: KEY_TOO_SMALL: small'],
    ['a code without its colon and space', 'property a value v has a problem: KEY_TOO_SMALL:small'],
    ['a later tail without a code', 'property a value v has a problem: KEY_TOO_SMALL: x has a problem: lower: y'],
    ['the property phrase repeated', 'property a value property b value c has a problem: KEY_TOO_SMALL: z'],
    ['a property phrase after the tail', 'x has a problem: KEY_TOO_SMALL: z property a value b'],
    ['property with no name', 'property  value x has a problem: KEY_TOO_SMALL: z'],
    ['the hostile diagnostic of the issue', `${'property a value '.repeat(200)} has a problem: KEY_TOO_SMALL: z`],
  ])('as before: %s', (_name, message) => {
    expect(checkFailureParts(message)).toEqual(before(message));
  });

  it('as before on 3,000 messages made of the phrases it looks for', () => {
    const pieces = ['property ', 'value ', ' value ', ' has a problem: ', 'KEY_TOO_SMALL: ', 'A: ', 'x', ' ', '\n', ':', 'property\u00a0'];
    let seed = 19;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 3000; i++) {
      const message = Array.from({ length: 1 + (next() % 12) }, () => pieces[next() % pieces.length]).join('');
      expect([message, checkFailureParts(message)]).toEqual([message, before(message)]);
    }
  });
});

describe('reviewPreview and renderReviewMarkdown: bounded by the input, not by certificates × warnings (issue #19, item 2)', () => {
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

describe('reviewPreview: input that is not `pulumi preview --json`', () => {
  it.each<[string, unknown, string]>([
    ['an array', [], 'it is a JSON array, not the object `pulumi preview --json` prints'],
    ['null', null, 'it is null, not the object `pulumi preview --json` prints'],
    ['a string', 'Previewing update', 'it is a JSON string, not the object `pulumi preview --json` prints'],
    ['an empty object', {}, 'it has none of "steps", "changeSummary" and "diagnostics" (it is an empty object)'],
    ['`pulumi stack export`', { version: 3, deployment: {} }, 'it has none of "steps", "changeSummary" and "diagnostics" (its keys are "version", "deployment")'],
    ['steps not an array', { steps: {} }, '"steps" is not an array'],
    ['diagnostics not an array', { steps: [], diagnostics: 'x' }, '"diagnostics" is not an array'],
    ['a step without a urn', { steps: [{ op: 'create' }] }, 'steps[0] is not a step with a string "op" and "urn"'],
    ['a diagnostic without a message', { steps: [], diagnostics: [{ severity: 'error' }] }, 'diagnostics[0] has no string "message"'],
  ])('%s', (_name, document, reason) => {
    expect(reviewPreview(document, NOW)).toEqual({ ok: false, reason });
  });

  it('takes a document with no steps (a preview that failed early) as a review with nothing to say', () => {
    expect(reviewPreview({ changeSummary: {} }, NOW)).toEqual({ ok: true, review: { now: NOW, certificates: [], otherWarnings: [], otherFailures: [], otherErrorCount: 0 } });
  });
});

describe('renderReviewMarkdown', () => {
  const render = (steps: Record<string, unknown>[], diagnostics?: Record<string, unknown>[], now = NOW) => renderReviewMarkdown(reviewOf(previewDocument(steps, diagnostics), now));

  it('an update: plan line, thumbprint old → new, NotAfter with days left', () => {
    const markdown = render([step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, notAfter: B.notAfter, plan: ROLL_PLAN, effectiveDate: ROLL_AT }) })]);
    expect(markdown).toBe(
      [
        REVIEW_MARKER,
        '### OAuthTokenIssuer certificates in this preview',
        '',
        'Days left are counted from 2026-12-01T00:00Z.',
        '',
        '#### `oauth`: update',
        '',
        `- Plan: \`${ROLL_PLAN}\``,
        `- Thumbprint: \`${A.thumbprint}\` → \`${B.thumbprint}\``,
        `- NotAfter: 2035-01-01T00:00Z (${DAYS_TO_A} days left)`,
        '',
      ].join('\n'),
    );
  });

  it.each<[string, Record<string, unknown>[], Record<string, unknown>[] | undefined, string[]]>([
    ['nothing to say', [], undefined, [NO_CHANGES]],
    ['an unchanged certificate\'s warning: no changes, and the warning', [], [providerWarning(EXPIRES_SOON(A.thumbprint))], [NO_CHANGES, '#### Not tied to a certificate listed above', '- **Warning** `CERT_EXPIRES_SOON`: The `pfx` input\'s certificate']],
    ['a create', [step({ op: 'create', new: newState() })], undefined, ['#### `oauth`: create', `- Thumbprint: (none) → \`${A.thumbprint}\``]],
    ['a delete', [step({ op: 'delete', old: oldState() })], undefined, ['#### `oauth`: delete', `- Thumbprint: \`${A.thumbprint}\` → (none)`, `- NotAfter: 2035-01-01T00:00Z (${DAYS_TO_A} days left)`]],
    ['--show-sames', [step({ op: 'same', old: oldState(), new: newState({ plan: 'current 999F.. unchanged' }) })], undefined, [NO_CHANGES, '#### `oauth`: no change', `- Thumbprint: \`${A.thumbprint}\` (unchanged)`]],
    ['a check failure', [], [checkFailure('certificate', '<nil>', BAD_PASSWORD)], ['#### `oauth`: not planned: its check failed', '- **Failure** `PFX_BAD_PASSWORD` on `certificate`: The password does not open the `pfx` input: its integrity check']],
    ['hidden values', [step({ op: 'create', new: newState({ thumbprint: UNKNOWN, plan: '[secret]' }) })], undefined, ['- Plan: (secret, not shown)', '- Thumbprint: (none) → (known after `pulumi up`)']],
    ['other errors counted, and no claim of no changes (the preview may have stopped early)', [], [{ message: 'error: boom', severity: 'error' }], ['The preview reported 1 other error, not shown here: see the `pulumi preview` log.']],
    ['other operations named', [step({ op: 'read', new: newState() })], undefined, ['#### `oauth`: other (`read`)']],
  ])('%s', (_name, steps, diagnostics, lines) => {
    const markdown = render(steps, diagnostics);
    const shown = renderedBlocks(markdown).join('\n');
    // The review's own lines as written; a finding's message as a reader sees it (its text is escaped).
    for (const line of lines) {
      if (line.startsWith('- **')) expect(shown).toContain(line.slice(2).replace(/\*\*/g, ''));
      else expect(markdown).toContain(line);
    }
    if (!lines.includes(NO_CHANGES)) expect(markdown).not.toContain(NO_CHANGES);
  });

  it.each([
    ['one day left', '2034-12-31T00:00:00Z', '(1 day left)'],
    ['expired', '2035-01-03T00:00:00Z', '(expired 2 days ago)'],
  ])('days: %s', (_name, now, words) => {
    expect(render([step({ op: 'create', new: newState() })], undefined, new Date(now))).toContain(words);
  });

  it('never prints the secret inputs, masked or in plaintext', () => {
    const secrets = { password: 'Plaintext-Password-42', pfx: 'MIIKcQIBAzCCCjcGCSqGSIb3DQEHAaCCCigEggok', storePassphrase: 'store-passphrase-plain' };
    const markdown = render([step({ op: 'update', old: oldState(secrets), new: newState({ ...secrets, thumbprint: B.thumbprint }) })]);
    expect(markdown).toContain(`\`${A.thumbprint}\` → \`${B.thumbprint}\``);
    for (const secret of Object.values(secrets)) expect(markdown).not.toContain(secret);
    expect(markdown).not.toContain('[secret]');
  });
});

describe('renderReviewMarkdown: text from the preview adds no link, image, HTML or other construct, in any field (issue #19, item 1)', () => {
  /** A preview with `hostile` in one field, and what the review shows of it (undefined: refused, or only part shown). */
  const FIELDS: readonly (readonly [string, (hostile: string) => { steps: Record<string, unknown>[]; diagnostics?: Record<string, unknown>[] }])[] = [
    ['the resource name (in the URN)', (h) => ({ steps: [step({ op: 'create', urn: urnOf(h), new: newState({}, urnOf(h)) })] })],
    ['an engine operation (`op`)', (h) => ({ steps: [step({ op: h, new: newState() })] })],
    ['the plan line', (h) => ({ steps: [step({ op: 'create', new: newState({ plan: h }) })] })],
    ['the thumbprint and NotAfter', (h) => ({ steps: [step({ op: 'update', old: oldState({ thumbprint: h, notAfter: h }), new: newState({ thumbprint: h, notAfter: h }) })] })],
    ['a check failure\'s property', (h) => ({ steps: [], diagnostics: [checkFailure(h, 'x', 'SIP_DOMAIN_MISSING: The certificate does not name it.')] })],
    ['a check failure\'s value', (h) => ({ steps: [], diagnostics: [checkFailure('sipDomain', h, 'SIP_DOMAIN_MISSING: The certificate does not name it.')] })],
    ['a certificate CN in SIP_DOMAIN_MISSING', (h) => ({ steps: [], diagnostics: [checkFailure('sipDomain', 'contoso.com', `SIP_DOMAIN_MISSING: The certificate (CN=${h}) does not name contoso.com; request one that does.`)] })],
    ['a warning on the certificate', (h) => ({ steps: [step({ op: 'create', new: newState() })], diagnostics: [{ urn: URN, message: `warning CHAIN_INCOMPLETE: ${h}`, severity: 'warning' }] })],
    ['a warning of the provider with no URN', (h) => ({ steps: [], diagnostics: [providerWarning(`warning PFX_NO_MAC: ${h}`)] })],
    ['the program\'s SfbError', (h) => ({ steps: [], diagnostics: [{ urn: STACK_URN, message: `error: SfbError INVALID_ARGUMENT: ${h}\n    at x`, severity: 'error' }] })],
    ['a diagnostic\'s URN', (h) => ({ steps: [], diagnostics: [{ urn: urnOf(h), message: 'warning CHAIN_INCOMPLETE: The chain is incomplete.', severity: 'warning' }] })],
    [
      'a Front End Server\'s name and recorded certificate',
      (h) => ({ steps: [step({ op: 'update', old: oldState({}, URN, { [h]: { current: h, previous: h } }), new: newState({ pool: poolOf([h, 'fe01.contoso.com']) }) })] }),
    ],
  ];

  const render = (steps: Record<string, unknown>[], diagnostics?: Record<string, unknown>[]) => renderReviewMarkdown(reviewOf(previewDocument(steps, diagnostics)));
  const cases = FIELDS.flatMap(([field, build]) => HOSTILE.map(([kind, hostile]) => [field, kind, build(hostile)] as const));

  it.each(cases)('%s: %s', (_field, _kind, preview) => {
    const markdown = render(preview.steps, preview.diagnostics);
    // The first line is the review's own HTML comment (REVIEW_MARKER): nothing else is HTML.
    expect(markdown.startsWith(`${REVIEW_MARKER}\n`)).toBe(true);
    expect(liveConstructs(markdown.slice(REVIEW_MARKER.length))).toEqual([]);
    // The review's own headings only: the title, one per certificate, and the one for the rest.
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings.length).toBeLessThanOrEqual(3);
    expect(headingsOf(markdown)).toHaveLength(headings.length);
    // No invisible character reaches the comment (they are shown as \uXXXX).
    expect(markdown).not.toMatch(/[\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|[^\P{Cc}\n]/u);
    // Outside code spans, no mention or issue reference for GitHub to link.
    for (const block of renderedBlocks(markdown)) expect(block.replace(/`[^`]*`/g, '')).not.toMatch(/@\w|#\d|\bGH-\d/i);
  });

  it.each(HOSTILE)('a resource name is shown whole, in its heading: %s', (_kind, hostile) => {
    const markdown = render([step({ op: 'create', urn: urnOf(hostile), new: newState({}, urnOf(hostile)) })]);
    expect(headingsOf(markdown)).toEqual(['OAuthTokenIssuer certificates in this preview', `\`${visible(hostile)}\`: create`]);
  });

  it.each(HOSTILE)('a message is shown whole, on one line: %s', (_kind, hostile) => {
    const markdown = render([step({ op: 'create', new: newState() })], [{ urn: URN, message: `warning CHAIN_INCOMPLETE: ${hostile.replace(/[\r\n]+/g, ' ')}`, severity: 'warning' }]);
    // eslint-disable-next-line no-control-regex -- as cleanMessage does: controls become spaces.
    const oneLine = visible(hostile.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim());
    expect(renderedBlocks(markdown).map((block) => block.replace(/\u200B/g, ''))).toContain(`Warning CHAIN_INCOMPLETE: ${oneLine}`.replace('CHAIN_INCOMPLETE', '`CHAIN_INCOMPLETE`'));
  });
});
