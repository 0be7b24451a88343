/**
 * The command line of every command, read by provider/cli/arguments.ts: no usage error quotes an
 * argument except an option's name, so a password typed in the wrong place never reaches a CI
 * log. Run as processes (the compiled bin, as pipelines run it), with the exit code and, for
 * `validate --json`, the JSON shape of a usage error; then the wrapper's outcomes in process.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { OPTION_NOT_SHOWN, parseArguments } from '../../provider/cli/arguments';

const BIN = join(__dirname, '..', '..', 'bin', 'sfb-oauth-cert');
/** What a password typed in the wrong place looks like; no output may hold any part of it. */
const SECRET = 'Hunter2-P@ssw0rd';

function cli(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  // stdin is empty (review reads it when no file is named): nothing can block.
  const run = spawnSync(process.execPath, [BIN, ...args], { input: '', encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const USAGE_ERROR_JSON = {
  valid: false, thumbprint: null, subject: null, dnsNames: [], keyAlgorithm: null, keyBits: null, notBefore: null, notAfter: null,
  errors: [], warnings: [],
};

describe('no usage error quotes an argument except an option name', () => {
  it.each<[string, string[], string]>([
    ['validate: a stray positional argument', ['validate', 'cert.pfx', SECRET], 'One file at a time: validate takes one <file>, and got an extra argument (not shown, in case it is a secret).'],
    ['validate: an unknown option\'s value, after =', ['validate', 'cert.pfx', `--stack=${SECRET}`], 'Unknown option --stack.'],
    ['validate: an unknown option\'s value, after a space', ['validate', 'cert.pfx', '--stack', SECRET], 'Unknown option --stack.'],
    ['validate: a value given to a flag', ['validate', 'cert.pfx', `--json=${SECRET}`], '--json takes no value.'],
    ['validate: a value glued to an unknown short option', ['validate', 'cert.pfx', `-p${SECRET}`], 'Unknown option -p.'],
    ['validate: a value that parseArgs takes for an option name', ['validate', 'cert.pfx', `--=${SECRET}`], `Unknown option ${OPTION_NOT_SHOWN}.`],
    ['review: a stray positional argument', ['review', 'preview.json', SECRET], 'review reads one preview document, and got an extra argument (not shown); give one file, or none to read stdin.'],
    ['review: an unknown option\'s value', ['review', `--stack=${SECRET}`], 'Unknown option --stack for review; it takes [file | -] and --now ISO8601.'],
    ['review: a value given to a flag', ['review', `--help=${SECRET}`], '--help takes no value.'],
    ['capture-script: a stray positional argument', ['capture-script', '--servers', 'fe01.contoso.com', SECRET], 'capture-script takes options only, and got an argument without an option name (not shown, in case it is a secret).'],
    ['capture-script: an unknown option\'s value', ['capture-script', `--password=${SECRET}`], 'Unknown option "--password".'],
  ])('%s: exit 2, the reason, no part of the value', (_name, args, message) => {
    const run = cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`sfb-oauth-cert: ${message}\n`);
    for (const part of ['Hunter2', 'P@ssw0rd']) expect(run.stderr).not.toContain(part);
  });

  it.each<[string, string[], string]>([
    ['a stray positional argument', [SECRET], 'One file at a time: validate takes one <file>, and got an extra argument (not shown, in case it is a secret).'],
    ['an unknown option\'s value', [`--stack=${SECRET}`], 'Unknown option --stack.'],
    ['a value given to a flag', [`--json=${SECRET}`], '--json takes no value.'],
  ])('validate --json: %s gives the one usage-error object, exit 2', (_name, extra, message) => {
    const run = cli(['validate', 'cert.pfx', ...extra, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ ...USAGE_ERROR_JSON, usageError: { code: 'INVALID_ARGUMENT', message } });
    expect(run.stdout).not.toContain('Hunter2');
  });
});

describe('parseArguments', () => {
  const OPTIONS = { now: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

  it.each<[string, string[], unknown]>([
    ['options and positionals, the last of a repeated option winning', ['a', '--now', '1', '--json', '-', '--now=2'], { ok: true, values: { now: '2', json: true }, positionals: ['a', '-'] }],
    ['a short alias', ['-h'], { ok: true, values: { help: true }, positionals: [] }],
    ['everything after -- is positional', ['--', '--json'], { ok: true, values: {}, positionals: ['--json'] }],
    ['an empty value after =', ['--now='], { ok: true, values: { now: '' }, positionals: [] }],
    ['an unknown option', ['--stack=x'], { ok: false, problem: { kind: 'unknown-option', option: '--stack' }, message: 'Unknown option --stack.' }],
    ['a value option at the end', ['--now'], { ok: false, problem: { kind: 'missing-value', option: '--now' }, message: '--now needs a value.' }],
    ['a value option followed by another option', ['--now', '--json'], { ok: false, problem: { kind: 'missing-value', option: '--now' }, message: '--now needs a value.' }],
    ['a flag with a value', ['--json=yes'], { ok: false, problem: { kind: 'unexpected-value', option: '--json' }, message: '--json takes no value.' }],
    ['a name that is no option name', ['---x'], { ok: false, problem: { kind: 'unknown-option', option: OPTION_NOT_SHOWN }, message: `Unknown option ${OPTION_NOT_SHOWN}.` }],
  ])('%s', (_name, args, expected) => {
    expect(parseArguments(args, OPTIONS)).toEqual(expected);
  });

  it('words a problem the command\'s way when it asks to', () => {
    expect(parseArguments(['--x'], OPTIONS, { 'unknown-option': (option) => `No ${option} here.` })).toMatchObject({ ok: false, message: 'No --x here.' });
  });
});
