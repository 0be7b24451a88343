/**
 * The `validate` CLI as a process: the exact contract other tools script against (exit codes,
 * one JSON object on stdout, passwords never from argv), over the whole corpus.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesOf, CORPUS_DIR, entry, manifest, type CorpusEntry } from '../support/pfx-corpus';
import { craftedPfx, encryptedContent, OIDS, pkcs12Pbe, plainContent, shroudedKeyBag } from '../adapters/pfx/crafted-pfx';
import { environmentWithout, runCli } from '../harness/cli';
import type { ProcessResult } from '../harness/process';


type Run = ProcessResult;

/** Runs the CLI; killed after `deadlineMs`, so that a run that would block fails instead of hanging. */
const cli = (args: string[], env: Record<string, string | undefined> = {}, deadlineMs = 60_000): Promise<Run> =>
  runCli(args, { timeoutMs: deadlineMs, env: { ...environmentWithout('PFX_PASSWORD'), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) } });

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
      usageError: null,
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

  // The agent may be a Windows machine: Windows PowerShell 5.1 saves `$password > password.txt` as UTF-16 LE with a BOM
  // and a CRLF, `-Encoding UTF8` with a UTF-8 BOM; a non-ASCII password shows a wrong decoding.
  const nonAscii = entry('nonascii-aes');
  const savedAs: Array<[string, (text: string) => Buffer]> = [
    ['UTF-16 LE with a BOM and CRLF (5.1 `>`)', (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${text}\r\n`, 'utf16le')])],
    ['UTF-16 BE with a BOM', (text) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['UTF-8 with a BOM and CRLF (5.1 `-Encoding UTF8`)', (text) => Buffer.from(`\uFEFF${text}\r\n`, 'utf8')],
    ['UTF-8 without a BOM', (text) => Buffer.from(text, 'utf8')],
  ];
  it.each(savedAs)('reads a non-ASCII password from a file saved as %s', async (_row, encode) => {
    const passwordFile = join(scratch, 'password-encoded.txt');
    writeFileSync(passwordFile, encode(nonAscii.password!), { mode: 0o600 });
    const run = await cli(['validate', join(CORPUS_DIR, nonAscii.file), '--json', '--password-file', passwordFile, '--now', manifest.now]);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, errors: [] });
  });

  it('refuses a password file in an ANSI code page instead of guessing, and does not show it', async () => {
    const passwordFile = join(scratch, 'password-ansi.txt');
    writeFileSync(passwordFile, Buffer.from(nonAscii.password!, 'latin1'), { mode: 0o600 });
    const run = await cli(['validate', join(CORPUS_DIR, nonAscii.file), '--password-file', passwordFile, '--now', manifest.now]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Cannot read the password file "${passwordFile}": it is not UTF-8 and has no byte order mark saying it is UTF-16`);
    expect(run.stderr).not.toContain('sswörd');
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

  const dir = join(scratch, 'certs');
  mkdirSync(dir);
  const fifo = join(scratch, 'pipe.pfx');
  execFileSync('mkfifo', [fifo]);
  const bigPassword = join(scratch, 'big-password.txt');
  writeFileSync(bigPassword, Buffer.alloc(70_000, 0x61));

  // Every way the file is not checked: exit 2, the reason on stderr with the usage, or in --json
  // mode one JSON object on stdout and nothing on stderr.
  const usageErrors: [string, string[], string][] = [
    ['no command', [], 'Name a command: validate, review, status, plan or capture-script.'],
    ['unknown command', ['check', file], 'Unknown command: the commands are validate, review, status, plan and capture-script.'],
    ['no file', ['validate'], 'validate needs the PFX file to check.'],
    ['unknown option', ['validate', file, '--fast'], 'Unknown option --fast.'],
    ['password on argv', ['validate', file, '--password', 'x'], '--password is not accepted'],
    ['both password sources', ['validate', file, '--password-env', 'A', '--password-file', 'B'], 'Give --password-env or --password-file, not both.'],
    ['bad effective date', ['validate', file, '--effective-date', 'soon'], '--effective-date "soon" is not an ISO 8601 date and time with a zone; write it like 2026-12-01T00:00:00Z'],
    ['effective date in US form', ['validate', file, '--effective-date', '12/01/2027'], '--effective-date "12/01/2027" is not an ISO 8601 date and time with a zone'],
    ['effective date "1" (new Date reads 2001)', ['validate', file, '--effective-date', '1'], '--effective-date "1" is not an ISO 8601 date and time with a zone'],
    ['effective date without a zone', ['validate', file, '--effective-date', '2026-12-01 00:00'], '--effective-date "2026-12-01 00:00" is not an ISO 8601 date and time with a zone'],
    ['--now without a zone', ['validate', file, '--now', '2026-06-01T00:00:00'], '--now "2026-06-01T00:00:00" is not an ISO 8601 date and time with a zone'],
    ['--now that is no date', ['validate', file, '--now', 'March 3 2027'], '--now "March 3 2027" is not an ISO 8601 date and time with a zone'],
    ['bad key bits', ['validate', file, '--min-key-bits', 'many'], '--min-key-bits takes a whole number of bits, not "many".'],
    ['key bits below Skype\'s minimum', ['validate', file, '--min-key-bits', '1024'], '--min-key-bits 1024 is below 2048, the smallest RSA key Skype for Business accepts for the OAuthTokenIssuer certificate; give 2048 or more.'],
    ['key bits above what the checks accept', ['validate', file, '--min-key-bits', '65536'], '--min-key-bits 65536 is above 16384'],
    ['bad thumbprint', ['validate', file, '--thumbprint', 'XYZ'], '--thumbprint "XYZ" is not 40 hexadecimal digits'],
    ['missing file', ['validate', join(scratch, 'nope.pfx')], `Cannot read the PFX file "${join(scratch, 'nope.pfx')}": it does not exist (ENOENT)`],
    ['a directory', ['validate', dir], `Cannot read the PFX file "${dir}": it is a directory (EISDIR); give the path of the file itself.`],
    ['/dev/zero', ['validate', '/dev/zero'], 'Cannot read the PFX file "/dev/zero": it is a character device, not a regular file'],
    ['a FIFO', ['validate', fifo], `Cannot read the PFX file "${fifo}": it is a FIFO (named pipe), not a regular file`],
    ['missing password file', ['validate', file, '--password-file', join(scratch, 'nope.txt')], `Cannot read the password file "${join(scratch, 'nope.txt')}": it does not exist (ENOENT)`],
    ['password file /dev/zero', ['validate', file, '--password-file', '/dev/zero'], 'Cannot read the password file "/dev/zero": it is a character device, not a regular file'],
    ['password file a FIFO', ['validate', file, '--password-file', fifo], `Cannot read the password file "${fifo}": it is a FIFO (named pipe), not a regular file`],
    ['password file over 64 KiB', ['validate', file, '--password-file', bigPassword], `Cannot read the password file "${bigPassword}": it is 70,000 bytes, above the 65,536-byte limit for a password file`],
    ['option without value', ['validate', file, '--sip-domain'], '--sip-domain needs a value.'],
    ['value given to --json', ['validate', file, '--json=yes'], '--json takes no value.'],
  ];

  it.each(usageErrors)('exits 2 for a usage error: %s', async (_row, args, message) => {
    const run = await cli(args, {}, 20_000);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: sfb-oauth-cert validate');
  });

  it.each(usageErrors)('prints one JSON object for a usage error in --json mode: %s', async (_row, args, message) => {
    const run = await cli([...args, '--json'], {}, 20_000);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      valid: false, thumbprint: null, subject: null, dnsNames: [], keyAlgorithm: null, keyBits: null, notBefore: null, notAfter: null,
      errors: [], warnings: [],
      usageError: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) },
    });
  });

  it.each([
    ['--password=VALUE', ['--password=Sup3r-Secret-Argv'], '--password is not accepted'],
    ['--password VALUE', ['--password', 'Sup3r-Secret-Argv'], '--password is not accepted'],
    ['a misspelt option with =VALUE', ['--pasword=Sup3r-Secret-Argv'], 'Unknown option --pasword.'],
    ['a single-dash option glued to its value', ['-pSup3r-Secret-Argv'], 'Unknown option -p.'],
    ['a stray positional argument', ['Sup3r-Secret-Argv'], 'One file at a time: validate takes one <file>, and got an extra argument (not shown, in case it is a secret).'],
  ])('never echoes an argument that may be a secret: %s', async (_row, extra, message) => {
    for (const json of [false, true]) {
      const run = await cli(['validate', file, ...extra, ...(json ? ['--json'] : [])]);
      expect(run.code).toBe(2);
      expect(run.stdout + run.stderr).toContain(message);
      expect(run.stdout + run.stderr).not.toContain('Sup3r');
    }
  });

  it('does not echo an unknown command either', async () => {
    const run = await cli(['Sup3r-Secret-Argv', 'validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('Sup3r');
  });

  it('accepts --option=value for the options it knows', async () => {
    const run = await cli(['validate', file, '--json', '--sip-domain=contoso.com', `--now=${manifest.now}`, '--min-key-bits=2048'], { PFX_PASSWORD: good.password! });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, usageError: null });
  });

  it('honours --min-key-bits', async () => {
    const run = await cli(['validate', file, '--json', '--min-key-bits', '4096', '--now', manifest.now], { PFX_PASSWORD: good.password! });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors.map((f: { code: string }) => f.code)).toEqual(['KEY_TOO_SMALL']);
  });

  it('takes an effective date with an offset, as the instant it names', async () => {
    // 2035-01-01T00:30+01:00 is 2034-12-31T23:30Z: still before notAfter (2035-01-01T00:00Z).
    const args = ['validate', file, '--json', '--now', manifest.now, '--effective-date'];
    const before = await cli([...args, '2035-01-01T00:30:00+01:00'], { PFX_PASSWORD: good.password! });
    expect(JSON.parse(before.stdout).errors).toEqual([]);
    const after = await cli([...args, '2035-01-01T00:30:00Z'], { PFX_PASSWORD: good.password! });
    expect(JSON.parse(after.stdout).errors.map((f: { code: string }) => f.code)).toEqual(['CERT_EXPIRES_BEFORE_EFFECTIVE_DATE']);
  });

  it('refuses a sparse 1.9 GB file as PFX_TOO_LARGE from its size, without reading it', async () => {
    const sparse = join(scratch, 'sparse.pfx');
    writeFileSync(sparse, '');
    truncateSync(sparse, 1_900_000_000);
    const run = await cli(['validate', sparse, '--json'], {}, 20_000);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      valid: false,
      errors: [{ code: 'PFX_TOO_LARGE', message: `The PFX file "${sparse}" is 1,900,000,000 bytes, above the 1,048,576-byte limit for a PFX; check that it is the certificate file and not an archive or a store.` }],
      usageError: null,
    });
  });

  it('refuses a crafted file over the work budget at once (it took 35 s)', async () => {
    const tripleDes = pkcs12Pbe(OIDS.pbeSha1TripleDes, 5_000_000);
    const crafted = join(scratch, 'crafted.pfx');
    writeFileSync(crafted, craftedPfx([encryptedContent(tripleDes), encryptedContent(tripleDes), plainContent([shroudedKeyBag(tripleDes), shroudedKeyBag(tripleDes)])]));
    const started = Date.now();
    const run = await cli(['validate', crafted, '--json'], { PFX_PASSWORD: 'pw' }, 20_000);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).errors).toEqual([
      { code: 'PFX_ITERATION_LIMIT', message: expect.stringContaining('asks for 60,000,000 units of key-derivation work') },
    ]);
    // Process start-up included; the derivations alone would take over 20 s.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
