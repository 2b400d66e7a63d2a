const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default, one worker less than the cores, runs every file one after the other on two
  // cores. Two workers keep both cores busy: most files wait on Terraform, the S3 server or a
  // child process for much of their time, and the main process only collects results.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile only: type checking is `tsc --noEmit` in `npm test`, not repeated per test file.
    '^.+\\.ts$': 'ts-jest',
    // hyparquet and hyparquet-writer ship ES modules only; Node 20 loads them through
    // require(esm), jest's module runtime does not, so jest transpiles them to CommonJS.
    '/node_modules/hyparquet[^/]*/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!hyparquet)'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // Cheap: the local S3 server starts only when an S3 integration test asks for it, and the
  // teardown stops it only if this run started it (__tests__/support/s3-server.ts); offline
  // plans shared between test files live for the run (__tests__/support/shared-plans.ts).
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
  testTimeout: 120000,
};
