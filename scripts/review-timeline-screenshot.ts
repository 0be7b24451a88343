/**
 * Renders the review's roll timeline for a sample preview as a browser would, once, for the docs:
 * writes the sample preview (test/builders/preview-json.ts shapes), runs the built CLI's `review`
 * on it, draws the comment's Mermaid chart in headless Chromium (Debian's `chromium`), and saves
 * docs/review-timeline.png, and prints the comment (README's example). Not a test: look at the PNG.
 *
 *   npm run -s build && node -r ts-node/register/transpile-only scripts/review-timeline-screenshot.ts
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { B, newState, oldState, poolOf, previewDocument, step } from '../test/builders/preview-json';

const root = path.resolve(__dirname, '..');
const NOW = '2026-12-01T00:00:00Z';
const PREVIOUS = '1111AAAA2222BBBB3333CCCC4444DDDD5555EEEE';
const SERVERS = {
  'fe01.contoso.com': { current: '999F89E137CEA7A0C35740D6F19592CF209226A3', previous: PREVIOUS, previousNotAfter: '2026-12-20T00:00:00.000Z' },
  'fe02.contoso.com': { current: '999F89E137CEA7A0C35740D6F19592CF209226A3', previous: PREVIOUS, previousNotAfter: '2026-12-20T00:00:00.000Z' },
};

const preview = previewDocument([
  step({
    op: 'update',
    old: oldState({ notBefore: '2025-02-01T00:00:00.000Z', notAfter: '2027-02-01T00:00:00.000Z', previousThumbprint: PREVIOUS }, undefined, SERVERS),
    new: newState({
      thumbprint: B.thumbprint,
      notBefore: '2026-11-15T00:00:00.000Z',
      notAfter: '2028-11-15T00:00:00.000Z',
      effectiveDate: '2027-01-15T00:00:00.000Z',
      plan: 'current 999F.. → previous at 2027-01-15T00:00Z; new 4D95.. current at 2027-01-15T00:00Z; servers: roll 4D95.. at 2027-01-15T00:00:00Z (00:00 UTC on the servers), then verify 2',
      pool: poolOf(Object.keys(SERVERS)),
    }),
  }),
]);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'review-timeline-'));
try {
  const previewFile = path.join(work, 'preview.json');
  fs.writeFileSync(previewFile, JSON.stringify(preview));
  const review = spawnSync(process.execPath, [path.join(root, 'bin/sfb-oauth-cert'), 'review', previewFile, '--now', NOW], { encoding: 'utf8', timeout: 60_000 });
  if (review.status !== 0) throw new Error(`review exited with ${String(review.status)}: ${review.stderr}`);
  const comment = review.stdout;
  const chart = /```mermaid\n([\s\S]*?)```/.exec(comment)?.[1];
  if (!chart) throw new Error('the comment holds no Mermaid chart');
  const mermaidJs = path.join(root, 'node_modules/mermaid/dist/mermaid.min.js');
  const html = `<!doctype html><meta charset="utf-8"><body style="margin:16px;background:#fff;font-family:sans-serif">
<pre class="mermaid">${chart.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>
<script src="file://${mermaidJs}"></script>
<script>mermaid.initialize({ startOnLoad: true, theme: 'default', gantt: { useWidth: 1000 } });</script>`;
  const page = path.join(work, 'page.html');
  fs.writeFileSync(page, html);
  const png = path.join(root, 'docs/review-timeline.png');
  // TZ=UTC: the axis shows the UTC dates the chart holds (Mermaid reads them in the viewer's zone).
  const shot = spawnSync(
    'chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, '--window-size=1060,215', '--virtual-time-budget=10000', `file://${page}`],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TZ: 'UTC' } },
  );
  if (shot.status !== 0) throw new Error(`chromium exited with ${String(shot.status ?? shot.signal)}: ${shot.stderr}`);
  process.stdout.write(comment);
  process.stderr.write(`wrote ${path.relative(root, png)}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
