/**
 * Mermaid's own parser, for the charts the review writes: the mermaid package (ESM only) runs in
 * a child Node process (test/support/mermaid-parse.mjs), since jest here runs CommonJS. One
 * process parses a whole batch, bounded in time. Also the charts a comment holds, as markdown-it
 * sees its fenced code blocks.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tokensOf } from './markdown';

/** A gantt task as Mermaid's model holds it after parsing: dates as ISO strings (UTC). */
export interface ParsedTask {
  readonly section: string;
  readonly task: string;
  readonly start: string;
  readonly end: string;
  readonly milestone: boolean;
  readonly crit: boolean;
}

export type ParsedChart = { readonly type: string; readonly tasks: readonly ParsedTask[] } | { readonly error: string };

const HELPER = path.join(__dirname, 'mermaid-parse.mjs');
/** Loading mermaid takes about a second; a batch of charts a few more on a loaded machine. */
const TIMEOUT_MS = 60_000;

/**
 * Parses each chart with Mermaid's parser, reading its dates in `timeZone` (what a viewer's
 * browser does): its gantt tasks, or the parser's error.
 */
export function parseMermaid(charts: readonly string[], timeZone = 'UTC'): ParsedChart[] {
  const run = spawnSync(process.execPath, [HELPER], { input: JSON.stringify(charts), env: { ...process.env, TZ: timeZone }, timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`mermaid-parse.mjs exited with ${String(run.status ?? run.signal)}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ParsedChart[];
}

/** The contents of a comment's fenced `mermaid` blocks, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return tokensOf(markdown).filter((token) => token.type === 'fence' && token.info.trim() === 'mermaid').map((token) => token.content);
}
