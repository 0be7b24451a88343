/**
 * The review's roll timelines as a test reads them: each chart and table line must be one the
 * review writes from its fixed alphabet (roles, events, a thumbprint's first 8 hexadecimal digits,
 * dates), nothing else. `timelineParts` takes them out of a comment so that what is left can be
 * checked for constructs preview text must never create (test/support/markdown.ts).
 */
const WHO = '(?:current|new|previous|limit) [0-9A-F]{8}';
const CHART_DATE = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d';

/** Every line a chart may hold, fences included. */
export const CHART_LINE = new RegExp(
  [
    '```mermaid',
    'gantt',
    ' {4}dateFormat YYYY-MM-DD HH:mm',
    ' {4}axisFormat %Y-%m-%d',
    ' {4}todayMarker off',
    ' {4}section (?:current|new|previous) [0-9A-F]{8}',
    ` {4}${WHO} valid : ${CHART_DATE}, ${CHART_DATE}`,
    ` {4}${WHO} (?:expires|latest roll|becomes current) : (?:crit, )?milestone, ${CHART_DATE}, 0d`,
    '```',
  ]
    .map((line) => `(?:${line})`)
    .join('|')
    .replace(/^/, '^(?:')
    .concat(')$'),
);

/** The events a table row may name, word for word. */
export const TABLE_EVENTS = [
  'valid from (NotBefore)',
  'valid until (NotAfter)',
  'expires (NotAfter)',
  'latest effective date of a scheduled roll: 24 hours before the current NotAfter',
  'becomes current at `pulumi up` (no effective date ahead; drawn at the review\'s time)',
  'becomes current (effective date)',
  'becomes current (effective date), after the latest roll: refused with ROLL_TOO_LATE',
];

export const TABLE_HEADER = ['| Certificate | Event | When (UTC) |', '| --- | --- | --- |'];
const TABLE_ROW = new RegExp(`^\\| ${WHO} \\| (.*) \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ \\|$`);

const isTableRow = (line: string) => {
  const match = TABLE_ROW.exec(line);
  return match !== null && TABLE_EVENTS.includes(match[1]!);
};

/**
 * The comment's timeline charts and tables (each only if every line of it is one the review
 * writes), and the comment without them.
 */
export function timelineParts(markdown: string): { charts: string[]; tables: string[]; rest: string } {
  const lines = markdown.split('\n');
  const charts: string[] = [];
  const tables: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (lines[i] === '```mermaid') {
      const end = lines.indexOf('```', i + 1);
      const block = end < 0 ? [] : lines.slice(i, end + 1);
      if (block.length > 0 && block.every((line) => CHART_LINE.test(line))) {
        charts.push(block.slice(1, -1).join('\n'));
        i = end + 1;
        continue;
      }
    }
    if (lines[i] === TABLE_HEADER[0] && lines[i + 1] === TABLE_HEADER[1]) {
      let end = i + 2;
      while (end < lines.length && lines[end]!.startsWith('|')) end += 1;
      const rows = lines.slice(i + 2, end);
      if (rows.length > 0 && rows.every(isTableRow)) {
        tables.push(lines.slice(i, end).join('\n'));
        i = end;
        continue;
      }
    }
    rest.push(lines[i]!);
    i += 1;
  }
  return { charts, tables, rest: rest.join('\n') };
}
