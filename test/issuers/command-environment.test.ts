/**
 * What an issuer's commands see of the provider's environment: the allow-list and what the
 * operator declared, never the rest (AWS keys, PULUMI_CONFIG_PASSPHRASE, the store's passphrase).
 * The rule as a table on a given environment and platform, then real processes: a CA command
 * built from the resource's spec (issuerFromSpec) and a challenge hook, each writing the names
 * and values it was given to a file while the test's own environment holds secret-looking ones.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { challengeHooks } from '../../provider/adapters/issuers/challenge-hooks';
import { commandEnvironment } from '../../provider/adapters/issuers/command-environment';
import { issuerFromSpec } from '../../provider/adapters/issuers/from-spec';

const PROVIDER_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/pulumi',
  TMPDIR: '/tmp',
  LANG: 'C.UTF-8',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-in-provider-env',
  PULUMI_CONFIG_PASSPHRASE: 'pulumi-passphrase-in-provider-env',
  SFB_STORE_PASSPHRASE: 'store-passphrase-in-provider-env',
  HTTPS_PROXY: 'http://user:proxy-password@proxy:3128',
};

const WINDOWS_ENV = {
  Path: 'C:\\Windows\\system32;C:\\Windows',
  SystemRoot: 'C:\\Windows',
  windir: 'C:\\Windows',
  ComSpec: 'C:\\Windows\\system32\\cmd.exe',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
  TEMP: 'C:\\Users\\svc\\AppData\\Local\\Temp',
  TMP: 'C:\\Users\\svc\\AppData\\Local\\Temp',
  USERPROFILE: 'C:\\Users\\svc',
  APPDATA: 'C:\\Users\\svc\\AppData\\Roaming',
  LOCALAPPDATA: 'C:\\Users\\svc\\AppData\\Local',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  PSModulePath: 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-in-provider-env',
  PULUMI_ACCESS_TOKEN: 'pul-token-in-provider-env',
};

describe('commandEnvironment', () => {
  it.each([
    ['POSIX: the allow-list only', {}, PROVIDER_ENV, 'linux', { PATH: '/usr/bin:/bin', HOME: '/home/pulumi', TMPDIR: '/tmp', LANG: 'C.UTF-8' }],
    ['POSIX: the declared variables beside it, and over it', { DNS_API_TOKEN: 'declared', PATH: '/opt/ca/bin' }, PROVIDER_ENV, 'linux', { PATH: '/opt/ca/bin', HOME: '/home/pulumi', TMPDIR: '/tmp', LANG: 'C.UTF-8', DNS_API_TOKEN: 'declared' }],
    ['POSIX: names are case-sensitive', {}, { Path: '/x', path: '/y', PATH: '/z' }, 'linux', { PATH: '/z' }],
    ['Windows: what starting a process and PowerShell need, in the case the provider has', {}, WINDOWS_ENV, 'win32', { ...WINDOWS_ENV, AWS_SECRET_ACCESS_KEY: undefined, PULUMI_ACCESS_TOKEN: undefined }],
    ['Windows: a declared PATH replaces the inherited Path', { PATH: 'D:\\ca' }, { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows' }, 'win32', { SystemRoot: 'C:\\Windows', PATH: 'D:\\ca' }],
  ] as const)('%s', (_row, declared, from, platform, expected) => {
    const defined = Object.fromEntries(Object.entries(expected).filter(([, value]) => value !== undefined));
    expect(commandEnvironment(declared, from, platform)).toEqual(defined);
  });
});

describe("an issuer's processes get the allow-list and the declared variables only", () => {
  const SECRETS = { AWS_SECRET_ACCESS_KEY: 'aws-secret-in-jest-env', PULUMI_CONFIG_PASSPHRASE: 'pulumi-passphrase-in-jest-env' };
  const saved: Record<string, string | undefined> = {};
  let dir: string;
  // Writes `name=value` lines of its environment to the file named after the script, then fails
  // (no certificate is needed from it for this).
  const DUMP = ["require('fs').writeFileSync(process.argv[1], Object.entries(process.env).map(([k, v]) => k + '=' + v).join('\\n')); process.exit(3)"];
  const dumped = (file: string) => Object.fromEntries(readFileSync(file, 'utf8').split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sfb-command-env-'));
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a CA command built from the spec', async () => {
    const file = join(dir, 'command.env');
    const issuer = issuerFromSpec({ kind: 'command', command: [process.execPath, '-e', DUMP[0]!, file], timeoutSeconds: 30 }, { now: () => new Date(), environment: { CA_TOKEN: 'declared-token' } });
    await expect(issuer.issue({ sipDomain: 'contoso.com', csrPem: 'csr', renewalKey: 'k', signal: new AbortController().signal })).rejects.toMatchObject({ code: 'ISSUER_FAILED' });
    const seen = dumped(file);
    expect(seen).toEqual(commandEnvironment({ CA_TOKEN: 'declared-token' }));
    expect(seen.CA_TOKEN).toBe('declared-token');
    expect(seen.PATH).toBe(process.env.PATH);
    expect(Object.keys(seen)).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(Object.keys(seen)).not.toContain('PULUMI_CONFIG_PASSPHRASE');
  });

  it('a challenge hook with no environment given', async () => {
    const file = join(dir, 'hook.env');
    const hooks = challengeHooks({ type: 'dns-01', present: [process.execPath, '-e', DUMP[0]!, file], cleanUp: [process.execPath, '-e', '0'] });
    await expect(hooks.present({ type: 'dns-01', domain: 'contoso.com', name: '_acme-challenge.contoso.com', value: 'v' }, new AbortController().signal)).rejects.toMatchObject({ code: 'ISSUER_FAILED' });
    const seen = dumped(file);
    expect(Object.keys(seen).sort()).toEqual(Object.keys(commandEnvironment()).sort());
    expect(Object.values(seen).join('\n')).not.toMatch(/in-jest-env/);
  });
});
