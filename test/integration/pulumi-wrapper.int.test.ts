/**
 * `npm run pulumi` (scripts/pulumi) gives the repository's public demo passphrase only to the
 * demo's stack on the embedded backend: a public passphrase must never protect a real stack. Any other stack runs without one, and
 * when the CLI fails for want of it, the wrapper says what to set. The decision itself is unit
 * tested in test/harness-checks/engine-env-passphrase.test.ts; this drives the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_DEMO_PASSPHRASE } from '../../scripts/passphrase-policy';
import { projectRoot } from '../../scripts/project-paths';
import { requirePulumiInstalled } from '../../scripts/pulumi-cli';

const wrapper = join(projectRoot(), 'scripts', 'pulumi');

/** A project directory and a file backend of its own, outside the repository. */
function elsewhere(): { project: string; state: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-wrapper-'));
  const project = join(dir, 'project');
  const state = join(dir, 'state');
  mkdirSync(project);
  mkdirSync(state);
  writeFileSync(join(project, 'Pulumi.yaml'), 'name: wrapper-check\nruntime: nodejs\n');
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', PULUMI_HOME: join(dir, 'home'), PULUMI_BACKEND_URL: `file://${state}` };
  delete env.PULUMI_CONFIG_PASSPHRASE;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return { project, state, env };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [wrapper, ...args], { cwd, env, encoding: 'utf8', input: '' });
}

/** Stack files the file backend holds. */
function stacksIn(state: string): string[] {
  const dir = join(state, '.pulumi', 'stacks', 'wrapper-check');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
}

describe('scripts/pulumi and the demo passphrase', () => {
  beforeAll(() => {
    requirePulumiInstalled();
  });

  it.each([['prod'], ['demo']])('creates no stack "%s" on another backend with the public passphrase, and says what to set', (name) => {
    const { project, state, env } = elsewhere();
    const result = run(['stack', 'init', name], project, env);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`scripts/pulumi: No secrets passphrase for stack "${name}" on backend file://${state}:`);
    expect(result.stderr).toContain('Set PULUMI_CONFIG_PASSPHRASE_FILE to a file holding your passphrase (or PULUMI_CONFIG_PASSPHRASE), or use a KMS secrets provider');
    expect(stacksIn(state)).toEqual([]);
    expect(result.stderr).not.toContain(LOCAL_DEMO_PASSPHRASE);
  });

  it('names the selected stack when a command needs a passphrase it was not given', () => {
    const { project, state, env } = elsewhere();
    const passphraseFile = join(project, '..', 'passphrase');
    writeFileSync(passphraseFile, 'a passphrase of the operator', { mode: 0o600 });
    const init = run(['stack', 'init', 'staging'], project, { ...env, PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile });
    expect(init.stderr).not.toContain('No secrets passphrase');
    expect(init.status).toBe(0);
    expect(stacksIn(state)).toEqual(['staging.json']);

    const set = spawnSync(process.execPath, [wrapper, 'config', 'set', '--secret', 'token'], { cwd: project, env, encoding: 'utf8', input: 'value-from-stdin' });
    expect(set.status).not.toBe(0);
    expect(set.stderr).toContain(`No secrets passphrase for stack "staging" on backend file://${state}:`);
  });
});
