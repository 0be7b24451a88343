/**
 * The pipeline CLI: `sfb-oauth-cert validate <file> [options]`. A thin shell over validatePfx:
 * it reads the file and the password (never from argv: argv is visible to every process on the
 * machine and lands in CI logs), prints, and maps the outcome to an exit code.
 */
import { readFileSync } from 'node:fs';
import { validatePfx, type PfxValidation } from '../validate-pfx';
import { isSfbError } from '../domain/errors';

/** Exit codes: the contract other tools script against. */
export const EXIT = { valid: 0, invalid: 1, usage: 2 } as const;

const USAGE = `Usage: sfb-oauth-cert validate <file> [--password-env NAME | --password-file PATH]
         [--sip-domain D] [--effective-date ISO8601] [--min-key-bits N] [--thumbprint HEX]
         [--now ISO8601] [--json]

Validates a PFX (binary or base64 text) as the Skype for Business OAuthTokenIssuer certificate.
The password is read from the environment variable PFX_PASSWORD unless --password-env or
--password-file says otherwise; an unset variable means no password, an empty one the empty
password. A password file's single trailing newline is not part of the password.
--now evaluates expiry as of that moment instead of the clock (reproducible pipelines).
Exit status: 0 valid, 1 invalid, 2 usage error.`;

class UsageError extends Error {}

interface ValidateCommand {
  file: string;
  passwordEnv?: string;
  passwordFile?: string;
  sipDomain?: string;
  effectiveDate?: string;
  minKeyBits?: number;
  thumbprint?: string;
  now?: string;
  json: boolean;
}

function parseValidate(args: string[]): ValidateCommand {
  const command: Partial<ValidateCommand> & { json: boolean } = { json: false };
  const valueOf = (flag: string, i: number): string => {
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--json': command.json = true; break;
      case '--password-env': command.passwordEnv = valueOf(arg, i++); break;
      case '--password-file': command.passwordFile = valueOf(arg, i++); break;
      case '--sip-domain': command.sipDomain = valueOf(arg, i++); break;
      case '--effective-date': command.effectiveDate = valueOf(arg, i++); break;
      case '--thumbprint': command.thumbprint = valueOf(arg, i++); break;
      case '--now': command.now = valueOf(arg, i++); break;
      case '--min-key-bits': {
        const text = valueOf(arg, i++);
        if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--min-key-bits takes a positive whole number of bits, not "${text}".`);
        command.minKeyBits = Number(text);
        break;
      }
      case '--password':
        throw new UsageError('--password is not accepted: a password on the command line is visible to other processes and logs; use --password-env NAME or --password-file PATH.');
      default:
        if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
        if (command.file !== undefined) throw new UsageError(`One file at a time: got "${command.file}" and "${arg}".`);
        command.file = arg;
    }
  }
  if (command.file === undefined) throw new UsageError('validate needs the PFX file to check.');
  if (command.passwordEnv !== undefined && command.passwordFile !== undefined) throw new UsageError('Give --password-env or --password-file, not both.');
  if (command.effectiveDate !== undefined && Number.isNaN(new Date(command.effectiveDate).getTime())) {
    throw new UsageError(`--effective-date "${command.effectiveDate}" is not an ISO 8601 date; write it like 2026-12-01T00:00:00Z.`);
  }
  if (command.now !== undefined && Number.isNaN(new Date(command.now).getTime())) {
    throw new UsageError(`--now "${command.now}" is not an ISO 8601 date; write it like 2026-12-01T00:00:00Z.`);
  }
  if (command.thumbprint !== undefined && !/^[0-9a-fA-F]{40}$/.test(command.thumbprint.replace(/[\s:-]/g, ''))) {
    throw new UsageError(`--thumbprint "${command.thumbprint}" is not 40 hexadecimal digits (the SHA-1 thumbprint Windows shows).`);
  }
  return command as ValidateCommand;
}

function readPassword(command: ValidateCommand, env: NodeJS.ProcessEnv): string | null {
  if (command.passwordFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(command.passwordFile, 'utf8');
    } catch {
      throw new UsageError(`Cannot read the password file "${command.passwordFile}"; check the path and its permissions.`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const value = env[command.passwordEnv ?? 'PFX_PASSWORD'];
  return value === undefined ? null : value;
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
  for (const w of result.warnings) lines.push(paint('33', `  warning ${w.code}: ${w.message}`));
  return lines.join('\n') + '\n';
}

/** Runs the CLI; returns the exit code. Streams and environment are parameters for tests. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, err: NodeJS.WritableStream, isTty = false): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.write(USAGE + '\n');
    return EXIT.valid;
  }
  try {
    if (command !== 'validate') throw new UsageError(command === undefined ? 'Name a command.' : `Unknown command "${command}".`);
    const parsed = parseValidate(rest);
    let bytes: Buffer;
    try {
      bytes = readFileSync(parsed.file);
    } catch {
      throw new UsageError(`Cannot read the PFX file "${parsed.file}"; check the path and its permissions.`);
    }
    const result = await validatePfx(bytes, readPassword(parsed, env), {
      inputName: `PFX file "${parsed.file}"`,
      ...(parsed.sipDomain !== undefined ? { sipDomain: parsed.sipDomain } : {}),
      ...(parsed.effectiveDate !== undefined ? { effectiveDate: parsed.effectiveDate } : {}),
      ...(parsed.minKeyBits !== undefined ? { minKeyBits: parsed.minKeyBits } : {}),
      ...(parsed.thumbprint !== undefined ? { thumbprint: parsed.thumbprint } : {}),
      ...(parsed.now !== undefined ? { now: new Date(parsed.now) } : {}),
    });
    if (parsed.json) {
      const { chainSize: _chainSize, ...contract } = result;
      out.write(JSON.stringify(contract) + '\n');
    } else {
      out.write(humanSummary(parsed.file, result, isTty && env.NO_COLOR === undefined));
    }
    return result.valid ? EXIT.valid : EXIT.invalid;
  } catch (error) {
    if (error instanceof UsageError || (isSfbError(error) && error.code === 'INVALID_ARGUMENT')) {
      err.write(`sfb-oauth-cert: ${(error as Error).message}\n\n${USAGE}\n`);
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
