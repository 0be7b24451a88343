/**
 * The certificate lists of provider/adapters/powershell/parse.ts, read by schemas: what
 * ConvertTo-Json writes for a list of one, for nothing, and for 5.1's extended arrays; values
 * of the wrong type; a `__proto__` property; strings far longer than any real field.
 */
import { certificatesOf, globalOf, instantOf, objectsOf, serverAnswerOf } from '../../provider/adapters/powershell/parse';

const DOING = 'reading the deployment';
const shapeError = (why: string) => ({
  code: 'SHELL_FAILED',
  message: `The shell's answer while ${DOING} does not have the documented shape: ${why}. Check that the pool's command runs Windows PowerShell 5.1 (or PowerShell 7 with edition "core") with the Skype for Business Server administrative tools, and compare with a capture (docs/front-end.md, "Evidence from a real server").`,
});
const A = 'a'.repeat(40);
const B = 'B'.repeat(40);
const NOT_AFTER = '2035-01-01T00:00:00Z';

describe('a list as PowerShell writes it', () => {
  it.each([
    ['a lone object (ConvertTo-Json unrolls a list of one)', { Thumbprint: A }, [{ Thumbprint: A }]],
    ['an array', [{ Thumbprint: A }, { Thumbprint: B }], [{ Thumbprint: A }, { Thumbprint: B }]],
    ['5.1\'s extended array, its names in any case', { VALUE: [{ Thumbprint: A }], count: 1 }, [{ Thumbprint: A }]],
    ['an object with a `value` list but no Count (not an extended array)', { value: [1] }, [{ value: [1] }]],
    ['null (no certificate)', null, []],
    ['nothing', undefined, []],
    ['an empty array', [], []],
  ])('%s', (_name, value, objects) => {
    expect(objectsOf(value, DOING, 'the list')).toEqual(objects);
  });

  it.each([
    ['a string', 'Thumbprint', 'the list item 1 is not an object'],
    ['a null item after an object', [{ Thumbprint: A }, null], 'the list item 2 is not an object'],
    ['a nested array', [[{ Thumbprint: A }]], 'the list item 1 is not an object'],
    ['an extended array holding a number', { value: [{}, 7], Count: 2 }, 'the list item 2 is not an object'],
  ])('%s fails, naming the item', (_name, value, why) => {
    expect(() => objectsOf(value, DOING, 'the list')).toThrow(expect.objectContaining(shapeError(why)));
  });

  it('a `__proto__` property is never a prototype: an extended array hidden there is no list, and no thumbprint comes from it', () => {
    const hidden = JSON.parse(`{"__proto__": {"value": [{"Thumbprint": "${A}"}], "Count": 1}}`) as unknown;
    const objects = objectsOf(hidden, DOING, 'the list');
    expect(objects).toHaveLength(1);
    expect(Object.getPrototypeOf(objects[0])).toBe(Object.prototype);
    const lent = JSON.parse(`{"__proto__": {"Thumbprint": "${A}", "NotAfter": "${NOT_AFTER}"}}`) as Record<string, unknown>;
    expect(() => certificatesOf('fe01', [lent], DOING)).toThrow(expect.objectContaining(shapeError("fe01's certificate 1 Thumbprint is not a thumbprint of 40 hex digits")));
  });
});

describe('a server\'s certificates', () => {
  it('reads names in any case, a thumbprint upper case, an empty or null PreviousThumbprint as none', () => {
    expect(certificatesOf('fe01', [{ thumbprint: A, notafter: '/Date(2051222400000)/', PREVIOUSTHUMBPRINT: '' }, { THUMBPRINT: B, effectivedate: '2026-12-01T01:00:00+01:00' }], DOING)).toEqual({
      server: 'fe01',
      current: A.toUpperCase(),
      currentNotAfter: '2035-01-01T00:00:00.000Z',
      scheduled: { thumbprint: B, effectiveDate: '2026-12-01T00:00:00.000Z' },
    });
    expect(certificatesOf('fe01', [{ Thumbprint: A, NotAfter: NOT_AFTER, PreviousThumbprint: null }], DOING)).toEqual({ server: 'fe01', current: A.toUpperCase(), currentNotAfter: '2035-01-01T00:00:00.000Z' });
  });

  it.each([
    ['three certificates', [{}, {}, {}], 'fe01 lists 3 OAuthTokenIssuer certificates where at most two (current and scheduled) exist'],
    ['a thumbprint as a number', [{ Thumbprint: 42, NotAfter: NOT_AFTER }], "fe01's certificate 1 Thumbprint is not a thumbprint of 40 hex digits"],
    ['a bad PreviousThumbprint, found before a missing Thumbprint', [{ PreviousThumbprint: 0 }], "fe01's certificate 1 PreviousThumbprint is not a thumbprint of 40 hex digits"],
    ['a thumbprint as a list', [{ Thumbprint: [A], NotAfter: NOT_AFTER }], "fe01's certificate 1 Thumbprint is not a thumbprint of 40 hex digits"],
    ['no NotAfter', [{ Thumbprint: A }], "fe01's certificate 1 NotAfter must be an ISO 8601 date and time as a string, like 2026-12-01T00:00:00Z; got undefined"],
    ['a NotAfter as null', [{ Thumbprint: A, NotAfter: null }], "fe01's certificate 1 NotAfter must be an ISO 8601 date and time as a string, like 2026-12-01T00:00:00Z; got null"],
    ['a NotAfter as milliseconds', [{ Thumbprint: A, NotAfter: 2051222400000 }], "fe01's certificate 1 NotAfter must be an ISO 8601 date and time as a string, like 2026-12-01T00:00:00Z; got number"],
    ['a scheduled roll without its date', [{ Thumbprint: A, NotAfter: NOT_AFTER }, { Thumbprint: B }], "fe01's certificate 2 EffectiveDate must be an ISO 8601 date and time as a string, like 2026-12-01T00:00:00Z; got undefined"],
  ])('%s fails', (_name, objects, why) => {
    expect(() => certificatesOf('fe01', objects, DOING)).toThrow(expect.objectContaining(shapeError(why)));
  });

  it('a huge value is never quoted whole: the sentence stays short', () => {
    const huge = '9'.repeat(1_000_000);
    expect(() => certificatesOf('fe01', [{ Thumbprint: huge, NotAfter: NOT_AFTER }], DOING)).toThrow(expect.objectContaining(shapeError("fe01's certificate 1 Thumbprint is not a thumbprint of 40 hex digits")));
    expect(() => certificatesOf('fe01', [{ Thumbprint: A, NotAfter: huge }], DOING)).toThrow(
      expect.objectContaining(shapeError(`fe01's certificate 1 NotAfter "${'9'.repeat(40)}..." is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00`)),
    );
    expect(() => instantOf(`/Date(${huge})/`, DOING, 'NotAfter')).toThrow(expect.objectContaining({ code: 'SHELL_FAILED', message: expect.stringContaining(`NotAfter "${`/Date(${huge}`.slice(0, 40)}..." is not an ISO 8601`) }));
  });
});

describe('5.1\'s /Date(ms)/', () => {
  it('reads the first and the last instant of the years 0000-9999', () => {
    expect(instantOf('/Date(-62167219200000)/', DOING, 'NotAfter')).toBe('0000-01-01T00:00:00.000Z');
    expect(instantOf('/Date(253402300799999)/', DOING, 'NotAfter')).toBe('9999-12-31T23:59:59.999Z');
  });

  // The old reader returned "+275760-09-13T00:00:00.000Z", which the strict parser that reads the
  // state and the plan refuses: an instant the provider could write but never read back.
  it.each([
    ['after the year 9999', '/Date(253402300800000)/'],
    ['the last instant JavaScript can hold', '/Date(8640000000000000)/'],
    ['before the year 0000', '/Date(-62167219200001)/'],
  ])('%s fails, quoting what the shell wrote', (_name, value) => {
    expect(() => instantOf(value, DOING, 'NotAfter')).toThrow(
      expect.objectContaining(shapeError(`NotAfter "${value}" is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00`)),
    );
  });
});

describe('a server record', () => {
  it('reads the time zone and the list in any case; an empty or odd time zone is none', () => {
    expect(serverAnswerOf(`fe01 ${JSON.stringify({ TIMEZONE: 'UTC', Certificates: { Thumbprint: A } })}`, DOING)).toEqual({ name: 'fe01', timeZone: 'UTC', certificates: [{ Thumbprint: A }] });
    expect(serverAnswerOf(`fe01 ${JSON.stringify({ timeZone: '', certificates: null })}`, DOING)).toEqual({ name: 'fe01', certificates: [] });
    expect(serverAnswerOf(`fe01 ${JSON.stringify({ timeZone: 5 })}`, DOING)).toEqual({ name: 'fe01', certificates: [] });
  });

  it.each([
    ['no server name', ' {}', 'a server record has no server name'],
    ['an answer that is a list', 'fe01 []', 'the answer of fe01 is not an object'],
    ['an answer that is null', 'fe01 null', 'the answer of fe01 is not an object'],
    ['a huge server name, cut to 80 characters', `${'f'.repeat(100_000)} "x"`, `the answer of ${'f'.repeat(80)} is not an object`],
    ['a list item that is a string', `fe01 ${JSON.stringify({ certificates: [{ Thumbprint: A }, 'x'] })}`, "fe01's certificate list item 2 is not an object"],
  ])('%s fails', (_name, payload, why) => {
    expect(() => serverAnswerOf(payload, DOING)).toThrow(expect.objectContaining(shapeError(why)));
  });
});

describe('the global record', () => {
  it('a lone current certificate, as 5.1 writes a list of one', () => {
    expect(globalOf({ Thumbprint: A, NotAfter: NOT_AFTER, SourceScope: 'Global' }, DOING)).toEqual({ server: 'global', current: A.toUpperCase(), currentNotAfter: '2035-01-01T00:00:00.000Z' });
  });
});
