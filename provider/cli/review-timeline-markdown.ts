/**
 * A certificate's roll timeline (provider/domain/roll-timeline.ts) in the review comment: a
 * Mermaid `gantt` chart, which GitHub and GitLab draw in pull-request comments, and the same
 * facts in a plain table for readers whose renderer shows the chart as code.
 *
 * The chart is a place where text from the preview could land, so none does: every label is
 * written from a fixed alphabet (a role word, an event word, the first 8 hexadecimal digits of a
 * thumbprint), every date by us. Mermaid reads a task line up to `:` as its name and treats `#`,
 * `;`, `%%` and keywords at a line's start specially; none of these can appear in a label.
 */
import type { RollTimeline, TimelineEntry, TimelineRole } from '../domain/roll-timeline';
import { isoMinute } from '../domain/time';

/** The characters a label may hold. */
export const LABEL_ALPHABET = /^[a-z0-9A-F ]+$/;

/** Hexadecimal digits of a thumbprint a label shows: enough to tell certificates apart at a glance. */
const PREFIX_DIGITS = 8;

/** The first digits of a thumbprint, or `unknown` for anything that is not one (the domain never gives such). */
function prefixOf(thumbprint: string): string {
  return /^[0-9A-F]{40}$/.test(thumbprint) ? thumbprint.slice(0, PREFIX_DIGITS) : 'unknown';
}

const ROLE_WORDS: Record<TimelineRole, string> = { current: 'current', new: 'new', previous: 'previous', limit: 'limit' };

/** The chart's name of an entry: role, thumbprint prefix, event. */
export function timelineLabel(entry: TimelineEntry): string {
  const who = `${ROLE_WORDS[entry.role]} ${prefixOf(entry.thumbprint)}`;
  if (entry.kind === 'validity') return `${who} valid`;
  if (entry.event === 'expires') return `${who} expires`;
  if (entry.event === 'latest-roll') return `${who} latest roll`;
  return `${who} becomes current`;
}

/**
 * A moment as the chart writes it: UTC, to the minute, without a zone (`2027-01-15 00:00`).
 * Mermaid reads a gantt date in the viewer's time zone: written without one, every date moves
 * alike, and the axis shows the UTC dates we wrote. (With a `Z`, Mermaid's strict end-date parse
 * fails outside UTC and a bar collapses to its start.)
 */
function chartDate(date: Date): string {
  return new Date(Math.max(date.getTime(), EARLIEST_DRAWN.getTime())).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The earliest date the chart draws; an earlier one is drawn there (the table gives it as it is).
 * Mermaid's date library reads a year below 100 as 19xx or 20xx (`0001` became 2001), and a
 * certificate's NotBefore may be any GeneralizedTime.
 */
const EARLIEST_DRAWN = new Date('1970-01-01T00:00:00Z');

/** What the table says happens at an entry. */
function tableEvents(entry: TimelineEntry): [string, Date][] {
  if (entry.kind === 'validity') return [['valid from (NotBefore)', entry.notBefore], ['valid until (NotAfter)', entry.notAfter]];
  if (entry.event === 'expires') return [['expires (NotAfter)', entry.at]];
  if (entry.event === 'latest-roll') return [['latest effective date of a scheduled roll: 24 hours before the current NotAfter', entry.at]];
  if (!entry.scheduled) return [['becomes current at `pulumi up` (no effective date ahead; drawn at the review\'s time)', entry.at]];
  return [[entry.late ? 'becomes current (effective date), after the latest roll: refused with ROLL_TOO_LATE' : 'becomes current (effective date)', entry.at]];
}

/** A chart line of an entry. */
function chartLine(entry: TimelineEntry): string {
  if (entry.kind === 'validity') return `    ${timelineLabel(entry)} : ${chartDate(entry.notBefore)}, ${chartDate(entry.notAfter)}`;
  const tags = entry.late ? 'crit, milestone' : 'milestone';
  return `    ${timelineLabel(entry)} : ${tags}, ${chartDate(entry.at)}, 0d`;
}

/** The Mermaid chart of a timeline, as the lines of a fenced code block. */
export function timelineChart(timeline: RollTimeline): string[] {
  const lines = ['```mermaid', 'gantt', '    dateFormat YYYY-MM-DD HH:mm', '    axisFormat %Y-%m-%d', '    todayMarker off'];
  let section: string | undefined;
  for (const entry of timeline.entries) {
    // A certificate's entries share a section; the limit belongs to the current certificate.
    const name = `${entry.role === 'limit' ? 'current' : ROLE_WORDS[entry.role]} ${prefixOf(entry.thumbprint)}`;
    if (name !== section) lines.push(`    section ${name}`);
    section = name;
    lines.push(chartLine(entry));
  }
  lines.push('```');
  return lines;
}

/** The same facts as a table, one row per date, in the timeline's order. */
export function timelineTable(timeline: RollTimeline): string[] {
  const rows = timeline.entries.flatMap((entry) => {
    const who = `${ROLE_WORDS[entry.role]} ${prefixOf(entry.thumbprint)}`;
    return tableEvents(entry).map(([what, when]) => `| ${who} | ${what} | ${isoMinute(when)} |`);
  });
  return ['| Certificate | Event | When (UTC) |', '| --- | --- | --- |', ...rows];
}

/** The chart and the table, each followed by a blank line. */
export function timelineLines(timeline: RollTimeline): string[] {
  return [...timelineChart(timeline), '', ...timelineTable(timeline), ''];
}
