// Helpers for Redis-backed tests in the workerd run. The local Upstash bridge's URL and token
// arrive as bindings (see vitest.config.ts and test/support/global-setup.ts).
import { env } from 'cloudflare:workers'
import { Redis } from '@upstash/redis/cloudflare'
import type { ScriptRedis } from '../../src/limits/redis-store.ts'
import { faultSpec, type Faults } from '../../scripts/lib/faults.ts'

export type UpstashEnv = { url: string; token: string }

/** The bridge's URL and token; throws (never skips) when the run has no local Upstash. */
export function upstashEnv(): UpstashEnv {
  const bindings = env as unknown as Record<string, unknown>
  const url = bindings.UPSTASH_REDIS_REST_URL
  const token = bindings.UPSTASH_REDIS_REST_TOKEN
  if (typeof url !== 'string' || !url || typeof token !== 'string' || !token) {
    throw new Error(
      'No local Upstash in this test run: UPSTASH_REDIS_REST_URL/TOKEN are not bound. ' +
        'Run the tests with `npm test`, or install redis-server (`apt-get install -y redis-server`).',
    )
  }
  return { url, token }
}

/**
 * A base URL on the same bridge that injects faults into every request made through it, without
 * touching other tests: e.g. `faultyUrl({ latencyMs: 300 })` (slow Redis) or
 * `faultyUrl({ mode: 'reset' })` (connection dropped), `'error'` (HTTP 500), `'hang'` (no answer).
 */
export function faultyUrl(faults: Partial<Faults>): string {
  return `${upstashEnv().url}/__fault/${faultSpec(faults)}`
}

/** An `@upstash/redis` client on the bridge (or on a `faultyUrl`), retries off so failures show. */
export function upstashRedis(url = upstashEnv().url): Redis {
  return new Redis({ url, token: upstashEnv().token, retry: false })
}

/** A key prefix no other test uses: all test files share one Redis. */
export function uniquePrefix(label = 'test'): string {
  return `${label}:${crypto.randomUUID()}:`
}

/** An @upstash/redis client on the bridge that counts (and times) every round trip. */
export function countingRedis() {
  const redis = upstashRedis()
  const calls: { command: 'evalsha' | 'eval'; ms: number }[] = []
  const timed = <T>(command: 'evalsha' | 'eval', run: () => Promise<T>) => {
    const started = performance.now()
    return run().finally(() => calls.push({ command, ms: performance.now() - started }))
  }
  const counting: ScriptRedis = {
    evalsha: ((...args: Parameters<ScriptRedis['evalsha']>) => timed('evalsha', () => redis.evalsha(...args))) as ScriptRedis['evalsha'],
    eval: ((...args: Parameters<ScriptRedis['eval']>) => timed('eval', () => redis.eval(...args))) as ScriptRedis['eval'],
  }
  return { redis: counting, calls }
}
