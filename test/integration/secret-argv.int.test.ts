/**
 * No secret reaches any process's command line: argv is readable by every user
 * of the machine (`ps`, /proc/<pid>/cmdline). The Automation API's `setConfig(..., { secret: true })`
 * runs `pulumi config set <key> --secret -- <value>`, so the demo and the test harness set secret
 * config through the CLI's stdin instead (scripts/secret-config.ts).
 *
 * How it is observed: the machine cache is replaced by one whose `pulumi` and
 * `pulumi-resource-pulumi-nodejs` are shims that append their argv to a log and exec the real
 * binaries. Every CLI run of the Automation API and every provider plugin the engine starts goes
 * through them; the log is then searched for the secrets.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pulumiLayout, requirePulumiInstalled } from '../../scripts/pulumi-cli';
import { ensureDemoConfig } from '../../scripts/demo';
import { program as demoProgram } from '../../examples/embedded/program';
import { nonZeroChanges, ThrowawayStack } from '../harness/pulumi-stack';

const HARNESS_SECRET = 'harness-secret-value-7f3a9c';
const CANARY = 'automation-api-canary-5e1d0b';

describe('secrets and command lines', () => {
  const saved = { cache: process.env.SFB_CACHE_DIR, log: process.env.SFB_ARGV_LOG };
  const dir = mkdtempSync(join(tmpdir(), 'sfb-argv-'));
  const log = join(dir, 'argv.log');
  let stack: ThrowawayStack | undefined;

  beforeAll(() => {
    const real = requirePulumiInstalled();
    const shimCache = join(dir, 'cache');
    const shimBin = pulumiLayout({ SFB_CACHE_DIR: shimCache }).binDir;
    mkdirSync(shimBin, { recursive: true });
    for (const [name, target] of [['pulumi', real.pulumiBinary], ['pulumi-resource-pulumi-nodejs', real.nodejsProviderPlugin]] as const) {
      const shim = join(shimBin, name);
      // NUL-separated arguments, one record per line: exactly what /proc/<pid>/cmdline shows.
      writeFileSync(shim, `#!/bin/sh\n{ printf '%s\\0' "$0" "$@"; printf '\\n'; } >> "$SFB_ARGV_LOG"\nexec '${target}' "$@"\n`);
      chmodSync(shim, 0o755);
    }
    writeFileSync(log, '');
    process.env.SFB_CACHE_DIR = shimCache;
    process.env.SFB_ARGV_LOG = log;
  });

  afterAll(async () => {
    await stack?.cleanup();
    for (const [key, value] of [['SFB_CACHE_DIR', saved.cache], ['SFB_ARGV_LOG', saved.log]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  const records = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\0').filter(Boolean));

  it('sets the harness and demo secrets and runs the demo program without a secret on any argv', async () => {
    stack = await ThrowawayStack.create({ projectName: 'sfb-oauth-cert-demo', secretConfig: { harnessSecret: HARNESS_SECRET }, program: demoProgram });
    expect(stack.pulumiBinary.startsWith(dir)).toBe(true);
    expect(await ensureDemoConfig({ stack: stack.stack, demoDir: join(dir, 'demo'), pulumiBinary: stack.pulumiBinary, env: stack.env })).toBe(true);
    const config = await stack.stack.getAllConfig();
    const secrets = [HARNESS_SECRET, config['sfb-oauth-cert-demo:pfxPassword']?.value, config['sfb-oauth-cert:storePassphrase']?.value];
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
    expect(config['sfb-oauth-cert-demo:pfxPassword']?.secret).toBe(true);

    const up = await stack.up();
    expect(nonZeroChanges(up.summary.resourceChanges)).toEqual({ create: 2 });

    const seen = records();
    // The shims saw the secret config being set (three times, through stdin) and the provider plugin start.
    expect(seen.filter((argv) => argv.includes('config') && argv.includes('--secret'))).toHaveLength(3);
    expect(seen.some((argv) => argv[0]!.endsWith('/pulumi-resource-pulumi-nodejs'))).toBe(true);
    const argvText = seen.map((argv) => argv.join(' ')).join('\n');
    expect(secrets.filter((s) => argvText.includes(s!))).toEqual([]);
  });

  it('would see a secret that the Automation API put on the command line', async () => {
    // Why the harness does not use stack.setConfig for secrets: this is what it does.
    await stack!.stack.setConfig('canary', { value: CANARY, secret: true });
    expect(records().some((argv) => argv.includes(CANARY))).toBe(true);
  });
});
