/**
 * Untrusted text in the review comment: each hostile string, as text and as a
 * code span, read back by a CommonMark parser with GFM's links (test/support/markdown.ts), makes
 * no construct and shows exactly its characters (invisible ones as `\uXXXX`).
 */
import { untrusted, untrustedMessage, visible } from '../../provider/cli/markdown';
import { HOSTILE } from '../support/hostile-strings';
import { liveConstructs, renderedBlocks } from '../support/markdown';

/** The Markdown parsed alone, as one paragraph of a list item (where the review puts messages). */
const inListItem = (markdown: string) => `- ${markdown}\n`;

describe('visible', () => {
  it.each([
    ['a line break', 'a\nb', 'a\\u000Ab'],
    ['a bidi override', 'a\u202Eb', 'a\\u202Eb'],
    ['a zero-width space and a BOM', '\u200Bx\uFEFF', '\\u200Bx\\uFEFF'],
    ['a tag character beyond the BMP', '\u{E0041}', '\\u{E0041}'],
    ['a lone surrogate', '\uD800', '\\uD800'],
    ['letters of any script and emoji stay', 'Zürich 東京 🙂', 'Zürich 東京 🙂'],
  ])('%s', (_name, value, shown) => {
    expect(visible(value)).toBe(shown);
  });
});

describe('untrusted text makes no Markdown construct and shows its characters', () => {
  it.each(HOSTILE)('as text: %s', (_name, hostile) => {
    const markdown = inListItem(untrusted(hostile, 'text'));
    expect(liveConstructs(markdown)).toEqual([]);
    // GitHub's mentions and issue references are broken by a zero-width space after @, # and GH-.
    expect(renderedBlocks(markdown)).toEqual([visible(hostile).replace(/[@#]|\bGH-/gi, '$&\u200B')]);
    expect(renderedBlocks(markdown)[0]).not.toMatch(/@\w|#\d|\bGH-\d/i);
    expect(markdown).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}](?<!\n$)/u);
  });

  it.each(HOSTILE)('as a code span: %s', (_name, hostile) => {
    const markdown = inListItem(untrusted(hostile, 'code'));
    expect(liveConstructs(markdown)).toEqual([]);
    expect(renderedBlocks(markdown)).toEqual([`\`${visible(hostile)}\``]);
  });

  it.each([
    ['empty', '', '(empty)'],
    ['spaces only', '  ', '`  `'],
    ['spaces at both ends', ' a ', '`  a  `'],
    ['a backtick at an end', '`a', '`` `a ``'],
  ])('a code span that is %s', (_name, value, markdown) => {
    expect(untrusted(value, 'code')).toBe(markdown);
  });

  it('a message keeps its own code spans (the provider quotes inputs in backticks); an odd backtick makes it all text', () => {
    expect(renderedBlocks(inListItem(untrustedMessage('The `pfx` input: see www.example.org')))).toEqual(['The `pfx` input: see www.example.org']);
    expect(liveConstructs(inListItem(untrustedMessage('The `pfx` input: see www.example.org')))).toEqual([]);
    expect(renderedBlocks(inListItem(untrustedMessage('odd ` backtick <b>')))).toEqual(['odd ` backtick <b>']);
  });
});
