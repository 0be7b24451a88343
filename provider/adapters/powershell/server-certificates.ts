/**
 * The {@link ServerCertificates} port through PowerShell: a certificate a Front End Server already
 * has, read from and assigned on that server (server-certificate-scripts.ts). Each call runs like
 * the pool's (index.ts): the script in a private directory, run with `-File`, read from its marked
 * records, errors from the structured record. The answer is read strictly: a thumbprint is 40 hex
 * digits, a date an instant, or the call fails with SHELL_FAILED naming what was wrong.
 */
import { REPORT_A_PROBLEM, SfbError } from '../../domain/errors';
import type { FrontEndPoolSpec } from '../../domain/front-end-pool-spec';
import type { ServerCertificateFacts } from '../../domain/server-certificate-checks';
import type { ServerCertificateAnswer, ServerCertificateQuery, ServerCertificates } from '../../ports/server-certificates';
import { dataFile, withCallDirectory } from './call-directory';
import { readCall, type PoolSecrets, type PoolSeams } from './index';
import { instantOf, jsonOf, property, type MarkedRecord } from './parse';
import { assignFromServerScript, readServerCertificateScript, SERVER_CERTIFICATE_RECORD } from './server-certificate-scripts';
import type { ScriptContext } from './scripts';
import { runShell } from './shell';

const RSA_OID = '1.2.840.113549.1.1.1';
const EC_OID = '1.2.840.10045.2.1';
// CngExportPolicies (System.Security.Cryptography): AllowExport = 1, AllowPlaintextExport = 2.
const CNG_EXPORT_FLAGS = 1 | 2;

function unexpected(doing: string, why: string): SfbError {
  return new SfbError('SHELL_FAILED', `The shell's answer while ${doing} does not have the documented shape: ${why}. Check that the pool's command runs the script unchanged (docs/shell-contract.md).`);
}

/** Whether the key may be exported, from what the script could read of it; undefined: unknown. */
export function exportabilityOf(keyType: unknown, cspExportable: unknown, cngExportPolicy: unknown): boolean | undefined {
  if (keyType === 'System.Security.Cryptography.RSACryptoServiceProvider' && typeof cspExportable === 'boolean') return cspExportable;
  if (keyType === 'System.Security.Cryptography.RSACng') {
    // An enum as 5.1 serializes it (a number) or as its name list (`AllowExport, AllowPlaintextExport`).
    if (typeof cngExportPolicy === 'number' && Number.isInteger(cngExportPolicy)) return (cngExportPolicy & CNG_EXPORT_FLAGS) !== 0;
    if (typeof cngExportPolicy === 'string') return /\bAllow(?:Plaintext)?Export\b/.test(cngExportPolicy);
  }
  return undefined;
}

function thumbprintOf(value: unknown, doing: string, what: string): string {
  if (typeof value !== 'string' || !/^[0-9A-Fa-f]{40}$/.test(value)) throw unexpected(doing, `${what} is not 40 hex digits`);
  return value.toUpperCase();
}

/** The script's one answer. */
export function serverCertificateAnswerOf(records: readonly MarkedRecord[], server: string, doing: string): ServerCertificateAnswer {
  const found = records.filter((r) => r.kind === SERVER_CERTIFICATE_RECORD);
  if (found.length !== 1) throw unexpected(doing, `${found.length} ${SERVER_CERTIFICATE_RECORD} records where one was expected`);
  const document = jsonOf(found[0]!.payload, doing, SERVER_CERTIFICATE_RECORD);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw unexpected(doing, 'the answer is not an object');
  const answer = document as Record<string, unknown>;
  const rawThumbprint = property(answer, 'thumbprint');
  if (rawThumbprint === null || rawThumbprint === undefined || rawThumbprint === '') return {};
  const thumbprint = thumbprintOf(rawThumbprint, doing, 'the thumbprint');
  const certificate = property(answer, 'certificate');
  if (certificate === null || certificate === undefined) return { thumbprint };
  if (typeof certificate !== 'object' || Array.isArray(certificate)) throw unexpected(doing, 'the certificate is not an object');
  const c = certificate as Record<string, unknown>;
  const text = (name: string) => {
    const value = property(c, name);
    if (typeof value !== 'string') throw unexpected(doing, `the certificate's ${name} is not a string`);
    return value;
  };
  const dnsNames = property(c, 'dnsNames') ?? [];
  const names = Array.isArray(dnsNames) ? dnsNames : [dnsNames];
  if (!names.every((n) => typeof n === 'string')) throw unexpected(doing, "the certificate's dnsNames are not strings");
  const algorithm = property(c, 'keyAlgorithm');
  const keyBits = property(c, 'keyBits');
  const hasPrivateKey = property(c, 'hasPrivateKey');
  if (typeof hasPrivateKey !== 'boolean') throw unexpected(doing, "the certificate's hasPrivateKey is not a boolean");
  const exportable = exportabilityOf(property(c, 'keyType'), property(c, 'cspExportable'), property(c, 'cngExportPolicy'));
  const facts: ServerCertificateFacts = {
    thumbprint: thumbprintOf(property(c, 'thumbprint'), doing, "the certificate's thumbprint"),
    server,
    subject: text('subject'),
    dnsNames: names as string[],
    notBefore: instantOf(property(c, 'notBefore'), doing, "the certificate's notBefore"),
    notAfter: instantOf(property(c, 'notAfter'), doing, "the certificate's notAfter"),
    ...(typeof algorithm === 'string' ? { keyAlgorithm: algorithm === RSA_OID ? 'rsa' : algorithm === EC_OID ? 'ec' : algorithm } : {}),
    keyBits: typeof keyBits === 'number' && Number.isInteger(keyBits) ? keyBits : null,
    hasPrivateKey,
    ...(exportable === undefined ? {} : { privateKeyExportable: exportable }),
  };
  if (facts.thumbprint !== thumbprint) throw unexpected(doing, `the store returned certificate ${facts.thumbprint} for ${thumbprint}`);
  return { thumbprint, facts };
}

/** The port over the pool's shell and remoting settings. */
export function createServerCertificates(spec: FrontEndPoolSpec, secrets: PoolSecrets = {}, seams: PoolSeams = {}): ServerCertificates {
  if (spec.remoting.credential && secrets.credentialPassword === undefined) {
    throw new SfbError('INVALID_ARGUMENT', `The pool's \`credential\` names the user "${spec.remoting.credential.userName}" but no password reached the provider; give it as credential: { userName, password: config.requireSecret("...") }.`);
  }
  const known = (server: string) => {
    if (!spec.servers.includes(server)) throw new SfbError('INTERNAL_ERROR', `Server ${server} reached the PowerShell adapter but is not in the pool's \`servers\`; ${REPORT_A_PROBLEM}.`);
  };
  async function call(doing: string, server: string, build: (context: ScriptContext) => string): Promise<MarkedRecord[]> {
    known(server);
    return withCallDirectory(async (directory) => {
      const credentialPath = spec.remoting.credential ? await directory.write('credential.psd1', dataFile({ UserName: spec.remoting.credential.userName, Password: secrets.credentialPassword ?? '' })) : undefined;
      const context: ScriptContext = { edition: spec.edition, remoting: spec.remoting, ...(credentialPath ? { credentialPath } : {}) };
      const scriptPath = await directory.write('call.ps1', build(context));
      const result = await runShell({ command: [...spec.command, '-File', scriptPath], timeoutMs: spec.callTimeoutSeconds * 1000, doing, ...(seams.tree ? { tree: seams.tree } : {}) });
      return readCall(result, spec.command, doing, [server]);
    }, seams);
  }
  return {
    async read(server: string, query: ServerCertificateQuery): Promise<ServerCertificateAnswer> {
      const doing = 'thumbprint' in query ? `reading certificate ${query.thumbprint} from Cert:\\LocalMachine\\My on ${server}` : `reading ${server}'s ${query.fromType} certificate (Get-CsCertificate -Type ${query.fromType})`;
      return serverCertificateAnswerOf(await call(doing, server, (context) => readServerCertificateScript(server, query, context)), server, doing);
    },
    async assign(server, request): Promise<void> {
      const roll = request.effectiveAt === undefined ? undefined : { effectiveAt: request.effectiveAt, sessionTimeZone: request.sessionTimeZone ?? '' };
      if (roll && roll.sessionTimeZone === '') throw new SfbError('INTERNAL_ERROR', `A roll at ${roll.effectiveAt} reached the PowerShell adapter without the servers' time zone; run \`pulumi up\` again, and if it repeats, ${REPORT_A_PROBLEM}.`);
      const doing = `${roll ? `scheduling (at ${roll.effectiveAt})` : 'making'} certificate ${request.thumbprint} of ${server} the OAuthTokenIssuer certificate${roll ? '' : ' now'} (Set-CsCertificate -Identity Global)`;
      await call(doing, server, (context) => assignFromServerScript(server, request.thumbprint, roll, context));
    },
  };
}
