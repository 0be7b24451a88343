/**
 * Secrets blanked out of the messages the review shows, in one pass per message (linear in the
 * document): whole secrets, overlapping ones, and a secret cut by the end of the shown window.
 */
import { MESSAGE_HIDDEN, secretBlanker } from '../../provider/domain/secret-blanking';

describe('secretBlanker', () => {
  it.each<[string, string[], number, string, string]>([
    ['no secret', ['hunter2x'], 100, 'nothing here', 'nothing here'],
    ['one secret, twice', ['hunter2x'], 100, 'a hunter2x b hunter2x', 'a [secret] b [secret]'],
    ['a secret inside a longer one: blanked whole', ['word', 'password1'], 100, 'my password1 and word', 'my [secret] and [secret]'],
    ['overlapping secrets: one span', ['abcdef', 'defghi'], 100, 'x abcdefghi y', 'x [secret] y'],
    ['a secret that is a suffix of another', ['abcdef', 'cdef'], 100, 'abcdef cdef', '[secret] [secret]'],
    ['shorter than 4 characters: not a secret', ['abc'], 100, 'abc', 'abc'],
    ['a long message: cut to the window with ...', [], 10, 'abcdefghijklmnop', 'abcdefg...'],
    ['a secret straddling the cut: cut before it', ['efghijkl'], 10, 'abcd efghijkl mnop', 'abcd ...'],
    ['a secret longer than the window, starting in it: cut before it', ['x'.repeat(50)], 10, `ab ${'x'.repeat(50)}`, 'ab ...'],
    ['a secret ending just inside the window', ['cdef'], 10, 'ab cdef ghijklmno', 'ab [secret]...'],
  ])('%s', (_name, secrets, window, message, shown) => {
    expect(secretBlanker(secrets, window).shorten(message)).toBe(shown);
  });

  it('more secret text than the automaton holds: every message is hidden, none shown unchecked', () => {
    const blanker = secretBlanker(['a-long-secret', 'another-long-secret'], 600, 10);
    expect(blanker.shorten('a harmless message')).toBe(MESSAGE_HIDDEN);
  });

  it('as the split-and-join it replaces, on messages and secrets made of few letters', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const word = (length: number) => Array.from({ length }, () => 'ab'[next() % 2]).join('');
    for (let i = 0; i < 500; i++) {
      const secrets = Array.from({ length: 1 + (next() % 3) }, () => word(4 + (next() % 3)));
      const message = word(next() % 30);
      // Reference: every occurrence of every secret marked, then marked runs blanked.
      const marked = new Array<boolean>(message.length).fill(false);
      for (const secret of secrets) for (let at = message.indexOf(secret); at !== -1; at = message.indexOf(secret, at + 1)) marked.fill(true, at, at + secret.length);
      const expected = message.replace(/./g, (c, at: number) => (marked[at] ? '*' : c)).replace(/\*+/g, '[secret]');
      expect([secrets, message, secretBlanker(secrets, 1000).shorten(message)]).toEqual([secrets, message, expected]);
    }
  });
});
