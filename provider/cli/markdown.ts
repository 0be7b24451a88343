/**
 * Untrusted text in Markdown that GitHub renders: the review comment quotes
 * resource names, engine operations, plan lines, messages and server names from a preview that a
 * pull request's program shaped. {@link untrusted} is the one way such text enters the comment;
 * whatever it is given renders as those characters and nothing else: no heading end, table cell,
 * code span, emphasis, HTML, link, image, autolink, mention or issue reference, and no invisible
 * character that reorders or hides what the reader sees.
 *
 * Pure: no I/O. The rendering side of the review: the CLI's comment is its only user.
 */

/**
 * Characters a reader cannot see, shown as `\uXXXX` instead: controls (Cc: line breaks, which
 * would end a heading or a list item), format characters (Cf: the bidi controls U+202A-202E and
 * U+2066-2069, which reorder what follows (CVE-2021-42574, "Trojan Source"), the zero-width
 * U+200B-200F, U+2060-2064, U+FEFF, soft hyphen, tag characters), the line and paragraph
 * separators (Zl, Zp), and lone surrogates (Cs: JSON can hold `"\ud800"`).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\u202E` for U+202E, `\u{E0041}` beyond the Basic Multilingual Plane. */
function escapeCodePoint(character: string): string {
  const codePoint = character.codePointAt(0)!;
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** The text with every invisible character shown as its escape. */
export function visible(value: string): string {
  return value.replace(INVISIBLE, escapeCodePoint);
}

/**
 * ASCII punctuation with a meaning somewhere in CommonMark or GFM inline text, each escaped with a
 * backslash: CommonMark guarantees that an escaped ASCII punctuation character is that character
 * and nothing else (spec 0.31, "Backslash escapes"). Escaping `.`, `:` and `/` also breaks GFM's
 * extended autolinks, which need a literal `www.`, `http://` or `https://` in the source
 * (cmark-gfm's autolink extension scans the raw text). Left alone, for readability: `,` `;` `'`
 * `"` `?` `%` `=` `-`, which mean nothing inside a line (every line of the comment starts with
 * the review's own text, so line-start constructs such as lists and setext underlines cannot
 * form), and ASCII letters, digits and spaces.
 */
const MARKDOWN_PUNCTUATION = /[!#$&()*+./:<>@[\\\]^_`{|}~]/g;

/**
 * Written after `@`, `#` and `GH-`: GitHub links mentions (`@team`) and issue references (`#123`,
 * `GH-123`) in the HTML it rendered, after Markdown escapes are gone, so only a character between
 * them stops it.
 * A zero-width space, written as its entity so that the Markdown itself holds no invisible
 * character (Dependabot's pull-request bodies break mentions the same way).
 */
const REFERENCE_BREAK = '&#8203;';

/** An empty value: a code span cannot be empty (two backticks are literal text). */
const EMPTY = '(empty)';

/**
 * Untrusted text as Markdown that renders as exactly that text (invisible characters shown as
 * `\uXXXX`):
 * - `text`: inline text, punctuation escaped;
 * - `code`: a code span (names, operations, plan lines, thumbprints), its fence longer than any
 *   run of backticks inside; nothing is live in a code span (no HTML, links, mentions).
 */
export function untrusted(value: string, as: 'text' | 'code'): string {
  const shown = visible(value);
  if (as === 'text') {
    return shown.replace(MARKDOWN_PUNCTUATION, (c) => (c === '@' || c === '#' ? `\\${c}${REFERENCE_BREAK}` : `\\${c}`)).replace(/\bGH-/gi, `$&${REFERENCE_BREAK}`);
  }
  if (shown === '') return EMPTY;
  let longest = 0;
  for (const run of shown.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(longest + 1);
  // A space inside each end keeps a backtick at either end off the fence; CommonMark strips one
  // space from each end when both are there, so a value with its own spaces at both ends gets one
  // more, and shows them.
  const pad = longest > 0 || (shown.startsWith(' ') && shown.endsWith(' ') && shown.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A message the provider wrote (its sentences quote inputs in backticks, e.g. the `pfx` input),
 * from an untrusted document: its backtick spans become code spans, the rest text, all through
 * {@link untrusted}. A message with an odd number of backticks (a span would not close), or with
 * a run of several, is all text.
 */
export function untrustedMessage(value: string): string {
  const parts = value.split('`');
  if (parts.length % 2 === 0 || parts.some((part, i) => i % 2 === 1 && part === '')) return untrusted(value, 'text');
  return parts.map((part, i) => (i % 2 === 1 ? untrusted(part, 'code') : untrusted(part, 'text'))).join('');
}
