/**
 * The warning and drift line formats: what the writers print is what the readers find again.
 */
import { driftPlan, isDriftPlan, serverList, warningLine, warningLinesIn } from '../../provider/domain/plan-lines';

describe('warning lines', () => {
  it('writes `warning CODE: sentence`', () => {
    expect(warningLine({ code: 'CERT_EXPIRES_SOON', message: 'It expires soon.' })).toBe('warning CERT_EXPIRES_SOON: It expires soon.');
  });

  it('reads back what it writes, several to a block, skipping other lines', () => {
    const findings = [{ code: 'PFX_NO_MAC', message: 'No MAC.' }, { code: 'STORE_NOT_FOUND', message: 'Gone: see `x`.' }];
    const block = ['Previewing', ...findings.map(warningLine), '', 'done'].join('\n');
    expect(warningLinesIn(block)).toEqual(findings);
  });

  it.each<[string, string]>([
    ['a lower-case code', 'warning cert_expires_soon: x'],
    ['no space after the colon', 'warning PFX_NO_MAC:x'],
    ['not at the start of the line', ' warning PFX_NO_MAC: x'],
    ['a code starting with a digit', 'warning 1PFX: x'],
  ])('is not a warning line: %s', (_name, line) => {
    expect(warningLinesIn(line)).toEqual([]);
  });

  it('ends a line at \\n only (U+2028 stays inside the sentence)', () => {
    expect(warningLinesIn('warning PFX_NO_MAC: a\u2028b\nwarning CHAIN_INCOMPLETE: c')).toEqual([
      { code: 'PFX_NO_MAC', message: 'a\u2028b' },
      { code: 'CHAIN_INCOMPLETE', message: 'c' },
    ]);
  });
});

describe('drift plans', () => {
  it('writes `drift: what` and recognises it', () => {
    const plan = driftPlan('store holds no current certificate');
    expect(plan).toBe('drift: store holds no current certificate');
    expect(isDriftPlan(plan)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a roll plan', 'new 999F.. current now'],
    ['no plan', undefined],
    ['not a string', { drift: true }],
  ])('is not a drift plan: %s', (_name, plan) => {
    expect(isDriftPlan(plan)).toBe(false);
  });
});

describe('server lists in a plan line', () => {
  it.each<[number, string]>([
    [0, ''],
    [1, 'fe1'],
    [3, 'fe1, fe2, fe3'],
    [4, 'fe1, fe2, fe3 and 1 more'],
    [500, 'fe1, fe2, fe3 and 497 more'],
  ])('%i servers: "%s"', (count, line) => {
    expect(serverList(Array.from({ length: count }, (_, i) => `fe${i + 1}`))).toBe(line);
  });
});
