/**
 * `sfb-oauth-cert status`: the deployment as it is, between deployments. The shell: it parses
 * the arguments, gathers (the pool's inspect, the store's metadata, the stack's outputs), lets
 * provider/domain/status-report.ts decide, prints, and writes the Prometheus textfile.
 *
 * Nothing here can read a private key: the pool is only inspected (`Get-CsCertificate`), AWS
 * Secrets Manager only described (DescribeSecret: versions, labels, tags; never
 * GetSecretValue), and the local store's files only read up to their plaintext header, without
 * the passphrase (which is why their certificates are not shown: see SEALED_STORE_NOTE).
 */
import { createAwsSecretsManagerStore } from '../adapters/aws-secrets-manager';
import { AWS_LABELS } from '../domain/stage-labels';
import { readBoundedFile, type FileProblem } from '../adapters/files/bounded-file';
import { decodeText } from '../adapters/files/text-file';
import { assertSecretName } from '../domain/secret-names';
import { readSealedSecrets } from '../adapters/local-store/sealed-headers';
import { createPowerShellPool } from '../adapters/powershell';
import { writePrometheusTextfile } from '../adapters/prometheus-textfile';
import { isSfbError, type Finding } from '../domain/errors';
import { checkPoolSpec, POOL_KIND, type FrontEndPoolSpec } from '../domain/front-end-pool-spec';
import { DEFAULT_WARN_BEFORE_EXPIRY_DAYS } from '../domain/resource-inputs';
import { readStackOutputs, type StackRecord } from '../domain/stack-outputs';
import { STATUS_EXIT, statusReport, type Gathered, type StatusReport, type StoreFacts } from '../domain/status-report';
import { parseIsoInstant } from '../domain/time';
import type { CertificateStore } from '../ports/certificate-store';
import type { PoolSnapshot } from '../ports/front-end-pool';
import { parseArguments } from './arguments';
import { renderStatusText } from './status-text';
import { jsonObject } from '../domain/schema-sentences';

export const STATUS_USAGE = `Usage: sfb-oauth-cert status [--pool FILE [--credential-password-file FILE | --credential-password-stdin]]
         [--local-store DIR | --aws-region REGION [--aws-endpoint URL]] [--secret-name NAME]
         [--stack-outputs FILE] [--warn-days N] [--now ISO8601] [--json] [--prometheus FILE.prom]

Shows the OAuthTokenIssuer certificate as the deployment has it: per server (and the Central
Management Store) the current, previous and scheduled certificate, NotAfter and days left, scope
and replication; the store's versions; and warnings. Give the pool, a store, or both.
--pool: a JSON file with the options of FrontEndPools.powershell (servers, edition, command,
  authentication, credential: { userName }, useSsl, port, configurationName, ...); the
  credential's password comes from --credential-password-file or stdin, never the pool file.
--local-store: the store directory; its certificates are encrypted, so only its secrets' names
  are shown (status never asks for the passphrase). --aws-region: AWS Secrets Manager, read with
  DescribeSecret only; --secret-name (or the stack's secretName output) names the secret.
--stack-outputs: the output of \`pulumi stack output --json\`, for NotAfter dates and a comparison.
--warn-days: warn when a current certificate expires within N days (default ${DEFAULT_WARN_BEFORE_EXPIRY_DAYS}).
--now: look as of that moment instead of the clock, e.g. 2026-12-01T00:00:00Z.
--json prints one JSON object on stdout, usage errors included. --prometheus writes the report
  for node_exporter's or windows_exporter's textfile collector (atomically).
Exit status: 0 everything agrees, 1 warnings, 2 usage error, 3 something could not be read.`;

/** The largest password file read, and the most read from stdin: a password is one line. */
const MAX_PASSWORD_BYTES = 64 * 1024;
/** The largest pool or stack-outputs file read: both are small JSON documents. */
const MAX_JSON_FILE_BYTES = 4 * 1024 * 1024;

/** Why nothing was looked at (exit status 2): a sentence that quotes no argument's value. */
class StatusUsageError extends Error {}

/** The streams, environment and clock of one run; parameters so tests can drive it. */
export interface StatusIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Progress lines go to stderr only when it is a terminal. */
  readonly errIsTty: boolean;
  /** Read once, when --now is not given. */
  readonly clock: () => Date;
}

/** The command as parsed: every option checked, nothing read yet. */
export interface StatusCommand {
  readonly help: boolean;
  readonly json: boolean;
  readonly poolFile?: string;
  readonly credentialPasswordFile?: string;
  readonly credentialPasswordStdin: boolean;
  readonly localStore?: string;
  readonly awsRegion?: string;
  readonly awsEndpoint?: string;
  readonly secretName?: string;
  readonly stackOutputs?: string;
  readonly warnDays: number;
  readonly now?: Date;
  readonly prometheus?: string;
}

const OPTIONS = {
  pool: { type: 'string' },
  'credential-password-file': { type: 'string' },
  'credential-password-stdin': { type: 'boolean' },
  'local-store': { type: 'string' },
  'aws-region': { type: 'string' },
  'aws-endpoint': { type: 'string' },
  'secret-name': { type: 'string' },
  'stack-outputs': { type: 'string' },
  'warn-days': { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
  prometheus: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A secret-looking option gets the sentence that says where secrets go instead. */
function unknownOptionSentence(option: string): string {
  if (/pass(word|phrase)/i.test(option)) {
    return `${option} is not accepted: a secret on the command line is visible to other processes and lands in logs; status never needs the store passphrase, and takes the pool credential's password with --credential-password-file PATH or --credential-password-stdin.`;
  }
  return `Unknown option ${option} for status; see the options below.`;
}

/** Parses the arguments after `status` with the CLI's one argument wrapper (it never quotes a value). */
export function parseStatusArgs(args: readonly string[]): StatusCommand {
  const parsed = parseArguments(args, OPTIONS, {
    'unknown-option': unknownOptionSentence,
    'missing-value': (option) => `${option} needs a value (one starting with "-" is given as ${option}=VALUE).`,
  });
  if (!parsed.ok) throw new StatusUsageError(parsed.message);
  const extra = parsed.positionals.length;
  if (extra > 0) throw new StatusUsageError(`status takes options only, and got ${extra === 1 ? 'an argument that belongs' : `${extra} arguments that belong`} to no option (not shown, in case one is a secret).`);
  const values = parsed.values;
  let warnDays = DEFAULT_WARN_BEFORE_EXPIRY_DAYS;
  if (values['warn-days'] !== undefined) {
    if (!/^\d{1,4}$/.test(values['warn-days']) || Number(values['warn-days']) > 3650) throw new StatusUsageError('--warn-days takes a whole number of days from 0 to 3650.');
    warnDays = Number(values['warn-days']);
  }
  let now: Date | undefined;
  if (values.now !== undefined) {
    const parsed = parseIsoInstant(values.now);
    if (!parsed.ok) throw new StatusUsageError('--now takes an ISO 8601 date and time with a zone, like 2026-12-01T00:00:00Z.');
    now = parsed.date;
  }
  const command: StatusCommand = {
    help: values.help === true,
    json: values.json === true,
    credentialPasswordStdin: values['credential-password-stdin'] === true,
    warnDays,
    ...(now ? { now } : {}),
    ...(values.pool !== undefined ? { poolFile: values.pool } : {}),
    ...(values['credential-password-file'] !== undefined ? { credentialPasswordFile: values['credential-password-file'] } : {}),
    ...(values['local-store'] !== undefined ? { localStore: values['local-store'] } : {}),
    ...(values['aws-region'] !== undefined ? { awsRegion: values['aws-region'] } : {}),
    ...(values['aws-endpoint'] !== undefined ? { awsEndpoint: values['aws-endpoint'] } : {}),
    ...(values['secret-name'] !== undefined ? { secretName: values['secret-name'] } : {}),
    ...(values['stack-outputs'] !== undefined ? { stackOutputs: values['stack-outputs'] } : {}),
    ...(values.prometheus !== undefined ? { prometheus: values.prometheus } : {}),
  };
  if (command.help) return command;
  if (command.localStore !== undefined && command.awsRegion !== undefined) throw new StatusUsageError('Give one store: --local-store DIR or --aws-region REGION, not both.');
  if (command.awsEndpoint !== undefined && command.awsRegion === undefined) throw new StatusUsageError('--aws-endpoint needs --aws-region (the region of the secret).');
  if (command.poolFile === undefined && command.localStore === undefined && command.awsRegion === undefined) {
    throw new StatusUsageError('status needs something to look at: the pool (--pool FILE), a store (--local-store DIR or --aws-region REGION), or both.');
  }
  const passwordSources = (command.credentialPasswordFile !== undefined ? 1 : 0) + (command.credentialPasswordStdin ? 1 : 0);
  if (passwordSources > 1) throw new StatusUsageError('Give the credential password one way: --credential-password-file or --credential-password-stdin, not both.');
  if (passwordSources > 0 && command.poolFile === undefined) throw new StatusUsageError('A credential password is for the pool: give --pool FILE with a credential, or leave the password out.');
  if (command.prometheus !== undefined && !command.prometheus.endsWith('.prom')) throw new StatusUsageError('--prometheus names a file ending in .prom: the textfile collectors of node_exporter and windows_exporter read only those.');
  return command;
}

/** A file problem as a sentence that names the option, not the path (paths are argv values). */
function fileProblem(option: string, problem: FileProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `The file given to ${option} does not exist (${problem.errno}); check the path.`;
    case 'directory':
      return `The file given to ${option} is a directory; give the path of the file itself.`;
    case 'not-regular':
      return `The file given to ${option} is a ${problem.type}, not a regular file; give a regular file.`;
    case 'too-large':
      return `The file given to ${option} is larger than ${problem.limit.toLocaleString('en-US')} bytes; check that it is the right file.`;
    case 'denied':
      return `The file given to ${option} cannot be read: permission denied (${problem.errno}).`;
    case 'failed':
      return `The file given to ${option} cannot be read (${problem.errno}).`;
  }
}

function readText(option: string, file: string, limit: number): string {
  const read = readBoundedFile(file, limit);
  if (!read.ok) throw new StatusUsageError(fileProblem(option, read.problem));
  const decoded = decodeText(read.bytes);
  if (!decoded.ok) throw new StatusUsageError(`The file given to ${option} cannot be read as text: ${decoded.why}.`);
  return decoded.text;
}

function readJson(option: string, file: string): unknown {
  try {
    return JSON.parse(readText(option, file, MAX_JSON_FILE_BYTES)) as unknown;
  } catch (error) {
    if (error instanceof StatusUsageError) throw error;
    // The parser's message quotes the text, which might hold anything: not shown.
    throw new StatusUsageError(`The file given to ${option} is not JSON.`);
  }
}

/** The pool file: FrontEndPools.powershell's options, checked by the same rules as the resource's. */
function readPool(file: string): FrontEndPoolSpec {
  const raw = jsonObject.safeParse(readJson('--pool', file));
  if (!raw.success) throw new StatusUsageError('The file given to --pool is not a JSON object of FrontEndPools.powershell options, like {"servers": ["fe01.contoso.com"]}.');
  const options = raw.data;
  if (jsonObject.safeParse(options.credential).data?.password !== undefined) {
    throw new StatusUsageError('The file given to --pool holds a credential password; remove it from the file (a password kept beside options leaks with them) and give it with --credential-password-file PATH or --credential-password-stdin.');
  }
  const { spec, problems } = checkPoolSpec({ ...options, kind: POOL_KIND });
  if (!spec) throw new StatusUsageError(`The file given to --pool is not a usable pool: ${problems.join(' ')}`);
  return spec;
}

async function readStdinPassword(stdin: StatusIo['stdin']): Promise<string> {
  if (stdin.isTTY) throw new StatusUsageError('--credential-password-stdin reads the password from a pipe, and stdin is a terminal; pipe it in (e.g. from a secrets manager\'s CLI) or use --credential-password-file.');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_PASSWORD_BYTES) throw new StatusUsageError(`The password on stdin is longer than ${MAX_PASSWORD_BYTES.toLocaleString('en-US')} bytes; a password is one line.`);
    chunks.push(bytes);
  }
  const decoded = decodeText(Buffer.concat(chunks, total));
  if (!decoded.ok) throw new StatusUsageError(`The password on stdin cannot be read as text: ${decoded.why}.`);
  return decoded.text.replace(/\r?\n$/, '');
}

async function credentialPassword(command: StatusCommand, spec: FrontEndPoolSpec, io: StatusIo): Promise<string | undefined> {
  const given = command.credentialPasswordFile !== undefined || command.credentialPasswordStdin;
  if (spec.remoting.credential === undefined) {
    if (given) throw new StatusUsageError('A credential password was given, but the pool file has no credential: add "credential": {"userName": "CONTOSO\\\\svc-sfb"} to it, or leave the password out.');
    return undefined;
  }
  if (!given) throw new StatusUsageError('The pool file names a credential; give its password with --credential-password-file PATH or --credential-password-stdin.');
  if (command.credentialPasswordFile !== undefined) return readText('--credential-password-file', command.credentialPasswordFile, MAX_PASSWORD_BYTES).replace(/\r?\n$/, '');
  return readStdinPassword(io.stdin);
}

/** A failure as a finding: ours keep their code and sentence; anything else is a bug, said so. */
function findingOf(error: unknown, doing: string): Finding {
  if (isSfbError(error)) return { code: error.code, message: error.message };
  const what = error instanceof Error ? error.name : typeof error;
  return { code: 'INTERNAL_ERROR', message: `${doing} failed unexpectedly (${what}); this is a bug, please report it with the command line (without secrets).` };
}

async function gathered<T>(doing: string, work: () => Promise<T>): Promise<Gathered<T>> {
  try {
    return { read: true, value: await work() };
  } catch (error) {
    return { read: false, failure: findingOf(error, doing) };
  }
}

/**
 * The store's look, ready to start: checked first (a missing secret name is a usage error before
 * anything runs), started beside the pool's.
 */
function storeLook(command: StatusCommand, stack: StackRecord | undefined): (() => Promise<StoreFacts>) | undefined {
  const secretName = command.secretName ?? stack?.secretName;
  if (secretName !== undefined) {
    try {
      assertSecretName(secretName);
    } catch {
      // The rule's own sentence quotes the name, which may have come from argv.
      throw new StatusUsageError('--secret-name (or the stack\'s secretName output) is not a secret name: use 1 to 512 of letters, digits and /_+=.@-, as AWS Secrets Manager and the local store require.');
    }
  }
  if (command.localStore !== undefined) {
    const directory = command.localStore;
    return async () => ({ kind: 'sealed', description: `local store at ${directory}`, ...(secretName !== undefined ? { secretName } : {}), look: await gathered('Reading the local store', () => readSealedSecrets(directory)) });
  }
  if (command.awsRegion === undefined) return undefined;
  if (secretName === undefined) throw new StatusUsageError('--aws-region needs the secret: give --secret-name NAME, or --stack-outputs with the stack\'s secretName output.');
  let store: CertificateStore;
  try {
    store = createAwsSecretsManagerStore({ region: command.awsRegion, ...(command.awsEndpoint !== undefined ? { endpoint: command.awsEndpoint } : {}) });
  } catch {
    // The store's own sentence quotes the values given; these came from argv.
    throw new StatusUsageError('--aws-region must be an AWS region like us-east-1, and --aws-endpoint an http(s) URL without credentials in it.');
  }
  // describe() is DescribeSecret alone: versions, labels and tags, never a secret value.
  return async () => ({ kind: 'described', description: store.description, secretName, stageLabels: AWS_LABELS, look: await gathered('Describing the secret', () => store.describe(secretName)) });
}

/** Gathers, decides; progress per server on stderr when it is a terminal. */
async function look(command: StatusCommand, io: StatusIo): Promise<StatusReport> {
  const progress = (line: string) => {
    if (io.errIsTty) io.err.write(`${line}\n`);
  };
  let stack: StackRecord | undefined;
  if (command.stackOutputs !== undefined) {
    const read = readStackOutputs(readJson('--stack-outputs', command.stackOutputs));
    if (!read.ok) throw new StatusUsageError(`The file given to --stack-outputs is not usable: ${read.reason}.`);
    stack = read.record;
  }
  // Every input is checked before anything is looked at.
  const startStore = storeLook(command, stack);
  let poolLook: (() => Promise<Gathered<PoolSnapshot>>) | undefined;
  if (command.poolFile !== undefined) {
    const spec = readPool(command.poolFile);
    const password = await credentialPassword(command, spec, io);
    const pool = createPowerShellPool(spec, password === undefined ? {} : { credentialPassword: password });
    poolLook = () => {
      progress(`reading ${pool.description}...`);
      return gathered('Reading the pool', () => pool.inspect());
    };
  }
  const [pool, store] = await Promise.all([poolLook?.(), startStore?.()]);
  if (pool?.read) for (const server of pool.value.servers) progress(`  ${server.server}: ${server.unreachable ? `could not be read (${server.unreachable.code})` : 'read'}`);
  return statusReport({
    now: command.now ?? io.clock(),
    warnBeforeExpiryDays: command.warnDays,
    ...(pool ? { pool } : {}),
    ...(store ? { store } : {}),
    ...(stack ? { stack } : {}),
  });
}

/** The `--json` object: the report's keys for every outcome, `usageError` set only for exit 2. */
function jsonOf(report: StatusReport | undefined, prometheusFile: string | null, usageError: Finding | null): string {
  const body = report ?? { lookedAt: null, warnBeforeExpiryDays: null, servers: [], serversAgree: null, store: null, expiries: [], warnings: [], unreadable: [], exitStatus: STATUS_EXIT.usage };
  return JSON.stringify({ ...body, exitStatus: usageError ? STATUS_EXIT.usage : body.exitStatus, prometheusFile, usageError }) + '\n';
}

/** Runs `status` with the arguments after the command name; returns the exit status. */
export async function status(args: readonly string[], io: StatusIo): Promise<number> {
  // Decided before parsing, so that a usage error comes in the form the caller asked for.
  const json = args.includes('--json');
  try {
    const command = parseStatusArgs(args);
    if (command.help) {
      io.out.write(STATUS_USAGE + '\n');
      return STATUS_EXIT.agrees;
    }
    const report = await look(command, io);
    if (command.prometheus !== undefined) await writePrometheusTextfile(command.prometheus, report);
    io.out.write(command.json ? jsonOf(report, command.prometheus ?? null, null) : renderStatusText(report));
    return report.exitStatus;
  } catch (error) {
    const usage = error instanceof StatusUsageError || (isSfbError(error) && error.code === 'INVALID_ARGUMENT');
    const finding: Finding = usage ? { code: 'INVALID_ARGUMENT', message: (error as Error).message } : findingOf(error, 'status');
    if (json) io.out.write(jsonOf(undefined, null, finding));
    else io.err.write(`sfb-oauth-cert: ${finding.message}\n\n${STATUS_USAGE}\n`);
    return STATUS_EXIT.usage;
  }
}
