import { Redis } from '@upstash/redis/cloudflare'
import type { Config } from '../config.ts'

/**
 * The Upstash client of `UPSTASH_REDIS_REST_URL`/`TOKEN`, or undefined without them. No retries:
 * a slow or failing Redis is handled once, by the caller's timeout and fallback; each request gets
 * a fresh `REDIS_TIMEOUT_MS` deadline (a function, so a timed-out fetch throws).
 */
export function upstashRedis(config: Pick<Config, 'upstash' | 'redisTimeoutMs'>, timeoutMs = config.redisTimeoutMs): Redis | undefined {
  if (!config.upstash) return undefined
  return new Redis({
    url: config.upstash.url,
    token: config.upstash.token,
    retry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
    enableTelemetry: false,
  })
}
