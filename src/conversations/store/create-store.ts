import type { Config } from '../../config.ts'
import { upstashRedis } from '../../upstash/redis.ts'
import { type ConversationRedis, RedisConversationStore } from './redis-store.ts'

export interface RedisConversationStoreFactoryOptions {
  /** A Redis client to use instead of one built from `config.upstash` (e.g. one that counts round trips). */
  redis?: ConversationRedis
  /** Prefix of every key. Default: `claude-edge`. */
  prefix?: string
  /** Clock in epoch ms. Default: `Date.now`. */
  now?: () => number
  /** Deadline of each Redis request in ms. Default: `REDIS_TIMEOUT_MS` (a large conversation may need more). */
  timeoutMs?: number
}

/**
 * The Upstash conversation store the config asks for (`UPSTASH_REDIS_REST_URL`/`TOKEN`, bounded
 * by `REDIS_TIMEOUT_MS`, TTL `CONVERSATION_TTL`); undefined when Upstash is not configured and no
 * client is given. The client is `upstashRedis`'s, as the limiter's.
 */
export function redisConversationStore(
  config: Pick<Config, 'upstash' | 'redisTimeoutMs' | 'conversations'>,
  options: RedisConversationStoreFactoryOptions = {},
): RedisConversationStore | undefined {
  const redis = options.redis ?? upstashRedis(config, options.timeoutMs)
  if (!redis) return undefined
  return new RedisConversationStore(redis, {
    ttlMs: config.conversations.ttlMs,
    ...(options.prefix !== undefined && { prefix: options.prefix }),
    ...(options.now && { now: options.now }),
  })
}
