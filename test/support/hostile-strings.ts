/**
 * Strings that try to turn a pull-request comment into something else: each
 * goes through every field of the review in test/domain/review.test.ts.
 */
/** Hostile strings, by what they try. */
export const HOSTILE: readonly (readonly [string, string])[] = [
  ['line breaks that end a heading or list item', 'name\n# Injected heading\r\n- item\n\n<img src=x onerror=alert(1)>'],
  ['backticks that open or close a code span', 'a`b ``c``` d`'],
  ['a table', '| a | b |\n| --- | --- |\n| c | d |'],
  ['HTML', '<img src="https://example.org/x.png"> <script>alert(1)</script> <!-- c --> <b>b</b> <details open>'],
  ['a link and an image', '[Approve](https://evil.example.org/approve) ![i](https://evil.example.org/x.png) [r][1]\n\n[1]: https://evil.example.org'],
  ['URLs and www. (GFM extended autolinks)', 'see https://example.org/renew-now or www.example.org or http://example.com/x?y=1'],
  ['CommonMark autolinks', '<https://example.org> <admin@example.org>'],
  ['an email, a mention, an issue reference', 'write to admin@example.org, @team or @octo-org/ops, see #19 and GH-7'],
  ['bidi controls', 'admin\u202Egnp.exe\u202C and \u2066isolated\u2069 \u202A\u202B\u202D'],
  ['zero-width and other invisible characters', 'zero\u200Bwidth\u200C\u200D\u200E\u200F\u2060\uFEFFjoined\u00AD'],
  ['emphasis, strikethrough, math', '*emph* _u_ **b** ~~s~~ $x^2$ $$y$$'],
  ['entities and escapes', '&lt;img&gt; &#60;b&#62; &amp; \\[not escaped\\] \\'],
  ['line and paragraph separators, tag characters, a lone surrogate, C1 controls', 'a\u2028b\u2029c \u{E0041}\u{E0042} \uD800 \u0085\u009B'],
  ['a heading and a quote at the start', '### h\n> quote\n    indented code\n```\nfence\n```'],
];
