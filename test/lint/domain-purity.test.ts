/**
 * The architecture rule: provider/domain is pure. ESLint enforces it (eslint.config.mjs); these
 * cases prove the rule fires for each kind of impurity and stays quiet for pure code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** Lints `code` as if it were a file in provider/domain (the real CLI and config: a process). */
async function messagesFor(code: string): Promise<string[]> {
  const run = spawnSync(process.execPath, [eslintBin, '--stdin', '--stdin-filename', 'provider/domain/purity-probe.ts', '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the domain purity lint rule', () => {
  it.each([
    ['node-forge', "import forge from 'node-forge';\nexport const f = forge;\n", 'no-restricted-imports'],
    ['the file system', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'no-restricted-imports'],
    ['node:crypto', "import { createHash } from 'node:crypto';\nexport const h = createHash;\n", 'no-restricted-imports'],
    ['Pulumi', "import * as pulumi from '@pulumi/pulumi';\nexport const p = pulumi;\n", 'no-restricted-imports'],
    ['the AWS SDK', "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';\nexport const c = SecretsManagerClient;\n", 'no-restricted-imports'],
    ['an adapter', "import { openPfxContainer } from '../adapters/pfx/pfx-container';\nexport const o = openPfxContainer;\n", 'no-restricted-imports'],
    ['the environment', 'export const home = process.env.HOME;\n', 'no-restricted-globals'],
    ['the clock (Date.now)', 'export const t = Date.now();\n', 'no-restricted-properties'],
    ['the clock (new Date())', 'export const d = new Date();\n', 'no-restricted-syntax'],
    ['randomness', 'export const r = Math.random();\n', 'no-restricted-properties'],
  ])('rejects %s', async (_row, code, rule) => {
    const messages = await messagesFor(code);
    expect(messages.some((m) => m.startsWith(`${rule}: `))).toBe(true);
  });

  it('accepts pure code, dates from values included', async () => {
    expect(await messagesFor("import { nameCarriesSipDomain } from './sip-domain';\nexport const d = new Date('2026-01-01T00:00:00Z');\nexport const f = nameCarriesSipDomain;\n")).toEqual([]);
  });
});
