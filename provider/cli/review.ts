/**
 * `sfb-oauth-cert review [file | -] [--now ISO8601]`: reads `pulumi preview --json` and prints
 * the Markdown of a pull-request comment. The shell: it reads the input and the clock, the
 * preview reader (provider/adapters/pulumi-preview/) turns the document into facts,
 * provider/domain/review.ts decides what the comment says, and ./review-markdown renders it.
 */
import { fileProblemMessage, readBoundedFile } from '../adapters/files/bounded-file';
import { decodeText } from '../adapters/files/text-file';
import { readPreviewDocument } from '../adapters/pulumi-preview/preview-document';
import { reviewPreview } from '../domain/review';
import { parseIsoInstant } from '../domain/time';
import { parseArguments } from './arguments';
import { renderReviewMarkdown } from './review-markdown';

/**
 * The largest preview document read. A preview of a large stack is megabytes (every step carries
 * its old and new state); 64 MiB is far beyond any real one and still bounded.
 */
export const MAX_PREVIEW_JSON_BYTES = 64 * 1024 * 1024;

/** Exit codes: 0 whenever the comment was printed (there may be nothing to say), 2 otherwise. */
export const REVIEW_EXIT = { printed: 0, usage: 2 } as const;

const HOW_TO_MAKE_IT = 'run `pulumi preview --json > preview.json` and give that file (or pipe `pulumi preview --json` into `sfb-oauth-cert review`)';

export const REVIEW_USAGE = `Usage: sfb-oauth-cert review [file | -] [--now ISO8601]

Reads the output of \`pulumi preview --json\` (from <file>, or from stdin when no file or - is
given) and prints a Markdown summary for a pull-request comment: per OAuthTokenIssuer certificate
its operation, plan line, thumbprint old -> new, NotAfter and days left, warnings and failures
with their codes. Secrets in the preview (PFX, passwords, passphrases) are never printed.
--now counts days left from that moment instead of the clock (reproducible output), e.g.
2026-12-01T00:00:00Z.
Exit status: 0 when the summary was printed (also when there is nothing to report), 2 for a usage
error or an input that is not \`pulumi preview --json\` output.`;

/** Why nothing was reviewed (exit status 2): a full sentence. */
class ReviewUsageError extends Error {}

/** The streams and clock of one run; parameters so that tests can drive it. */
export interface ReviewIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The real clock unless the caller passes another; read only when --now is not given. */
  readonly clock: () => Date;
}

interface ReviewCommand {
  /** Undefined or '-': stdin. */
  readonly file?: string;
  readonly now?: Date;
  readonly help: boolean;
}

const REVIEW_OPTIONS = { now: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

function parseReview(args: readonly string[]): ReviewCommand {
  const parsed = parseArguments(args, REVIEW_OPTIONS, {
    'unknown-option': (option) => `Unknown option ${option} for review; it takes [file | -] and --now ISO8601.`,
    'missing-value': (option) => `${option} needs a value, like 2026-12-01T00:00:00Z.`,
  });
  if (!parsed.ok) throw new ReviewUsageError(parsed.message);
  const [file, ...extra] = parsed.positionals;
  let now: Date | undefined;
  if (parsed.values.now !== undefined) {
    const instant = parseIsoInstant(parsed.values.now);
    if (!instant.ok) throw new ReviewUsageError(`--now ${instant.reason}.`);
    now = instant.date;
  }
  // Not shown: a stray argument may be a secret typed in the wrong place.
  if (extra.length > 0) throw new ReviewUsageError(`review reads one preview document, and got ${extra.length === 1 ? 'an extra argument' : `${extra.length} extra arguments`} (not shown); give one file, or none to read stdin.`);
  return { ...(file !== undefined ? { file } : {}), ...(now !== undefined ? { now } : {}), help: parsed.values.help === true };
}

/** Reads stdin up to the limit; more is refused (a wrong pipe must not fill memory). */
async function readStdin(stdin: ReviewIo['stdin']): Promise<Buffer> {
  if (stdin.isTTY) {
    throw new ReviewUsageError(`review reads the preview from stdin, and stdin is a terminal; ${HOW_TO_MAKE_IT}.`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_PREVIEW_JSON_BYTES) {
      throw new ReviewUsageError(`Cannot read the preview from stdin: it is more than ${MAX_PREVIEW_JSON_BYTES.toLocaleString('en-US')} bytes, above the limit for a preview document; check that it is \`pulumi preview --json\` output.`);
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

async function readInput(command: ReviewCommand, io: ReviewIo): Promise<{ name: string; bytes: Buffer }> {
  if (command.file === undefined || command.file === '-') return { name: 'stdin', bytes: await readStdin(io.stdin) };
  const read = readBoundedFile(command.file, MAX_PREVIEW_JSON_BYTES);
  if (!read.ok) throw new ReviewUsageError(fileProblemMessage('preview file', command.file, read.problem));
  return { name: `"${command.file}"`, bytes: read.bytes };
}

/** Parses the document; the parser's own message is not shown (it quotes the input, which may be anything). */
function parseDocument(name: string, bytes: Buffer): unknown {
  // `pulumi preview --json > preview.json` in Windows PowerShell 5.1 writes UTF-16 with a BOM.
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new ReviewUsageError(`The preview ${name} cannot be read as text: ${decoded.why}; ${HOW_TO_MAKE_IT}.`);
  const source = decoded.text;
  if (source.trim() === '') throw new ReviewUsageError(`The preview ${name} is empty; ${HOW_TO_MAKE_IT}.`);
  try {
    return JSON.parse(source);
  } catch {
    const hint = /^\s*Previewing\b/.test(source) ? ' (it looks like the text output of `pulumi preview`: add --json)' : '';
    throw new ReviewUsageError(`The preview ${name} is not JSON${hint}; ${HOW_TO_MAKE_IT}.`);
  }
}

/** Runs `review` with the arguments after the command name; returns the exit code. */
export async function review(args: readonly string[], io: ReviewIo): Promise<number> {
  try {
    const command = parseReview(args);
    if (command.help) {
      io.out.write(REVIEW_USAGE + '\n');
      return REVIEW_EXIT.printed;
    }
    const input = await readInput(command, io);
    const read = readPreviewDocument(parseDocument(input.name, input.bytes));
    if (!read.ok) throw new ReviewUsageError(`The preview ${input.name} is not \`pulumi preview --json\` output: ${read.reason}; ${HOW_TO_MAKE_IT}.`);
    io.out.write(renderReviewMarkdown(reviewPreview(read.facts, command.now ?? io.clock())));
    return REVIEW_EXIT.printed;
  } catch (error) {
    if (!(error instanceof ReviewUsageError)) throw error;
    io.err.write(`sfb-oauth-cert: ${error.message}\n\n${REVIEW_USAGE}\n`);
    return REVIEW_EXIT.usage;
  }
}
