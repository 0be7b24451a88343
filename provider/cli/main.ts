/**
 * The pipeline CLI: `sfb-oauth-cert validate <file> [options]`. A thin shell over validatePfx:
 * it reads the file and the password (never from argv: argv is visible to every process on the
 * machine and lands in CI logs), prints, and maps the outcome to an exit code.
 * `sfb-oauth-cert review [file]` (the PR comment of a `pulumi preview --json`) lives in ./review.
 */
import { fileProblemMessage, readBoundedFile } from '../adapters/files/bounded-file';
import { decodeText } from '../adapters/files/text-file';
import { MAX_PFX_INPUT_BYTES, pfxTooLarge } from '../adapters/pfx/pfx-input';
import { isSfbError, type Finding, type PfxErrorCode } from '../domain/errors';
import { warningLine } from '../domain/plan-lines';
import { MAX_KEY_BITS, SKYPE_MIN_KEY_BITS } from '../domain/resource-inputs';
import { parseIsoInstant } from '../domain/time';
import { validatePfx, type PfxValidation } from '../validate-pfx';
import { parseArguments } from './arguments';
import { CAPTURE_USAGE, captureScriptCommand } from './capture';
import { planCommand, PLAN_USAGE } from './plan';
import { review, REVIEW_USAGE } from './review';
import { status, STATUS_USAGE } from './status';

/** Exit codes: the contract other tools script against. */
export const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

/** The largest password file read: a password is a line, and /dev/zero must not be read forever. */
export const MAX_PASSWORD_FILE_BYTES = 64 * 1024;

const USAGE = `Usage: sfb-oauth-cert validate <file> [--password-env NAME | --password-file PATH]
         [--sip-domain D] [--effective-date ISO8601] [--min-key-bits N] [--thumbprint HEX]
         [--now ISO8601] [--json]

Validates a PFX (binary or base64 text) as the Skype for Business OAuthTokenIssuer certificate.
The password is read from the environment variable PFX_PASSWORD unless --password-env or
--password-file says otherwise; an unset variable means no password, an empty one the empty
password. A password file's single trailing newline is not part of the password.
Dates are ISO 8601 with a zone, like 2026-12-01T00:00:00Z. --min-key-bits is at least ${SKYPE_MIN_KEY_BITS}.
--now evaluates expiry as of that moment instead of the clock (reproducible pipelines).
--json prints one JSON object on stdout for every outcome, usage errors included.
Exit status: 0 valid, 1 invalid, 2 usage error.

${REVIEW_USAGE}

${STATUS_USAGE}

${PLAN_USAGE}

${CAPTURE_USAGE}`;

/** Why the file was not checked (exit status 2). */
class UsageError extends Error {}

interface ValidateCommand {
  readonly file: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
  readonly sipDomain?: string;
  readonly effectiveDate?: Date;
  readonly minKeyBits?: number;
  readonly thumbprint?: string;
  readonly now?: Date;
  readonly json: boolean;
}

/** The options of `validate`: keys are the long names. */
const VALIDATE_OPTIONS = {
  'password-env': { type: 'string' },
  'password-file': { type: 'string' },
  'sip-domain': { type: 'string' },
  'effective-date': { type: 'string' },
  'min-key-bits': { type: 'string' },
  thumbprint: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function instant(flag: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const parsed = parseIsoInstant(text);
  if (!parsed.ok) throw new UsageError(`${flag} ${parsed.reason}.`);
  return parsed.date;
}

function minKeyBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--min-key-bits takes a whole number of bits, not "${value}".`);
  const bits = Number(value);
  if (bits < SKYPE_MIN_KEY_BITS) {
    throw new UsageError(`--min-key-bits ${bits} is below ${SKYPE_MIN_KEY_BITS}, the smallest RSA key Skype for Business accepts for the OAuthTokenIssuer certificate; give ${SKYPE_MIN_KEY_BITS} or more.`);
  }
  if (bits > MAX_KEY_BITS) throw new UsageError(`--min-key-bits ${bits} is above ${MAX_KEY_BITS}, the largest RSA key the checks accept; give ${SKYPE_MIN_KEY_BITS}..${MAX_KEY_BITS}.`);
  return bits;
}

function parseValidate(args: readonly string[]): ValidateCommand {
  const parsed = parseArguments(args, VALIDATE_OPTIONS, {
    // Refused by name, with the reason: the value is never shown (it is the password).
    'unknown-option': (option) =>
      option === '--password'
        ? '--password is not accepted: a password on the command line is visible to other processes and logs; use --password-env NAME or --password-file PATH.'
        : `Unknown option ${option}.`,
  });
  if (!parsed.ok) throw new UsageError(parsed.message);
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  const command: ValidateCommand = {
    file: file ?? '',
    json: values.json === true,
    ...(values['password-env'] !== undefined ? { passwordEnv: values['password-env'] } : {}),
    ...(values['password-file'] !== undefined ? { passwordFile: values['password-file'] } : {}),
    ...(values['sip-domain'] !== undefined ? { sipDomain: values['sip-domain'] } : {}),
    ...(values.thumbprint !== undefined ? { thumbprint: values.thumbprint } : {}),
  };
  const effectiveDate = instant('--effective-date', values['effective-date']);
  const now = instant('--now', values.now);
  const bits = minKeyBits(values['min-key-bits']);
  if (extra.length > 0) {
    // Not shown: a stray argument may be a password typed in the wrong place.
    throw new UsageError(`One file at a time: validate takes one <file>, and got ${extra.length === 1 ? 'an extra argument' : `${extra.length} extra arguments`} (not shown, in case it is a secret).`);
  }
  if (file === undefined) throw new UsageError('validate needs the PFX file to check.');
  if (command.passwordEnv !== undefined && command.passwordFile !== undefined) throw new UsageError('Give --password-env or --password-file, not both.');
  if (command.thumbprint !== undefined && !/^[0-9a-fA-F]{40}$/.test(command.thumbprint.replace(/[\s:-]/g, ''))) {
    throw new UsageError(`--thumbprint "${command.thumbprint}" is not 40 hexadecimal digits (the SHA-1 thumbprint Windows shows).`);
  }
  return {
    ...command,
    ...(effectiveDate !== undefined ? { effectiveDate } : {}),
    ...(now !== undefined ? { now } : {}),
    ...(bits !== undefined ? { minKeyBits: bits } : {}),
  };
}

function readPassword(command: ValidateCommand, env: NodeJS.ProcessEnv): string | null {
  if (command.passwordFile !== undefined) {
    const read = readBoundedFile(command.passwordFile, MAX_PASSWORD_FILE_BYTES);
    if (!read.ok) throw new UsageError(fileProblemMessage('password file', command.passwordFile, read.problem));
    // Windows PowerShell 5.1 saves text as UTF-16 or with a BOM; neither is part of the password.
    const decoded = decodeText(read.bytes);
    if (!decoded.ok) throw new UsageError(`Cannot read the password file "${command.passwordFile}": ${decoded.why}.`);
    return decoded.text.replace(/\r?\n$/, '');
  }
  const value = env[command.passwordEnv ?? 'PFX_PASSWORD'];
  return value === undefined ? null : value;
}

/** A report without certificate facts: for a file refused before validation, or not checked at all. */
function reportWithoutFacts(errors: Finding<PfxErrorCode>[]): PfxValidation {
  return {
    valid: false, thumbprint: null, subject: null, dnsNames: [], keyAlgorithm: null, keyBits: null,
    notBefore: null, notAfter: null, chainSize: 0, errors, warnings: [],
  };
}

/** Reads the PFX file: a usage error when it cannot be read, a PFX_TOO_LARGE report when it is too big. */
function readPfxFile(file: string): { bytes: Buffer } | { report: PfxValidation } {
  const read = readBoundedFile(file, MAX_PFX_INPUT_BYTES);
  if (read.ok) return { bytes: read.bytes };
  if (read.problem.kind === 'too-large') {
    const error = pfxTooLarge(`PFX file "${file}"`, read.problem.size);
    return { report: reportWithoutFacts([{ code: 'PFX_TOO_LARGE', message: error.message }]) };
  }
  throw new UsageError(fileProblemMessage('PFX file', file, read.problem));
}

/**
 * The `--json` object: the same keys for every outcome. `usageError` is null when the file was
 * checked (exit 0 or 1), and says why it was not otherwise (exit 2).
 */
interface JsonReport extends Omit<PfxValidation, 'chainSize'> {
  readonly usageError: { readonly code: 'INVALID_ARGUMENT' | 'INTERNAL_ERROR'; readonly message: string } | null;
}

function jsonOf(result: PfxValidation): JsonReport {
  const { chainSize: _chainSize, ...contract } = result;
  return { ...contract, usageError: null };
}

function jsonUsageError(code: 'INVALID_ARGUMENT' | 'INTERNAL_ERROR', message: string): JsonReport {
  return { ...jsonOf(reportWithoutFacts([])), usageError: { code, message } };
}

function humanSummary(file: string, result: PfxValidation, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines = [
    result.valid
      ? paint('32', `✔ ${file}: valid OAuthTokenIssuer certificate`)
      : paint('31', `✘ ${file}: not usable as the OAuthTokenIssuer certificate`),
  ];
  if (result.thumbprint) {
    lines.push(`  thumbprint ${result.thumbprint}  ${result.subject}  key ${result.keyAlgorithm} ${result.keyBits ?? '?'} bits  valid ${result.notBefore} .. ${result.notAfter}`);
  }
  for (const e of result.errors) lines.push(paint('31', `  error   ${e.code}: ${e.message}`));
  for (const w of result.warnings) lines.push(paint('33', `  ${warningLine(w)}`));
  return lines.join('\n') + '\n';
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<{ file: string; result: PfxValidation }> {
  const [command, ...rest] = argv;
  // The command is not echoed either: whatever stands first may be a misplaced secret.
  if (command !== 'validate') throw new UsageError(command === undefined || command.startsWith('-') ? 'Name a command: validate, review, status, plan or capture-script.' : 'Unknown command: the commands are validate, review, status, plan and capture-script.');
  const parsed = parseValidate(rest);
  const read = readPfxFile(parsed.file);
  if ('report' in read) return { file: parsed.file, result: read.report };
  const result = await validatePfx(read.bytes, readPassword(parsed, env), {
    inputName: `PFX file "${parsed.file}"`,
    ...(parsed.sipDomain !== undefined ? { sipDomain: parsed.sipDomain } : {}),
    ...(parsed.effectiveDate !== undefined ? { effectiveDate: parsed.effectiveDate } : {}),
    ...(parsed.minKeyBits !== undefined ? { minKeyBits: parsed.minKeyBits } : {}),
    ...(parsed.thumbprint !== undefined ? { thumbprint: parsed.thumbprint } : {}),
    ...(parsed.now !== undefined ? { now: parsed.now } : {}),
  });
  return { file: parsed.file, result };
}

/** Runs the CLI; returns the exit code. Streams and environment are parameters for tests. */
export async function main(
  argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, err: NodeJS.WritableStream, isTty = false,
  stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean } = process.stdin,
): Promise<number> {
  const [command] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.write(USAGE + '\n');
    return EXIT.valid;
  }
  // Its own options and exit codes (0 printed, 2 usage); the clock is read here, in the shell.
  if (command === 'review') return review(argv.slice(1), { out, err, stdin, clock: () => new Date() });
  if (command === 'capture-script') return captureScriptCommand(argv.slice(1), { out, err, clock: () => new Date() });
  if (command === 'status') return status(argv.slice(1), { out, err, stdin, errIsTty: (err as { isTTY?: boolean }).isTTY === true, clock: () => new Date() });
  if (command === 'plan') return planCommand(argv.slice(1), { out, err, stdin, clock: () => new Date() });
  // Decided before parsing, so that a usage error is reported in the form the caller asked for.
  const json = argv.includes('--json');
  try {
    const { file, result } = await run(argv, env);
    out.write(json ? JSON.stringify(jsonOf(result)) + '\n' : humanSummary(file, result, isTty && env.NO_COLOR === undefined));
    return result.valid ? EXIT.valid : EXIT.invalid;
  } catch (error) {
    if (error instanceof UsageError || (isSfbError(error) && error.code === 'INVALID_ARGUMENT')) {
      const message = (error as Error).message;
      if (json) out.write(JSON.stringify(jsonUsageError('INVALID_ARGUMENT', message)) + '\n');
      else err.write(`sfb-oauth-cert: ${message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (json) {
      // Still one object: scripts parse stdout. Only the error's class and message (never input values).
      const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      out.write(JSON.stringify(jsonUsageError('INTERNAL_ERROR', `The check failed unexpectedly (${what}); this is a bug, please report it with the command line (without secrets).`)) + '\n');
      return EXIT.usage;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, process.stdout, process.stderr, process.stdout.isTTY === true).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`sfb-oauth-cert: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
