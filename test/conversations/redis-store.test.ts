// The Upstash conversation store against a real redis-server through the local Upstash bridge
// (`npm test` starts both). Without the bridge these tests fail with instructions: they never skip.
import { Redis } from '@upstash/redis/cloudflare'
import { describe, expect, it } from 'vitest'
import { redisConversationStore } from '../../src/conversations/store/create-store.ts'
import { CONVERSATION_SCRIPTS, type ConversationRedis, RedisConversationStore } from '../../src/conversations/store/redis-store.ts'
import { uniquePrefix, upstashEnv, upstashRedis } from '../support/upstash.ts'
import { type Clock, conversation, conversationStoreBehaviour, listAll, T0, TTL } from './store-behaviour.ts'

const onBridge = (clock: Clock, redis: ConversationRedis = upstashRedis(), prefix = uniquePrefix('conv').slice(0, -1)) =>
  new RedisConversationStore(redis, { ttlMs: TTL, prefix, now: () => clock.now })

conversationStoreBehaviour('Upstash', (clock) => onBridge(clock))

// The client's automatic JSON parsing of replies turns "12345678" into a number: the store must not care.
conversationStoreBehaviour('Upstash without automatic deserialization', (clock) =>
  onBridge(clock, new Redis({ url: upstashEnv().url, token: upstashEnv().token, retry: false, automaticDeserialization: false })),
)

/** A client on the bridge that records every round trip. */
function countingRedis(inner: ConversationRedis = upstashRedis()) {
  const calls: string[] = []
  const redis: ConversationRedis = {
    get: ((...args: Parameters<ConversationRedis['get']>) => (calls.push('get'), inner.get(...args))) as ConversationRedis['get'],
    evalsha: ((...args: Parameters<ConversationRedis['evalsha']>) => (
      calls.push('evalsha'), inner.evalsha(...args)
    )) as ConversationRedis['evalsha'],
    eval: ((...args: Parameters<ConversationRedis['eval']>) => (calls.push('eval'), inner.eval(...args))) as ConversationRedis['eval'],
  }
  return { redis, calls }
}

async function loadScripts(): Promise<void> {
  const redis = upstashRedis()
  for (const script of Object.values(CONVERSATION_SCRIPTS)) await redis.scriptLoad(script)
}

describe('conversations on Upstash: round trips and layout', () => {
  it('costs one round trip per operation: get, put, list, delete', async () => {
    await loadScripts()
    const clock: Clock = { now: T0 }
    const { redis, calls } = countingRedis()
    const store = onBridge(clock, redis)
    const count = async (run: () => Promise<unknown>) => {
      const before = calls.length
      await run()
      return calls.slice(before)
    }
    expect(await count(() => store.get('key:a', 'conv-0001'))).toEqual(['get'])
    expect(await count(() => store.put(conversation('key:a', 'conv-0001', T0)))).toEqual(['evalsha'])
    expect(await count(() => store.get('key:a', 'conv-0001'))).toEqual(['get'])
    for (let i = 2; i <= 5; i++) await store.put(conversation('key:a', `conv-000${i}`, T0 + i))
    expect(await count(() => store.list('key:a', { limit: 2 }))).toEqual(['evalsha'])
    expect(await count(() => store.delete('key:a', 'conv-0001'))).toEqual(['evalsha'])
    // A turn: load, then store the extended conversation.
    expect(await count(async () => store.put({ ...(await store.get('key:a', 'conv-0002'))!, updatedAt: T0 + 10 }))).toEqual([
      'get',
      'evalsha',
    ])
  })

  it('falls back to EVAL once when Redis answers NOSCRIPT', async () => {
    const inner = upstashRedis()
    let refused = 0
    const { redis, calls } = countingRedis({
      get: inner.get.bind(inner) as ConversationRedis['get'],
      eval: inner.eval.bind(inner) as ConversationRedis['eval'],
      evalsha: (async () => {
        refused++
        throw new Error('NOSCRIPT No matching script. Please use EVAL.')
      }) as ConversationRedis['evalsha'],
    })
    const store = onBridge({ now: T0 }, redis)
    await store.put(conversation('key:a', 'conv-0001', T0))
    expect(calls).toEqual(['evalsha', 'eval'])
    expect(refused).toBe(1)
    expect(await store.get('key:a', 'conv-0001')).toBeDefined()
  })

  it('passes other Redis errors on', async () => {
    const inner = upstashRedis()
    const failing: ConversationRedis = {
      get: inner.get.bind(inner) as ConversationRedis['get'],
      eval: inner.eval.bind(inner) as ConversationRedis['eval'],
      evalsha: (async () => {
        throw new Error('ERR something else')
      }) as ConversationRedis['evalsha'],
    }
    await expect(onBridge({ now: T0 }, failing).put(conversation('key:a', 'conv-0001', T0))).rejects.toThrow('ERR something else')
  })

  it('keeps one key per conversation with PX, a sorted index and a summaries hash with the TTL, all under the prefix', async () => {
    const redis = upstashRedis()
    const prefix = uniquePrefix('layout').slice(0, -1)
    const store = onBridge({ now: T0 }, redis, prefix)
    const c = conversation('ip:2001:db8::/64', 'conv:with:colons', T0)
    await store.put(c)
    const owner = encodeURIComponent('ip:2001:db8::/64')
    const id = encodeURIComponent('conv:with:colons')
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(
      [`${prefix}:conv:${owner}:${id}`, `${prefix}:convs:${owner}`, `${prefix}:convsum:${owner}`].sort(),
    )
    expect(await redis.get(`${prefix}:conv:${owner}:${id}`)).toEqual(c)
    for (const key of [`${prefix}:conv:${owner}:${id}`, `${prefix}:convs:${owner}`, `${prefix}:convsum:${owner}`]) {
      const ttl = await redis.pttl(key)
      expect(ttl, key).toBeGreaterThan(TTL - 5_000)
      expect(ttl, key).toBeLessThanOrEqual(TTL)
    }
    expect(await redis.zscore(`${prefix}:convs:${owner}`, id)).toBe(T0)
    expect(await redis.hget(`${prefix}:convsum:${owner}`, id)).toEqual({
      id: 'conv:with:colons',
      title: c.title,
      createdAt: T0,
      updatedAt: T0,
      messageCount: 2,
    })
  })

  it('drops the index entries and summaries of expired conversations', async () => {
    const redis = upstashRedis()
    const prefix = uniquePrefix('expiry').slice(0, -1)
    const clock: Clock = { now: T0 }
    const store = onBridge(clock, redis, prefix)
    for (let i = 0; i < 3; i++) await store.put(conversation('key:a', `old-000${i}`, T0 + i))
    clock.now = T0 + TTL + 2
    await store.put(conversation('key:a', 'new-0001', clock.now))
    expect(await redis.zrange(`${prefix}:convs:key%3Aa`, 0, -1)).toEqual(['new-0001'])
    expect(await redis.hkeys(`${prefix}:convsum:key%3Aa`)).toEqual(['new-0001'])
  })

  it('pages through 25 conversations with 12 of them in the same millisecond', async () => {
    const store = onBridge({ now: T0 })
    const ids: string[] = []
    for (let i = 0; i < 25; i++) {
      const id = `conv-${String(i).padStart(4, '0')}`
      ids.push(id)
      await store.put(conversation('key:a', id, i < 12 ? T0 : T0 + i))
    }
    for (const limit of [1, 4, 5, 7]) {
      const seen = (await listAll(store, 'key:a', limit)).flat().map((s) => s.id)
      expect(seen.length, `limit ${limit}`).toBe(25)
      expect([...seen].sort()).toEqual(ids)
      expect(seen.slice(0, 13)).toEqual(ids.slice(12).reverse())
    }
  })

  it('redisConversationStore: built from the config, undefined without Upstash', async () => {
    const config = { upstash: upstashEnv(), redisTimeoutMs: 2000, conversations: { maxMessages: 100, maxTokens: 50_000, ttlMs: TTL } }
    const store = redisConversationStore(config, { prefix: uniquePrefix('factory').slice(0, -1), now: () => T0 })!
    expect(store).toBeInstanceOf(RedisConversationStore)
    await store.put(conversation('key:a', 'conv-0001', T0))
    expect((await store.get('key:a', 'conv-0001'))?.id).toBe('conv-0001')
    expect(redisConversationStore({ ...config, upstash: undefined })).toBeUndefined()
  })
})
