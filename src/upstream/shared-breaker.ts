import type { Config } from '../config.ts'
import { upstashRedis } from '../upstash/redis.ts'
import { upstashBreakerStore } from './breaker-store.ts'
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts'

/**
 * The gateway's circuit breaker: per isolate, and shared through Upstash when it is configured
 * (openings written and read in the background, never on a request's critical path).
 */
export function createCircuitBreaker(
  config: Pick<Config, 'upstash' | 'redisTimeoutMs'>,
  options: CircuitBreakerOptions = {},
): CircuitBreaker {
  const redis = !options.store && upstashRedis(config)
  if (!redis) return new CircuitBreaker(options)
  return new CircuitBreaker({ ...options, store: upstashBreakerStore(redis) })
}
