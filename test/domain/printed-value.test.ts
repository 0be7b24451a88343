import { printValue } from '../../provider/domain/printed-value';

describe('the one printer for values in messages', () => {
  it.each([
    ['a string, quoted', 'fe01', '"fe01"'],
    ['a long string, cut at 60 characters', 'x'.repeat(61), `"${'x'.repeat(60)}..."`],
    ['a control character, escaped', 'a\nb', '"a\\nb"'],
    ['a number with its type', 2048, 'number 2048'],
    ['NaN with its type', Number.NaN, 'number NaN'],
    ['a boolean with its type', false, 'boolean false'],
    ['undefined, with the likely cause', undefined, 'undefined (a config value that is not set?)'],
    ['null', null, 'null'],
    ['an array by its kind', ['secret'], 'an array'],
    ['an object by its kind', { password: 'secret' }, 'an object'],
    ['a function by its kind', () => 'secret', 'a function'],
    ['a bigint by its kind', 10n, 'a bigint'],
  ])('%s', (_name, value, printed) => {
    expect(printValue(value)).toBe(printed);
  });
});
