import { defineConfig } from 'vitest/config';

// Kept apart from web/vite.config.ts: the dashboard build and the test runner share nothing.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: run files in parallel but keep PGlite instances (450 MB each) in check.
    maxWorkers: 2,
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Under CI a JSON report lets .ci/run print its own pass/fail count.
    reporters:
      process.env.CI === 'true'
        ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
        : ['default'],
  },
});
