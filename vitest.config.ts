import { defineConfig } from 'vitest/config';

// Three projects, one per kind of test (style.md §8). Integration tests start their own DynamoDB
// Local (in memory) per file; forks keep each file's process environment to itself.
export default defineConfig({
  test: {
    pool: 'forks',
    // The machine runs Node 20 while Lambda runs nodejs22.x: the SDK's Node-version notice is noise here.
    // SCARF_ANALYTICS: Spectral's and swagger-ui-dist's analytics dependency stays silent.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SCARF_ANALYTICS: 'false' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // A timeout only catches hangs (speed lives in benchmarks): the contract's mutation sweeps take
          // seconds on a loaded 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/helpers/integration-setup.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // DynamoDB Local is a JVM: two at once is what this 2-core machine takes comfortably.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
    ],
  },
});
