/**
 * bench:review: `sfb-oauth-cert review` must be linear in its input (a pull request's program
 * shapes the preview): any accepted document (up to 64 MiB) in under 30 s and 2 GiB. For 1, 4, 16
 * and 64 MiB documents of several shapes, each size in its own Node process: the time of the
 * review (parse, read the preview, review, render: what the CLI does after reading) against the
 * named baseline `JSON.parse` of the same text (the fastest of three runs each), their ratio, and
 * the process's peak memory (maxRSS). Linear: the ratio stays flat as the size grows (a quadratic
 * step makes it grow with the size). Usage: npm run bench:review
 */
import { spawnSync } from 'node:child_process';
import { readPreviewDocument } from '../provider/adapters/pulumi-preview/preview-document';
import { renderReviewMarkdown } from '../provider/cli/review-markdown';
import { reviewPreview } from '../provider/domain/review';
import { A, B, checkFailure, newState, oldState, previewDocument, providerWarning, step, urnOf } from '../test/builders/preview-json';

const MIB = 1024 * 1024;
const SIZES_MIB = [1, 4, 16, 64];
/** The CLI's limit: a larger document is refused before it is parsed. */
const LIMIT = 64 * MIB;

/** Document shapes, each filled to about `bytes` of JSON. */
const SHAPES: Record<string, (bytes: number) => string> = {
  // The attack a pull request's program can mount: one diagnostic of `property a value ` repeated, ending in a reason.
  'hostile check failure': (bytes) => {
    const hostile = 'property a value '.repeat(Math.floor((bytes - 2048) / 17));
    return JSON.stringify(previewDocument([], [checkFailure('certificate', hostile, 'KEY_TOO_SMALL: The key is small.')]));
  },
  // A large stack: many certificates updated, each with a warning naming its thumbprint.
  'many certificates and warnings': (bytes) => {
    const one = JSON.stringify(step({ op: 'update', urn: urnOf('c0'), old: oldState({}, urnOf('c0')), new: newState({ thumbprint: B.thumbprint }, urnOf('c0')) })).length + 200;
    const count = Math.max(1, Math.floor(bytes / one));
    const steps = Array.from({ length: count }, (_, i) => step({ op: 'update', urn: urnOf(`c${i}`), old: oldState({}, urnOf(`c${i}`)), new: newState({ thumbprint: B.thumbprint }, urnOf(`c${i}`)) }));
    const warnings = Array.from({ length: count }, (_, i) => providerWarning(`warning CERT_EXPIRES_SOON: The certificate (${i % 2 ? A.thumbprint : B.thumbprint}) expires soon, number ${i}.`));
    return JSON.stringify(previewDocument(steps, warnings));
  },
  // Many distinct findings and plaintext secrets (`--show-secrets`), each message checked against them.
  'many secrets and messages': (bytes) => {
    const secretStep = (i: number) => step({ op: 'create', urn: urnOf(`s${i}`), new: newState({ password: `Plaintext-Password-${i}-${'x'.repeat(20)}` }, urnOf(`s${i}`)) });
    const message = (i: number) => ({ urn: urnOf(`s${i}`), message: `warning CHAIN_INCOMPLETE: message ${i} ${'y'.repeat(200)}`, severity: 'warning' });
    const one = JSON.stringify(secretStep(0)).length + JSON.stringify(message(0)).length + 60;
    const count = Math.max(1, Math.floor(bytes / one));
    return JSON.stringify(previewDocument(Array.from({ length: count }, (_, i) => secretStep(i)), Array.from({ length: count }, (_, i) => message(i))));
  },
};

/** In the child: one shape at one size; prints `bytes parseMs reviewMs maxRssKiB` as JSON. */
function child(shape: string, mib: number): void {
  const text = SHAPES[shape]!(Math.min(mib * MIB, LIMIT) - 4096);
  if (Buffer.byteLength(text) > LIMIT) throw new Error(`the ${shape} document is over the limit`);
  // The fastest of three runs of each: the first pays for compiling the code.
  const time = (work: () => unknown): number => {
    let fastest = Infinity;
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      work();
      fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return fastest;
  };
  const parseMs = time(() => JSON.parse(text));
  const reviewMs = time(() => {
    const read = readPreviewDocument(JSON.parse(text));
    if (!read.ok) throw new Error(read.reason);
    return renderReviewMarkdown(reviewPreview(read.facts, new Date('2026-12-01T00:00:00Z')));
  });
  process.stdout.write(JSON.stringify({ bytes: Buffer.byteLength(text), parseMs, reviewMs, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
}

function main(): void {
  console.log('review time against JSON.parse of the same document (the baseline), per shape and size; peak RSS of the process.');
  console.log('target: the ratio flat across sizes (linear), 64 MiB under 30 s and 2 GiB.\n');
  for (const shape of Object.keys(SHAPES)) {
    console.log(shape);
    for (const mib of SIZES_MIB) {
      const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '--max-old-space-size=4096', __filename, '--child', shape, String(mib)], { encoding: 'utf8', timeout: 600_000 });
      if (run.status !== 0) {
        console.log(`  ${String(mib).padStart(2)} MiB: failed (${run.signal ?? `exit ${run.status}`}) ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
        continue;
      }
      const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { bytes: number; parseMs: number; reviewMs: number; maxRssKiB: number };
      console.log(
        `  ${String(mib).padStart(2)} MiB (${r.bytes.toLocaleString('en-US')} bytes): JSON.parse ${r.parseMs.toFixed(0)} ms, review ${r.reviewMs.toFixed(0)} ms, ratio ${(r.reviewMs / r.parseMs).toFixed(2)}x, peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
      );
    }
  }
}

if (process.argv[2] === '--child') child(process.argv[3]!, Number(process.argv[4]));
else main();
