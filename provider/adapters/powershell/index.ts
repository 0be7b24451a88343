/**
 * The Front End pool through PowerShell: the one adapter that drives the Skype for Business Server
 * Management Shell, Windows PowerShell 5.1 by default. Every call writes its script into a private
 * directory and runs the pool's command with `-File` (shell.ts, call-directory.ts); the scripts and
 * what they print are fixed in docs/shell-contract.md.
 *
 * - Inspect: the session, the CMS and the replication status in one call; the servers through
 *   `Invoke-Command -ComputerName`, split into at most `parallelism` calls run at once. A server
 *   that cannot be read comes back as its own record (`unreachable`), beside the others.
 * - Assign: `Import-CsCertificate` (the PFX and password in owner-only files) or
 *   `Set-CsCertificate` by thumbprint, `-Identity Global`, once; a roll's DateTime is built from
 *   the UTC instant in a session that must be in the servers' zone.
 * - Upkeep: `Invoke-CsManagementStoreReplication`, `Remove-CsCertificate -Identity Global
 *   -Previous -Force`, and (only with `removeLocalAssignments`) a local assignment's removal.
 * - Errors come from the scripts' structured records (FullyQualifiedErrorId,
 *   category, exception type), not from text; text is read only when the shell died before the
 *   script ran. No script holds a secret, so quoted error text cannot hold one.
 */
import { REPORT_A_PROBLEM, SfbError } from '../../domain/errors';
import type { FrontEndPoolSpec } from '../../domain/front-end-pool-spec';
import type { AssignRequest, FrontEndCertificates, FrontEndPool, LocalInstallRequest, PoolSnapshot, ShellSession } from '../../ports/front-end-pool';
import { dataFile, withCallDirectory, type CallDirectory, type CallDirectorySeams } from './call-directory';
import { certificatesOf, errorRecordOf, globalOf, isTransportFailure, jsonOf, markedRecords, replicasOf, serverAnswerOf, sessionOf, textFailureOf, type ErrorRecord, type MarkedRecord } from './parse';
import {
  globalInspectScript,
  importScript,
  removeLocalScript,
  removePreviousScript,
  replicateScript,
  serversInspectScript,
  setScript,
  type RollAt,
  type ScriptContext,
} from './scripts';
import { manualInstallScript, manualSweepScript } from './manual-scripts';
import type { ProcessTree } from '../process/process-tree';
import { runShell } from './shell';

/** Splits `items` into at most `parts` runs of near-equal length, in order. */
export function splitInto<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(parts, items.length));
  const size = Math.ceil(items.length / n);
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** Secrets and seams the pool is opened with; never part of the (non-secret) spec. */
export interface PoolSecrets {
  /** The password of `spec.remoting.credential`. */
  readonly credentialPassword?: string;
}

export interface PoolSeams extends CallDirectorySeams {
  readonly tree?: ProcessTree;
}

/** The thrown error of a failed call, from its `error` record (docs/shell-contract.md). */
export function errorOfRecord(record: ErrorRecord, doing: string, servers: readonly string[]): SfbError {
  const quoted = `"${record.message}" (${record.fullyQualifiedErrorId || 'no error id'}, ${record.exceptionType || 'no exception type'})`;
  const mismatch = /sfb-oauth-cert:TIME_ZONE_MISMATCH session (.*) servers (.*)$/.exec(record.message);
  if (mismatch) {
    return new SfbError(
      'TIME_ZONE_MISMATCH',
      `The session that runs the Skype cmdlets is in the time zone "${mismatch[1]}", the Front End Servers in "${mismatch[2]}", while ${doing}: -EffectiveDate would land at another instant, so nothing was changed. Run the provider on a Front End Server, or on an agent set to "${mismatch[2]}".`,
    );
  }
  if (isTransportFailure(record)) {
    const server = record.targetName ?? servers[0] ?? 'the server';
    return new SfbError('SERVER_UNREACHABLE', `Front End Server ${server} could not be reached while ${doing}: ${quoted}. Check that it is running and that PowerShell remoting reaches it (Test-WSMan ${server}), or remove it from the pool's \`servers\` if it was decommissioned.`, true);
  }
  if (/ModuleNotFound/i.test(record.fullyQualifiedErrorId) || (/FileNotFoundException/.test(record.exceptionType) && /SkypeForBusiness/i.test(record.message))) {
    return new SfbError('SHELL_FAILED', `The shell could not load the SkypeForBusiness module while ${doing}: ${quoted}. Run the provider where the Skype for Business Server administrative tools are installed (a Front End Server, or a domain-joined Windows agent with them), with the pool's edition matching the shell ("desktop" for Windows PowerShell 5.1).`);
  }
  return new SfbError('CMDLET_FAILED', `The Skype for Business Server Management Shell failed while ${doing}: ${quoted}. Fix what it names (run the same cmdlet in the Management Shell to see more), then run \`pulumi up\` again.`);
}

/** One batch's answer (`server` and `server-error` records): one entry per server, answered or not. */
export function serversOfRecords(records: readonly MarkedRecord[], batch: readonly string[], doing: string): FrontEndCertificates[] {
  const byServer = new Map<string, FrontEndCertificates>();
  const asked = (name: string) => batch.find((s) => s === name.toLowerCase() || s.split('.')[0] === name.toLowerCase());
  for (const record of records) {
    if (record.kind === 'server') {
      const answer = serverAnswerOf(record.payload, doing);
      const server = asked(answer.name);
      if (!server) throw new SfbError('SHELL_FAILED', `The shell's answer while ${doing} comes from "${answer.name.slice(0, 80)}", not a server that was asked; check the pool's \`servers\`.`);
      byServer.set(server, { ...certificatesOf(server, answer.certificates, doing), ...(answer.timeZone ? { timeZone: answer.timeZone } : {}) });
    } else if (record.kind === 'server-error') {
      const failure = errorRecordOf(record.payload, doing);
      const server = asked(failure.server ?? '') ?? (batch.length === 1 ? batch[0] : undefined);
      if (!server) throw new SfbError('SHELL_FAILED', `The shell reported an error for "${(failure.server ?? '').slice(0, 80)}" while ${doing}, not a server that was asked: "${failure.message}".`);
      // An answer from the same server wins: a non-terminating error beside it is not a failure to read.
      const seen = byServer.get(server);
      if (seen && !seen.unreachable) continue;
      const error = errorOfRecord({ ...failure, targetName: server }, `reading ${server}`, [server]);
      byServer.set(server, { server, unreachable: { code: isTransportFailure(failure) ? 'SERVER_UNREACHABLE' : 'CMDLET_FAILED', message: error.message } });
    }
  }
  const missing = batch.filter((s) => !byServer.has(s));
  if (missing.length > 0) throw new SfbError('SHELL_FAILED', `The shell's answer while ${doing} has neither an answer nor an error for ${missing.join(', ')}; check that the pool's command runs the script unchanged (docs/shell-contract.md).`);
  return batch.map((s) => byServer.get(s)!);
}

/** The CMS call's answer (`session`, `global`, `replicas` records, one each). */
export function globalOfRecords(records: readonly MarkedRecord[], doing: string): Omit<PoolSnapshot, 'servers'> & { session: ShellSession } {
  const one = (kind: string) => {
    const found = records.filter((r) => r.kind === kind);
    if (found.length !== 1) throw new SfbError('SHELL_FAILED', `The shell's answer while ${doing} has ${found.length} ${kind} records where one was expected; check that the pool's command runs the script unchanged (docs/shell-contract.md).`);
    return jsonOf(found[0]!.payload, doing, kind);
  };
  return { session: sessionOf(one('session'), doing), global: globalOf(one('global'), doing), replicas: replicasOf(one('replicas'), doing) };
}

/** The pool's answer to one call, read from its marked records; throws the call's error. */
export function readCall(result: { code: number; stdout: string; stderr: string }, command: readonly string[], doing: string, servers: readonly string[]): MarkedRecord[] {
  const records = markedRecords(result.stdout);
  const error = records.find((r) => r.kind === 'error');
  if (error) throw errorOfRecord(errorRecordOf(error.payload, doing), doing, servers);
  const done = records.some((r) => r.kind === 'done');
  if (result.code === 0 && done) return records;
  // No record: the shell died before (or while) the script ran: a parse error, a missing module
  // path, a killed process. Its error text is all there is.
  const text = textFailureOf(result.stderr, result.stdout);
  if (text.kind === 'unreachable') {
    throw new SfbError('SERVER_UNREACHABLE', `Front End Server ${text.server} could not be reached while ${doing}: "${text.line}". Check that it is running and that PowerShell remoting reaches it (Test-WSMan ${text.server}).`, true);
  }
  const how = result.code === 0 ? 'exited with status 0 before the end of its script' : `exited with status ${result.code}`;
  if (text.kind === 'cmdlet' && /-Cs/.test(text.command)) {
    throw new SfbError('CMDLET_FAILED', `${text.command} failed while ${doing} (the shell ${how} without the script's error record): "${text.line}". Fix what it names, then run \`pulumi up\` again.`);
  }
  throw new SfbError('SHELL_FAILED', `The shell \`${command.join(' ')}\` ${how} while ${doing}, without the script's ${result.code === 0 ? 'done' : 'error'} record: "${text.line}". Check the pool's \`command\` and \`edition\`, and that it runs Windows PowerShell with the Skype for Business Server administrative tools.`);
}

/** The PowerShell pool for a checked spec. */
export function createPowerShellPool(spec: FrontEndPoolSpec, secrets: PoolSecrets = {}, seams: PoolSeams = {}): FrontEndPool {
  const timeoutMs = spec.callTimeoutSeconds * 1000;
  const description = `Front End pool of ${spec.servers.length} server${spec.servers.length === 1 ? '' : 's'} (${spec.servers.slice(0, 3).join(', ')}${spec.servers.length > 3 ? ', ...' : ''})`;
  if (spec.remoting.credential && secrets.credentialPassword === undefined) {
    throw new SfbError('INVALID_ARGUMENT', `The pool's \`credential\` names the user "${spec.remoting.credential.userName}" but no password reached the provider; give it as credential: { userName, password: config.requireSecret("...") }.`);
  }

  /**
   * Runs one script in its private directory. `build` gets the directory (to write the secret
   * files it needs) and the context; the credential file is written when `remote` is set.
   */
  async function call(doing: string, build: (directory: CallDirectory, context: ScriptContext) => Promise<string>, options: { servers?: readonly string[]; remote?: boolean } = {}): Promise<MarkedRecord[]> {
    return withCallDirectory(async (directory) => {
      let credentialPath: string | undefined;
      if (options.remote && spec.remoting.credential) {
        credentialPath = await directory.write('credential.psd1', dataFile({ UserName: spec.remoting.credential.userName, Password: secrets.credentialPassword ?? '' }));
      }
      const context: ScriptContext = { edition: spec.edition, remoting: spec.remoting, ...(credentialPath ? { credentialPath } : {}) };
      const scriptPath = await directory.write('call.ps1', await build(directory, context));
      const command = [...spec.command, '-File', scriptPath];
      const result = await runShell({ command, timeoutMs, doing, ...(seams.tree ? { tree: seams.tree } : {}) });
      return readCall(result, spec.command, doing, options.servers ?? []);
    }, seams);
  }

  /** One batch of servers: one record per server, answered or not. */
  async function inspectBatch(batch: readonly string[]): Promise<FrontEndCertificates[]> {
    const doing = `reading the OAuthTokenIssuer certificate of ${batch.join(', ')}`;
    const records = await call(doing, async (_d, context) => serversInspectScript(batch, context), { servers: batch, remote: true });
    return serversOfRecords(records, batch, doing);
  }

  const rollOf = (request: AssignRequest): RollAt | undefined => {
    if (request.effectiveAt === undefined) return undefined;
    if (request.sessionTimeZone === undefined) {
      throw new SfbError('INTERNAL_ERROR', `A roll at ${request.effectiveAt} reached the PowerShell pool without the servers' time zone; run \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
    }
    return { effectiveAt: request.effectiveAt, sessionTimeZone: request.sessionTimeZone };
  };

  return {
    description,
    servers: spec.servers,
    async inspect(): Promise<PoolSnapshot> {
      const doing = 'reading the session, the global OAuthTokenIssuer certificate and the replication status';
      const [records, batches] = await Promise.all([call(doing, async (_d, context) => globalInspectScript(context)), Promise.all(splitInto(spec.servers, spec.parallelism).map(inspectBatch))]);
      return { ...globalOfRecords(records, doing), servers: batches.flat() };
    },
    async assign(request: AssignRequest): Promise<void> {
      const roll = rollOf(request);
      const what = `${roll ? `scheduling (at ${roll.effectiveAt})` : 'making'} the OAuthTokenIssuer certificate ${request.thumbprint}${roll ? '' : ' current'}`;
      if (request.pfx) {
        const { pfxBase64, password } = request.pfx;
        await call(`importing and ${what}`, async (directory, context) => {
          const pfxPath = await directory.write('cert.pfx', Buffer.from(pfxBase64, 'base64'));
          const secretPath = password === null ? undefined : await directory.write('secret.psd1', dataFile({ Password: password }));
          return importScript({ pfxPath, ...(secretPath ? { secretPath } : {}) }, roll, context);
        });
      } else {
        await call(what, async (_d, context) => setScript(request.thumbprint, roll, context));
      }
    },
    async replicate(server: string): Promise<void> {
      await call(`starting a full replication of ${server}`, async (_d, context) => replicateScript(server, context), { servers: [server] });
    },
    async removePrevious(): Promise<void> {
      await call('removing the expired previous OAuthTokenIssuer certificate (-Identity Global -Previous)', async (_d, context) => removePreviousScript(context));
    },
    async removeLocal(server: string): Promise<void> {
      if (!spec.removeLocalAssignments) {
        throw new SfbError('INTERNAL_ERROR', `A removal of the local assignment on ${server} reached the PowerShell pool although the pool's \`removeLocalAssignments\` is false; ${REPORT_A_PROBLEM}.`);
      }
      await call(`removing the local OAuthTokenIssuer assignment made on ${server}`, async (_d, context) => removeLocalScript(server, context), { servers: [server], remote: true });
    },
    async installLocal(server: string, request: LocalInstallRequest): Promise<void> {
      const when = request.effectiveAt !== undefined ? `scheduling (at ${request.effectiveAt})` : 'making current';
      const doing = `${request.pfx ? 'copying, importing and ' : ''}${when} the OAuthTokenIssuer certificate ${request.thumbprint} on ${server} (manual mode)`;
      await call(
        doing,
        async (directory, context) => {
          if (!request.pfx) return manualInstallScript({ server, thumbprint: request.thumbprint, ...(request.effectiveAt !== undefined ? { effectiveAt: request.effectiveAt } : {}) }, context);
          const { pfxBase64, password } = request.pfx;
          const pfxPath = await directory.write('cert.pfx', Buffer.from(pfxBase64, 'base64'));
          const secretPath = password === null ? undefined : await directory.write('secret.psd1', dataFile({ Password: password }));
          return manualInstallScript({ server, thumbprint: request.thumbprint, files: { pfxPath, ...(secretPath ? { secretPath } : {}) }, ...(request.effectiveAt !== undefined ? { effectiveAt: request.effectiveAt } : {}) }, context);
        },
        { servers: [server], remote: true },
      );
    },
    async removeLocalPrevious(server: string): Promise<void> {
      await call(`removing the expired previous OAuthTokenIssuer certificate of the local assignment on ${server} (manual mode)`, async (_d, context) => removeLocalScript(server, context, 'previous'), { servers: [server], remote: true });
    },
    async sweepCopies(): Promise<readonly string[]> {
      const records = await call('removing PFX copies an interrupted run left on the servers (manual mode)', async (_d, context) => manualSweepScript(spec.servers, context), { servers: spec.servers, remote: true });
      return records.filter((r) => r.kind === 'swept').map((r) => r.payload.trim().toLowerCase());
    },
  };
}
