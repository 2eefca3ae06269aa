import type { Redis } from '@upstash/redis/cloudflare'

/** Where circuit breakers of different isolates share which models are open. */
export interface BreakerStore {
  /** Publishes that `model` is open until `openUntil` (epoch ms). */
  open(model: string, openUntil: number): Promise<void>
  /** Publishes that `model` answered again. */
  clear(model: string): Promise<void>
  /** Open-until times (epoch ms) of the models that are open somewhere. */
  read(models: readonly string[]): Promise<Map<string, number>>
}

export interface UpstashBreakerStoreOptions {
  /** Key prefix. Default: `claude-edge:breaker:`. */
  prefix?: string
}

/**
 * Breaker state in Upstash Redis: one key per open model holding its open-until time, expiring
 * when the cool-down ends. Needs only `set`, `del` and `mget`.
 */
export function upstashBreakerStore(redis: Pick<Redis, 'set' | 'del' | 'mget'>, options: UpstashBreakerStoreOptions = {}): BreakerStore {
  const { prefix = 'claude-edge:breaker:' } = options
  return {
    async open(model, openUntil) {
      const ttl = Math.max(1, Math.ceil(openUntil - Date.now()))
      await redis.set(prefix + model, String(openUntil), { px: ttl })
    },
    async clear(model) {
      await redis.del(prefix + model)
    },
    async read(models) {
      const out = new Map<string, number>()
      if (!models.length) return out
      const values = await redis.mget<(string | number | null)[]>(...models.map((m) => prefix + m))
      values.forEach((value, i) => {
        const until = Number(value)
        if (value !== null && Number.isFinite(until)) out.set(models[i]!, until)
      })
      return out
    },
  }
}
