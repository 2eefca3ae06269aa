// The budget holes against a real redis-server through the local Upstash bridge (`npm test` starts both).
import { uniquePrefix, upstashEnv } from '../support/upstash.ts'
import { limitedApp } from '../limits/harness.ts'
import { budgetHoles } from './holes.ts'

budgetHoles('upstash', (options = {}) =>
  limitedApp({
    prefix: uniquePrefix('admission'),
    ...options,
    env: { UPSTASH_REDIS_REST_URL: upstashEnv().url, UPSTASH_REDIS_REST_TOKEN: upstashEnv().token, ...options.env },
  }),
)
