import type { Config } from '../config.ts'
import { upstashRedis } from '../upstash/redis.ts'
import { consoleLogger } from '../logger/logger.ts'
import { Limiter, type LimiterOptions } from './limiter.ts'
import { RedisStore, type ScriptRedis } from './redis-store.ts'

export interface CreateLimiterOptions extends Omit<LimiterOptions, 'store' | 'timeoutMs' | 'onStoreError'> {
  /** A Redis client to use instead of one built from `config.upstash` (e.g. one that counts round trips). */
  redis?: ScriptRedis
  /** Prefix of every Redis key. Default: `claude-edge`. */
  prefix?: string
}

/**
 * The limiter the config asks for: on Upstash when `UPSTASH_REDIS_REST_URL`/`TOKEN` are set
 * (bounded by `REDIS_TIMEOUT_MS`, `LIMITS_ON_REDIS_ERROR` on failure), otherwise in memory with
 * a warning.
 */
export function createLimiter(config: Config, options: CreateLimiterOptions = {}): Limiter {
  const { redis: given, prefix, ...rest } = options
  const timeoutMs = config.redisTimeoutMs
  const redis = given ?? upstashRedis(config)
  if (!redis) {
    ;(options.log ?? consoleLogger)({
      level: 'warn',
      msg: 'limits: Upstash is not configured (UPSTASH_REDIS_REST_URL/TOKEN); rate limits and budgets are counted in memory, per isolate',
    })
  }
  return new Limiter({
    ...rest,
    timeoutMs,
    onStoreError: config.limitsOnRedisError,
    ...(redis && { store: new RedisStore(redis, prefix) }),
  })
}
