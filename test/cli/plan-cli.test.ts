/**
 * `sfb-oauth-cert plan` as a process (bin/sfb-oauth-cert, the compiled dist/), with the PFX
 * corpus and the cmdlet emulator in both editions: output, exit codes, the `--json` shape, usage
 * errors, the PowerShell shown being what the adapter sends, and no secret anywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PFX_INPUT_BYTES } from '../../provider/adapters/pfx/pfx-input';
import { createPowerShellPool } from '../../provider/adapters/powershell';
import { checkPoolSpec } from '../../provider/domain/front-end-pool-spec';
import { CORPUS_DIR, entry } from '../support/pfx-corpus';
import { fixture, Pool, type Edition } from '../emulator/harness';
import { environmentWithout, runCli } from '../harness/cli';
import type { ProcessResult } from '../harness/process';

const BIN = join(__dirname, '..', '..', 'bin', 'sfb-oauth-cert');
const EMULATOR = join(__dirname, '..', '..', 'bin', 'sfb-skype-emulator');
const SHELL_OPTIONS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'];
const NOW = '2026-06-01T00:00:00Z';
const PASSWORD = entry('openssl3-default').password!;
const PFX = join(CORPUS_DIR, 'openssl3-default.pfx');
const A = entry('openssl3-default').expected.thumbprint!;
const PFX_BASE64 = readFileSync(PFX).toString('base64');

type Run = ProcessResult;

const scratch = mkdtempSync(join(tmpdir(), 'sfb-plan-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI with `stdin` written and closed; no password in the environment. */
const cli = (args: readonly string[], stdin = ''): Promise<Run> => runCli(['plan', ...args], { stdin, env: environmentWithout('PFX_PASSWORD', 'SFB_SKYPE_EMULATOR_DIR') });

let files = 0;
function file(content: string): string {
  files += 1;
  const path = join(scratch, `file-${files}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
const passwordFile = (password: string) => file(`${password}\n`);

/** Every secret a run must never print: the passwords and the PFX, whole or in part. */
function expectNoSecret(run: Run, ...secrets: string[]): void {
  const text = run.stdout + run.stderr;
  for (const secret of [PASSWORD, PFX_BASE64, PFX_BASE64.slice(100, 160), ...secrets]) expect(text).not.toContain(secret);
}

/** One printed step in `--json`. */
interface PrintedJson {
  readonly step: { readonly kind: string; readonly [key: string]: unknown };
  readonly does: string;
  readonly powershell: readonly string[];
}

/** The `--json` object, as far as these tests read it. */
interface PlanJson {
  readonly outcome: string;
  readonly certificate: { readonly thumbprint: string } | null;
  readonly rules: readonly { readonly rule: string; readonly status: string; readonly findings: readonly { readonly code: string }[] }[];
  readonly roll: unknown;
  readonly pool: { readonly edition: string; readonly global: { readonly current?: string }; readonly servers: readonly { readonly server: string; readonly unreachable?: { readonly code: string } }[] } | null;
  readonly deployment: {
    readonly action: string;
    readonly summary: string;
    readonly behind: readonly string[];
    readonly mode: string;
    readonly steps: readonly PrintedJson[];
    readonly servers: readonly { readonly server: string; readonly steps: readonly PrintedJson[] }[] | null;
  } | null;
  readonly usageError: { readonly code: string; readonly message: string } | null;
}

function json(run: Run): PlanJson {
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as PlanJson;
}

const JSON_KEYS = ['becomesCurrent', 'certificate', 'deployment', 'outcome', 'pool', 'poolError', 'roll', 'rules', 'usageError', 'warnings'];
const statuses = (plan: PlanJson) => Object.fromEntries(plan.rules.map((r) => [r.rule, r.findings.length > 0 ? `${r.status} ${r.findings.map((f) => f.code).join(',')}` : r.status]));

describe('usage errors: exit 2, one JSON object with --json, no argument quoted but option names', () => {
  const pw = () => passwordFile(PASSWORD);
  it.each([
    ['no PFX file', () => [], 'plan needs the PFX file to plan, or --thumbprint and --pool for a certificate a Front End Server already has.'],
    ['a second argument (a misplaced password)', () => [PFX, 'Sup3r-Secret-Value'], 'plan takes one <pfx-file>, and got an extra argument (not shown, in case it is a secret).'],
    ['--password on the command line', () => [PFX, '--password', 'Sup3r-Secret-Value'], '--password is not accepted: a password on the command line is visible to other processes and logs; use --password-file PATH or --password-stdin.'],
    ['--password= inline', () => [PFX, '--password=Sup3r-Secret-Value'], '--password is not accepted: a password on the command line is visible to other processes and logs; use --password-file PATH or --password-stdin.'],
    ['--thumbprint without --pool', () => ['--thumbprint', A], '--thumbprint needs --pool: the certificate is read from a Front End Server of the pool, checked there and assigned from there.'],
    ['--thumbprint and a PFX file', () => [PFX, '--thumbprint', A, '--pool', 'pool.json'], 'Give a <pfx-file> or --thumbprint, not both: they are two sources of the certificate.'],
    ['--thumbprint with a password', () => ['--thumbprint', A, '--pool', 'pool.json', '--password-stdin'], '--thumbprint takes no password: the certificate and its private key stay on the Front End Server.'],
    ['--thumbprint that is not one', () => ['--thumbprint', 'ABC', '--pool', 'pool.json'], '--thumbprint is not a SHA-1 thumbprint: write its 40 hex digits as Windows shows them (Get-ChildItem Cert:\\LocalMachine\\My).'],
    ['--server without --thumbprint', () => [PFX, '--server', 'fe01.contoso.com'], '--server goes with --thumbprint: it names the Front End Server whose store holds the certificate.'],
    ['an unknown option with a value', () => [PFX, '--secret=Sup3r-Secret-Value'], 'Unknown option --secret for plan; `sfb-oauth-cert plan --help` lists its options.'],
    ['a short option group', () => [PFX, '-pSup3r-Secret-Value'], 'Unknown option -p for plan; `sfb-oauth-cert plan --help` lists its options.'],
    ['--pool without a value', () => [PFX, '--pool'], '--pool needs a value.'],
    ['--pool followed by an option', () => [PFX, '--pool', '--now', NOW], '--pool needs a value.'],
    ['--json with a value', () => [PFX, '--json=Sup3r-Secret-Value'], '--json takes no value.'],
    ['both password sources', () => [PFX, '--password-file', pw(), '--password-stdin'], 'Give --password-file or --password-stdin, not both.'],
    ['an effective date that is not ISO 8601', () => [PFX, '--effective-date', 'Sup3r-Secret-Value'], '--effective-date is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z (UTC) or 2026-12-01T01:00:00+01:00.'],
    ['a PFX file that does not exist', () => [join(scratch, 'Sup3r-Secret-Value.pfx')], /^Cannot read the PFX file \(<pfx-file>\): it does not exist \(ENOENT\)/],
    ['a pool file that is not JSON', () => [PFX, '--pool', file('{"servers": ["fe01.contoso.com"], "credential": {"userName": "u", "password": "Sup3r-Secret-Value"')], 'The pool file (--pool) is not JSON; write the options of FrontEndPools.powershell as a JSON object, e.g. {"servers": ["fe01.contoso.com"]}.'],
    ['a pool without servers', () => [PFX, '--pool', file('{"servers": []}')], 'The pool file (--pool) is not a pool: The pool\'s `servers` must list the FQDN of every Front End Server, e.g. ["fe01.contoso.com", "fe02.contoso.com"]; got an empty list.'],
    ['--thumbprint with a pool in manual mode (as the resource refuses it)', () => ['--thumbprint', A, '--pool', file('{"servers": ["fe01.contoso.com"], "mode": "manual"}')], '--thumbprint plans a certificate a Front End Server already has, which is assigned once, globally, and replication deploys it; the pool file (--pool) declares `mode: "manual"`, which imports a PFX on each server instead. Leave out `mode` in the pool file, or plan the PFX (<pfx-file>).'],
    ['a pool credential without its password', () => [PFX, '--pool', file('{"servers": ["fe01.contoso.com"], "credential": {"userName": "CONTOSO\\\\svc"}}')], 'The pool file (--pool) names a `credential` without its password; give credential: { userName, password } (keep the file readable by you alone).'],
  ])('%s', async (_row, args, message) => {
    const text = await cli(args());
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^sfb-oauth-cert: /);
    expect(text.stderr).toContain('Usage: sfb-oauth-cert plan <pfx-file>');
    expect(text.stderr).not.toContain('Sup3r-Secret-Value');

    const asJson = await cli([...args(), '--json']);
    expect(asJson.code).toBe(2);
    expect(asJson.stderr).toBe('');
    const object = json(asJson);
    expect(Object.keys(object).sort()).toEqual(JSON_KEYS);
    expect(object.outcome).toBe('usage-error');
    expect(object.usageError!.code).toBe('INVALID_ARGUMENT');
    if (typeof message === 'string') expect(object.usageError!.message).toBe(message);
    else expect(object.usageError!.message).toMatch(message);
    expect(asJson.stdout).not.toContain('Sup3r-Secret-Value');
  });

  it('--help names the options, the exit codes and the thumbprint source', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--password-stdin');
    expect(run.stdout).toContain('--thumbprint plans a certificate a Front End Server already has');
    expect(run.stdout).toContain('Exit status: 0 the plan can be applied; 1 a rule refuses it (PFX_UNREADABLE,');
    expect(run.stdout).toContain('ROLL_TOO_LATE, TIME_ZONE_MISMATCH, EFFECTIVE_DATE_AMBIGUOUS, FOREIGN_ROLL_PENDING);');
  });
});

it('is in the CLI\'s usage', () => {
  expect(execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' })).toContain('Usage: sfb-oauth-cert plan <pfx-file>');
});

describe('without a pool: the PFX rules, when it becomes current', () => {
  it('a PFX file over the size limit is refused from its size (PFX_TOO_LARGE), unread', async () => {
    const huge = join(scratch, 'huge.pfx');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_PFX_INPUT_BYTES + 100);
    const run = await cli([huge, '--now', NOW, '--json']);
    expect(run.code).toBe(1);
    expect(statuses(json(run))).toMatchObject({ pfx: 'refused PFX_TOO_LARGE', validity: 'not-checked' });
  });

  it('a valid PFX, its password on stdin: exit 0, the deployment rules not checked', async () => {
    const run = await cli([PFX, '--password-stdin', '--now', NOW, '--sip-domain', 'contoso.com', '--json'], `${PASSWORD}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = json(run);
    expect(Object.keys(plan).sort()).toEqual(JSON_KEYS);
    expect(plan).toMatchObject({ outcome: 'ready', certificate: { thumbprint: A }, becomesCurrent: { at: '2026-06-01T00:00:00.000Z', scheduled: false, effectiveDatePassed: false }, pool: null, deployment: null, roll: null, usageError: null, poolError: null });
    expect(statuses(plan)).toEqual({ pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-checked', 'time-zone': 'not-checked', 'local-time': 'not-checked', 'foreign-roll': 'not-checked' });
    expectNoSecret(run);
  });

  it('an effective date already past means now, and the plan says so', async () => {
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--now', NOW, '--effective-date', '2026-05-01T00:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Becomes current: now, 2026-06-01T00:00:00Z (the effective date has passed, which means now)');
    expect(run.stdout).toContain('Pool: none given (--pool POOL.json)');
    expectNoSecret(run);
  });

  it.each([
    ['a wrong password', 'openssl3-default', 'not-the-password', undefined, { pfx: 'refused PFX_BAD_PASSWORD', validity: 'not-checked' }],
    ['an expired certificate', 'expired', undefined, undefined, { pfx: 'passed', validity: 'refused CERT_EXPIRED' }],
    ['a certificate that expires before its effective date', 'expiring-soon', undefined, '2026-07-01T00:00:00Z', { pfx: 'passed', validity: 'refused CERT_EXPIRES_BEFORE_EFFECTIVE_DATE' }],
    ['a 1024-bit key', 'rsa-1024', undefined, undefined, { pfx: 'refused KEY_TOO_SMALL', validity: 'passed' }],
  ])('%s: exit 1, the rule refuses with its code', async (_row, name, password, effectiveDate, rules) => {
    const e = entry(name);
    const secret = password ?? e.password!;
    const run = await cli([join(CORPUS_DIR, e.file), '--password-file', passwordFile(secret), '--now', NOW, '--json', ...(effectiveDate ? ['--effective-date', effectiveDate] : [])]);
    expect(run.code).toBe(1);
    const plan = json(run);
    expect(plan.outcome).toBe('refused');
    expect(statuses(plan)).toMatchObject(rules);
    expectNoSecret(run, secret);
  });
});

/** An emulated deployment and the pool file that reaches it; the emulator's clock is NOW. */
async function deployment(edition: Edition, options: Parameters<typeof Pool.create>[0] = {}, poolOptions: Record<string, unknown> = {}) {
  const pool = await Pool.create({ edition, now: NOW, ...options });
  const command = ['env', `SFB_SKYPE_EMULATOR_DIR=${pool.stateDir}`, EMULATOR, ...SHELL_OPTIONS];
  const options_ = { servers: options.servers ?? ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'], edition, command, ...poolOptions };
  const poolFile = file(JSON.stringify(options_));
  return { pool, poolFile, options: options_ };
}

describe.each(['desktop', 'core'] as const)('with a pool, against the emulator (%s)', (edition) => {
  const pools: Pool[] = [];
  afterAll(() => pools.forEach((p) => p.cleanup()));
  const make = async (...args: Parameters<typeof deployment> extends [unknown, ...infer R] ? R : never) => {
    const d = await deployment(edition, ...args);
    pools.push(d.pool);
    return d;
  };

  it('a first roll: the pool as read, the steps, and the import script exactly as the adapter sends it', async () => {
    const d = await make({ replicationDelay: 0 }, { parallelism: 2 });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--effective-date', '2026-07-01T00:00:00Z', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = json(run);
    expect(plan.outcome).toBe('ready');
    expect(plan.pool!.servers.map((s) => s.server)).toEqual(['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com']);
    expect(plan.pool!.edition).toBe(edition);
    expect(statuses(plan)).toEqual({ pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'passed', 'local-time': 'passed', 'foreign-roll': 'passed' });
    expect(plan.deployment!.action).toBe('roll');
    expect(plan.deployment!.steps.map((s) => s.step.kind)).toEqual(['import', 'roll', 'replicate', 'verify']);
    // The inspection: the CMS call and the servers in batches of `parallelism`.
    expect(plan.deployment!.steps[3]!.powershell).toHaveLength(3);
    expect(plan.roll).toEqual({ action: 'schedule', summary: 'new 999F.. current at 2026-07-01T00:00Z; nothing is current until then' });
    expectNoSecret(run);

    // The adapter's own call, run against the same emulator: its script is the one shown, the
    // private directory's path in place of the placeholder.
    const spec = checkPoolSpec({ kind: 'powershell', ...d.options }).spec!;
    await createPowerShellPool(spec).assign({ thumbprint: A, pfx: { pfxBase64: PFX_BASE64, password: PASSWORD }, effectiveAt: '2026-07-01T00:00:00.000Z', sessionTimeZone: 'UTC' });
    const sent = d.pool.log().at(-1)!.script.replace(/^\uFEFF/, '');
    const directory = /-Path '([^']*)[\\/]cert\.pfx'/.exec(sent)![1]!;
    expect(sent.split(directory).join('<call directory>')).toBe(plan.deployment!.steps[0]!.powershell[0]);
    // And it did what the plan says: the roll is pending in the Central Management Store.
    expect(Object.values((await d.pool.show()).cms.assignments).map((slots) => slots.scheduled?.thumbprint)).toContain(A);
  });

  it('--thumbprint: read and checked on its server, and the two scripts up runs there, exactly as the adapter writes them', async () => {
    const d = await make({ replicationDelay: 0 });
    const good = fixture('openssl3-default');
    const files = d.pool.secretFiles(good.file, good.password);
    const imported = await d.pool.file(`$ProgressPreference = 'SilentlyContinue'\n$s = Import-PowerShellDataFile -LiteralPath '${files.psd1}'\n$p = $s.Password\nInvoke-Command -ComputerName 'fe02.contoso.com' -ErrorAction Stop -ScriptBlock {\n    Import-Module SkypeForBusiness\n    Import-CsCertificate -Path '${files.pfx}' -Password $using:p -PrivateKeyExportable $True\n}`);
    expect(imported.code).toBe(0);
    const run = await cli(['--thumbprint', A.toLowerCase(), '--server', 'fe02.contoso.com', '--pool', d.poolFile, '--sip-domain', 'contoso.com', '--now', NOW, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = json(run);
    expect(plan.outcome).toBe('ready');
    expect(plan.certificate).toMatchObject({ thumbprint: A });
    expect(plan.deployment!.steps.map((s) => s.step.kind)).toEqual(['import', 'set', 'replicate', 'verify']);
    const [read, assign] = plan.deployment!.steps[0]!.powershell;
    expect(read).toContain(`Invoke-Command -ComputerName 'fe02.contoso.com'`);
    expect(assign).toContain(`Set-CsCertificate -Identity Global -Type OAuthTokenIssuer -Thumbprint '${A}'`);
    // Nothing was changed: the CMS has no OAuthTokenIssuer assignment.
    expect(Object.values((await d.pool.show()).cms.assignments).map((slots) => slots.current)).not.toContain(A);

    // A server that does not hold it: CERT_NOT_ON_SERVER, exit 1.
    const elsewhere = await cli(['--thumbprint', A, '--server', 'fe03.contoso.com', '--pool', d.poolFile, '--now', NOW, '--json']);
    expect(elsewhere.code).toBe(1);
    expect(statuses(json(elsewhere)).pfx).toBe('refused CERT_NOT_ON_SERVER');
  });

  it('the inspection shown is the one the plan itself just sent, a remoting credential read from its file', async () => {
    const credential = { userName: 'CONTOSO\\svc-sfb', password: 'Cr3dential-Secret' };
    const d = await make({ replicationDelay: 0 }, { credential, authentication: 'Negotiate', parallelism: 1 });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--json']);
    expect(run.code).toBe(0);
    const shown = json(run).deployment!.steps.find((s) => s.step.kind === 'verify')!.powershell;
    const sent = d.pool.log().map((l) => l.script.replace(/^\uFEFF/, ''));
    const remote = sent.find((script) => script.includes('Invoke-Command'))!;
    const directory = /-LiteralPath '([^']*)[\\/]credential\.psd1'/.exec(remote)![1]!;
    expect(shown).toEqual([sent.find((script) => script.includes('Get-CsManagementStoreReplicationStatus')), remote.split(directory).join('<call directory>')]);
    expectNoSecret(run, 'Cr3dential-Secret');
  });

  it('the human output shows the steps with their PowerShell and placeholders, never the secrets', async () => {
    const d = await make({ replicationDelay: 0 });
    const run = await cli([PFX, '--password-stdin', '--pool', d.poolFile, '--now', NOW], PASSWORD);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan: can be applied.');
    expect(run.stdout).toContain(`  1. import: import the PFX into the Central Management Store and assign ${A} globally, current now (one call)`);
    expect(run.stdout).toContain("Import-CsCertificate -Identity Global -Type OAuthTokenIssuer -Path '<call directory>/cert.pfx' -Password $secret.Password");
    expect(run.stdout).toContain("$secret = Import-PowerShellDataFile -LiteralPath '<call directory>/secret.psd1'");
    expect(run.stdout).toContain(`  [ok] pfx: `);
    expectNoSecret(run);
  });

  it('ROLL_TOO_LATE: a roll less than 24 hours before the current certificate expires: exit 1', async () => {
    const d = await make({ replicationDelay: 0 });
    const current = await d.pool.file(d.pool.importScript('expiring-soon'));
    expect(current.code).toBe(0);
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--effective-date', '2026-06-19T12:00:00Z', '--json']);
    expect(run.code).toBe(1);
    const plan = json(run);
    expect(plan.outcome).toBe('refused');
    expect(statuses(plan)['roll-lead-time']).toBe('refused ROLL_TOO_LATE');
    expect(plan.pool!.global.current).toBe(fixture('expiring-soon').thumbprint);
    expect(plan.deployment).toBeNull();
    expectNoSecret(run, entry('expiring-soon').password ?? PASSWORD);
  });

  it('EFFECTIVE_DATE_AMBIGUOUS: a roll in the hour the servers\' clocks go back: exit 1', async () => {
    const d = await make({ timeZone: 'Europe/Berlin', sessionTimeZone: 'Europe/Berlin' });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--effective-date', '2026-10-25T00:30:00Z', '--json']);
    expect(run.code).toBe(1);
    expect(statuses(json(run))).toMatchObject({ 'time-zone': 'passed', 'local-time': 'refused EFFECTIVE_DATE_AMBIGUOUS' });
  });

  it('TIME_ZONE_MISMATCH: the session is not in the servers\' zone: exit 1', async () => {
    const d = await make({ timeZone: 'Europe/Berlin', sessionTimeZone: 'UTC' });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--effective-date', '2026-07-01T00:00:00Z', '--json']);
    expect(run.code).toBe(1);
    expect(statuses(json(run))).toMatchObject({ 'time-zone': 'refused TIME_ZONE_MISMATCH', 'local-time': 'not-checked' });
  });

  it('a server that cannot be read: exit 3, named, nothing planned', async () => {
    const d = await make({ unreachable: ['fe02.contoso.com'] });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--json']);
    expect(run.code).toBe(3);
    const plan = json(run);
    expect(plan.outcome).toBe('pool-unreadable');
    expect(plan.pool!.servers.find((s) => s.server === 'fe02.contoso.com')!.unreachable!.code).toBe('SERVER_UNREACHABLE');
    expect(plan.deployment).toBeNull();
    expectNoSecret(run);
  });
});

describe.each(['desktop', 'core'] as const)('a pool in manual mode, against the emulator (%s): each server\'s own calls', (edition) => {
  const pools: Pool[] = [];
  afterAll(() => pools.forEach((p) => p.cleanup()));
  const SERVERS = ['fe01.contoso.com', 'fe02.contoso.com', 'fe03.contoso.com'];
  const make = async (poolOptions: Record<string, unknown> = {}, options: Parameters<typeof Pool.create>[0] = {}) => {
    const d = await deployment(edition, { replicationDelay: 0, ...options }, { mode: 'manual', ...poolOptions });
    pools.push(d.pool);
    return { ...d, spec: checkPoolSpec({ kind: 'powershell', ...d.options }).spec! };
  };
  /** A script the adapter sent, its private directory shown as the plan shows it. */
  const asShown = (script: string) => {
    const text = script.replace(/^\uFEFF/, '');
    const directory = /'([^']*)[\\/](?:cert\.pfx|credential\.psd1)'/.exec(text)![1]!;
    return text.split(directory).join('<call directory>');
  };

  /** What the plan of a fresh deployment shows for `server`: one step, its kind and script. */
  const serverSteps = (plan: PlanJson, server: string) => plan.deployment!.servers!.find((s) => s.server === server)!.steps;

  it('a first plan: the sweep, each server\'s installation with the PowerShell up runs there (exactly the adapter\'s), the look; nothing changed; no secret', async () => {
    const credential = { userName: 'CONTOSO\\svc-sfb', password: 'Cr3dential-Secret' };
    const d = await make({ parallelism: 2, credential });
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--sip-domain', 'contoso.com', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = json(run);
    expect(Object.keys(plan).sort()).toEqual(JSON_KEYS);
    expect(plan.outcome).toBe('ready');
    expect(plan.roll).toBeNull();
    expect(statuses(plan)).toEqual({ pfx: 'passed', validity: 'passed', 'roll-lead-time': 'not-applicable', 'time-zone': 'not-applicable', 'local-time': 'not-applicable', 'foreign-roll': 'passed' });
    expect(plan.deployment).toMatchObject({ mode: 'manual', action: 'set', behind: SERVERS, summary: `servers (manual mode): set 999F.. current now on ${SERVERS.join(', ')}, each on its own (no replication), then verify each` });
    expect(plan.deployment!.steps.map((s) => s.step.kind)).toEqual(['sweep', 'verify']);
    expect(plan.deployment!.servers!.map((s) => [s.server, s.steps.map((step) => step.step)])).toEqual(SERVERS.map((server) => [server, [{ kind: 'install', server, thumbprint: A, import: true }]]));
    // The look: the servers in batches of `parallelism`.
    expect(plan.deployment!.steps[1]!.powershell).toHaveLength(2);
    expectNoSecret(run, 'Cr3dential-Secret');
    expect(d.pool.log().filter((l) => /Import-CsCertificate|Set-CsCertificate|Copy-Item|Remove-/.test(l.script))).toEqual([]);

    // The adapter's own calls against the same emulator: their scripts are the ones shown.
    const adapter = createPowerShellPool(d.spec, { credentialPassword: credential.password });
    await adapter.sweepCopies();
    expect(asShown(d.pool.log().at(-1)!.script)).toBe(plan.deployment!.steps[0]!.powershell[0]);
    await adapter.installLocal('fe02.contoso.com', { thumbprint: A, pfx: { pfxBase64: PFX_BASE64, password: PASSWORD } });
    expect(asShown(d.pool.log().at(-1)!.script)).toBe(serverSteps(plan, 'fe02.contoso.com')[0]!.powershell[0]);

    // The next plan: fe02 has it (its own local assignment), nothing to do there.
    const next = json(await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--json']));
    expect(next.deployment!.behind).toEqual(['fe01.contoso.com', 'fe03.contoso.com']);
    expect(serverSteps(next, 'fe02.contoso.com')).toEqual([]);
  });

  it('the human output: each server on its own with its PowerShell and placeholders, the server that has it named, never a secret', async () => {
    const d = await make();
    await createPowerShellPool(d.spec).installLocal('fe03.contoso.com', { thumbprint: A, pfx: { pfxBase64: PFX_BASE64, password: PASSWORD } });
    const run = await cli([PFX, '--password-stdin', '--pool', d.poolFile, '--now', NOW], PASSWORD);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Steps (servers (manual mode): set 999F.. current now on fe01.contoso.com, fe02.contoso.com, each on its own (no replication), then verify each):`);
    expect(run.stdout).toContain("  1. sweep: remove the PFX copy an interrupted run left in the account's profile on any server (every run's first call)");
    expect(run.stdout).toContain('  2. each server on its own (manual mode: no replication), at most 8 at once:');
    expect(run.stdout).toContain('     fe01.contoso.com a. install: Front End pool of 3 servers (fe01.contoso.com, fe02.contoso.com, fe03.contoso.com) (manual mode): fe01.contoso.com (no current certificate): copying the PFX over the remoting session, importing it into its local computer store and assigning 999F.. current now there (no replication). How: a session to fe01.contoso.com;');
    expect(run.stdout).toContain("           Copy-Item -LiteralPath '<call directory>/cert.pfx' -Destination $remotePfx -ToSession $session");
    expect(run.stdout).toContain("         $secret = Import-PowerShellDataFile -LiteralPath '<call directory>/secret.psd1'");
    expect(run.stdout).toContain('     fe03.contoso.com: nothing to do.');
    expect(run.stdout).toContain('  3. verify: look at every server again: each must report the declared certificate current;');
    expectNoSecret(run);
  });

  it('a server whose local assignment\'s current certificate has expired: installed, then that certificate removed there, with the script the adapter sends', async () => {
    const d = await make();
    const soon = fixture('expiring-soon');
    const files = d.pool.secretFiles(soon.file, soon.password);
    const local = await d.pool.file(`$ProgressPreference = 'SilentlyContinue'\n$s = Import-PowerShellDataFile -LiteralPath '${files.psd1}'\n$p = $s.Password\nInvoke-Command -ComputerName 'fe01.contoso.com' -ErrorAction Stop -ScriptBlock {\n    Import-Module SkypeForBusiness\n    Import-CsCertificate -Path '${files.pfx}' -Password $using:p\n    Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${soon.thumbprint}'\n}`);
    expect(local.code).toBe(0);
    const later = '2026-06-21T00:00:00Z';
    const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', later, '--json']);
    expect(run.code).toBe(0);
    const plan = json(run);
    expect(plan.deployment!.summary).toBe(`servers (manual mode): set 999F.. current now on ${SERVERS.join(', ')}, each on its own (no replication), then verify each; remove the expired previous certificate on fe01.contoso.com (5D79.., expired 2026-06-20T00:00Z)`);
    const fe01 = serverSteps(plan, 'fe01.contoso.com');
    expect(fe01.map((s) => s.step)).toEqual([
      { kind: 'install', server: 'fe01.contoso.com', thumbprint: A, import: true },
      { kind: 'remove-local-previous', server: 'fe01.contoso.com', thumbprint: soon.thumbprint, notAfter: '2026-06-20T00:00:00.000Z' },
    ]);
    expect(serverSteps(plan, 'fe02.contoso.com').map((s) => s.step.kind)).toEqual(['install']);
    await createPowerShellPool(d.spec).removeLocalPrevious('fe01.contoso.com');
    expect(d.pool.log().at(-1)!.script.replace(/^\uFEFF/, '')).toBe(fe01[1]!.powershell[0]);
  });

  it('exit codes: a rule refuses (ROLL_TOO_LATE against a server\'s own current certificate): 1; a server that cannot be read: 3', async () => {
    const d = await make();
    const soon = fixture('expiring-soon');
    const files = d.pool.secretFiles(soon.file, soon.password);
    expect((await d.pool.file(`$s = Import-PowerShellDataFile -LiteralPath '${files.psd1}'\n$p = $s.Password\nInvoke-Command -ComputerName 'fe02.contoso.com' -ErrorAction Stop -ScriptBlock {\n    Import-Module SkypeForBusiness\n    Import-CsCertificate -Path '${files.pfx}' -Password $using:p\n    Set-CsCertificate -Type OAuthTokenIssuer -Thumbprint '${soon.thumbprint}'\n}`)).code).toBe(0);
    const late = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', d.poolFile, '--now', NOW, '--effective-date', '2026-06-19T12:00:00Z', '--json']);
    expect(late.code).toBe(1);
    expect(json(late)).toMatchObject({ outcome: 'refused', deployment: null });
    expect(statuses(json(late))['roll-lead-time']).toBe('refused ROLL_TOO_LATE');
    expectNoSecret(late);

    const down = await make({}, { unreachable: ['fe03.contoso.com'] });
    const unread = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', down.poolFile, '--now', NOW, '--json']);
    expect(unread.code).toBe(3);
    expect(json(unread)).toMatchObject({ outcome: 'pool-unreadable', deployment: null });
    expectNoSecret(unread);
  });
});

it('a pool whose shell does not exist: exit 3 with the adapter\'s code', async () => {
  const poolFile = file(JSON.stringify({ servers: ['fe01.contoso.com'], command: [join(scratch, 'no-such-powershell.exe')], credential: { userName: 'CONTOSO\\svc', password: 'Cr3dential-Secret' } }));
  const run = await cli([PFX, '--password-file', passwordFile(PASSWORD), '--pool', poolFile, '--now', NOW, '--json']);
  expect(run.code).toBe(3);
  const plan = json(run);
  expect(plan).toMatchObject({ outcome: 'pool-unreadable', pool: null, deployment: null, poolError: { code: 'SHELL_NOT_FOUND' } });
  expect(statuses(plan)['roll-lead-time']).toBe('not-checked');
  expectNoSecret(run, 'Cr3dential-Secret');
});
