import { Redis } from '@upstash/redis/cloudflare'
import type { Config } from '../config.ts'
import { upstashBreakerStore } from './breaker-store.ts'
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts'

/**
 * The gateway's circuit breaker: per isolate, and shared through Upstash when it is configured
 * (openings written and read in the background, never on a request's critical path).
 */
export function createCircuitBreaker(config: Pick<Config, 'upstash'>, options: CircuitBreakerOptions = {}): CircuitBreaker {
  if (options.store || !config.upstash) return new CircuitBreaker(options)
  const redis = new Redis({ url: config.upstash.url, token: config.upstash.token, retry: { retries: 0 }, enableTelemetry: false })
  return new CircuitBreaker({ ...options, store: upstashBreakerStore(redis) })
}
