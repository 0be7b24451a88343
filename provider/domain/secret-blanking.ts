/**
 * Blanks plaintext secrets out of the short messages the review shows (the review must be
 * linear in its input: a pull request's program shapes the preview). A preview printed with `--show-secrets` reveals the PFX,
 * passwords and passphrases, and a pull request's program can put any text in a message; the
 * review shows at most the first `window` characters of each message, with every secret the
 * document reveals replaced by `[secret]`.
 *
 * Checking each message against each secret (`split(secret)`) costs messages × secrets, both of
 * which grow with the document: quadratic. Here one Aho-Corasick automaton (Aho and Corasick,
 * "Efficient string matching", CACM 18(6), 1975) over the secrets' first `window` characters is
 * built once, and each message's window is scanned once: linear. Written here rather than taken
 * from a library because the scan also needs the automaton's depth at the window's end: a
 * window that ends inside a secret (its suffix is a secret's prefix) is cut there, so no part of
 * a secret is shown. The automaton is bounded (`maxNodes`): a document revealing more secret text
 * than that has its messages hidden instead (never shown unchecked).
 *
 * Pure: no I/O.
 */

/** What a message becomes when the document reveals more secrets than the automaton holds. */
export const MESSAGE_HIDDEN = '(not shown: the preview reveals more plaintext secrets than the review checks messages against)';

/** The stand-in for a secret. */
export const SECRET_SHOWN_AS = '[secret]';

export interface SecretBlanker {
  /** The message's first `window` characters, each secret in them blanked; `...` when it was cut. */
  readonly shorten: (message: string) => string;
}

/**
 * A blanker for `secrets` (each at least 4 characters: shorter ones would blank ordinary words),
 * showing `window` characters of a message at most.
 */
export function secretBlanker(secrets: Iterable<string>, window: number, maxNodes = 1_000_000): SecretBlanker {
  // The trie: children by UTF-16 code unit, the failure link, the node's depth, and the length of
  // the longest whole secret that ends at this node (itself or through failure links), or 0.
  const children: Map<number, number>[] = [new Map()];
  const depth: number[] = [0];
  const longestEnding: number[] = [0];
  let overflow = false;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    let node = 0;
    const kept = Math.min(secret.length, window);
    for (let i = 0; i < kept; i++) {
      const unit = secret.charCodeAt(i);
      let next = children[node]!.get(unit);
      if (next === undefined) {
        if (children.length >= maxNodes) {
          overflow = true;
          break;
        }
        next = children.length;
        children.push(new Map());
        depth.push(depth[node]! + 1);
        longestEnding.push(0);
        children[node]!.set(unit, next);
      }
      node = next;
    }
    if (overflow) break;
    // A secret longer than the window never fits in one: only its prefix matters (see shorten).
    if (kept === secret.length) longestEnding[node] = Math.max(longestEnding[node]!, secret.length);
  }
  if (overflow) return { shorten: () => MESSAGE_HIDDEN };

  // Failure links, breadth first: the longest proper suffix of a node's text that is in the trie.
  const failure: number[] = new Array<number>(children.length).fill(0);
  const queue: number[] = [...children[0]!.values()];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const [unit, child] of children[node]!) {
      let fallback = failure[node]!;
      while (fallback !== 0 && !children[fallback]!.has(unit)) fallback = failure[fallback]!;
      const target = children[fallback]!.get(unit);
      failure[child] = target !== undefined && target !== child ? target : 0;
      longestEnding[child] = Math.max(longestEnding[child]!, longestEnding[failure[child]!]!);
      queue.push(child);
    }
  }

  const step = (node: number, unit: number): number => {
    let at = node;
    while (at !== 0 && !children[at]!.has(unit)) at = failure[at]!;
    return children[at]!.get(unit) ?? 0;
  };

  return {
    shorten(message: string): string {
      const cut = message.length > window;
      const text = cut ? message.slice(0, window - 3) : message;
      // Spans to blank, merged as found (they end in increasing order).
      const spans: [number, number][] = [];
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        node = step(node, text.charCodeAt(i));
        const length = longestEnding[node]!;
        if (length === 0) continue;
        // A longer secret ending here may start before spans already found: it absorbs them.
        let start = i - length + 1;
        while (spans.length > 0 && start <= spans[spans.length - 1]![1]) start = Math.min(start, spans.pop()![0]);
        spans.push([start, i + 1]);
      }
      // A cut message whose end may be the start of a secret: cut before it. The longest suffix
      // of the text that begins a secret and goes on (a node with children; a whole secret
      // that goes no further is blanked above) is the node or one of its failure links.
      let open = node;
      while (open !== 0 && children[open]!.size === 0) open = failure[open]!;
      const end = cut ? text.length - depth[open]! : text.length;
      let shown = '';
      let from = 0;
      for (const [start, stop] of spans) {
        if (start >= end) break;
        shown += text.slice(from, start) + SECRET_SHOWN_AS;
        from = stop;
      }
      if (from < end) shown += text.slice(from, end);
      return cut ? `${shown}...` : shown;
    },
  };
}
