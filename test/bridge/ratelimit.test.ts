// @upstash/ratelimit 2.2, unchanged, against the local bridge. Windows are an hour long so a
// test never straddles a window boundary; analytics, protection and the ephemeral cache are off.
import { Ratelimit } from '@upstash/ratelimit'
import { describe, expect, it } from 'vitest'
import { faultyUrl, uniquePrefix, upstashRedis } from '../support/upstash.ts'

type Limiter = ConstructorParameters<typeof Ratelimit>[0]['limiter']

function ratelimit(limiter: Limiter) {
  return new Ratelimit({
    redis: upstashRedis(),
    limiter,
    prefix: uniquePrefix('rl'),
    ephemeralCache: false,
    analytics: false,
    enableProtection: false,
    timeout: 0, // a timeout would let requests through with reason "timeout" and hide failures
  })
}

async function drain(rl: Ratelimit, id: string, times: number) {
  const results = []
  for (let i = 0; i < times; i++) results.push(await rl.limit(id))
  return results.map(({ success, remaining, limit, reason }) => ({ success, remaining, limit, reason }))
}

// The hash @upstash/ratelimit 2.2.0 sends for its fixed-window script (dist/index.mjs).
const FIXED_WINDOW_LIMIT_SHA = 'b2efc02798c8e9b471a10f9b1d5745db89923ff3'

type ScriptCall = { command: string; sha: string | undefined; outcome: string }

/** Records the EVAL/EVALSHA commands @upstash/redis sends through fetch, and how each ended. */
function recordScriptCalls() {
  const calls: ScriptCall[] = []
  const original = globalThis.fetch
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init)
    const url = new URL(input instanceof Request ? input.url : String(input))
    const sent = JSON.parse(String(init?.body)) as unknown[]
    const commands = (url.pathname.endsWith('/pipeline') ? sent : [sent]) as string[][]
    const json = (await res.clone().json()) as { result?: unknown; error?: string } | { result?: unknown; error?: string }[]
    const replies = Array.isArray(json) ? json : [json]
    commands.forEach((command, i) => {
      const name = String(command[0]).toLowerCase()
      if (name !== 'eval' && name !== 'evalsha') return
      const reply = replies[i]
      calls.push({ command: name, sha: name === 'evalsha' ? command[1] : undefined, outcome: reply?.error ?? 'ok' })
    })
    return res
  }
  return { calls, restore: () => void (globalThis.fetch = original) }
}

describe('@upstash/ratelimit against the bridge', () => {
  it('slidingWindow allows the limit, then blocks, and reports what is left', async () => {
    const rl = ratelimit(Ratelimit.slidingWindow(3, '1 h'))
    expect(await drain(rl, 'user-a', 4)).toEqual([
      { success: true, remaining: 2, limit: 3, reason: undefined },
      { success: true, remaining: 1, limit: 3, reason: undefined },
      { success: true, remaining: 0, limit: 3, reason: undefined },
      { success: false, remaining: 0, limit: 3, reason: undefined },
    ])
    expect(await rl.getRemaining('user-a')).toMatchObject({ remaining: 0, limit: 3 })
    expect(await rl.getRemaining('user-b')).toMatchObject({ remaining: 3, limit: 3 })
  })

  it('fixedWindow counts weighted requests and can be reset', async () => {
    const rl = ratelimit(Ratelimit.fixedWindow(10, '1 h'))
    expect(await rl.limit('user', { rate: 6 })).toMatchObject({ success: true, remaining: 4 })
    expect(await rl.limit('user', { rate: 6 })).toMatchObject({ success: false, remaining: 0 })
    expect(await rl.getRemaining('user')).toMatchObject({ remaining: 0, limit: 10 })
    await rl.resetUsedTokens('user')
    expect(await rl.getRemaining('user')).toMatchObject({ remaining: 10 })
    expect(await rl.limit('user')).toMatchObject({ success: true, remaining: 9 })
  })

  it('tokenBucket spends the bucket, then blocks', async () => {
    const rl = ratelimit(Ratelimit.tokenBucket(1, '1 h', 2))
    expect(await drain(rl, 'user', 3)).toEqual([
      { success: true, remaining: 1, limit: 2, reason: undefined },
      { success: true, remaining: 0, limit: 2, reason: undefined },
      { success: false, remaining: 0, limit: 2, reason: undefined },
    ])
    expect(await rl.getRemaining('user')).toMatchObject({ remaining: 0, limit: 2 })
  })

  it('falls back to EVAL on NOSCRIPT, then runs the original SHA in one round trip', async () => {
    // A private script registry on the bridge: no other test can have taught it these SHAs.
    const url = faultyUrl({ scripts: crypto.randomUUID() })
    const rl = new Ratelimit({
      redis: upstashRedis(url),
      limiter: Ratelimit.fixedWindow(5, '1 h'),
      prefix: uniquePrefix('rl'),
      ephemeralCache: false,
      timeout: 0,
    })
    const wire = recordScriptCalls()
    try {
      expect(await rl.limit('user')).toMatchObject({ success: true, remaining: 4 })
      expect(wire.calls).toEqual([
        { command: 'evalsha', sha: FIXED_WINDOW_LIMIT_SHA, outcome: expect.stringMatching(/^NOSCRIPT/) },
        { command: 'eval', sha: undefined, outcome: 'ok' },
      ])
      wire.calls.length = 0
      expect(await rl.limit('user')).toMatchObject({ success: true, remaining: 3 })
      expect(wire.calls).toEqual([{ command: 'evalsha', sha: FIXED_WINDOW_LIMIT_SHA, outcome: 'ok' }])
    } finally {
      wire.restore()
    }
  })

  it('blocks concurrent requests exactly at the limit', async () => {
    const rl = ratelimit(Ratelimit.slidingWindow(5, '1 h'))
    const results = await Promise.all(Array.from({ length: 12 }, () => rl.limit('burst')))
    expect(results.filter((r) => r.success)).toHaveLength(5)
  })
})
