/**
 * The `validate` CLI as a process: the exact contract other tools script against (exit codes,
 * one JSON object on stdout, passwords never from argv), over the whole corpus.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesOf, CORPUS_DIR, entry, manifest, type CorpusEntry } from '../support/pfx-corpus';

const BIN = join(__dirname, '..', '..', 'bin', 'sfb-oauth-cert');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'PFX_PASSWORD') base[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: base, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'sfb-cli-'));

function fileOf(e: CorpusEntry): string {
  if (e.generate !== 'oversize') return join(CORPUS_DIR, e.file);
  const path = join(scratch, 'oversize.pfx');
  writeFileSync(path, bytesOf(e));
  return path;
}

function argsOf(e: CorpusEntry): string[] {
  return [
    'validate', fileOf(e), '--json', '--sip-domain', e.sipDomain ?? manifest.sipDomain, '--now', e.now ?? manifest.now,
    ...(e.effectiveDate ? ['--effective-date', e.effectiveDate] : []),
    ...(e.thumbprint ? ['--thumbprint', e.thumbprint] : []),
  ];
}

describe('sfb-oauth-cert validate over the corpus', () => {
  it.each(manifest.entries.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const run = await cli(argsOf(e), { PFX_PASSWORD: e.password ?? undefined });
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!);
    expect(run.code).toBe(e.expected.valid ? 0 : 1);
    expect({ valid: json.valid, errors: json.errors.map((f: { code: string }) => f.code).sort(), warnings: json.warnings.map((f: { code: string }) => f.code).sort() }).toEqual({
      valid: e.expected.valid,
      errors: [...e.expected.errors].sort(),
      warnings: [...e.expected.warnings].sort(),
    });
    if (e.expected.thumbprint) expect(json.thumbprint).toBe(e.expected.thumbprint);
    if (e.password) expect(run.stdout).not.toContain(e.password);
  });
});

describe('sfb-oauth-cert validate contract', () => {
  const good = entry('openssl3-default');
  const file = join(CORPUS_DIR, good.file);

  it('prints exactly the documented JSON object', async () => {
    const run = await cli(['validate', file, '--json', '--sip-domain', 'contoso.com', '--now', manifest.now], { PFX_PASSWORD: good.password! });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      valid: true,
      thumbprint: good.expected.thumbprint,
      subject: 'CN=sfb-fe01.contoso.com',
      dnsNames: ['sfb-fe01.contoso.com', 'sip.contoso.com'],
      keyAlgorithm: 'rsa',
      keyBits: 2048,
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2035-01-01T00:00:00.000Z',
      errors: [],
      warnings: [],
    });
  });

  it('reads the password from the variable --password-env names', async () => {
    const run = await cli(['validate', file, '--json', '--password-env', 'MY_PFX_SECRET', '--now', manifest.now], { MY_PFX_SECRET: good.password! });
    expect(JSON.parse(run.stdout).valid).toBe(true);
  });

  it('reads the password from a file, without its trailing newline', async () => {
    const passwordFile = join(scratch, 'password.txt');
    writeFileSync(passwordFile, `${good.password}\n`, { mode: 0o600 });
    const run = await cli(['validate', file, '--json', '--password-file', passwordFile, '--now', manifest.now]);
    expect(JSON.parse(run.stdout).valid).toBe(true);
  });

  it('treats an unset PFX_PASSWORD as no password and an empty one as the empty password', async () => {
    const nullFile = join(CORPUS_DIR, entry('python-null-password').file);
    expect((await cli(['validate', nullFile, '--json', '--now', manifest.now])).code).toBe(0);
    const emptyFile = join(CORPUS_DIR, entry('empty-password').file);
    expect((await cli(['validate', emptyFile, '--json', '--now', manifest.now], { PFX_PASSWORD: '' })).code).toBe(0);
    // A password-protected file with no password given: the password is what is wrong.
    const run = await cli(['validate', file, '--json', '--now', manifest.now]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors.map((f: { code: string }) => f.code)).toEqual(['PFX_BAD_PASSWORD']);
  });

  it('prints a short human summary without --json, one line per finding', async () => {
    const bad = entry('rsa-1024');
    const run = await cli(['validate', join(CORPUS_DIR, bad.file), '--sip-domain', 'fabrikam.com', '--now', manifest.now], { PFX_PASSWORD: bad.password! });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toContain('✘');
    expect(lines.filter((l) => l.startsWith('  error')).map((l) => l.split(':')[0]!.trim())).toEqual(['error   KEY_TOO_SMALL', 'error   SIP_DOMAIN_MISSING']);
    expect(run.stdout).not.toContain(bad.password!);
    expect(run.stdout).not.toContain('\u001b['); // not a terminal: no colour codes
  });

  it.each([
    ['no command', [], 'Name a command.'],
    ['unknown command', ['check', file], 'Unknown command "check".'],
    ['no file', ['validate'], 'validate needs the PFX file to check.'],
    ['unknown option', ['validate', file, '--fast'], 'Unknown option --fast.'],
    ['password on argv', ['validate', file, '--password', 'x'], '--password is not accepted'],
    ['both password sources', ['validate', file, '--password-env', 'A', '--password-file', 'B'], 'Give --password-env or --password-file, not both.'],
    ['bad effective date', ['validate', file, '--effective-date', 'soon'], '--effective-date "soon" is not an ISO 8601 date'],
    ['bad key bits', ['validate', file, '--min-key-bits', 'many'], '--min-key-bits takes a positive whole number of bits, not "many".'],
    ['bad thumbprint', ['validate', file, '--thumbprint', 'XYZ'], '--thumbprint "XYZ" is not 40 hexadecimal digits'],
    ['missing file', ['validate', join(scratch, 'nope.pfx')], `Cannot read the PFX file "${join(scratch, 'nope.pfx')}"`],
    ['missing password file', ['validate', file, '--password-file', join(scratch, 'nope.txt')], 'Cannot read the password file'],
    ['option without value', ['validate', file, '--sip-domain'], '--sip-domain needs a value.'],
  ])('exits 2 for a usage error: %s', async (_row, args, message) => {
    const run = await cli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: sfb-oauth-cert validate');
  });

  it('never echoes the password it was given on argv', async () => {
    const run = await cli(['validate', file, '--password', 'Sup3r-Secret-Argv']);
    expect(run.stderr).not.toContain('Sup3r-Secret-Argv');
  });

  it('honours --min-key-bits', async () => {
    const run = await cli(['validate', file, '--json', '--min-key-bits', '4096', '--now', manifest.now], { PFX_PASSWORD: good.password! });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors.map((f: { code: string }) => f.code)).toEqual(['KEY_TOO_SMALL']);
  });
});
