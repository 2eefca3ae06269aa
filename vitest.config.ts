import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'
import { TEST_CLIENT_KEYS, TEST_SESSION_SECRET } from './test/support/credentials.ts'

/** The package's entries and their sources (the same list as tsconfig.json "paths"). */
const FROM_SOURCE = {
  'claude-edge': './src/index.ts',
  'claude-edge/testing': './src/simulator/index.ts',
  'claude-edge/limits': './src/limits/index.ts',
  'claude-edge/stream': './src/stream/index.ts',
  'claude-edge/models': './src/models/index.ts',
  'claude-edge/admission': './src/admission/index.ts',
  'claude-edge/client': './client/index.ts',
  'claude-edge/client/claude-chat': './client/claude-chat.ts',
}

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
  // 'claude-edge' (examples/custom-worker imports it) from source, as tsconfig.json "paths" maps it
  // for tsc and wrangler: package.json "exports" points at dist/, which only `npm run build` writes.
  resolve: {
    alias: Object.entries(FROM_SOURCE).map(([name, file]) => ({
      find: new RegExp(`^${name}$`),
      replacement: fileURLToPath(new URL(file, import.meta.url)),
    })),
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // The first request to the Worker module loads the bundle, which takes seconds on a busy 2-core machine.
    testTimeout: 30_000,
  },
})
