/**
 * How long a deleted secret stays recoverable: Secrets Manager's DeleteSecret takes
 * RecoveryWindowInDays from 7 to 30 and uses 30 when none is given; the local store keeps the
 * same range and default, and `pulumi destroy` uses the default unless the AWS store's
 * `recoveryWindowDays` option says otherwise:
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 */
import { SfbError } from './errors';

/** Days a destroyed certificate stays recoverable when nothing else is set. */
export const DEFAULT_RECOVERY_WINDOW_DAYS = 30;
/** The shortest recovery window Secrets Manager accepts. */
export const MIN_RECOVERY_WINDOW_DAYS = 7;
/** The longest recovery window Secrets Manager accepts. */
export const MAX_RECOVERY_WINDOW_DAYS = 30;

/** Whether `days` is a recovery window both stores accept: a whole number from 7 to 30. */
export function isRecoveryWindow(days: unknown): days is number {
  return typeof days === 'number' && Number.isInteger(days) && days >= MIN_RECOVERY_WINDOW_DAYS && days <= MAX_RECOVERY_WINDOW_DAYS;
}

/** Throws INVALID_ARGUMENT unless `days` is a valid recovery window. */
export function assertRecoveryWindow(days: unknown): asserts days is number {
  if (!isRecoveryWindow(days)) {
    throw new SfbError(
      'INVALID_ARGUMENT',
      `The recovery window ${String(days)} is not valid: use a whole number of days from ${MIN_RECOVERY_WINDOW_DAYS} to ${MAX_RECOVERY_WINDOW_DAYS} (the range AWS Secrets Manager accepts).`,
    );
  }
}
