// Two projects: fast pure tests, and integration tests that drive real processes (the Pulumi CLI,
// moto, openssl). Integration tests never skip: a missing engine or moto is a failure.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
module.exports = {
  // The integration project's bound: one engine test walks a stack through many `pulumi up`s
  // (seconds each, more on a loaded machine). Jest reads testTimeout from the top level only, so
  // the unit project sets its own, shorter one in test/harness/unit-timeout.js.
  testTimeout: 600000,
  // Compiles provider/ into dist/ before every run: the CLI and engine tests run the compiled
  // code, which must never be older than the sources (test/harness/build-dist.js).
  globalSetup: '<rootDir>/test/harness/build-dist.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/unit-timeout.js'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
    },
  ],
};
