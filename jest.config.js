// Three projects: fast unit tests (bounded at 10 s each), unit tests that start processes, and
// integration tests that drive real processes (the Pulumi CLI, moto, openssl). Integration tests
// never skip: a missing engine or moto is a failure.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
/**
 * Unit-project files whose tests start processes (the emulator, the CLI, a child Node, eslint, git)
 * or lock files across processes: seconds each, more on a loaded machine, so they get the
 * `processes` project's bound instead of the unit project's 10 s.
 */
const startsProcesses = [
  '/test/emulator/[^/]+\\.test\\.ts$',
  '/test/cli/[^/]+\\.test\\.ts$',
  '/test/adapters/powershell(-process|-manual|-server-certificates)?\\.test\\.ts$',
  '/test/adapters/local-store-lock\\.test\\.ts$',
  '/test/adapters/aws-store-options\\.test\\.ts$',
  '/test/adapters/files/(bounded-file|pfx-from-file)\\.test\\.ts$',
  '/test/harness-checks/(moto-script|test-node)\\.test\\.ts$',
  '/test/lint/domain-purity\\.test\\.ts$',
  // The issuers: RSA keys and PFX round trips (seconds each when the machine is busy), OpenSSL
  // as a CA command, Pebble and pebble-challtestsrv (scripts/install-pebble) as the ACME CA.
  '/test/issuers/[^/]+\\.test\\.ts$',
];
module.exports = {
  // Each project sets its own bound for a test or a hook in a setup file
  // (test/harness/<project>-timeout.js): jest reads `testTimeout` from the top level only, where
  // it would be every project's, and a project's setup file overrides it anyway.
  // Compiles provider/ into dist/ before every run: the CLI and engine tests run the compiled
  // code, which must never be older than the sources (test/harness/build-dist.js).
  globalSetup: '<rootDir>/test/harness/build-dist.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', ...startsProcesses],
      setupFilesAfterEnv: ['<rootDir>/test/harness/unit-timeout.js'],
    },
    {
      displayName: 'processes',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testRegex: startsProcesses,
      // An engine or AWS test under one of those folders belongs to the integration project only.
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/processes-timeout.js'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/integration-timeout.js'],
    },
  ],
};
