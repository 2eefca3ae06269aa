// End-to-end suites (test/e2e/**): run in Node, one file at a time (each may spawn wrangler dev,
// nginx or Chromium). `npm test` runs them after the workerd suite. Helpers: test/support/.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
})
