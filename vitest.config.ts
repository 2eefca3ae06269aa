import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      // The Worker under test answers from the in-process simulator, never from Anthropic.
      miniflare: { bindings: { UPSTREAM: 'simulator' } },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // The first request to the Worker module loads the bundle, which takes seconds on a busy 2-core machine.
    testTimeout: 30_000,
  },
})
