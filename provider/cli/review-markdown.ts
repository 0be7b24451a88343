/**
 * The review as the Markdown of a pull-request comment. Every text that came from the preview
 * goes through ./markdown (`untrusted`): a pull request's program shapes the preview, and its text
 * must render as itself and nothing else. The comment stays under GitHub's size limit.
 */
import type { Finding } from '../domain/errors';
import type { CertificateReview, PreviewReview, ReviewFailure, ReviewOperation, Reviewed } from '../domain/review';
import { MAX_FINDINGS } from '../domain/review';
import { isoMinute } from '../domain/time';
import { untrusted, untrustedMessage } from './markdown';
import { timelineLines } from './review-timeline-markdown';

/** What the review says when the preview changes no certificate and reports nothing about one. */
export const NO_CHANGES = 'No OAuthTokenIssuer certificate changes in this preview.';

/** The first line of every review: lets a CI job find and update its own earlier comment. */
export const REVIEW_MARKER = '<!-- sfb-oauth-cert review -->';

/**
 * The most the comment's sections take: GitHub refuses a comment body over 65,536 characters,
 * and this leaves room for the title, the closing lines and the count of what is left out.
 */
export const MAX_COMMENT_CHARS = 60_000;

/** Servers listed in the comment; the rest are counted. */
const MAX_SERVERS_LISTED = 20;

const code = (value: string) => untrusted(value, 'code');

function shown(value: Reviewed<string>, format: (v: string) => string, absent = '(none)'): string {
  if (value === null) return absent;
  if (typeof value === 'string') return format(value);
  return value.hidden === 'secret' ? '(secret, not shown)' : '(known after `pulumi up`)';
}

const OPERATION_WORDS: Record<ReviewOperation, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  same: 'no change',
  other: 'other',
};

function operationLine(c: CertificateReview): string {
  if (c.operation === null) return 'not planned: its check failed';
  if (c.operation !== 'other') return OPERATION_WORDS[c.operation];
  return `other (${c.engineOperations.map(code).join(', ')})`;
}

function daysLine(days: number): string {
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  return days >= 0 ? `${plural(days)} left` : `expired ${plural(-days)} ago`;
}

function thumbprintLine(c: CertificateReview): string {
  const old = shown(c.oldThumbprint, code);
  const current = shown(c.newThumbprint, code);
  if (typeof c.newThumbprint === 'string' && c.oldThumbprint === c.newThumbprint) return `${old} (unchanged)`;
  return `${old} → ${current}`;
}

/**
 * With the thumbprint unchanged, what an update changes on the servers: each one behind, from
 * what it held to the declared certificate. (With a new thumbprint every server moves to it, and
 * the thumbprint line says so.)
 */
function serversLine(c: CertificateReview): string | undefined {
  if (c.serversBehind.length === 0 || typeof c.newThumbprint !== 'string' || c.oldThumbprint !== c.newThumbprint) return undefined;
  const listed = c.serversBehind.slice(0, MAX_SERVERS_LISTED).map((s) => `${code(s.server)} ${s.current === null ? '(none recorded)' : code(s.current)} → ${code(c.newThumbprint as string)}`);
  const more = c.serversBehind.length - listed.length;
  return `- Servers not on it at the last up or refresh: ${listed.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

function findingLines(c: { warnings: readonly Finding[]; failures: readonly ReviewFailure[]; moreWarnings?: number }): string[] {
  const moreFailures = Math.max(0, c.failures.length - MAX_FINDINGS);
  const moreWarnings = Math.max(0, c.warnings.length - MAX_FINDINGS) + (c.moreWarnings ?? 0);
  const more = (n: number, what: string) => (n > 0 ? [`- and ${n} more ${what}${n === 1 ? '' : 's'}, not shown here: see the \`pulumi preview\` log`] : []);
  return [
    ...c.failures.slice(0, MAX_FINDINGS).map((f) => `- **Failure** ${code(f.code)}${f.property ? ` on ${code(f.property)}` : ''}: ${untrustedMessage(f.message)}`),
    ...more(moreFailures, 'failure'),
    ...c.warnings.slice(0, MAX_FINDINGS).map((w) => `- **Warning** ${code(w.code)}: ${untrustedMessage(w.message)}`),
    ...more(moreWarnings, 'warning'),
  ];
}

function certificateLines(c: CertificateReview): string[] {
  const lines = [`#### ${code(c.name)}: ${operationLine(c)}`, ''];
  if (c.operation !== null) {
    if (c.operation !== 'delete') lines.push(`- Plan: ${shown(c.plan, code)}`);
    lines.push(`- Thumbprint: ${thumbprintLine(c)}`);
    const servers = serversLine(c);
    if (servers) lines.push(servers);
    const days = c.daysLeft === null ? '' : ` (${daysLine(c.daysLeft)})`;
    lines.push(`- NotAfter: ${shown(c.notAfter, (v) => isoMinute(new Date(v)))}${days}`);
    if (c.nextRenewalAt !== undefined) lines.push(`- Next renewal: ${shown(c.nextRenewalAt, (v) => isoMinute(new Date(v)))}`);
  }
  lines.push(...findingLines(c), '');
  if (c.timeline) lines.push(...timelineLines(c.timeline));
  return lines;
}

/** Renders a review as the Markdown of a pull-request comment. */
export function renderReviewMarkdown(review: PreviewReview): string {
  const lines = [REVIEW_MARKER, '### OAuthTokenIssuer certificates in this preview', ''];
  const changes = review.certificates.filter((c) => c.operation !== 'same' || c.failures.length > 0);
  // A preview that failed elsewhere may have stopped before reaching a certificate: no claim then.
  if (changes.length === 0 && review.otherFailures.length === 0 && review.otherErrorCount === 0) lines.push(NO_CHANGES, '');
  if (review.certificates.some((c) => c.daysLeft !== null)) lines.push(`Days left are counted from ${isoMinute(review.now)}.`, '');
  let size = lines.reduce((n, line) => n + line.length + 1, 0);
  let left = 0;
  const sections = [
    ...review.certificates.map((c) => () => certificateLines(c)),
    ...(review.otherFailures.length > 0 || review.otherWarnings.length > 0
      ? [() => ['#### Not tied to a certificate listed above', '', ...findingLines({ warnings: review.otherWarnings, failures: review.otherFailures }), '']]
      : []),
  ];
  for (const section of sections) {
    const more = left > 0 ? [] : section();
    const moreSize = more.reduce((n, line) => n + line.length + 1, 0);
    if (left > 0 || size + moreSize > MAX_COMMENT_CHARS) {
      left += 1;
      continue;
    }
    lines.push(...more);
    size += moreSize;
  }
  if (left > 0) lines.push(`${left} more section${left === 1 ? ' is' : 's are'} not shown here (a pull-request comment holds at most 65,536 characters): see the \`pulumi preview\` log.`, '');
  if (review.otherErrorCount > 0) {
    const n = review.otherErrorCount;
    lines.push(`The preview reported ${n} other error${n === 1 ? '' : 's'}, not shown here: see the \`pulumi preview\` log.`, '');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}
