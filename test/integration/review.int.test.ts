/**
 * `sfb-oauth-cert review` on what the real CLI prints: a Pulumi.yaml project
 * (`runtime: nodejs`, run by the Node language host stand-in beside the cached `pulumi`) declares an
 * OAuthTokenIssuerCertificate from this package; `pulumi preview --json` runs as a process for a
 * create, a scheduled roll to another PFX after `up`, no change, an expiring certificate and a
 * wrong password; each document is piped into the compiled CLI and the Markdown is checked, live.
 * No preview JSON is stored: the shapes the unit tests use (test/builders/preview-json.ts) come
 * from these documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDemoPfx } from '../../provider/adapters/pfx/demo-pfx';
import { CERTIFICATE_TYPE } from '../../provider/adapters/pulumi-preview/urn';
import { NO_CHANGES } from '../../provider/cli/review-markdown';
import { DAY_MS, isoMinute } from '../../provider/domain/time';
import { validatePfx } from '../../provider/validate-pfx';
import { projectRoot } from '../../scripts/project-paths';
import { CliProject } from '../harness/cli-project';
import { engineProgram, localStore, pfxFile } from '../harness/engine-program';
import { runProcess, TOOL_MS } from '../harness/process';
import { renderedBlocks } from '../support/markdown';
import { mermaidBlocks, parseMermaid } from '../support/mermaid';
import { bytesOf, CORPUS_DIR, entry } from '../support/pfx-corpus';

const BIN = path.join(projectRoot(), 'bin', 'sfb-oauth-cert');
const A = entry('openssl3-default');
const B = entry('rsa-4096');
const PASSWORD = A.password!;
const WRONG_PASSWORD = 'Wrong-Password-For-The-Review-9';
const STORE_PASSPHRASE = 'review-store-passphrase-never-printed';
const NOW = '2026-12-01T00:00:00Z';

// A user's program: the package by name (node_modules/sfb-oauth-cert, the repository's self-link),
// the PFX from a file, the password and the store passphrase from secret config.
const PROGRAM = engineProgram({
  setup: ["const effectiveDate = config.get('effectiveDate');"],
  args: [pfxFile(), '...(effectiveDate ? { effectiveDate } : {})', localStore()],
  exports: ['thumbprint', 'plan'],
});

/** The project in a temp directory (test/harness/cli-project.ts), with the review's configuration steps. */
class Project {
  private constructor(readonly cli: CliProject) {}

  static async create(): Promise<Project> {
    return new Project(await CliProject.create({ program: PROGRAM }));
  }

  get dir(): string {
    return this.cli.dir;
  }

  get tempDir(): string {
    return this.cli.tempDir;
  }

  ok(args: string[]): Promise<unknown> {
    return this.cli.ok(args);
  }

  cleanup(): void {
    this.cli.cleanup();
  }

  /** Secrets go through stdin, never argv. */
  async configure(settings: { pfxFile?: string; password?: string; effectiveDate?: string | null }): Promise<void> {
    if (settings.pfxFile !== undefined) await this.cli.setConfig('pfxFile', settings.pfxFile);
    if (settings.password !== undefined) await this.cli.setSecret('pfxPassword', settings.password);
    if (settings.effectiveDate !== undefined) await this.cli.setConfig('effectiveDate', settings.effectiveDate);
  }

  /** `pulumi preview --json`: the document on stdout (a failed preview prints one too, and exits non-zero). */
  async previewJson(expectSuccess = true): Promise<string> {
    const result = await this.cli.run(['preview', '--json']);
    if (expectSuccess && result.code !== 0) throw new Error(`pulumi preview --json exited with ${result.code}:\n${result.stderr}`);
    if (!expectSuccess) expect(result.code).not.toBe(0);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    return result.stdout;
  }
}

/** The compiled CLI on a preview document on stdin. */
const reviewCli = (args: string[], stdin: string) => runProcess(process.execPath, [BIN, ...args], { stdin, timeoutMs: TOOL_MS });

/** The compiled CLI, as a pipeline runs it: the preview piped in, or a file. */
async function review(json: string, via: 'stdin' | 'file', dir: string): Promise<string> {
  let args = ['review', '--now', NOW];
  let stdin = '';
  if (via === 'file') {
    const file = path.join(dir, 'preview.json');
    fs.writeFileSync(file, json);
    args = ['review', file, '--now', NOW];
  } else {
    stdin = json;
  }
  const result = await reviewCli(args, stdin);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.stdout;
}

const short = (thumbprint: string) => `${thumbprint.slice(0, 4)}..`;
const daysFrom = (now: string, notAfter: string) => Math.floor((Date.parse(notAfter) - Date.parse(now)) / DAY_MS);

describe('sfb-oauth-cert review on `pulumi preview --json` from the real CLI', () => {
  let project: Project;
  const soonNotBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY_MS);
  const soonPfx = makeDemoPfx({ sipDomain: 'contoso.com', password: PASSWORD, notBefore: soonNotBefore, validDays: 10 });
  const secrets: string[] = [PASSWORD, WRONG_PASSWORD, STORE_PASSPHRASE];
  for (const bytes of [bytesOf(A), bytesOf(B), soonPfx]) {
    const base64 = bytes.toString('base64');
    // Its start (what a leaked `pfx` input would begin with) and a stretch from its middle.
    secrets.push(base64.slice(0, 24), base64.slice(base64.length >> 1, (base64.length >> 1) + 24));
  }
  const markdowns: string[] = [];

  /** Every Markdown printed is kept for the secret scan at the end. */
  const reviewed = async (json: string, via: 'stdin' | 'file' = 'stdin') => {
    const markdown = await review(json, via, project.tempDir);
    markdowns.push(markdown);
    return markdown;
  };

  beforeAll(async () => {
    project = await Project.create();
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(project.dir, 'a.pfx'));
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(project.dir, 'b.pfx'));
    fs.writeFileSync(path.join(project.dir, 'soon.pfx'), soonPfx);
    await project.cli.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
    await project.configure({ pfxFile: 'a.pfx', password: PASSWORD });
  });

  afterAll(() => project?.cleanup());

  it('a create: the plan line, no thumbprint → the new one, NotAfter and days left (read from a file)', async () => {
    const json = await project.previewJson();
    expect(json).toContain(`"type": "${CERTIFICATE_TYPE}"`);
    const markdown = await reviewed(json, 'file');
    expect(markdown).toContain('#### `oauth`: create');
    expect(markdown).toContain(`- Plan: \`new ${short(A.expected.thumbprint!)} current now\``);
    expect(markdown).toContain(`- Thumbprint: (none) → \`${A.expected.thumbprint}\``);
    expect(markdown).toContain(`- NotAfter: 2035-01-01T00:00Z (${daysFrom(NOW, A.expected.notAfter!)} days left)`);
    expect(markdown).not.toContain(NO_CHANGES);
  });

  it('after up, another PFX with a scheduled effective date: the roll plan line, old → new thumbprints and the roll timeline', async () => {
    await project.ok(['up', '--yes']);
    // Whole minutes ahead of the real clock (the provider's check reads it): a scheduled roll.
    const at = new Date(Math.ceil((Date.now() + 60 * DAY_MS) / 60_000) * 60_000);
    await project.configure({ pfxFile: 'b.pfx', effectiveDate: at.toISOString().replace(/\.000Z$/, 'Z') });
    const markdown = await reviewed(await project.previewJson());
    const a = A.expected.thumbprint!;
    const b = B.expected.thumbprint!;
    expect(markdown).toContain('#### `oauth`: update');
    expect(markdown).toContain(`- Plan: \`current ${short(a)} → previous at ${isoMinute(at)}; new ${short(b)} current at ${isoMinute(at)}\``);
    expect(markdown).toContain(`- Thumbprint: \`${a}\` → \`${b}\``);
    expect(markdown).toContain(`- NotAfter: 2035-01-01T00:00Z (${daysFrom(NOW, B.expected.notAfter!)} days left)`);
    // The roll timeline, from the dates the real CLI's document holds, and Mermaid reads its chart.
    expect(markdown).toMatch(new RegExp(`\\| current ${a.slice(0, 8)} \\| valid from \\(NotBefore\\) \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ \\|`));
    expect(markdown).toContain(`| current ${a.slice(0, 8)} | valid until (NotAfter) | 2035-01-01T00:00Z |`);
    expect(markdown).toContain(`| limit ${a.slice(0, 8)} | latest effective date of a scheduled roll: 24 hours before the current NotAfter | 2034-12-31T00:00Z |`);
    expect(markdown).toContain(`| new ${b.slice(0, 8)} | becomes current (effective date) | ${isoMinute(at)} |`);
    const [chart] = parseMermaid(mermaidBlocks(markdown));
    expect(chart).toMatchObject({ type: 'gantt' });
    expect(chart && 'tasks' in chart ? chart.tasks.map((t) => t.task) : []).toEqual([
      `current ${a.slice(0, 8)} valid`, `limit ${a.slice(0, 8)} latest roll`, `new ${b.slice(0, 8)} becomes current`, `new ${b.slice(0, 8)} valid`,
    ]);
  });

  it('no change: says so, and nothing else', async () => {
    await project.configure({ pfxFile: 'a.pfx', effectiveDate: null });
    const markdown = await reviewed(await project.previewJson());
    expect(markdown).toContain(NO_CHANGES);
    expect(markdown).not.toContain('####');
  });

  it('a certificate expiring soon: CERT_EXPIRES_SOON on it, NotAfter and days left', async () => {
    await project.configure({ pfxFile: 'soon.pfx' });
    const facts = await validatePfx(soonPfx, PASSWORD, { sipDomain: 'contoso.com' });
    const notAfter = new Date(soonNotBefore.getTime() + 10 * DAY_MS);
    // Counted from a day after its NotBefore: nine days left, whatever the clock says today.
    const now = new Date(soonNotBefore.getTime() + DAY_MS).toISOString();
    const json = await project.previewJson();
    const result = await reviewCli(['review', '--now', now], json);
    expect(result.code).toBe(0);
    const markdown = result.stdout;
    markdowns.push(markdown);
    expect(markdown).toContain(`- Thumbprint: \`${A.expected.thumbprint}\` → \`${facts.thumbprint}\``);
    expect(markdown).toContain(`- NotAfter: ${isoMinute(notAfter)} (9 days left)`);
    // The engine gives the provider's warning no URN: the review ties it to the certificate by its thumbprint.
    expect(markdown).not.toContain('Not tied to a certificate');
    // As a reader sees it: the message is escaped text (test/support/markdown.ts parses it).
    expect(renderedBlocks(markdown).join('\n')).toContain(`Warning \`CERT_EXPIRES_SOON\`: The \`pfx\` input's certificate (${facts.thumbprint}) expires at ${isoMinute(notAfter)}`);
  });

  it('a wrong password: the preview fails, the review names PFX_BAD_PASSWORD on `certificate`', async () => {
    await project.configure({ pfxFile: 'a.pfx', password: WRONG_PASSWORD });
    const markdown = await reviewed(await project.previewJson(false));
    expect(markdown).toContain('#### `oauth`: not planned: its check failed');
    expect(markdown).toContain('- **Failure** `PFX_BAD_PASSWORD` on `certificate`: The password does not open the `pfx` input');
    expect(markdown).not.toContain(NO_CHANGES);
  });

  it('prints none of the secrets: passwords, store passphrase, PFX base64', () => {
    expect(markdowns).toHaveLength(5);
    // Control: the scan finds a secret where there is one.
    expect(secrets.filter((s) => `x${secrets[3]}x`.includes(s))).toEqual([secrets[3]]);
    for (const markdown of markdowns) {
      for (const secret of secrets) expect(markdown).not.toContain(secret);
    }
  });
});
