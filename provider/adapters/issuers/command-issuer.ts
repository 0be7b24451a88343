/**
 * The `command` issuer: an organisation's CA tooling (a `certreq` wrapper for Active Directory
 * Certificate Services, an internal CA's CLI) run as an argv array, no shell in between. The CSR
 * (PEM) goes to its stdin; it prints the PEM chain, leaf first, on stdout and exits 0. The CA's
 * signing key never enters the pipeline, and the provider's private key never reaches the command.
 */
import type { CertificateIssuer, IssuedChain } from '../../ports/certificate-issuer';
import { SfbError } from '../../domain/errors';
import { ISSUER_NUMBERS } from '../../domain/issuer-spec';
import { quoteStderr, runBounded } from '../process/bounded-process';
import type { ProcessTree } from '../process/process-tree';
import { commandEnvironment } from './command-environment';
import { splitPemChain } from './pem-chain';

export interface CommandIssuerOptions {
  /** The program and its arguments, e.g. `["pwsh", "-File", "issue-from-adcs.ps1"]`. */
  readonly command: readonly string[];
  /** How long the command may run. @default ISSUER_NUMBERS.commandTimeoutSeconds' default (domain/issuer-spec.ts) */
  readonly timeoutSeconds?: number;
  /** What it may print on stdout (and on stderr). @default 1 MiB */
  readonly maxOutputBytes?: number;
  /** The whole environment the command gets. @default commandEnvironment(): the provider's allow-listed variables only (command-environment.ts) */
  readonly env?: NodeJS.ProcessEnv;
  readonly tree?: ProcessTree;
}

export const DEFAULT_COMMAND_MAX_OUTPUT_BYTES = 1024 * 1024;

/** The command as messages show it: the program's name and the argument count, never the arguments (an operator may have put a token there). */
function shown(command: readonly string[]): string {
  return `\`${command[0] ?? ''}\`${command.length > 1 ? ` (with ${command.length - 1} argument${command.length > 2 ? 's' : ''})` : ''}`;
}

export function commandIssuer(options: CommandIssuerOptions): CertificateIssuer {
  const { command } = options;
  if (command.length === 0 || command.some((part) => typeof part !== 'string' || part === '')) {
    throw new SfbError('INVALID_ARGUMENT', 'The command issuer\'s `command` must be a non-empty array of non-empty strings, the program first, e.g. ["pwsh", "-File", "issue.ps1"].');
  }
  const timeoutSeconds = options.timeoutSeconds ?? ISSUER_NUMBERS.commandTimeoutSeconds[0];
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_COMMAND_MAX_OUTPUT_BYTES;
  const name = shown(command);
  return {
    description: `command ${name}`,
    async issue(request): Promise<IssuedChain> {
      const outcome = await runBounded({
        command,
        stdin: request.csrPem,
        timeoutMs: timeoutSeconds * 1000,
        maxOutputBytes,
        signal: request.signal,
        env: options.env ?? commandEnvironment(),
        ...(options.tree ? { tree: options.tree } : {}),
      });
      switch (outcome.kind) {
        case 'not-started':
          throw new SfbError('ISSUER_FAILED', `The issuer command ${name} could not be started (${outcome.errorCode}); check that the program exists on the machine that runs Pulumi and is executable, or fix the issuer's \`command\`.`);
        case 'timed-out':
          throw new SfbError('ISSUER_TIMEOUT', `The issuer command ${name} did not finish within ${timeoutSeconds} s and was stopped with every process it started (${quoteStderr(outcome.stderr)}); nothing was stored. Check that the CA answers, or raise the issuer's \`timeoutSeconds\`.`, true);
        case 'aborted':
          throw new SfbError('ISSUER_TIMEOUT', `The issuer command ${name} was stopped, with every process it started, when the provider's time for this renewal ran out (${quoteStderr(outcome.stderr)}); nothing was stored. The next \`pulumi up\` retries.`, true);
        case 'output-too-large':
          throw new SfbError('ISSUER_FAILED', `The issuer command ${name} printed more than ${maxOutputBytes} bytes on ${outcome.stream} and was stopped; a certificate chain is a few kilobytes of PEM: check what the command prints.`);
        case 'signalled':
          throw new SfbError('ISSUER_FAILED', `The issuer command ${name} was killed by ${outcome.signal} (${quoteStderr(outcome.stderr)}); nothing was stored. The next \`pulumi up\` retries.`, true);
        case 'exited':
          break;
      }
      if (outcome.code !== 0) {
        throw new SfbError('ISSUER_FAILED', `The issuer command ${name} exited with ${outcome.code} (${quoteStderr(outcome.stderr)}); nothing was stored. Fix what it reports, then run \`pulumi up\` again.`);
      }
      const [leafPem, ...chainPems] = splitPemChain(outcome.stdout);
      if (leafPem === undefined) {
        throw new SfbError('ISSUER_FAILED', `The issuer command ${name} exited with 0 but printed no PEM certificate on stdout (${outcome.stdout.length} characters); it must print the issued certificate (leaf first, then its CA certificates) as PEM.`);
      }
      return { leafPem, chainPems };
    },
  };
}
