/**
 * Arguments through the real engine, the way users run it: a forgotten or mistyped argument
 * fails `pulumi preview` at once with INVALID_ARGUMENT naming the argument, even when the program
 * exports the resource's outputs (which used to leave the program hanging for good). The program
 * is a Pulumi.yaml project's index.ts run by the CLI's Node language host (test/harness/cli-project.ts):
 * an Automation API inline program would run inside the jest worker instead, where a thrown
 * error and a hang look different from what users see. The preview is bounded well inside jest's
 * timeout: a hang ends it with a signal and fails the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliProject } from '../harness/cli-project';
import { engineProgram, pfxFile } from '../harness/engine-program';
import { bytesOf, CORPUS_DIR, entry } from '../support/pfx-corpus';

const A = entry('openssl3-default');
const PASSPHRASE = 'store-passphrase-for-the-arguments-test';
/** The preview's bound; jest's timeout for each test is above it. */
const PREVIEW_BOUND_MS = 90_000;
const TEST_TIMEOUT_MS = 150_000;

// sipDomain from config as JSON: not set (undefined), or `42` (a number); `computed: true` wraps it
// in an Output that resolves later, so only the provider's check sees it.
const PROGRAM = engineProgram({
  setup: ["const raw = config.getObject<unknown>('sipDomain');", "const sipDomain = config.getBoolean('computed') ? pulumi.output(Promise.resolve(raw)) : raw;"],
  sipDomain: 'sipDomain as pulumi.Input<string>',
  args: [pfxFile('a.pfx')],
  beforeExports: ['// Exporting outputs is what made the old failure hang.'],
  exports: ['thumbprint', 'secretName', 'plan'],
});

describe('arguments checked through the real engine (CLI and language host)', () => {
  let project: CliProject;

  beforeAll(async () => {
    project = await CliProject.create({ program: PROGRAM });
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(project.dir, 'a.pfx'));
    await project.setSecret('pfxPassword', A.password!);
    await project.setSecret('sfb-oauth-cert:storePassphrase', PASSPHRASE);
  }, TEST_TIMEOUT_MS);

  afterAll(() => project?.cleanup());

  let lastPreviewMs = 0;

  /** `pulumi preview` with this config; it must end (not hang) and fail. */
  async function failedPreview(config: { sipDomain?: string; computed?: boolean }): Promise<string> {
    if (config.sipDomain === undefined) await project.ok(['config', 'rm', 'sipDomain']);
    else await project.setConfig('sipDomain', config.sipDomain);
    await project.setConfig('computed', String(config.computed ?? false));
    const started = Date.now();
    const result = await project.run(['preview'], { timeoutMs: PREVIEW_BOUND_MS });
    expect({ signal: result.signal, boundedMs: Date.now() - started < PREVIEW_BOUND_MS }).toEqual({ signal: null, boundedMs: true });
    expect(result.code).not.toBe(0);
    lastPreviewMs = Date.now() - started;
    return result.output;
  }

  it(
    'fails at once, naming sipDomain, when it is missing (a config value not set)',
    async () => {
      const output = await failedPreview({});
      expect(output).toContain('INVALID_ARGUMENT');
      expect(output).toContain('INVALID_ARGUMENT: OAuthTokenIssuer certificate "oauth": The `sipDomain` argument must be the Skype SIP domain as a string');
      // Reported as the program's error, once, without the SDK's slow "unhandled exception" report.
      expect(output).not.toContain('unhandled exception');
      console.log(`preview with a missing sipDomain failed after ${lastPreviewMs} ms`);
      expect(output).not.toContain("reading 'toLowerCase'");
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails at once, naming sipDomain, when it is a number',
    async () => {
      const output = await failedPreview({ sipDomain: '42' });
      expect(output).toContain('INVALID_ARGUMENT');
      expect(output).toContain('got number 42');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails the preview on property sipDomain when a computed value turns out missing',
    async () => {
      const output = await failedPreview({ computed: true });
      expect(output).toMatch(/sipDomain[\s\S]*INVALID_ARGUMENT: The `sipDomain` argument/);
    },
    TEST_TIMEOUT_MS,
  );

  it('printed no secret: the password, the store passphrase, the PFX', () => {
    const base64 = bytesOf(A).toString('base64');
    const secrets = [A.password!, PASSPHRASE, base64.slice(0, 48), base64.slice(-48, -4), bytesOf(A).toString('hex').slice(0, 64)];
    expect(project.printed.length).toBeGreaterThanOrEqual(3 * 3);
    for (const out of project.printed) {
      for (const secret of secrets) expect(out).not.toContain(secret);
    }
  });
});
