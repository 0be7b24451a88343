// The language host's pure rules: runtime.options, the nodeargs split, the runner's argv, config
// and environment, and the exit-status mapping. The integration test
// (test/integration/language-host.int.test.ts) runs them through the real CLI.
import {
  parseRuntimeOptions,
  ProgramSetupError,
  runnerArgs,
  runnerConfig,
  runnerEnv,
  runOutcome,
  shellSplit,
  type ProgramRun,
} from '../../../tools/language-host/program';

function aRun(overrides: Partial<ProgramRun> = {}): ProgramRun {
  return {
    monitorAddress: '127.0.0.1:1001',
    engineAddress: '127.0.0.1:1002',
    organization: 'organization',
    project: 'proj',
    stack: 'dev',
    rootDirectory: '/p',
    programDirectory: '/p/src',
    entryPoint: '',
    dryRun: false,
    parallel: 8,
    tracing: '',
    args: [],
    config: {},
    configSecretKeys: [],
    options: { typescript: true, nodeargs: [] },
    ...overrides,
  };
}

describe('shellSplit', () => {
  it.each([
    ['blanks separate words', '  --a   --b\t--c ', ['--a', '--b', '--c']],
    ['single quotes keep blanks and backslashes', `--title='a b\\c'`, ['--title=a b\\c']],
    ['double quotes keep blanks; \\" and \\\\ are escapes', '--x="a \\"b\\" \\\\ \\n"', ['--x=a "b" \\ \\n']],
    ['a backslash outside quotes escapes the next character', 'a\\ b c', ['a b', 'c']],
    ['empty quotes are an empty word', "a '' b", ['a', '', 'b']],
    ['nothing at all', '   ', []],
    ['no expansion of variables or globs', '$HOME *.js', ['$HOME', '*.js']],
  ])('%s', (_name, text, words) => {
    expect(shellSplit(text, 'nodeargs')).toEqual(words);
  });

  it('refuses an unclosed quote, naming the setting', () => {
    expect(() => shellSplit("--title='oops", 'runtime.options.nodeargs')).toThrow(
      new ProgramSetupError(`runtime.options.nodeargs has an unclosed ' quote: "--title='oops"; close it or remove it.`),
    );
  });
});

describe('parseRuntimeOptions', () => {
  it('defaults to TypeScript on, no tsconfig, no node arguments', () => {
    expect(parseRuntimeOptions(undefined)).toEqual({ typescript: true, nodeargs: [] });
    expect(parseRuntimeOptions({})).toEqual({ typescript: true, nodeargs: [] });
  });

  it('reads typescript, tsconfig and nodeargs', () => {
    expect(parseRuntimeOptions({ typescript: false, tsconfig: 'tsconfig.pulumi.json', nodeargs: '--a "b c"' })).toEqual({
      typescript: false,
      tsconfig: 'tsconfig.pulumi.json',
      nodeargs: ['--a', 'b c'],
    });
  });

  it.each([
    ['typescript as a string', { typescript: 'false' }, 'runtime.options.typescript in Pulumi.yaml must be true or false, got "false"; write it without quotes.'],
    ['tsconfig not a string', { tsconfig: 3 }, 'runtime.options.tsconfig in Pulumi.yaml must be a file path, got 3.'],
    ['nodeargs as a list', { nodeargs: ['--a'] }, 'runtime.options.nodeargs in Pulumi.yaml must be one string of node arguments (e.g. "--max-old-space-size=4096"), got ["--a"].'],
  ])('refuses %s with a message naming the option', (_name, raw, message) => {
    expect(() => parseRuntimeOptions(raw)).toThrow(new ProgramSetupError(message));
  });
});

describe('runnerArgs', () => {
  it('passes every value, the dry run and the entry point, in the official order', () => {
    expect(runnerArgs(aRun({ dryRun: true, entryPoint: 'index.ts', tracing: 'http://t', args: ['x'] }))).toEqual([
      '--monitor', '127.0.0.1:1001', '--engine', '127.0.0.1:1002',
      '--organization', 'organization', '--project', 'proj', '--root-directory', '/p', '--stack', 'dev',
      '--pwd', '/p/src', '--dry-run', '--parallel', '8', '--tracing', 'http://t', 'index.ts', 'x',
    ]);
  });

  it('leaves out empty values and runs "." when there is no entry point', () => {
    expect(runnerArgs(aRun({ organization: '', parallel: 0 }))).toEqual([
      '--monitor', '127.0.0.1:1001', '--engine', '127.0.0.1:1002',
      '--project', 'proj', '--root-directory', '/p', '--stack', 'dev', '--pwd', '/p/src', '.',
    ]);
  });
});

describe('runnerConfig and runnerEnv', () => {
  it('rewrites namespace:name keys to namespace:config:name and keeps long ones', () => {
    expect(runnerConfig({ 'proj:greeting': 'hi', 'aws:region': 'eu-west-1', 'x:config:y': 'z' })).toEqual({
      'proj:config:greeting': 'hi',
      'aws:config:region': 'eu-west-1',
      'x:config:y': 'z',
    });
  });

  it('refuses a key without a namespace', () => {
    expect(() => runnerConfig({ greeting: 'hi' })).toThrow(ProgramSetupError);
  });

  it('sets the config, the secret keys and the TypeScript settings', () => {
    const env = runnerEnv(aRun({ config: { 'proj:a': '1' }, configSecretKeys: ['proj:a'], options: { typescript: true, tsconfig: 't.json', nodeargs: [] } }));
    expect(env).toEqual({
      PULUMI_CONFIG: '{"proj:config:a":"1"}',
      PULUMI_CONFIG_SECRET_KEYS: '["proj:a"]',
      PULUMI_NODEJS_TYPESCRIPT: 'true',
      PULUMI_NODEJS_TSCONFIG_PATH: 't.json',
    });
  });

  it('leaves PULUMI_NODEJS_TYPESCRIPT unset when TypeScript is off, and sends [] for no secret keys', () => {
    expect(runnerEnv(aRun({ options: { typescript: false, nodeargs: [] } }))).toEqual({
      PULUMI_CONFIG: '{}',
      PULUMI_CONFIG_SECRET_KEYS: '[]',
    });
  });
});

describe('runOutcome', () => {
  it.each([
    ['0 is success', 0, { error: '', bail: false }],
    ['32 is a bail (the SDK printed the error)', 32, { error: '', bail: true }],
    ['any other code is reported', 3, { error: 'Program exited with non-zero exit code: 3', bail: false }],
    ['a signal is -1, as Go reports it', null, { error: 'Program exited with non-zero exit code: -1', bail: false }],
  ])('%s', (_name, code, outcome) => {
    expect(runOutcome(code)).toEqual(outcome);
  });
});
