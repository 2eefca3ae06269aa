// @upstash/redis (the Cloudflare entry the Worker uses), unchanged, against the local bridge.
import { describe, expect, it } from 'vitest'
import { uniquePrefix, upstashRedis } from '../support/upstash.ts'

// The first line of every @upstash/ratelimit script, which Redis 7 rejects as is.
const SHEBANG_SCRIPT = '#!lua flags=allow-key-locking\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])'

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

describe('@upstash/redis against the bridge', () => {
  it('runs get / set / incr / expire / ttl', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    expect(await redis.set(`${p}greeting`, 'hello', { ex: 60 })).toBe('OK')
    expect(await redis.get(`${p}greeting`)).toBe('hello')
    expect(await redis.incr(`${p}count`)).toBe(1)
    expect(await redis.incrby(`${p}count`, 41)).toBe(42)
    expect(await redis.expire(`${p}count`, 100)).toBe(1)
    const ttl = await redis.ttl(`${p}count`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(100)
    expect(await redis.get(`${p}nothing`)).toBeNull()
  })

  it('round-trips JSON values, unicode and the literal string "OK"', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    await redis.set(`${p}obj`, { spend: 0.25, model: 'claude-sonnet-5-5', tags: ['a'] })
    expect(await redis.get(`${p}obj`)).toEqual({ spend: 0.25, model: 'claude-sonnet-5-5', tags: ['a'] })
    await redis.set(`${p}text`, 'naïve – 日本語 🚀')
    expect(await redis.get(`${p}text`)).toBe('naïve – 日本語 🚀')
    await redis.set(`${p}ok`, 'OK')
    expect(await redis.get(`${p}ok`)).toBe('OK')
  })

  it('runs hashes, sorted sets and lists', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    await redis.hset(`${p}h`, { a: 1, b: 'two' })
    expect(await redis.hgetall(`${p}h`)).toEqual({ a: 1, b: 'two' })
    expect(await redis.hincrbyfloat(`${p}h`, 'a', 0.5)).toBe(1.5)
    await redis.zadd(`${p}z`, { score: 2, member: 'b' }, { score: 1, member: 'a' })
    expect(await redis.zrange(`${p}z`, 0, -1, { withScores: true })).toEqual(['a', 1, 'b', 2])
    await redis.rpush(`${p}l`, 'x', 'y')
    expect(await redis.lrange(`${p}l`, 0, -1)).toEqual(['x', 'y'])
  })

  it('throws the Redis error message on a failing command', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    await redis.set(`${p}s`, 'text')
    await expect(redis.incr(`${p}s`)).rejects.toThrow('ERR value is not an integer or out of range')
  })

  it('runs a pipeline with per-command results', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    const results = await redis.pipeline().set(`${p}a`, 5).incr(`${p}a`).get(`${p}a`).exists(`${p}none`).exec()
    expect(results).toEqual(['OK', 6, 6, 0])
  })

  it('keeps per-command errors of a pipeline when asked', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    const results = await redis.pipeline().set(`${p}a`, 'x').incr(`${p}a`).get(`${p}a`).exec({ keepErrors: true })
    expect(results[0]).toEqual({ result: 'OK', error: undefined })
    expect(results[1]?.error).toBe('ERR value is not an integer or out of range')
    expect(results[2]).toEqual({ result: 'x', error: undefined })
  })

  it('runs a multi-exec transaction', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    const results = await redis.multi().incrby(`${p}spend`, 3).incrby(`${p}spend`, 4).expire(`${p}spend`, 60).exec()
    expect(results).toEqual([3, 7, 1])
  })

  it('runs eval, scriptLoad and evalsha', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    const script = 'return redis.call("INCRBY", KEYS[1], ARGV[1])'
    expect(await redis.eval(script, [`${p}n`], ['2'])).toBe(2)
    const sha = await redis.scriptLoad(script)
    expect(sha).toBe(await sha1(script))
    expect(await redis.evalsha(sha, [`${p}n`], ['3'])).toBe(5)
    expect(await redis.scriptExists(sha)).toEqual([1])
  })

  it('answers NOSCRIPT to an unknown SHA', async () => {
    const redis = upstashRedis()
    await expect(redis.evalsha('0'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/)
  })

  it('runs scripts with the Upstash-only allow-key-locking flag, NOSCRIPT first', async () => {
    const redis = upstashRedis()
    const p = uniquePrefix()
    // A fresh variant, so no earlier EVAL taught the bridge this SHA.
    const script = `${SHEBANG_SCRIPT} -- ${p}`
    const sha = await sha1(script)
    await expect(redis.evalsha(sha, [`${p}n`], ['1'])).rejects.toThrow(/NOSCRIPT/)
    expect(await redis.eval(script, [`${p}n`], ['1'])).toBe(1)
    // Once seen, the original SHA runs the rewritten script.
    expect(await redis.evalsha(sha, [`${p}n`], ['1'])).toBe(2)
    expect(await redis.scriptLoad(`${script} `)).toBe(await sha1(`${script} `))
  })

  it('reports a Lua error with its message', async () => {
    const redis = upstashRedis()
    await expect(redis.eval('return redis.call("NOSUCHCOMMAND")', [], [])).rejects.toThrow(/Unknown Redis command|unknown command/i)
  })
})
