/**
 * The code of what an action throws, for tables of outcomes: the SfbError's code, or `no error`
 * when it returns. Anything else it throws is a bug, not an outcome: it is thrown again, so the
 * test fails with it.
 */
import { isSfbError, type ErrorCode } from '../../provider/domain/errors';

export function thrownCode(action: () => unknown): ErrorCode | 'no error' {
  try {
    action();
  } catch (error) {
    if (isSfbError(error)) return error.code;
    throw error;
  }
  return 'no error';
}
