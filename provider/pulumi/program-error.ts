/**
 * Errors thrown while the user's Pulumi program runs (the resource constructor, the store and
 * pool factories), as opposed to errors the provider reports to the engine.
 *
 * They are marked as Pulumi RunErrors (the SDK recognises the `__pulumiRunError` brand, not the
 * class): the SDK then prints the message alone, once, instead of the generic "unhandled
 * exception" report. That report formats the error with `util.inspect`, which was measured to
 * take 35-50 s on Node 20 with SDK 3.248 for a program run through ts-node (docs/engine.md); a
 * forgotten argument must fail at once. The stack is cut to its first line for the
 * same reason: the SDK also inspects the error for its tracing span. The code leads the message,
 * as in check failures, because the message is all the user sees.
 */
import { SfbError, type ErrorCode } from '../domain/errors';

export function programError(code: ErrorCode, message: string): SfbError {
  const error = new SfbError(code, `${code}: ${message}`);
  Object.defineProperty(error, '__pulumiRunError', { value: true, enumerable: false });
  error.stack = `${error.name}: ${error.message}`;
  return error;
}
