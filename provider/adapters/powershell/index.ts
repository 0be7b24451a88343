/**
 * The Front End pool through PowerShell (issue #10): the one adapter that drives the Skype for
 * Business Server Management Shell. Every call runs the pool's command with a script on stdin
 * (shell.ts); the shapes of the scripts and answers are fixed in docs/skype-emulator.md.
 *
 * - Inspect: the CMS and the replication status in one call; the servers through
 *   `Invoke-Command -ComputerName`, split into at most `parallelism` calls run at once, so a
 *   50-server pool costs a few processes, not fifty in a row.
 * - Assign: `Import-CsCertificate` (the PFX and password in 0600 files, secret-files.ts) or
 *   `Set-CsCertificate` by thumbprint, `-Identity Global`, once; replication does the rest.
 * - Upkeep: `Remove-CsCertificate -Identity Global -Previous -Force` (the expired previous one);
 *   `Remove-CsCertificate -Force` through `Invoke-Command` on one server (a local assignment
 *   made there by hand, which replication never undoes).
 * - Errors become SHELL_NOT_FOUND / SHELL_TIMEOUT / SHELL_FAILED / SERVER_UNREACHABLE /
 *   CMDLET_FAILED, naming the server and the fix. The shell's error text is quoted (bounded): it
 *   cannot hold a secret, because no script holds one.
 */
import { SfbError } from '../../domain/errors';
import type { FrontEndPoolSpec } from '../../domain/pool-spec';
import type { AssignRequest, FrontEndCertificates, FrontEndPool, PoolSnapshot } from '../../ports/front-end-pool';
import { globalOf, jsonLines, replicasOf, serversOf } from './parse';
import { globalInspectScript, importScript, removeLocalScript, removePreviousScript, replicateScript, serversInspectScript, setScript } from './scripts';
import { withSecretFiles } from './secret-files';
import { runShell, type ShellResult } from './shell';

/** The first error line of stderr, bounded, for a message. */
function firstError(stderr: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? '(no error text)';
  return line.length > 400 ? `${line.slice(0, 400)}...` : line;
}

/** Splits `items` into at most `parts` runs of near-equal length, in order. */
export function splitInto<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(parts, items.length));
  const size = Math.ceil(items.length / n);
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** The PowerShell pool for a checked spec. */
export function createPowerShellPool(spec: FrontEndPoolSpec): FrontEndPool {
  const timeoutMs = spec.callTimeoutSeconds * 1000;
  const description = `Front End pool of ${spec.servers.length} server${spec.servers.length === 1 ? '' : 's'} (${spec.servers.slice(0, 3).join(', ')}${spec.servers.length > 3 ? ', ...' : ''})`;

  /** Runs a script; a non-zero exit becomes the matching error. */
  async function call(script: string, doing: string, servers: readonly string[] = []): Promise<ShellResult> {
    const result = await runShell({ command: spec.command, script, timeoutMs, doing });
    if (result.code === 0) return result;
    const error = firstError(result.stderr);
    const command = /^([A-Za-z]+-[A-Za-z]+):/.exec(error)?.[1];
    if (command === 'Invoke-Command' && servers.length > 0) {
      const named = servers.filter((s) => error.toLowerCase().includes(s.toLowerCase()));
      const who = (named.length > 0 ? named : servers).join(', ');
      throw new SfbError(
        'SERVER_UNREACHABLE',
        `Front End Server ${who} could not be reached while ${doing}: "${error}". Check that it is running and that PowerShell remoting reaches it (Test-WSMan ${named[0] ?? servers[0]}), or remove it from the pool's \`servers\` if it was decommissioned.`,
        true,
      );
    }
    if (command !== undefined && /-Cs/.test(command)) {
      throw new SfbError('CMDLET_FAILED', `${command} failed while ${doing}: "${error}". Fix what it names (run the same cmdlet in the Skype for Business Server Management Shell to see more), then run \`pulumi up\` again.`);
    }
    throw new SfbError('SHELL_FAILED', `The shell \`${spec.command.join(' ')}\` exited with status ${result.code} while ${doing}: "${error}". Check the pool's \`command\` and that it loads the Skype for Business Server Management Shell.`);
  }

  /**
   * One batch of servers; a batch that fails on one server (remoting, or the cmdlet there) is
   * asked server by server, and a server that still fails is returned as its own record
   * (`unreachable`), so one server down never hides what the others report (issue #19 item 10).
   */
  async function inspectBatch(batch: readonly string[]): Promise<FrontEndCertificates[]> {
    const doing = `reading the OAuthTokenIssuer certificate of ${batch.join(', ')}`;
    try {
      const result = await call(serversInspectScript(batch), doing, batch);
      return serversOf(jsonLines(result.stdout, 1, doing)[0], batch, doing);
    } catch (error) {
      if (!(error instanceof SfbError) || (error.code !== 'SERVER_UNREACHABLE' && error.code !== 'CMDLET_FAILED')) throw error;
      if (batch.length === 1) return [{ server: batch[0]!, unreachable: { code: error.code, message: error.message } }];
      const one: FrontEndCertificates[] = [];
      for (const server of batch) one.push(...(await inspectBatch([server])));
      return one;
    }
  }

  return {
    description,
    servers: spec.servers,
    async inspect(): Promise<PoolSnapshot> {
      const doing = 'reading the global OAuthTokenIssuer certificate and the replication status';
      const [globalResult, batches] = await Promise.all([call(globalInspectScript(), doing), Promise.all(splitInto(spec.servers, spec.parallelism).map(inspectBatch))]);
      const [globalDocument, replicaDocument] = jsonLines(globalResult.stdout, 2, doing);
      return { global: globalOf(globalDocument, doing), replicas: replicasOf(replicaDocument, doing), servers: batches.flat() };
    },
    async assign(request: AssignRequest): Promise<void> {
      const what = `${request.effectiveAt === undefined ? 'making' : `scheduling (at ${request.effectiveAt})`} the OAuthTokenIssuer certificate ${request.thumbprint}${request.effectiveAt === undefined ? ' current' : ''}`;
      if (request.pfx) {
        const { pfxBase64, password } = request.pfx;
        await withSecretFiles(Buffer.from(pfxBase64, 'base64'), password, (paths) => call(importScript(paths, request.effectiveAt), `importing and ${what}`));
      } else {
        await call(setScript(request.thumbprint, request.effectiveAt), what);
      }
    },
    async replicate(server: string): Promise<void> {
      await call(replicateScript(server), `starting a full replication of ${server}`, [server]);
    },
    async removePrevious(): Promise<void> {
      await call(removePreviousScript(), 'removing the expired previous OAuthTokenIssuer certificate (-Identity Global -Previous)');
    },
    async removeLocal(server: string): Promise<void> {
      await call(removeLocalScript(server), `removing the local OAuthTokenIssuer assignment made on ${server}`, [server]);
    },
  };
}
