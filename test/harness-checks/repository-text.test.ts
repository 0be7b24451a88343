/**
 * What the repository tells its users, checked over every text file that ships with it:
 * - no link leaves the repository for ../shared (a user's checkout has no ../shared: dead links);
 * - relative links in README.md and docs/ point at files that exist;
 * - no instruction puts a secret on a command line: `pulumi config set
 *   --secret <key> <value>` leaves the value in `ps` and the shell history.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CertificateStores } from '../../provider';
import { projectRoot } from '../../scripts/project-paths';

const root = projectRoot();
const SKIP = new Set(['node_modules', 'dist', '.git', '.venv', '.moto', '.pulumi-home', '.pulumi-state', '.demo', 'coverage', 'fixtures']);

function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.sfb-store')) continue;
    const file = join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) out.push(...textFiles(file));
    else if (/\.(ts|js|mjs|md|json|yaml)$/.test(name) || ['pulumi', 'moto', 'install-pulumi', 'make-fixtures', 'run', 'sfb-oauth-cert'].includes(name)) out.push(file);
  }
  return out;
}

const files = [join(root, 'README.md'), ...['docs', 'provider', 'scripts', 'test', 'examples', 'bench', 'bin', 'tools', '.ci'].filter((d) => existsSync(join(root, d))).flatMap((d) => textFiles(join(root, d)))];
/**
 * `config set ... --secret ... <key> <value>` (flags in any order). A key alone (the value typed at
 * the prompt) or a redirect from a file (`< file`) is what we recommend.
 */
const VALUE_ON_ARGV = /config set\b(?=[^`'\n]*--secret)(?:\s+--?[\w-]+)*\s+\w[\w:.-]*(?:\s+--?[\w-]+)*\s+(?!<\s|\(|#)[^\s`'|)]+/;
/** This file names the patterns it looks for. */
const self = resolve(__filename);

describe('the repository text', () => {
  it('finds the files it checks', () => {
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining(['README.md', 'docs/engine.md', 'provider/pulumi/provider.ts', 'scripts/demo.ts']));
  });

  it('links nothing outside the repository through ../shared', () => {
    const offenders = files.filter((f) => f !== self && /\.\.\/shared\//.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('has relative Markdown links that resolve', () => {
    const broken: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.md'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(dirname(file), target))) broken.push(`${relative(root, file)} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('never tells anyone to type a secret on a command line', () => {
    const offenders = files
      .filter((f) => f !== self)
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => [`${relative(root, f)}:${i + 1}`, line] as const))
      .filter(([, line]) => VALUE_ON_ARGV.test(line))
      .map(([where, line]) => `${where}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it('the pattern above catches the wording it forbids', () => {
    expect(VALUE_ON_ARGV.test('set it with `pulumi config set --secret sfb-oauth-cert:storePassphrase <value>`')).toBe(true);
    expect(VALUE_ON_ARGV.test('pulumi config set sfb-oauth-cert:storePassphrase --secret hunter2')).toBe(true);
    expect(VALUE_ON_ARGV.test('run `pulumi config set --secret sfb-oauth-cert:storePassphrase` and type the value')).toBe(false);
    expect(VALUE_ON_ARGV.test('`pulumi config set --secret sfb-oauth-cert:storePassphrase < passphrase.txt`')).toBe(false);
    // A shell comment after the key is not a value.
    expect(VALUE_ON_ARGV.test('pulumi config set --secret pfxPassword      # type the password at the prompt')).toBe(false);
  });

  it('asks for the store passphrase at the prompt or from a file, not on the command line', () => {
    const saved = { env: process.env.SFB_STORE_PASSPHRASE, config: process.env.PULUMI_CONFIG };
    delete process.env.SFB_STORE_PASSPHRASE;
    delete process.env.PULUMI_CONFIG;
    try {
      expect(() => CertificateStores.local()).toThrow(
        'run `pulumi config set --secret sfb-oauth-cert:storePassphrase` and type the value at the prompt (or pipe it from a file',
      );
    } finally {
      if (saved.env !== undefined) process.env.SFB_STORE_PASSPHRASE = saved.env;
      if (saved.config !== undefined) process.env.PULUMI_CONFIG = saved.config;
    }
  });
});

describe('README "The resource", as a new user meets it', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('The resource')) ?? '';

  it('says, beside each example effectiveDate, what the date does once it has passed (examples stay true as time passes)', () => {
    const examples = section.split('\n').filter((line) => /effectiveDate: '[^']+'/.test(line));
    expect(examples.length).toBeGreaterThan(0);
    for (const line of examples) expect(line).toMatch(/once past, it means now/);
    expect(section).toMatch(/A date already past means now \(an immediate set, not a roll\)/);
  });

  it('says what to set for the store passphrase before the arguments, from a file, and what .sfb-store/ is for version control', () => {
    const beforeTable = section.split('| argument |')[0] ?? '';
    expect(beforeTable).toContain('pulumi config set --secret sfb-oauth-cert:storePassphrase < store-passphrase.txt');
    expect(beforeTable).toMatch(/`\.sfb-store\/` holds the PFX and its password/);
    expect(beforeTable).toMatch(/out of\s+version control/);
    expect(beforeTable).toContain('STORE_NOT_FOUND');
  });
});
