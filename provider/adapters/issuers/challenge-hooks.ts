/**
 * Challenge solvers that run the operator's commands: any DNS (e.g. `Add-DnsServerResourceRecord`
 * on an Active Directory DNS server) or web server the provider has no adapter for. Each hook is
 * an argv array run without a shell; the challenge travels on stdin as one JSON object, never in
 * argv (argv is visible to every user of the machine):
 *
 *   {"action":"present"|"cleanup","type":"dns-01","domain":"contoso.com","name":"_acme-challenge.contoso.com","value":"..."}
 *   {"action":"present"|"cleanup","type":"http-01","domain":"contoso.com","token":"...","path":"/.well-known/acme-challenge/...","content":"..."}
 *
 * `present` must return only once the record is served (the CA validates right after).
 */
import { SfbError } from '../../domain/errors';
import { quoteStderr, runBounded } from '../process/bounded-process';
import { commandEnvironment } from './command-environment';
import type { ChallengeRecord, ChallengeSolver } from './acme-challenge';

export interface ChallengeHookOptions {
  readonly type: 'dns-01' | 'http-01';
  /** Publishes the challenge. */
  readonly present: readonly string[];
  /** Removes it. */
  readonly cleanUp: readonly string[];
  /** Per hook run. @default 120 */
  readonly timeoutSeconds?: number;
  /** The whole environment the command gets. @default commandEnvironment(): the provider's allow-listed variables only (command-environment.ts) */
  readonly env?: NodeJS.ProcessEnv;
}

/** What a hook may print; it has nothing to say but a line or two. */
const HOOK_MAX_OUTPUT_BYTES = 64 * 1024;

const shown = (command: readonly string[]) => `\`${command[0] ?? ''}\``;

async function runHook(options: ChallengeHookOptions, action: 'present' | 'cleanup', record: ChallengeRecord, signal: AbortSignal): Promise<void> {
  const command = action === 'present' ? options.present : options.cleanUp;
  const timeoutSeconds = options.timeoutSeconds ?? 120;
  const which = `The ${record.type} ${action === 'present' ? 'present' : 'clean-up'} hook ${shown(command)}`;
  // A clean-up runs after the order, which may have stored a certificate: what it leaves is the record.
  const left = action === 'present' ? 'nothing was stored' : 'the challenge may still be published';
  const outcome = await runBounded({
    command,
    stdin: `${JSON.stringify({ action, ...record })}\n`,
    timeoutMs: timeoutSeconds * 1000,
    maxOutputBytes: HOOK_MAX_OUTPUT_BYTES,
    signal,
    env: options.env ?? commandEnvironment(),
  });
  switch (outcome.kind) {
    case 'exited':
      if (outcome.code === 0) return;
      throw new SfbError('ISSUER_FAILED', `${which} exited with ${outcome.code} (${quoteStderr(outcome.stderr)}) for ${record.domain}; ${left}. Fix what it reports, then run \`pulumi up\` again.`);
    case 'timed-out':
    case 'aborted':
      throw new SfbError('ISSUER_TIMEOUT', `${which} did not finish ${outcome.kind === 'timed-out' ? `within ${timeoutSeconds} s` : 'before the order\'s time ran out'} and was stopped (${quoteStderr(outcome.stderr)}); ${left}. Check the DNS or web server it talks to, or raise the hook's \`timeoutSeconds\`.`, true);
    case 'not-started':
      throw new SfbError('ISSUER_FAILED', `${which} could not be started (${outcome.errorCode}); check that the program exists and is executable on the machine that runs Pulumi.`);
    case 'output-too-large':
      throw new SfbError('ISSUER_FAILED', `${which} printed more than ${HOOK_MAX_OUTPUT_BYTES} bytes on ${outcome.stream} and was stopped; check what it prints.`);
    case 'signalled':
      throw new SfbError('ISSUER_FAILED', `${which} was killed by ${outcome.signal} (${quoteStderr(outcome.stderr)}); ${left}. The next \`pulumi up\` retries.`, true);
  }
}

/** A solver that runs `present` and `cleanUp` hook commands. */
export function challengeHooks(options: ChallengeHookOptions): ChallengeSolver {
  for (const [name, command] of [['present', options.present], ['cleanUp', options.cleanUp]] as const) {
    if (command.length === 0 || command.some((part) => typeof part !== 'string' || part === '')) {
      throw new SfbError('INVALID_ARGUMENT', `The ${options.type} hook's \`${name}\` must be a non-empty array of non-empty strings, the program first, e.g. ["pwsh", "-File", "dns-hook.ps1"].`);
    }
  }
  return {
    type: options.type,
    description: `${options.type} via hook ${shown(options.present)}`,
    present: (record, signal) => runHook(options, 'present', record, signal),
    cleanUp: (record, signal) => runHook(options, 'cleanup', record, signal),
  };
}
