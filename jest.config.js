// Two projects: fast pure tests, and integration tests that drive real processes (the Pulumi CLI,
// moto, openssl). Integration tests never skip: a missing engine or moto is a failure.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
module.exports = {
  // Integration tests drive real processes (pulumi up takes seconds); unit tests are fast anyway.
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
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
    },
  ],
};
