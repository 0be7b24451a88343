/** The recovery window (provider/domain/recovery-window.ts): one default and one range for every store. */
import { awsStoreOptionProblems } from '../../provider/domain/aws-store-options';
import { assertRecoveryWindow, DEFAULT_RECOVERY_WINDOW_DAYS, isRecoveryWindow } from '../../provider/domain/recovery-window';
import { RECOVERY_WINDOW_DAYS } from '../../provider/pulumi/handlers';

describe('the recovery window', () => {
  it('defaults to Secrets Manager\'s 30 days, the window destroy uses', () => {
    expect(DEFAULT_RECOVERY_WINDOW_DAYS).toBe(30);
    expect(RECOVERY_WINDOW_DAYS).toBe(DEFAULT_RECOVERY_WINDOW_DAYS);
  });

  it.each<[string, unknown, boolean]>([
    ['7 days', 7, true],
    ['30 days', 30, true],
    ['6 days', 6, false],
    ['31 days', 31, false],
    ['7.5 days', 7.5, false],
    ['a string', '7', false],
  ])('%s: %s', (_row, days, valid) => {
    expect(isRecoveryWindow(days)).toBe(valid);
    expect(awsStoreOptionProblems({ region: 'us-east-1', recoveryWindowDays: days })).toHaveLength(valid ? 0 : 1);
  });

  it('names the range in its sentence', () => {
    expect(() => assertRecoveryWindow(3)).toThrow('The recovery window 3 is not valid: use a whole number of days from 7 to 30 (the range AWS Secrets Manager accepts).');
  });
});
