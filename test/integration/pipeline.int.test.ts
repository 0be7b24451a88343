/**
 * The commands README's "In a pipeline" section gives, run exactly so, as processes of the real
 * CLI, on a throwaway stack of a Pulumi.yaml project (`runtime: nodejs`) whose index.ts imports
 * this package and reads sipDomain, pfxFile and the password from config:
 *
 *   pulumi stack init / config set --secret <key> (value on stdin)
 *   pulumi preview --diff               review: the plan line and the thumbprint, then "A" => "B"
 *   pulumi up --yes                     deploy
 *   pulumi preview --expect-no-changes  the drift gate: 0 when nothing changes, non-zero otherwise
 *   pulumi refresh --yes                what the store holds (before the gate, it makes drift in
 *                                       the store show)
 *   pulumi destroy --yes
 *
 * A PFX that does not open (wrong password) fails the preview with PFX_BAD_PASSWORD. Every byte
 * every command printed is searched for the PFX (base64 and hex), its private key, the passwords
 * and the store passphrase.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLocalStore } from '../../provider/adapters/local-store';
import { CliProject } from '../harness/cli-project';
import { engineProgram, pfxFile } from '../harness/engine-program';
import { CORPUS_DIR, entry, type CorpusEntry } from '../support/pfx-corpus';
import { pfxSecretNeedles } from '../support/secret-needles';

const A = entry('openssl3-default');
const B = entry('rsa-4096');
const WRONG_PASSWORD = 'Pipeline-Wrong-Password-31';
const STORE_PASSPHRASE = 'pipeline-store-passphrase-never-printed';
const TYPE = 'pulumi-nodejs:dynamic/sfb:OAuthTokenIssuerCertificate';
const SECRET_NAME = 'sfb/oauth-token-issuer/contoso.com';

const PROGRAM = engineProgram({
  name: 'oauth-token-issuer',
  sipDomain: "config.require('sipDomain')",
  args: [pfxFile()],
  exports: ['thumbprint', 'plan'],
});

/** Everything secret that must never be printed: the PFX files' secrets, the passphrase, the wrong password. */
const secretNeedles = async (...entries: CorpusEntry[]) => [STORE_PASSPHRASE, WRONG_PASSWORD, ...(await pfxSecretNeedles(...entries))];

const short = (thumbprint: string) => `${thumbprint.slice(0, 4)}..`;

describe('the pipeline commands, as processes of the real CLI', () => {
  let project: CliProject;
  const a = A.expected.thumbprint!;
  const b = B.expected.thumbprint!;

  beforeAll(async () => {
    project = await CliProject.create({ program: PROGRAM, stackName: 'pipeline' });
    fs.copyFileSync(path.join(CORPUS_DIR, A.file), path.join(project.dir, 'a.pfx'));
    fs.copyFileSync(path.join(CORPUS_DIR, B.file), path.join(project.dir, 'b.pfx'));
    await project.setConfig('sipDomain', 'contoso.com');
    await project.setConfig('pfxFile', 'a.pfx');
    await project.setSecret('pfxPassword', A.password!);
    await project.setSecret('sfb-oauth-cert:storePassphrase', STORE_PASSPHRASE);
  });

  afterAll(() => project?.cleanup());

  it('secret config (set on stdin) stays encrypted in the stack file', () => {
    const stackFile = fs.readFileSync(path.join(project.dir, 'Pulumi.pipeline.yaml'), 'utf8');
    expect(stackFile).toMatch(/pfxPassword:\s*\n\s*secure: /);
    expect(stackFile).not.toContain(A.password!);
    expect(stackFile).not.toContain(STORE_PASSPHRASE);
  });

  it('pulumi preview --diff, first: the certificate to create, its plan line and thumbprint', async () => {
    const { output } = await project.ok(['preview', '--diff']);
    expect(output).toContain(`+ ${TYPE}: (create)`);
    expect(output).toMatch(new RegExp(`plan\\s*: "new ${short(a)} current now"`));
    expect(output).toMatch(new RegExp(`thumbprint\\s*: "${a}"`));
    expect(output).toMatch(/pfx\s*: \[secret\]/);
    expect(output).toMatch(/\+ 2 to create/);
  });

  it('pulumi up --yes creates it', async () => {
    const { output } = await project.ok(['up', '--yes']);
    expect(output).toMatch(/\+ 2 created/);
    const outputs = JSON.parse((await project.ok(['stack', 'output', '--json'])).stdout) as Record<string, string>;
    expect(outputs).toEqual({ thumbprint: a, plan: `new ${short(a)} current now` });
  });

  it('pulumi preview --expect-no-changes exits 0 when nothing changed', async () => {
    const result = await project.run(['preview', '--expect-no-changes']);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/2 unchanged/);
  });

  it('a new PFX in config: preview --diff shows the roll (plan line, thumbprint "A" => "B"), and the drift gate exits non-zero', async () => {
    await project.setConfig('pfxFile', 'b.pfx');
    await project.setSecret('pfxPassword', B.password!);
    const { output } = await project.ok(['preview', '--diff']);
    expect(output).toContain(`~ ${TYPE}: (update)`);
    expect(output).toMatch(new RegExp(`plan\\s*: "new ${short(a)} current now" => "current ${short(a)} → previous; new ${short(b)} current now"`));
    expect(output).toMatch(new RegExp(`thumbprint\\s*: "${a}" => "${b}"`));
    expect(output).toMatch(/~ 1 to update/);

    const gate = await project.run(['preview', '--expect-no-changes']);
    expect(gate.code).not.toBe(0);
    expect(gate.code).not.toBeNull();
    expect(gate.output).toContain('error: no changes were expected for preview but changes were proposed');
  });

  it('a PFX the password does not open: the preview fails with PFX_BAD_PASSWORD on the certificate', async () => {
    await project.setSecret('pfxPassword', WRONG_PASSWORD);
    const result = await project.run(['preview', '--diff']);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/property certificate[^\n]*PFX_BAD_PASSWORD: The password does not open the `pfx` input/);
  });

  it('pulumi up --yes rolls to the new PFX; then the gate passes again', async () => {
    await project.setSecret('pfxPassword', B.password!);
    const { output } = await project.ok(['up', '--yes']);
    expect(output).toMatch(/~ 1 updated/);
    expect(JSON.parse((await project.ok(['stack', 'output', '--json'])).stdout)).toEqual({
      thumbprint: b,
      plan: `current ${short(a)} → previous; new ${short(b)} current now`,
    });
    expect((await project.run(['preview', '--expect-no-changes'])).code).toBe(0);
  });

  it('drift in the store: the gate alone does not see it; after pulumi refresh --yes it does, and up --yes repairs it', async () => {
    // Behind Pulumi's back: the store's `current` label goes back to the previous certificate (A).
    const store = createLocalStore({ directory: path.join(project.dir, '.sfb-store'), passphrase: STORE_PASSPHRASE });
    const previous = (await store.describe(SECRET_NAME))!.versions.find((v) => v.stages.includes('previous'))!;
    await store.moveStage(SECRET_NAME, 'current', previous.versionId);

    expect((await project.run(['preview', '--expect-no-changes'])).code).toBe(0);
    const refresh = await project.ok(['refresh', '--yes']);
    expect(refresh.output).toMatch(/~ 1 updated/);
    const gate = await project.run(['preview', '--expect-no-changes']);
    expect(gate.code).not.toBe(0);
    expect(gate.code).not.toBeNull();
    expect(gate.output).toMatch(/~ {2}pulumi-nodejs:dynamic\/sfb:OAuthTokenIssuerCertificate oauth-token-issuer update/);

    expect((await project.ok(['up', '--yes'])).output).toMatch(/~ 1 updated/);
    const current = (await store.describe(SECRET_NAME))!.versions.find((v) => v.stages.includes('current'))!;
    expect((await store.getVersion(SECRET_NAME, current.versionId)).thumbprint).toBe(b);
    expect((await project.run(['preview', '--expect-no-changes'])).code).toBe(0);
  });

  it('pulumi refresh --yes reads the store: it holds what state says, so nothing changes and the gate still passes', async () => {
    const { output } = await project.ok(['refresh', '--yes']);
    expect(output).toMatch(/2 unchanged/);
    expect(output).not.toMatch(/updated|deleted/);
    expect((await project.run(['preview', '--expect-no-changes'])).code).toBe(0);
  });

  it('pulumi destroy --yes deletes it', async () => {
    const { output } = await project.ok(['destroy', '--yes']);
    expect(output).toMatch(/- 2 deleted/);
  });

  it('printed none of the secrets, in any command', async () => {
    const needles = await secretNeedles(A, B);
    expect(project.printed.length).toBeGreaterThanOrEqual(18);
    // Control: the scan finds a needle where there is one.
    expect(needles.filter((n) => `x${needles[4]}x`.includes(n))).toEqual([needles[4]]);
    const leaks = project.printed.flatMap((out, i) => needles.filter((n) => out.includes(n)).map((n) => `command ${i}: ${n.slice(0, 12)}...`));
    expect(leaks).toEqual([]);
  });
});
