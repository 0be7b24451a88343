/**
 * The review's roll timeline as a reader gets it: a Mermaid gantt chart that Mermaid's own parser
 * reads as the same facts the table beside it states, in any viewer's time zone; and labels from a
 * fixed alphabet, whatever text the preview holds (test/support/hostile-strings.ts).
 */
import { renderReviewMarkdown } from '../../provider/cli/review-markdown';
import { LABEL_ALPHABET } from '../../provider/cli/review-timeline-markdown';
import { A, B, newState, oldState, poolOf, previewDocument, reviewOf, ROLL_AT, ROLL_PLAN, step, urnOf } from '../builders/preview-json';
import { HOSTILE } from '../support/hostile-strings';
import { liveConstructs } from '../support/markdown';
import { mermaidBlocks, parseMermaid, type ParsedChart, type ParsedTask } from '../support/mermaid';
import { timelineParts } from '../support/review-timeline';

type Json = Record<string, unknown>;

const PREVIOUS = '1111AAAA2222BBBB3333CCCC4444DDDD5555EEEE';
const SERVERS = { 'fe01.contoso.com': { current: A.thumbprint, previous: PREVIOUS, previousNotAfter: '2026-12-20T00:00:00Z' } };

/** Previews whose certificates have timelines of every shape. */
const SCENARIOS: readonly (readonly [string, Json[]])[] = [
  ['a scheduled roll', [step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, plan: ROLL_PLAN, effectiveDate: ROLL_AT }) })]],
  ['a roll after the 24-hour limit', [step({ op: 'update', old: oldState({ notAfter: '2027-01-15T12:00:00Z' }), new: newState({ thumbprint: B.thumbprint, effectiveDate: ROLL_AT }) })]],
  ['a create, current at up', [step({ op: 'create', new: newState() })]],
  ['a delete', [step({ op: 'delete', old: oldState() })]],
  ['the previous certificate recorded by a server', [step({ op: 'update', old: oldState({ previousThumbprint: PREVIOUS }, undefined, SERVERS), new: newState({ thumbprint: B.thumbprint, effectiveDate: ROLL_AT, pool: poolOf(Object.keys(SERVERS)) }) })]],
  ['a current certificate without NotBefore', [step({ op: 'update', old: oldState({ notBefore: null }), new: newState({ thumbprint: B.thumbprint }) })]],
];

const markdownOf = (steps: Json[]) => renderReviewMarkdown(reviewOf(previewDocument(steps)));

/** What the table says, as Mermaid's tasks would say it: each label with its start and end. */
function tableFacts(table: string): { task: string; start: string; end: string }[] {
  const rows = table.split('\n').slice(2).map((row) => row.split(' | ').map((cell) => cell.replace(/^\| | \|$/g, '')));
  const facts: { task: string; start: string; end: string }[] = [];
  for (const [who, what, when] of rows as [string, string, string][]) {
    const at = new Date(when).toISOString();
    if (what === 'valid until (NotAfter)') facts[facts.length - 1] = { ...facts[facts.length - 1]!, end: at };
    else if (what === 'valid from (NotBefore)') facts.push({ task: `${who} valid`, start: at, end: at });
    else facts.push({ task: `${who} ${what.startsWith('becomes current') ? 'becomes current' : what.startsWith('latest') ? 'latest roll' : 'expires'}`, start: at, end: at });
  }
  return facts;
}

const tasksOf = (chart: ParsedChart): readonly ParsedTask[] => {
  if ('error' in chart) throw new Error(`Mermaid refused the chart: ${chart.error}`);
  return chart.tasks;
};

describe('the roll timeline: Mermaid reads the chart as the table states it', () => {
  const rendered = SCENARIOS.map(([name, steps]) => [name, markdownOf(steps)] as const);
  const charts = rendered.flatMap(([, markdown]) => mermaidBlocks(markdown));
  let parsed: Record<string, ParsedChart[]> = {};

  beforeAll(() => {
    // One process per viewer time zone, for every scenario's chart at once.
    parsed = Object.fromEntries(['UTC', 'America/New_York', 'Asia/Kolkata'].map((zone) => [zone, parseMermaid(charts, zone)]));
  });

  it('every scenario has one chart, and one table with it', () => {
    for (const [, markdown] of rendered) {
      expect(mermaidBlocks(markdown)).toHaveLength(1);
      expect(timelineParts(markdown).tables).toHaveLength(1);
    }
  });

  it.each(rendered.map(([name, markdown], index) => [name, markdown, index] as const))('%s: the chart\'s tasks are the table\'s rows', (_name, markdown, index) => {
    const tasks = tasksOf(parsed.UTC![index]!);
    expect(tasks.map(({ task, start, end }) => ({ task, start, end }))).toEqual(tableFacts(timelineParts(markdown).tables[0]!));
    // Milestones are milestones (a 24-hour bar on a years-long axis would not show), and only a
    // roll after the limit is critical.
    for (const task of tasks) {
      expect(task.milestone).toBe(task.start === task.end && !task.task.endsWith(' valid'));
      expect(task.crit).toBe(_name === 'a roll after the 24-hour limit' && task.task === 'new 4D95D96A becomes current');
      expect(task.task).toMatch(LABEL_ALPHABET);
      expect(task.section).toMatch(/^(current|new|previous) [0-9A-F]{8}$/);
    }
  });

  it.each(['America/New_York', 'Asia/Kolkata'])('a viewer in %s sees the same chart, moved as a whole', (zone) => {
    for (const [index] of charts.entries()) {
      const utc = tasksOf(parsed.UTC![index]!);
      const there = tasksOf(parsed[zone]![index]!);
      expect(there.map((t) => [t.task, Date.parse(t.end) - Date.parse(t.start)])).toEqual(utc.map((t) => [t.task, Date.parse(t.end) - Date.parse(t.start)]));
    }
  });

  it('a NotBefore before 1970 is drawn at 1970 (Mermaid\'s date library misreads years before 100); the table gives it as it is', () => {
    const markdown = markdownOf([step({ op: 'update', old: oldState({ notBefore: '1950-01-01T00:00:00Z' }), new: newState({ thumbprint: B.thumbprint }) })]);
    expect(markdown).toContain('    current 999F89E1 valid : 1970-01-01 00:00, 2035-01-01 00:00');
    expect(markdown).toContain('| current 999F89E1 | valid from (NotBefore) | 1950-01-01T00:00Z |');
    const [chart] = parseMermaid(mermaidBlocks(markdown));
    expect(tasksOf(chart!)[0]).toMatchObject({ task: 'current 999F89E1 valid', start: '1970-01-01T00:00:00.000Z', end: '2035-01-01T00:00:00.000Z' });
  });

  it('a scenario names the previous certificate\'s expiry and marks the late roll', () => {
    const byName = Object.fromEntries(rendered);
    expect(byName['the previous certificate recorded by a server']).toContain('| previous 1111AAAA | expires (NotAfter) | 2026-12-20T00:00Z |');
    expect(byName['a roll after the 24-hour limit']).toContain('    new 4D95D96A becomes current : crit, milestone, 2027-01-15 00:00, 0d');
    expect(byName['a current certificate without NotBefore']).toContain('    current 999F89E1 expires : milestone, 2035-01-01 00:00, 0d');
  });
});

describe('the roll timeline: no text from the preview reaches it', () => {
  /** Previews with a timeline and `hostile` in one field around it. */
  const FIELDS: readonly (readonly [string, (hostile: string) => Json[]])[] = [
    ['the resource name', (h) => [step({ op: 'update', urn: urnOf(h), old: oldState({}, urnOf(h)), new: newState({ thumbprint: B.thumbprint, effectiveDate: ROLL_AT }, urnOf(h)) })]],
    ['the plan line', (h) => [step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, plan: h, effectiveDate: ROLL_AT }) })]],
    ['an engine operation', (h) => [step({ op: h, old: oldState(), new: newState({ thumbprint: B.thumbprint }) })]],
    ['the dates and the previous thumbprint', (h) => [step({ op: 'update', old: oldState({ notBefore: h, previousThumbprint: h }), new: newState({ thumbprint: B.thumbprint, notBefore: h, effectiveDate: h }) })]],
    [
      'a Front End Server\'s name and its recorded certificates and dates',
      (h) => [
        step({
          op: 'update',
          old: oldState({ previousThumbprint: PREVIOUS }, undefined, { [h]: { current: h, previous: PREVIOUS, previousNotAfter: '2026-12-20T00:00:00Z' }, 'fe02.contoso.com': { current: A.thumbprint, previous: h, currentNotAfter: h, previousNotAfter: h } }),
          new: newState({ thumbprint: B.thumbprint, effectiveDate: ROLL_AT, pool: poolOf([h, 'fe02.contoso.com']) }),
        }),
      ],
    ],
  ];
  const cases = FIELDS.flatMap(([field, build]) => HOSTILE.map(([kind, hostile]) => [`${field}: ${kind}`, markdownOf(build(hostile))] as const));
  let parsed: ParsedChart[] = [];

  beforeAll(() => {
    parsed = parseMermaid(cases.map(([, markdown]) => mermaidBlocks(markdown)[0] ?? ''));
  });

  it.each(cases.map(([name, markdown], index) => [name, markdown, index] as const))('%s', (_name, markdown, index) => {
    const parts = timelineParts(markdown);
    // The chart is there, every line of it one the review writes (else timelineParts leaves it in
    // the rest, where it counts as a construct), and Mermaid reads it.
    expect(parts.charts).toHaveLength(1);
    expect(parts.tables).toHaveLength(1);
    expect(mermaidBlocks(markdown)).toHaveLength(1);
    expect(tasksOf(parsed[index]!).length).toBeGreaterThan(0);
    for (const task of tasksOf(parsed[index]!)) expect(task.task).toMatch(LABEL_ALPHABET);
    expect(liveConstructs(parts.rest.slice(parts.rest.indexOf('\n')))).toEqual([]);
  });
});
