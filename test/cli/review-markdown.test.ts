/**
 * The review's Markdown: the comment's lines, and text from the preview, in every field, adding
 * no link, image, HTML or other construct (a pull request's program shapes the preview).
 */
import { visible } from '../../provider/cli/markdown';
import { NO_CHANGES, REVIEW_MARKER, renderReviewMarkdown } from '../../provider/cli/review-markdown';
import { headingsOf, liveConstructs, renderedBlocks } from '../support/markdown';
import { HOSTILE } from '../support/hostile-strings';
import { timelineParts } from '../support/review-timeline';
import {
  A, B, BAD_PASSWORD, checkFailure, DATE_CULTURE_DEPRECATED, DAYS_TO_A, EXPIRES_SOON, newState, NOW, oldState, poolOf, previewDocument, providerWarning, RENEWAL_LATE, reviewOf, ROLL_AT, ROLL_PLAN, STACK_URN, step,
  UNKNOWN, URN, urnOf,
} from '../builders/preview-json';

describe('renderReviewMarkdown', () => {
  const render = (steps: Record<string, unknown>[], diagnostics?: Record<string, unknown>[], now = NOW) => renderReviewMarkdown(reviewOf(previewDocument(steps, diagnostics), now));

  it('an update: plan line, thumbprint old → new, NotAfter with days left, and the roll timeline as a chart and a table', () => {
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
        '```mermaid',
        'gantt',
        '    dateFormat YYYY-MM-DD HH:mm',
        '    axisFormat %Y-%m-%d',
        '    todayMarker off',
        '    section current 999F89E1',
        '    current 999F89E1 valid : 2025-01-01 00:00, 2035-01-01 00:00',
        '    limit 999F89E1 latest roll : milestone, 2034-12-31 00:00, 0d',
        '    section new 4D95D96A',
        '    new 4D95D96A becomes current : milestone, 2027-01-15 00:00, 0d',
        '    new 4D95D96A valid : 2025-01-01 00:00, 2035-01-01 00:00',
        '```',
        '',
        '| Certificate | Event | When (UTC) |',
        '| --- | --- | --- |',
        '| current 999F89E1 | valid from (NotBefore) | 2025-01-01T00:00Z |',
        '| current 999F89E1 | valid until (NotAfter) | 2035-01-01T00:00Z |',
        '| limit 999F89E1 | latest effective date of a scheduled roll: 24 hours before the current NotAfter | 2034-12-31T00:00Z |',
        '| new 4D95D96A | becomes current (effective date) | 2027-01-15T00:00Z |',
        '| new 4D95D96A | valid from (NotBefore) | 2025-01-01T00:00Z |',
        '| new 4D95D96A | valid until (NotAfter) | 2035-01-01T00:00Z |',
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
    [
      'an issuer\'s late renewal: RENEWAL_LATE under the certificate, word for word',
      [step({ op: 'update', old: oldState(), new: newState({ thumbprint: UNKNOWN }) })],
      [providerWarning(RENEWAL_LATE(A.thumbprint))],
      [
        '#### `oauth`: update',
        `- **Warning** \`RENEWAL_LATE\`: Renewal of the OAuthTokenIssuer certificate ${A.thumbprint} was due at 2034-12-22T00:00:00Z; a roll 24h ahead would land less than 24 hours before its NotAfter 2035-01-01T00:00:00Z, so the new certificate rolls at 2034-12-31T00:00:00Z, the latest instant Skype's 24-hour rule allows, and partners have less time to see it. Run \`pulumi up\` on a schedule (README, "Renewal") so renewal starts at its due date.`,
      ],
    ],
    [
      'a deprecated pool option: POOL_OPTION_DEPRECATED with the preview',
      [],
      [providerWarning(DATE_CULTURE_DEPRECATED)],
      [NO_CHANGES, '#### Not tied to a certificate listed above', '- **Warning** `POOL_OPTION_DEPRECATED`: The pool\'s `dateCulture` ("de-DE") is deprecated and ignored: the effective date reaches the servers as an instant, not as text in a culture, so the servers\' Region and Language format no longer matters; remove it.'],
    ],
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
    ['a code outside the vocabulary', `warning NOT_OURS: Renewal of ${A.thumbprint} is late.`],
    ['a code of this project that check never prints (a status warning)', `warning SERVERS_DISAGREE: Renewal of ${A.thumbprint} is late.`],
    ['a code one letter longer than RENEWAL_LATE', RENEWAL_LATE(A.thumbprint).replace('RENEWAL_LATE', 'RENEWAL_LATES')],
  ])('a warning line with %s is not quoted: the comment is the one without it', (_name, line) => {
    const steps = [step({ op: 'update', old: oldState(), new: newState({ thumbprint: UNKNOWN }) })];
    expect(render(steps, [providerWarning(line)])).toBe(render(steps));
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

describe('renderReviewMarkdown: text from the preview adds no link, image, HTML or other construct, in any field', () => {
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
    ['a late renewal of the provider with no URN', (h) => ({ steps: [], diagnostics: [providerWarning(`warning RENEWAL_LATE: ${h}`)] })],
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
    // The first line is the review's own HTML comment (REVIEW_MARKER): nothing else is HTML. The
    // roll timelines (a Mermaid chart and a table) are the review's own when every line of them
    // is one it writes from its fixed alphabet (test/support/review-timeline.ts); the rest holds
    // no construct at all.
    expect(markdown.startsWith(`${REVIEW_MARKER}\n`)).toBe(true);
    expect(liveConstructs(timelineParts(markdown).rest.slice(REVIEW_MARKER.length))).toEqual([]);
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
