/**
 * The diagnostics of `pulumi preview --json`, as the real CLI (v3.274.1) prints them for this
 * provider (observed in test/integration/review.int.test.ts): check failures as `error`
 * diagnostics on the resource's URN (`... property P value V has a problem: CODE: sentence`), the
 * provider's warnings (`warning CODE: sentence` on the dynamic provider's stderr) as diagnostics
 * with no URN, and an SfbError the program threw as Node prints it (`SfbError CODE: sentence`).
 *
 * Every message is read in time linear in its length (a pull request's program can print any
 * text, megabytes of it), and what is kept of it is cleaned: no terminal colours or control
 * characters, at most {@link MAX_MESSAGE_CHARS} characters, every plaintext secret of the
 * document blanked.
 */
import { CHECK_WARNING_CODES, OPERATION_ERROR_CODES, PFX_ERROR_CODES, type CheckWarningCode, type Finding, type OperationErrorCode, type PfxErrorCode } from '../../domain/errors';
import { warningLinesIn } from '../../domain/plan-lines';
import type { PreviewDiagnostic, ReviewFailure } from '../../domain/review';
import type { SecretBlanker } from '../../domain/secret-blanking';
import { certificateRef, CERTIFICATE_TYPE, typeOfUrn } from './urn';

/** Longest message shown: a comment stays short, and a runaway message cannot flood it. */
export const MAX_MESSAGE_CHARS = 600;

const WARNING_CODES: readonly string[] = CHECK_WARNING_CODES;
const FAILURE_CODES: readonly string[] = [...PFX_ERROR_CODES, ...OPERATION_ERROR_CODES];
const isWarningCode = (code: string): code is CheckWarningCode => WARNING_CODES.includes(code);
const isFailureCode = (code: string): code is PfxErrorCode | OperationErrorCode => FAILURE_CODES.includes(code);

/** Removes terminal colours and control characters, bounds the length, and blanks out secrets. */
function cleanMessage(text: string, secrets: SecretBlanker): string {
  // eslint-disable-next-line no-control-regex -- the point is to remove terminal escapes and control characters.
  const cleaned = text.replace(/\u001b\[[0-9;]*m/g, '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return secrets.shorten(cleaned);
}

/** The provider's warning lines in a message, with a code of its vocabulary (one diagnostic may hold several). */
function warningsIn(message: string, secrets: SecretBlanker): Finding<CheckWarningCode>[] {
  const found: Finding<CheckWarningCode>[] = [];
  for (const { code, message: sentence } of warningLinesIn(message)) {
    if (isWarningCode(code)) found.push({ code, message: cleanMessage(sentence, secrets) });
  }
  return found;
}

/** The engine's words between a check failure's value and its reason. */
const HAS_A_PROBLEM = ' has a problem: ';
/** A code and its colon, at a given position (sticky). */
const CODE_AT = /[A-Z][A-Z0-9_]*(?=: )/y;
/** A property name, at a given position (sticky): up to the next whitespace. */
const NON_SPACE_AT = /\S+/y;

/**
 * A check failure as the engine words it: `... property P value V has a problem: CODE: sentence`.
 * The value V is dropped (the engine prints the property's value; ours are never secret, but the
 * review has no need of it), and may hold anything, the engine's phrase included: the reason is
 * the last ` has a problem: CODE: ` of the message, the property the first `property P value `
 * before it. A scan with indexOf, linear in the message: the regular expression it replaces
 * (`property (\S+) value [\s\S]* has a problem:`) backtracked quadratically, 53 s for a 1 MB
 * diagnostic a pull request's program can print.
 */
export function checkFailureParts(message: string): { property: string; code: string; reason: string } | undefined {
  let reasonAt = -1;
  let code = '';
  for (let at = message.lastIndexOf(HAS_A_PROBLEM); at !== -1; at = at === 0 ? -1 : message.lastIndexOf(HAS_A_PROBLEM, at - 1)) {
    CODE_AT.lastIndex = at + HAS_A_PROBLEM.length;
    const found = CODE_AT.exec(message);
    if (found) {
      reasonAt = at;
      code = found[0];
      break;
    }
  }
  if (reasonAt === -1) return undefined;
  // Each `property ` occurrence's name ends before the next occurrence's space, so the names
  // scanned never overlap and the value starts move right: stop once one starts past the reason.
  for (let at = message.indexOf('property '); at !== -1; at = message.indexOf('property ', at + 1)) {
    NON_SPACE_AT.lastIndex = at + 'property '.length;
    const property = NON_SPACE_AT.exec(message)?.[0];
    if (property === undefined) continue;
    const afterProperty = at + 'property '.length + property.length;
    if (afterProperty + ' value '.length > reasonAt) break;
    if (!message.startsWith(' value ', afterProperty)) continue;
    const sentenceAt = reasonAt + HAS_A_PROBLEM.length + code.length + 2;
    const lineEnd = message.indexOf('\n', sentenceAt);
    return { property, code, reason: message.slice(sentenceAt, lineEnd === -1 ? undefined : lineEnd) };
  }
  return undefined;
}

function checkFailureIn(message: string, secrets: SecretBlanker): ReviewFailure | undefined {
  const parts = checkFailureParts(message);
  if (!parts || !isFailureCode(parts.code)) return undefined;
  return { code: parts.code, property: parts.property, message: cleanMessage(parts.reason, secrets) };
}

/** An SfbError the program threw (`SfbError CODE: sentence`, as Node prints it): only that line. */
function programFailureIn(message: string, secrets: SecretBlanker): ReviewFailure | undefined {
  const match = /SfbError ([A-Z][A-Z0-9_]*): ([^\n]*)/.exec(message);
  if (!match || !isFailureCode(match[1]!)) return undefined;
  return { code: match[1], property: null, message: cleanMessage(match[2]!, secrets) };
}

/** One diagnostic: the provider's warnings, a failure with our code, another error, or nothing for the review (null). */
export function previewDiagnostic(diagnostic: { readonly urn?: string; readonly message: string; readonly severity: string }, secrets: SecretBlanker): PreviewDiagnostic | null {
  const certificate = diagnostic.urn !== undefined && typeOfUrn(diagnostic.urn) === CERTIFICATE_TYPE ? certificateRef(diagnostic.urn) : null;
  const warnings = warningsIn(diagnostic.message, secrets);
  if (warnings.length > 0) return { kind: 'warnings', certificate, warnings };
  if (!diagnostic.severity.startsWith('error')) return null;
  const failure = checkFailureIn(diagnostic.message, secrets) ?? programFailureIn(diagnostic.message, secrets);
  return failure ? { kind: 'failure', certificate, failure } : { kind: 'other-error' };
}
