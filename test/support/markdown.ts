/**
 * The review comment as a CommonMark parser with GFM's links sees it:
 * markdown-it with raw HTML allowed and linkify on (fuzzy links and emails too, so `www.` and
 * `a@b.org` count, as GitHub's extended autolinks do), and strikethrough and tables (GFM).
 */
import MarkdownIt from 'markdown-it';

type Token = MarkdownIt.Token;

const parser = new MarkdownIt('default', { html: true, linkify: true });
parser.linkify.set({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });

/** Every token, inline children included, in document order. */
export function tokensOf(markdown: string): Token[] {
  const all: Token[] = [];
  const walk = (tokens: readonly Token[]) => {
    for (const token of tokens) {
      all.push(token);
      if (token.children) walk(token.children);
    }
  };
  walk(parser.parse(markdown, {}));
  return all;
}

/**
 * The constructs text from a preview must never create: links (autolinks and linkified text
 * included), images, HTML, code blocks, quotes, tables, rules, emphasis, strikethrough. What the
 * review itself writes is headings, list items, code spans and the bold words Failure and Warning.
 */
export function liveConstructs(markdown: string): string[] {
  const found: string[] = [];
  const tokens = tokensOf(markdown);
  tokens.forEach((token, i) => {
    if (/^(link_open|image|html_inline|html_block|code_block|fence|blockquote_open|table_open|hr|em_open|s_open)$/.test(token.type)) {
      found.push(`${token.type} ${JSON.stringify(token.content || token.attrGet('href') || token.attrGet('src') || '')}`);
    }
    if (token.type === 'strong_open') {
      const inside = tokens[i + 1];
      if (inside?.type !== 'text' || !['Failure', 'Warning'].includes(inside.content)) found.push(`strong_open ${JSON.stringify(inside?.content)}`);
    }
  });
  return found;
}

/** The headings' plain text, in order. */
export function headingsOf(markdown: string): string[] {
  const tokens = tokensOf(markdown);
  return tokens.flatMap((token, i) => (token.type === 'heading_open' ? [plainText(tokens[i + 1]!)] : []));
}

/** An inline token's text as a reader sees it: code spans in backticks, the rest as text. */
function plainText(inline: Token): string {
  return (inline.children ?? []).map((child) => (child.type === 'code_inline' ? `\`${child.content}\`` : child.type === 'softbreak' || child.type === 'hardbreak' ? '\n' : child.content)).join('');
}

/** Each block's text as a reader sees it (headings, paragraphs, list items), one string per block. */
export function renderedBlocks(markdown: string): string[] {
  return tokensOf(markdown).filter((token) => token.type === 'inline').map(plainText);
}
