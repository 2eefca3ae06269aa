import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { TEST_CLIENT_KEYS, TEST_SESSION_SECRET } from './test/support/credentials.ts'

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      // Local Upstash (redis-server + scripts/upstash-bridge.ts) from test/support/global-setup.ts.
      const url = inject('upstashUrl')
      const token = inject('upstashToken')
      return {
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            // The Worker under test answers from the in-process simulator, never from Anthropic.
            UPSTREAM: 'simulator',
            // Test-only credentials; the deployed default (no ALLOW_ANONYMOUS) is kept.
            CLIENT_KEYS: TEST_CLIENT_KEYS,
            SESSION_SECRET: TEST_SESSION_SECRET,
            ...(url ? { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } : {}),
          },
        },
      }
    }),
  ],
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // The first request to the Worker module loads the bundle, which takes seconds on a busy 2-core machine.
    testTimeout: 30_000,
  },
})
