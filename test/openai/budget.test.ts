import { describe, expect, it } from 'vitest'
import { Catalogue } from '../../src/models/catalogue.ts'
import { costOf } from '../../src/models/cost.ts'
import { clientKeys } from '../auth/support.ts'
import { limitedApp, type HarnessOptions } from '../limits/harness.ts'
import { uniquePrefix, upstashEnv } from '../support/upstash.ts'

/** A client key with its own daily budget (as in test/admission/holes.ts). */
const BUDGET_KEY = 'ce_sk_budget_kZ8xW2qP4rT6yV9bN1mC3dF5gH7jL0sA'
const CONCURRENCY = 30
const catalogue = new Catalogue()

async function env(dailyBudgetUsd: number, extra: Record<string, string> = {}) {
  return {
    CLIENT_KEYS: await clientKeys([{ key: BUDGET_KEY, id: 'budgeted', daily_budget_usd: dailyBudgetUsd }]),
    RATE_LIMIT: 'off',
    TOKEN_LIMIT: 'off',
    ...extra,
  }
}

type Harness = ReturnType<typeof limitedApp>

function post(h: Harness, body: unknown): Promise<Response> {
  return h.request('/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${BUDGET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

const storm = (n: number, send: (i: number) => Promise<Response>) => Promise.all(Array.from({ length: n }, (_, i) => send(i)))

/** What the answered completions cost, from their usage (OpenAI's counts split back into Anthropic's). */
async function billed(responses: Response[]): Promise<number> {
  let usd = 0
  for (const res of responses.filter((r) => r.status === 200)) {
    const { model, usage } = (await res.json()) as {
      model: string
      usage: {
        prompt_tokens: number
        completion_tokens: number
        prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number }
      }
    }
    const { cached_tokens: read, cache_write_tokens: write } = usage.prompt_tokens_details
    usd += costOf(catalogue.get(model)!, {
      input_tokens: usage.prompt_tokens - read - write,
      output_tokens: usage.completion_tokens,
      cache_creation_input_tokens: write,
      cache_read_input_tokens: read,
    })
  }
  return usd
}

/** The admission sees the whole upstream call as it will be sent: tools and system messages are priced. */
function budgets(backend: string, make: (options: HarnessOptions) => Harness) {
  describe(`POST /v1/chat/completions: budgets (${backend})`, () => {
    it('a 900,000-character tool description is priced and refused 402, alone or many at once', async () => {
      const h = make({ env: await env(0.01, { MAX_INPUT_TOKENS: '1000000', MAX_BODY_BYTES: '2000000' }) })
      const body = {
        model: 'smart',
        max_tokens: 64,
        tools: [
          {
            type: 'function',
            function: { name: 'lookup', description: 'd'.repeat(900_000), parameters: { type: 'object', properties: {} } },
          },
        ],
        messages: [{ role: 'user', content: 'hi [sim tokens=5]' }],
      }
      const responses = await storm(CONCURRENCY, () => post(h, body))
      expect(responses.map((r) => r.status)).toEqual(Array(CONCURRENCY).fill(402))
      const { error } = (await responses[0]!.json()) as { error: { message: string; type: string; code: string } }
      expect(error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' })
      expect(Number(error.message.match(/smaller than this request's worst case \(\$(\d+\.\d\d)\)/)?.[1])).toBeGreaterThan(1)
      expect(h.simulator.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0)
    })

    it('a long system message is priced the same way', async () => {
      const h = make({ env: await env(0.01, { MAX_INPUT_TOKENS: '1000000', MAX_BODY_BYTES: '2000000' }) })
      const res = await post(h, {
        model: 'smart',
        max_tokens: 64,
        messages: [
          { role: 'system', content: 'Rules. '.repeat(120_000) },
          { role: 'user', content: 'hi' },
        ],
      })
      expect(res.status).toBe(402)
    })

    it('tools that fit: many concurrent requests never bill past the budget', async () => {
      const budget = 0.01
      const h = make({ env: await env(budget) })
      const responses = await storm(CONCURRENCY, (i) =>
        post(h, {
          model: 'fast',
          max_tokens: 200,
          tools: [
            {
              type: 'function',
              function: {
                name: 'lookup',
                description: `${i} `.padEnd(6_000, 'détail ünïcode '),
                parameters: { type: 'object', properties: {} },
              },
            },
          ],
          messages: [{ role: 'user', content: 'hi [sim tokens=150]' }],
        }),
      )
      expect(responses.some((r) => r.status === 200)).toBe(true)
      expect(responses.some((r) => r.status === 402)).toBe(true)
      expect(await billed(responses)).toBeLessThanOrEqual(budget)
    })
  })
}

budgets('memory', (options) => limitedApp(options))
budgets('upstash', (options) =>
  limitedApp({
    prefix: uniquePrefix('openai'),
    ...options,
    env: { UPSTASH_REDIS_REST_URL: upstashEnv().url, UPSTASH_REDIS_REST_TOKEN: upstashEnv().token, ...options.env },
  }),
)
