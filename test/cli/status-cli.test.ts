/**
 * `sfb-oauth-cert status` as a process (the compiled bin), against the Skype cmdlet emulator in
 * both editions and the local store: the text and `--json` output, the exit statuses (0 agree,
 * 1 warnings, 3 unreadable, 2 usage), usage errors as one JSON object, the Prometheus textfile as
 * a real parser reads it, and no secret in anything it prints or writes. The decisions
 * themselves are tabled in test/domain/status-report.test.ts; the AWS store is in
 * status-aws.int.test.ts.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createLocalStore } from '../../provider/adapters/local-store';
import { main } from '../../provider/cli/main';
import { SEALED_STORE_NOTE } from '../../provider/domain/status-report';
import { EMULATOR, fixture, Pool, SERVERS, type Edition } from '../emulator/harness';
import { runCli } from '../harness/cli';
import type { ProcessResult } from '../harness/process';

const A = fixture('openssl3-default');
const B = fixture('keytool-genkeypair');
const A_NOT_AFTER = '2035-01-01T00:00:00.000Z';
const NOW = '2026-06-01T00:00:00Z';
const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
const PASSPHRASE = 'store-passphrase-Zq7!never-printed';
const CREDENTIAL_PASSWORD = 'credential-password-Xk9#never-printed';

type Run = ProcessResult;

/** Runs the CLI; stdin written when given, then closed. */
const cli = (args: readonly string[], stdin?: string): Promise<Run> => runCli(args, { timeoutMs: 120_000, ...(stdin !== undefined ? { stdin } : {}) });

const scratch = mkdtempSync(join(tmpdir(), 'sfb-status-cli-'));
const made: Pool[] = [];
afterAll(() => {
  made.forEach((p) => p.cleanup());
  rmSync(scratch, { recursive: true, force: true });
});

let files = 0;
function scratchFile(name: string, text: string): string {
  files += 1;
  const file = join(scratch, `${files}-${name}`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** An emulated deployment of one edition, and a pool file that reaches it (as an operator writes one). */
async function deployment(edition: Edition, extra: Record<string, unknown> = {}): Promise<{ pool: Pool; poolFile: string }> {
  const pool = await Pool.create({ edition, replicationDelay: 0 });
  made.push(pool);
  const options = { servers: SERVERS, edition, command: ['env', `SFB_SKYPE_EMULATOR_DIR=${pool.stateDir}`, EMULATOR, ...SHELL_OPTIONS], ...extra };
  return { pool, poolFile: scratchFile('pool.json', JSON.stringify(options)) };
}

async function importGlobally(pool: Pool, name: string): Promise<void> {
  await pool.ok(pool.importScript(name));
}

/** No secret the test knows of appears in any of `texts`. */
function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    for (const secret of [A.password!, B.password!, PASSPHRASE, CREDENTIAL_PASSWORD]) expect(text).not.toContain(secret);
  }
}

/** The one JSON object `--json` prints. */
function jsonOf(run: Run): Record<string, unknown> & { servers: Record<string, unknown>[]; warnings: { code: string }[]; unreadable: { code: string }[] } {
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

const codes = (findings: readonly { code: string }[]) => findings.map((f) => f.code);

interface PromSample {
  labels?: Record<string, string>;
  value: string;
  timestamp_ms?: string;
}
/** The textfile as parse-prometheus-text-format reads it: family name → samples. */
function promFamilies(file: string): Map<string, { type: string; help: string; metrics: PromSample[] }> {
  const families = parsePrometheusTextFormat(readFileSync(file, 'utf8')) as { name: string; type: string; help: string; metrics: PromSample[] }[];
  return new Map(families.map((f) => [f.name, f]));
}

describe.each<Edition>(['desktop', 'core'])('status against the emulator (%s edition)', (edition) => {
  it('exit 0 when the CMS and every server report the same certificate: text, JSON and the textfile', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');

    const text = await cli(['status', '--pool', poolFile, '--now', NOW]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('sfb-oauth-cert status at 2026-06-01T00:00Z: everything agrees');
    expect(text.stdout).toContain(`    current   ${A.thumbprint}  NotAfter 2035-01-01T00:00Z (3136 days left)`);
    expect(text.stderr).toBe('');

    const prom = join(scratch, `agree-${edition}.prom`);
    const run = await cli(['status', '--pool', poolFile, '--now', NOW, '--json', '--prometheus', prom]);
    expect(run.code).toBe(0);
    const report = jsonOf(run);
    expect(Object.keys(report)).toEqual(['lookedAt', 'warnBeforeExpiryDays', 'servers', 'serversAgree', 'store', 'expiries', 'warnings', 'unreadable', 'exitStatus', 'prometheusFile', 'usageError']);
    expect(report).toMatchObject({ lookedAt: '2026-06-01T00:00:00.000Z', exitStatus: 0, serversAgree: true, store: null, warnings: [], unreadable: [], usageError: null, prometheusFile: prom });
    expect(report.servers.map((s) => [s.server, s.role, s.scope, s.replication])).toEqual([
      ['global', 'cms', 'global', 'not-reported'],
      ...SERVERS.map((server) => [server, 'front-end', 'global', 'up-to-date']),
    ]);
    for (const row of report.servers) {
      expect(row).toMatchObject({ current: { thumbprint: A.thumbprint, notAfter: A_NOT_AFTER, daysLeft: 3136 }, previous: null, scheduled: null, unreadable: null });
    }

    const families = promFamilies(prom);
    expect([...families.keys()]).toEqual([
      'sfb_oauth_cert_certificate_expiration_timestamp_seconds',
      'sfb_oauth_cert_certificate_days_left',
      'sfb_oauth_cert_server_readable',
      'sfb_oauth_cert_servers_agree',
      'sfb_oauth_cert_status_warnings',
      'sfb_oauth_cert_status_timestamp_seconds',
      'sfb_oauth_cert_status_success',
    ]);
    for (const family of families.values()) {
      expect(family.type).toBe('GAUGE');
      // node_exporter's textfile collector refuses samples with timestamps.
      for (const metric of family.metrics) expect(metric.timestamp_ms).toBeUndefined();
    }
    expect(families.get('sfb_oauth_cert_certificate_expiration_timestamp_seconds')!.metrics).toEqual(
      ['global', ...SERVERS].map((server) => ({ labels: { server, role: 'current', thumbprint: A.thumbprint }, value: String(Date.parse(A_NOT_AFTER) / 1000) })),
    );
    expect(families.get('sfb_oauth_cert_servers_agree')!.metrics).toEqual([{ value: '1' }]);
    expect(families.get('sfb_oauth_cert_status_success')!.metrics).toEqual([{ value: '1' }]);
    expect(families.get('sfb_oauth_cert_status_timestamp_seconds')!.metrics).toEqual([{ value: String(Date.parse(NOW) / 1000) }]);
    // Written by rename: no temporary file is left beside it.
    expect(readdirSync(scratch).filter((f) => f.startsWith(`agree-${edition}.prom`))).toEqual([`agree-${edition}.prom`]);
    expectNoSecret(text.stdout, text.stderr, run.stdout, run.stderr, readFileSync(prom, 'utf8'));
  });

  it('exit 1 when the certificate expires within --warn-days', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');
    const run = await cli(['status', '--pool', poolFile, '--now', '2034-12-20T00:00:00Z', '--warn-days', '14', '--json']);
    expect(run.code).toBe(1);
    expect(codes(jsonOf(run).warnings)).toEqual(['CERT_EXPIRES_SOON']);
    const quiet = await cli(['status', '--pool', poolFile, '--now', '2034-12-20T00:00:00Z', '--warn-days', '7', '--json']);
    expect(quiet.code).toBe(0);
  });

  it('exit 1 when a server is behind: the servers disagree, its replica is not up to date', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');
    expect((await pool.admin('stale', 'fe03.contoso.com')).code).toBe(0);
    await importGlobally(pool, 'keytool-genkeypair');
    const prom = join(scratch, `disagree-${edition}.prom`);
    const run = await cli(['status', '--pool', poolFile, '--now', NOW, '--json', '--prometheus', prom]);
    expect(run.code).toBe(1);
    const report = jsonOf(run);
    expect(codes(report.warnings)).toEqual(['SERVERS_DISAGREE', 'REPLICATION_PENDING']);
    expect(report.serversAgree).toBe(false);
    expect(report.servers.map((s) => (s.current as { thumbprint: string }).thumbprint)).toEqual([B.thumbprint, B.thumbprint, B.thumbprint, A.thumbprint]);
    expect(report.servers[1]).toMatchObject({ previous: { thumbprint: A.thumbprint, notAfter: A_NOT_AFTER } });
    expect(report.servers[3]).toMatchObject({ replication: 'pending' });
    expect(promFamilies(prom).get('sfb_oauth_cert_servers_agree')!.metrics).toEqual([{ value: '0' }]);
  });

  it('exit 1 for a roll scheduled less than 24 hours before the current NotAfter; the scheduled row; a NotAfter no source gives is not sampled', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');
    await pool.ok(pool.importScript('keytool-genkeypair', '2034-12-31T12:00:00'));
    const prom = join(scratch, `roll-${edition}.prom`);
    const run = await cli(['status', '--pool', poolFile, '--now', NOW, '--json', '--prometheus', prom]);
    expect(run.code).toBe(1);
    const report = jsonOf(run);
    expect(codes(report.warnings)).toEqual(['ROLL_TOO_LATE']);
    for (const row of report.servers) {
      expect(row).toMatchObject({ current: { thumbprint: A.thumbprint }, scheduled: { thumbprint: B.thumbprint, effectiveDate: '2034-12-31T12:00:00.000Z', notAfter: null } });
    }
    expect(promFamilies(prom).get('sfb_oauth_cert_certificate_expiration_timestamp_seconds')!.metrics.map((m) => m.labels!.role)).toEqual(['current', 'current', 'current', 'current']);
    const text = await cli(['status', '--pool', poolFile, '--now', NOW]);
    expect(text.stdout).toContain(`    scheduled ${B.thumbprint}  NotAfter not known, effective 2034-12-31T12:00Z`);
  });

  it('exit 3 when a server cannot be read; the textfile says the look failed', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');
    expect((await pool.admin('unreachable', 'fe02.contoso.com')).code).toBe(0);
    const prom = join(scratch, `unreachable-${edition}.prom`);
    const run = await cli(['status', '--pool', poolFile, '--now', NOW, '--json', '--prometheus', prom]);
    expect(run.code).toBe(3);
    const report = jsonOf(run);
    expect(codes(report.unreadable)).toEqual(['SERVER_UNREACHABLE']);
    expect(report.servers[2]).toMatchObject({ server: 'fe02.contoso.com', current: null, unreadable: { code: 'SERVER_UNREACHABLE' } });
    const families = promFamilies(prom);
    expect(families.get('sfb_oauth_cert_status_success')!.metrics).toEqual([{ value: '0' }]);
    expect(families.get('sfb_oauth_cert_server_readable')!.metrics.map((m) => [m.labels!.server, m.value])).toEqual([['global', '1'], ['fe01.contoso.com', '1'], ['fe02.contoso.com', '0'], ['fe03.contoso.com', '1']]);

    const text = await cli(['status', '--pool', poolFile, '--now', NOW]);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('  fe02.contoso.com: could not be read: SERVER_UNREACHABLE');
  });

  it('the pool and the local store together; the store is shown without its passphrase', async () => {
    const { pool, poolFile } = await deployment(edition);
    await importGlobally(pool, 'openssl3-default');
    const directory = mkdtempSync(join(scratch, 'store-'));
    chmodSync(directory, 0o700);
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    await store.putVersion({ name: 'sfb/oauth-token-issuer/contoso.com', versionId: `${A.thumbprint}-0123456789abcdef`, stage: 'current', payload: { pfxBase64: readFileSync(A.file).toString('base64'), password: A.password, thumbprint: A.thumbprint } });
    const run = await cli(['status', '--pool', poolFile, '--local-store', directory, '--secret-name', 'sfb/oauth-token-issuer/contoso.com', '--now', NOW, '--json']);
    expect(run.code).toBe(0);
    expect(jsonOf(run).store).toEqual({
      description: `local store at ${directory}`,
      secretName: 'sfb/oauth-token-issuer/contoso.com',
      state: 'sealed',
      current: null,
      previous: null,
      pending: null,
      owner: null,
      deletionDate: null,
      secrets: ['sfb/oauth-token-issuer/contoso.com'],
      note: SEALED_STORE_NOTE,
    });
    expectNoSecret(run.stdout, run.stderr);
  });
});

describe('status with the local store alone', () => {
  const directory = mkdtempSync(join(tmpdir(), 'sfb-status-store-'));
  chmodSync(directory, 0o700);
  const name = 'sfb/oauth-token-issuer/contoso.com';
  beforeAll(async () => {
    const store = createLocalStore({ directory, passphrase: PASSPHRASE });
    await store.putVersion({ name, versionId: `${A.thumbprint}-0123456789abcdef`, stage: 'current', payload: { pfxBase64: readFileSync(A.file).toString('base64'), password: A.password, thumbprint: A.thumbprint } });
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('exit 0: the secrets it holds, and why their certificates are not shown', async () => {
    const prom = join(scratch, 'local-store.prom');
    const run = await cli(['status', '--local-store', directory, '--now', NOW, '--prometheus', prom]);
    expect(run.code).toBe(0);
    expectNoSecret(readFileSync(prom, 'utf8'));
    expect(run.stdout).toBe(
      [
        'sfb-oauth-cert status at 2026-06-01T00:00Z: everything agrees',
        `Store: local store at ${directory}: sealed`,
        `    secrets   "${name}"`,
        `    note      ${SEALED_STORE_NOTE}`,
        '',
      ].join('\n'),
    );
    expectNoSecret(run.stdout, run.stderr);
  });

  it('exit 3 when the secret asked for has no file, or the directory is missing', async () => {
    const missing = await cli(['status', '--local-store', directory, '--secret-name', 'sfb/other', '--json']);
    expect(missing.code).toBe(3);
    expect(codes(jsonOf(missing).unreadable)).toEqual(['STORE_NOT_FOUND']);
    const gone = await cli(['status', '--local-store', join(directory, 'nope'), '--json']);
    expect(gone.code).toBe(3);
    expect(codes(jsonOf(gone).unreadable)).toEqual(['STORE_NOT_FOUND']);
  });

  it('with the stack outputs: the NotAfter they recorded, and a warning when it is near', async () => {
    const outputs = scratchFile('outputs.json', JSON.stringify({ thumbprint: A.thumbprint, notAfter: A_NOT_AFTER, secretName: name, plan: '[secret]' }));
    const run = await cli(['status', '--local-store', directory, '--stack-outputs', outputs, '--now', '2034-12-20T00:00:00Z', '--json']);
    expect(run.code).toBe(1);
    const report = jsonOf(run);
    expect(codes(report.warnings)).toEqual(['CERT_EXPIRES_SOON']);
    expect(report.expiries).toEqual([{ server: 'store', role: 'current', thumbprint: A.thumbprint, notAfter: A_NOT_AFTER, daysLeft: 12 }]);
  });
});

describe('status: the pool credential', () => {
  it('takes the password from a file or stdin, and never prints it', async () => {
    const { pool, poolFile } = await deployment('desktop', { credential: { userName: 'CONTOSO\\svc-sfb' }, authentication: 'Negotiate' });
    await importGlobally(pool, 'openssl3-default');
    const passwordFile = scratchFile('password.txt', `${CREDENTIAL_PASSWORD}\n`);
    const prom = join(scratch, 'credential.prom');
    const fromFile = await cli(['status', '--pool', poolFile, '--credential-password-file', passwordFile, '--now', NOW, '--json', '--prometheus', prom]);
    expect(fromFile.code).toBe(0);
    const fromStdin = await cli(['status', '--pool', poolFile, '--credential-password-stdin', '--now', NOW, '--json'], `${CREDENTIAL_PASSWORD}\n`);
    expect(fromStdin.code).toBe(0);
    expectNoSecret(fromFile.stdout, fromFile.stderr, fromStdin.stdout, fromStdin.stderr, readFileSync(prom, 'utf8'));
    // The emulator logs every script it ran: the password reached none of them as text.
    expect(readFileSync(join(pool.stateDir, 'scripts.log'), 'utf8')).not.toContain(CREDENTIAL_PASSWORD);
  });

  it('refuses a pool file that holds the password, and a credential without one', async () => {
    const withPassword = scratchFile('pool.json', JSON.stringify({ servers: SERVERS, credential: { userName: 'CONTOSO\\svc-sfb', password: CREDENTIAL_PASSWORD } }));
    const refused = await cli(['status', '--pool', withPassword, '--json']);
    expect(refused.code).toBe(2);
    expect(jsonOf(refused).usageError).toEqual({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('holds a credential password; remove it from the file') });
    const withoutPassword = scratchFile('pool.json', JSON.stringify({ servers: SERVERS, credential: { userName: 'CONTOSO\\svc-sfb' } }));
    const missing = await cli(['status', '--pool', withoutPassword, '--json']);
    expect(missing.code).toBe(2);
    expect(jsonOf(missing).usageError).toEqual({ code: 'INVALID_ARGUMENT', message: 'The pool file names a credential; give its password with --credential-password-file PATH or --credential-password-stdin.' });
    expectNoSecret(refused.stdout, refused.stderr, missing.stdout, missing.stderr);
  });
});

describe('status: usage errors (exit 2)', () => {
  const SECRET_ARG = 'Hunter2-misplaced-secret';
  const poolFile = scratchFile('pool.json', JSON.stringify({ servers: SERVERS }));
  it.each<{ row: string; args: string[]; message: string }>([
    { row: 'nothing to look at', args: [], message: 'status needs something to look at: the pool (--pool FILE), a store (--local-store DIR or --aws-region REGION), or both.' },
    { row: 'a stray argument (maybe a secret)', args: ['--pool', poolFile, SECRET_ARG], message: 'status takes options only, and got an argument that belongs to no option (not shown, in case one is a secret).' },
    { row: 'an unknown option with a value', args: ['--pool', poolFile, `--token=${SECRET_ARG}`], message: 'Unknown option --token for status; see the options below.' },
    { row: 'a password on the command line', args: ['--pool', poolFile, '--password', SECRET_ARG], message: expect.stringContaining('--password is not accepted: a secret on the command line is visible to other processes') },
    { row: 'a short option glued to a value', args: [`-p${SECRET_ARG}`, '--pool', poolFile], message: 'Unknown option -p for status; see the options below.' },
    { row: 'an option without its value', args: ['--pool'], message: '--pool needs a value (one starting with "-" is given as --pool=VALUE).' },
    { row: 'a flag given a value', args: ['--pool', poolFile, `--json=${SECRET_ARG}`], message: '--json takes no value.' },
    { row: 'a date that is not one', args: ['--pool', poolFile, '--now', SECRET_ARG], message: '--now takes an ISO 8601 date and time with a zone, like 2026-12-01T00:00:00Z.' },
    { row: 'warn days out of range', args: ['--pool', poolFile, '--warn-days', SECRET_ARG], message: '--warn-days takes a whole number of days from 0 to 3650.' },
    { row: 'two stores', args: ['--local-store', scratch, '--aws-region', 'us-east-1'], message: 'Give one store: --local-store DIR or --aws-region REGION, not both.' },
    { row: 'the AWS store without a secret name', args: ['--aws-region', 'us-east-1'], message: "--aws-region needs the secret: give --secret-name NAME, or --stack-outputs with the stack's secretName output." },
    { row: 'a secret name no store accepts', args: ['--local-store', scratch, '--secret-name', `${SECRET_ARG} x`], message: "--secret-name (or the stack's secretName output) is not a secret name: use 1 to 512 of letters, digits and /_+=.@-, as AWS Secrets Manager and the local store require." },
    { row: 'a textfile name the collector ignores', args: ['--pool', poolFile, '--prometheus', join(scratch, `${SECRET_ARG}.txt`)], message: '--prometheus names a file ending in .prom: the textfile collectors of node_exporter and windows_exporter read only those.' },
    { row: 'a pool file that does not exist', args: ['--pool', join(scratch, SECRET_ARG)], message: 'The file given to --pool does not exist (ENOENT); check the path.' },
    { row: 'a pool file that is not a pool', args: ['--pool', scratchFile('bad.json', '{"servers": "fe01"}')], message: expect.stringContaining("The file given to --pool is not a usable pool: The pool's `servers` must list the FQDN") },
  ])('$row', async ({ args, message }) => {
    const json = await cli(['status', ...args, '--json']);
    expect(json.code).toBe(2);
    const report = jsonOf(json);
    expect(report).toMatchObject({ exitStatus: 2, servers: [], warnings: [], unreadable: [], usageError: { code: 'INVALID_ARGUMENT', message } });
    expect(json.stderr).toBe('');
    const text = await cli(['status', ...args]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^sfb-oauth-cert: .*\n\nUsage: sfb-oauth-cert status /s);
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) expect(output).not.toContain(SECRET_ARG);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await cli(['status', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: sfb-oauth-cert status /);
  });
});

describe('status: progress on a terminal', () => {
  class Capture extends Writable {
    text = '';
    constructor(readonly isTTY: boolean) {
      super();
    }
    override _write(chunk: Buffer, _encoding: string, done: () => void): void {
      this.text += chunk.toString();
      done();
    }
  }
  it.each([true, false])('stderr is a terminal: %s', async (tty) => {
    const { pool, poolFile } = await deployment('desktop');
    await importGlobally(pool, 'openssl3-default');
    const out = new Capture(false);
    const err = new Capture(tty);
    expect(await main(['status', '--pool', poolFile, '--now', NOW], process.env, out, err)).toBe(0);
    expect(err.text).toBe(tty ? ['reading Front End pool of 3 servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com)...', ...SERVERS.map((s) => `  ${s}: read`), ''].join('\n') : '');
    expect(existsSync(poolFile)).toBe(true);
  });
});
