/**
 * `sfb-oauth-cert review` as a process (the compiled bin, as pipelines run it): stdin or a file,
 * --now, the exit codes, and the usage errors that name the input and the fix. What the review
 * says is tested in test/domain/review.test.ts and on live previews in
 * test/integration/review.int.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../provider/cli/main';
import { MAX_PREVIEW_JSON_BYTES } from '../../provider/cli/review';
import { NO_CHANGES } from '../../provider/cli/review-markdown';
import { isoMinute } from '../../provider/domain/time';
import { A, B, newState, oldState, previewDocument, step, URN } from '../builders/preview-json';
import { runCli } from '../harness/cli';
import type { ProcessResult } from '../harness/process';

const FIX = 'run `pulumi preview --json > preview.json`';

type Run = ProcessResult;

/** Runs the CLI with `stdin` written and closed. */
const cli = (args: string[], stdin?: string): Promise<Run> => runCli(args, stdin !== undefined ? { stdin } : {});

const scratch = mkdtempSync(join(tmpdir(), 'sfb-review-cli-'));
const UPDATE = JSON.stringify(previewDocument([step({ op: 'update', old: oldState(), new: newState({ thumbprint: B.thumbprint, plan: 'current 999F.. → previous; new 4D95.. current now' }) })]));
const updateFile = join(scratch, 'preview.json');
writeFileSync(updateFile, UPDATE);
const NOW = '2026-12-01T00:00:00Z';
const THUMBPRINTS = `\`${A.thumbprint}\` → \`${B.thumbprint}\``;

describe('sfb-oauth-cert review', () => {
  it.each([
    ['stdin, no file', ['review', '--now', NOW], UPDATE],
    ['stdin, `-`', ['review', '-', `--now=${NOW}`], UPDATE],
    ['a file', ['review', updateFile, '--now', NOW], undefined],
  ])('reads %s and prints the Markdown, exit 0', async (_name, args, stdin) => {
    const run = await cli(args, stdin);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('- Plan: `current 999F.. → previous; new 4D95.. current now`');
    expect(run.stdout).toContain(`- Thumbprint: ${THUMBPRINTS}`);
    expect(run.stdout).toContain('- NotAfter: 2035-01-01T00:00Z (2953 days left)');
  });

  // The agent may be a Windows machine: `pulumi preview --json > preview.json` in Windows PowerShell 5.1 writes UTF-16 LE with a BOM.
  it.each<[string, Buffer]>([
    ['UTF-16 LE with a BOM (5.1 `>`)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${UPDATE}\r\n`, 'utf16le')])],
    ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(UPDATE, 'utf16le').swap16()])],
    ['UTF-8 with a BOM (5.1 `Out-File -Encoding UTF8`)', Buffer.from(`\uFEFF${UPDATE}`, 'utf8')],
  ])('reads a preview saved as %s as it reads UTF-8', async (_row, bytes) => {
    const file = join(scratch, 'preview-encoded.json');
    writeFileSync(file, bytes);
    const run = await cli(['review', file, '--now', NOW]);
    expect(run).toEqual({ ...(await cli(['review', updateFile, '--now', NOW])), code: 0 });
  });

  it('refuses a preview it cannot read as text, saying how to make one', async () => {
    const file = join(scratch, 'preview-utf32.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('{}')]));
    const run = await cli(['review', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`The preview "${file}" cannot be read as text: it is UTF-32 (it starts with UTF-32's byte order mark); save it as UTF-8`);
    expect(run.stderr).toContain(FIX);
  });

  it('exits 0 and says so when there is nothing to say', async () => {
    const run = await cli(['review'], JSON.stringify(previewDocument()));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(NO_CHANGES);
  });

  it('counts days from the real clock without --now', async () => {
    const before = Date.now();
    const run = await cli(['review', updateFile]);
    const after = Date.now();
    expect(run.code).toBe(0);
    const counted = /Days left are counted from (\S+)\./.exec(run.stdout)?.[1];
    expect([isoMinute(new Date(before)), isoMinute(new Date(after))]).toContain(counted);
  });

  it('a 4 MiB diagnostic built to make a regular expression backtrack is reviewed (linear parsing)', async () => {
    // `throw new Error('property a value '.repeat(n))` in a pull request's program: the pattern
    // this replaced took 53 s for 1 MB and grows with the square (about 15 minutes for 4 MiB);
    // the run is killed after 60 s (cli above), so a quadratic parser fails this test.
    const hostile = 'property a value '.repeat(Math.ceil((4 * 1024 * 1024) / 17));
    const diagnostics = [
      { urn: URN, message: `error: ${hostile} has a problem: KEY_TOO_SMALL: The key is small.\n`, severity: 'error' },
      { urn: URN, message: `error: ${hostile}`, severity: 'error' },
    ];
    const run = await cli(['review', '--now', NOW], JSON.stringify(previewDocument([], diagnostics)));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('- **Failure** `KEY_TOO_SMALL` on `a`: The key is small\\.');
    expect(run.stdout).toContain('The preview reported 1 other error');
  });

  it('prints its usage for --help, exit 0', async () => {
    const run = await cli(['review', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: sfb-oauth-cert review [file | -] [--now ISO8601]');
  });

  it('is in the CLI\'s usage', async () => {
    const run = await cli(['--help']);
    expect(run.stdout).toContain('Usage: sfb-oauth-cert validate');
    expect(run.stdout).toContain('Usage: sfb-oauth-cert review');
  });

  const directory = join(scratch, 'a-directory');
  mkdirSync(directory);
  const fifo = join(scratch, 'a-fifo');
  execFileSync('mkfifo', [fifo]);
  const huge = join(scratch, 'huge.json');
  writeFileSync(huge, '');
  truncateSync(huge, MAX_PREVIEW_JSON_BYTES + 100); // sparse: refused from its size, never read
  const missing = join(scratch, 'missing.json');

  it.each<[string, string[], string | undefined, string]>([
    ['an unknown option, without its value', ['review', '--stack=prod-secret'], '{}', 'Unknown option --stack for review; it takes [file | -] and --now ISO8601.'],
    ['two files', ['review', 'a.json', 'b.json'], undefined, 'review reads one preview document, and got an extra argument (not shown); give one file, or none to read stdin.'],
    ['--now without a value', ['review', '--now'], '{}', '--now needs a value, like 2026-12-01T00:00:00Z.'],
    ['--now not ISO 8601', ['review', '--now', '12/01/2026'], '{}', '--now "12/01/2026" is not an ISO 8601 date and time with a zone'],
    ['a missing file', ['review', missing], undefined, `Cannot read the preview file "${missing}": it does not exist (ENOENT)`],
    ['a directory', ['review', directory], undefined, `Cannot read the preview file "${directory}": it is a directory (EISDIR); give the path of the file itself.`],
    ['a FIFO (never opened, so it cannot block)', ['review', fifo], undefined, `Cannot read the preview file "${fifo}": it is a FIFO (named pipe), not a regular file`],
    ['a file over 64 MiB', ['review', huge], undefined, `Cannot read the preview file "${huge}": it is 67,108,964 bytes, above the 67,108,864-byte limit for a preview file`],
    ['empty stdin', ['review'], '', `The preview stdin is empty; ${FIX}`],
    ['stdin that is not JSON, not quoted back', ['review'], 'password=hunter2', `The preview stdin is not JSON; ${FIX}`],
    ['the text output of `pulumi preview`', ['review'], 'Previewing update (dev)\n', 'The preview stdin is not JSON (it looks like the text output of `pulumi preview`: add --json)'],
    ['JSON that is not a preview', ['review'], '{"version":3,"deployment":{}}', `The preview stdin is not \`pulumi preview --json\` output: it has none of "steps", "changeSummary" and "diagnostics" (its keys are "version", "deployment"); ${FIX}`],
  ])('usage error, exit 2: %s', async (_name, args, stdin, message) => {
    const run = await cli(args, stdin);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`sfb-oauth-cert: ${message}`);
    expect(run.stderr).toContain('Usage: sfb-oauth-cert review');
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr).not.toContain('prod-secret');
  });
});

/** Collects what is written. */
function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk); done(); } });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString() });
}

describe('sfb-oauth-cert review, in process (streams the process cannot fake)', () => {
  it('refuses a terminal on stdin instead of waiting for input', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const out = sink();
    const err = sink();
    expect(await main(['review'], {}, out, err, false, stdin)).toBe(2);
    expect(err.text()).toContain(`review reads the preview from stdin, and stdin is a terminal; ${FIX}`);
  });

  it('stops reading stdin past 64 MiB', async () => {
    const mib = Buffer.alloc(1024 * 1024, 0x20);
    let produced = 0;
    const stdin = Readable.from((function* () {
      for (let i = 0; i < 1000; i++) {
        produced += 1;
        yield mib;
      }
    })());
    const out = sink();
    const err = sink();
    expect(await main(['review'], {}, out, err, false, stdin)).toBe(2);
    expect(err.text()).toContain('Cannot read the preview from stdin: it is more than 67,108,864 bytes');
    expect(produced).toBeLessThan(70);
  });
});
