/**
 * The two line formats the provider prints for people and for its own later runs, written and
 * read here only:
 * - a warning line, `warning CODE: sentence`: the dynamic provider writes it on stderr, the engine
 *   shows it as a diagnostic, and `sfb-oauth-cert review` finds it there again;
 * - a drift plan, `drift: what differs`: refresh records it as the resource's `plan`, and the next
 *   diff recognises it (a drift line must not outlive the drift it describes).
 *
 * Pure: no I/O.
 */
import type { Finding } from './errors';

/** The word a warning line starts with. */
const WARNING_PREFIX = 'warning ';
/** A warning line's code and the separator after it: upper-case letters, digits and `_`. */
const WARNING_LINE = /^warning ([A-Z][A-Z0-9_]*): /;
/** The word a drift plan starts with. */
const DRIFT_PREFIX = 'drift:';

/** A finding as the provider prints it: `warning CODE: sentence`. */
export function warningLine(finding: Finding<string>): string {
  return `${WARNING_PREFIX}${finding.code}: ${finding.message}`;
}

/**
 * The code and sentence of each warning line in `text` (one printed block may hold several), in
 * order; other lines are skipped. The code is any upper-case code: the caller decides which
 * vocabulary it accepts. Lines end at `\n` only: splitting at U+2028 too (as `.` and `$` would)
 * would cut one line in two and drop its rest.
 */
export function warningLinesIn(text: string): Finding<string>[] {
  const found: Finding<string>[] = [];
  for (const line of text.split('\n')) {
    const match = WARNING_LINE.exec(line);
    if (match) found.push({ code: match[1]!, message: line.slice(match[0].length) });
  }
  return found;
}

/** How many servers a plan line names before it counts the rest. */
export const SERVERS_NAMED_IN_A_LINE = 3;

/**
 * Servers as a plan line lists them: every one up to {@link SERVERS_NAMED_IN_A_LINE}, then the
 * first few and a count, so the line stays one short line at any pool size (`status` and the
 * `servers` output keep every server).
 */
export function serverList(entries: readonly string[]): string {
  if (entries.length <= SERVERS_NAMED_IN_A_LINE) return entries.join(', ');
  return `${entries.slice(0, SERVERS_NAMED_IN_A_LINE).join(', ')} and ${entries.length - SERVERS_NAMED_IN_A_LINE} more`;
}

/** The plan line refresh records when the world differs from the declared state: `drift: what`. */
export function driftPlan(what: string): string {
  return `${DRIFT_PREFIX} ${what}`;
}

/** Whether a recorded plan is a drift line (anything else state holds is not). */
export function isDriftPlan(plan: unknown): boolean {
  return typeof plan === 'string' && plan.startsWith(DRIFT_PREFIX);
}
