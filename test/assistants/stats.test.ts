import { describe, expect, it, vi, afterEach } from 'vitest'
import { utcDay } from '../../src/limits/policy.ts'
import { MemoryStore } from '../../src/limits/memory-store.ts'
import { RedisStore } from '../../src/limits/redis-store.ts'
import { clientKeys } from '../auth/support.ts'
import { NOON, isoDay, limitedApp } from '../limits/harness.ts'
import { SITE_ASSISTANT } from '../support/assistants.ts'
import { uniquePrefix, upstashEnv, upstashRedis } from '../support/upstash.ts'

const KEY = 'ce_sk_stats_T7mQ2wE9rY4uI1oP6aS3dF8gH5jK0lZx'
afterEach(() => vi.restoreAllMocks())

describe('usage, cost, errors and latency per assistant version', () => {
  it("are added to the assistant version's day by the settle (Upstash), and written in each log line", async () => {
    const logged: string[] = []
    // The default logger writes by level: an error's line goes to console.error.
    for (const level of ['log', 'warn', 'error'] as const)
      vi.spyOn(console, level).mockImplementation((line: unknown) => void logged.push(String(line)))
    const prefix = uniquePrefix('assistant-stats')
    const h = limitedApp({
      prefix,
      env: {
        UPSTASH_REDIS_REST_URL: upstashEnv().url,
        UPSTASH_REDIS_REST_TOKEN: upstashEnv().token,
        ASSISTANTS: JSON.stringify([SITE_ASSISTANT]),
        CLIENT_KEYS: await clientKeys([{ key: KEY, id: 'site-backend', assistants: ['site'] }]),
        DAILY_BUDGET_USD: '1',
      },
    })
    const send = (content: string) =>
      h.request('/v1/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content }] }),
      })
    const ok = await send('Hi [sim tokens=30]')
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { cost_usd: number; usage: { output_tokens: number } }
    expect((await send('Hi [sim status=500]')).status).toBeGreaterThanOrEqual(500)
    await h.settled()

    const stats = await new RedisStore(upstashRedis(), prefix).assistantStats('site', '3', isoDay(NOON))
    expect(stats).toMatchObject({
      requests: 2,
      errors: 1,
      costNanos: Math.round(body.cost_usd * 1e9),
      outputTokens: body.usage.output_tokens,
    })
    expect(stats.inputTokens).toBeGreaterThan(0)
    expect(stats.latencyMs).toBeGreaterThanOrEqual(0)
    const lines = logged.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.assistant, l.assistant_version])).toEqual([
      ['site', '3'],
      ['site', '3'],
    ])
  })

  it('the memory store keeps the same figures', async () => {
    const store = new MemoryStore()
    const { day, endsAt } = utcDay(NOON)
    const settle = (errors: 0 | 1, actualNanos: number) =>
      store.settle({
        who: 'ip:1',
        now: NOON,
        day,
        dayEndsAt: endsAt,
        dayTokensDelta: 0,
        reservedNanos: 0,
        actualNanos,
        globalHeld: false,
        stats: { assistant: 'site', version: '3', errors, latencyMs: 120, inputTokens: 50, outputTokens: 7 },
      })
    await settle(0, 1000)
    await settle(1, 0)
    expect(await store.assistantStats('site', '3', day)).toEqual({
      requests: 2,
      errors: 1,
      costNanos: 1000,
      latencyMs: 240,
      inputTokens: 100,
      outputTokens: 14,
    })
    expect(await store.assistantStats('site', '4', day)).toMatchObject({ requests: 0 })
  })
})
