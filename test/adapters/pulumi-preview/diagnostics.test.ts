/**
 * The engine's check-failure line, parsed in time linear in the message: the same results as the
 * regular expression it replaced, which backtracked quadratically.
 */
import { checkFailureParts } from '../../../provider/adapters/pulumi-preview/diagnostics';
import { CERTIFICATE_TYPE } from '../../../provider/adapters/pulumi-preview/urn';

describe('checkFailureParts: the engine\'s check-failure line, parsed in linear time', () => {
  /** The regular expression it replaced (quadratic on `property a value ` repeated): the behaviour to keep. */
  const before = (message: string) => {
    const match = /property (\S+) value [\s\S]* has a problem: ([A-Z][A-Z0-9_]*): ([^\n]*)/.exec(message);
    return match ? { property: match[1], code: match[2], reason: match[3] } : undefined;
  };

  it.each([
    ['the engine\'s line', `error: ${CERTIFICATE_TYPE} resource 'oauth': property certificate value {<nil>} has a problem: PFX_BAD_PASSWORD: The password does not open it.\n`],
    ['a value holding the phrase', 'property sipDomain value {x has a problem: PFX_BAD_PASSWORD: no} has a problem: SIP_DOMAIN_MISSING: It does not.'],
    ['a value over lines', 'property a value {x\ny\n} has a problem: KEY_TOO_SMALL: small\nmore'],
    ['an empty value', 'property a value  has a problem: KEY_TOO_SMALL: small'],
    ['no value', 'property a value has a problem: KEY_TOO_SMALL: small'],
    ['a code without its colon and space', 'property a value v has a problem: KEY_TOO_SMALL:small'],
    ['a later tail without a code', 'property a value v has a problem: KEY_TOO_SMALL: x has a problem: lower: y'],
    ['the property phrase repeated', 'property a value property b value c has a problem: KEY_TOO_SMALL: z'],
    ['a property phrase after the tail', 'x has a problem: KEY_TOO_SMALL: z property a value b'],
    ['property with no name', 'property  value x has a problem: KEY_TOO_SMALL: z'],
    ['the hostile diagnostic (the phrase repeated)', `${'property a value '.repeat(200)} has a problem: KEY_TOO_SMALL: z`],
  ])('as before: %s', (_name, message) => {
    expect(checkFailureParts(message)).toEqual(before(message));
  });

  it('as before on 3,000 messages made of the phrases it looks for', () => {
    const pieces = ['property ', 'value ', ' value ', ' has a problem: ', 'KEY_TOO_SMALL: ', 'A: ', 'x', ' ', '\n', ':', 'property\u00a0'];
    let seed = 19;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 3000; i++) {
      const message = Array.from({ length: 1 + (next() % 12) }, () => pieces[next() % pieces.length]).join('');
      expect([message, checkFailureParts(message)]).toEqual([message, before(message)]);
    }
  });
});
