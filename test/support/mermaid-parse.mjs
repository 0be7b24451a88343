// Parses Mermaid charts with Mermaid's own parser, for the review tests (test/support/mermaid.ts).
// A separate Node process: the mermaid package is ESM only, and jest here runs CommonJS.
// stdin: a JSON array of chart texts. stdout: a JSON array, per chart either
// { tasks: [{ section, task, start, end, milestone, crit }] } (what Mermaid's gantt model holds
// after parsing, dates as ISO strings) or { error } (the parser's message).
import mermaid from 'mermaid';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const charts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = [];
for (const chart of charts) {
  try {
    await mermaid.parse(chart);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(chart);
    const tasks = diagram.type === 'gantt' ? diagram.db.getTasks() : [];
    results.push({
      type: diagram.type,
      tasks: tasks.map((t) => ({
        section: t.section,
        task: t.task.trim(),
        start: t.startTime.toISOString(),
        end: t.endTime.toISOString(),
        milestone: t.milestone === true,
        crit: t.crit === true,
      })),
    });
  } catch (error) {
    results.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify(results));
