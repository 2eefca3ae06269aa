import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../src/tools/define-tool.ts'
import { costOf, toUsage } from '../../src/models/cost.ts'
import { Catalogue } from '../../src/models/catalogue.ts'
import { clientKeys } from '../auth/support.ts'
import { pngHeader } from '../support/images.ts'
import { errorOf, type HarnessOptions, type limitedApp } from '../limits/harness.ts'

type Make = (options?: HarnessOptions) => ReturnType<typeof limitedApp>
type Harness = ReturnType<Make>

/** A client key with its own daily budget, as an attacker would hold one. */
export const BUDGET_KEY = 'ce_sk_budget_kZ8xW2qP4rT6yV9bN1mC3dF5gH7jL0sA'
const catalogue = new Catalogue()
const CONCURRENCY = 50

async function env(dailyBudgetUsd: number, extra: Record<string, string> = {}, allow?: string[]) {
  return {
    CLIENT_KEYS: await clientKeys([{ key: BUDGET_KEY, id: 'budgeted', daily_budget_usd: dailyBudgetUsd, ...(allow && { allow }) }]),
    RATE_LIMIT: 'off',
    TOKEN_LIMIT: 'off',
    ...extra,
  }
}

const auth = { authorization: `Bearer ${BUDGET_KEY}`, 'content-type': 'application/json' }

async function post(h: Harness, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return h.request(path, { method: 'POST', headers: { ...auth, ...headers }, body: JSON.stringify(body) })
}

/**
 * What the simulator billed for the answered requests, from its own usage (not the gateway's
 * accounting): `/v1/chat` bodies carry the cost of every step, `/v1/messages` bodies the usage.
 */
async function billed(responses: Response[]): Promise<number> {
  let usd = 0
  for (const res of responses) {
    if (res.status !== 200) continue
    const body = (await res.json()) as { cost_usd?: number; model: string; usage: Record<string, unknown> }
    usd += body.cost_usd ?? costOf(catalogue.get(body.model)!, toUsage(body.usage))
  }
  return usd
}

async function storm(n: number, send: (i: number) => Promise<Response>): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => send(i)))
}

/** A tool whose ~12 KB result the next model call sends back as input, and a loop that calls it four times. */
const bulky = defineTool({ name: 'bulky', description: 'returns a lot', input: z.object({}), execute: async () => 'ü'.repeat(6_000) })
const BULKY_LOOP = [
  {
    role: 'user',
    content: 'Go. [sim step=1 tool=bulky] [sim step=2 tool=bulky] [sim step=3 tool=bulky] [sim step=4 tool=bulky] [sim step=5 text="done"]',
  },
]

const statuses = (responses: Response[]) => responses.map((r) => r.status).sort()

/**
 * The budget holes of issue 14, each tried by 50 concurrent requests: the total the simulator
 * bills never exceeds the budget. Run by memory.test.ts and upstash.test.ts in this folder.
 */
export function budgetHoles(backend: 'memory' | 'upstash', make: Make) {
  describe(`budgets hold on every route (${backend})`, () => {
    it('/v1/messages: a 900,000-character tool description is bounded by its bytes and refused, alone or 50 at once', async () => {
      const h = make({ env: await env(0.01, { MAX_INPUT_TOKENS: '1000000', MAX_BODY_BYTES: '2000000' }) })
      const body = {
        model: 'smart',
        max_tokens: 64,
        tools: [{ name: 'lookup', description: 'd'.repeat(900_000), input_schema: { type: 'object', properties: {} } }],
        messages: [{ role: 'user', content: 'hi [sim tokens=5]' }],
      }
      const responses = await storm(CONCURRENCY, () => post(h, '/v1/messages', body))
      expect(statuses(responses)).toEqual(Array(CONCURRENCY).fill(402))
      // Above 32,000 bounded tokens, count_tokens is asked too: the bound is its count × 1.2, still > $1.
      const worst = Number((await errorOf(responses[0]!)).message.match(/smaller than this request's worst case \(\$(\d+\.\d\d)\)/)?.[1])
      expect(worst).toBeGreaterThan(1)
      expect(h.simulator.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0)
    })

    it('/v1/messages: MAX_INPUT_TOKENS applies (413 with the numbers)', async () => {
      const h = make({ env: await env(100, { MAX_INPUT_TOKENS: '10000', MAX_BODY_BYTES: '2000000' }) })
      const res = await post(h, '/v1/messages', {
        model: 'fast',
        max_tokens: 64,
        tools: [{ name: 'lookup', description: 'd'.repeat(900_000), input_schema: { type: 'object' } }],
        messages: [{ role: 'user', content: 'hi' }],
      })
      expect(res.status).toBe(413)
      expect((await errorOf(res)).message).toMatch(/about \d+ tokens, above MAX_INPUT_TOKENS \(10000\)/)
    })

    it('/v1/messages: tools that fit are priced by their bytes; 50 concurrent never bill past the budget', async () => {
      const budget = 0.01
      const h = make({ env: await env(budget) })
      const responses = await storm(CONCURRENCY, (i) =>
        post(h, '/v1/messages', {
          model: 'fast',
          max_tokens: 200,
          tools: [
            { name: 'lookup', description: `${i} `.padEnd(6_000, 'détail ünïcode '), input_schema: { type: 'object', properties: {} } },
          ],
          messages: [{ role: 'user', content: 'hi [sim tokens=150]' }],
        }),
      )
      const spent = await billed(responses)
      expect(responses.some((r) => r.status === 200)).toBe(true)
      expect(responses.some((r) => r.status === 402)).toBe(true)
      expect(spent).toBeLessThanOrEqual(budget)
    })

    it('/v1/chat: a non-Latin document is bounded by its UTF-8 bytes, not 4 characters a token', async () => {
      const budget = 0.05
      const h = make({ env: await env(budget) })
      const doc = '漢字かなカナ한국어'.repeat(2_500) // 25 000 characters, 3 bytes each
      const responses = await storm(CONCURRENCY, (i) =>
        post(h, '/v1/chat', {
          model: 'fast',
          max_tokens: 100,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'document', source: { type: 'text', media_type: 'text/plain', data: `${i}${doc}` } },
                { type: 'text', text: 'Summarise. [sim tokens=50]' },
              ],
            },
          ],
        }),
      )
      const spent = await billed(responses)
      expect(responses.some((r) => r.status === 200)).toBe(true)
      expect(spent).toBeLessThanOrEqual(budget)
    })

    it('/v1/chat: a tiny image claiming many pixels is bounded by its size, not its bytes', async () => {
      const budget = 0.1
      const h = make({ env: await env(budget) })
      const responses = await storm(CONCURRENCY, () =>
        post(h, '/v1/chat', {
          model: 'smart',
          max_tokens: 50,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngHeader(2000, 1500) } },
                { type: 'text', text: 'What is it? [sim tokens=20]' },
              ],
            },
          ],
        }),
      )
      const answered = responses.filter((r) => r.status === 200)
      expect(answered.length).toBeGreaterThan(0)
      const { usage } = (await answered[0]!.clone().json()) as {
        usage: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }
      }
      // Billed as an image (thousands of tokens, maybe read from the cache), though its data is 44 bytes.
      expect(usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens).toBeGreaterThan(3000)
      expect(await billed(responses)).toBeLessThanOrEqual(budget)
    })

    it('/v1/chat: a PDF, whose pages the gateway cannot count, is bounded through count_tokens', async () => {
      const budget = 0.05
      const h = make({ env: await env(budget) })
      const pages = Array.from({ length: 6 }, (_, i) => `${i + 3} 0 obj << /Type /Page /Parent 2 0 R >> endobj`).join('\n')
      const pdf = btoa(
        `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count 6 >> endobj\n${pages}\n%%EOF`,
      )
      const responses = await storm(CONCURRENCY, () =>
        post(h, '/v1/chat', {
          model: 'fast',
          max_tokens: 50,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf } },
                { type: 'text', text: 'Summarise [sim tokens=20]' },
              ],
            },
          ],
        }),
      )
      expect(responses.some((r) => r.status === 200)).toBe(true)
      expect(responses.some((r) => r.status === 402)).toBe(true)
      expect(h.simulator.requests.filter((r) => r.path.endsWith('/count_tokens')).length).toBeGreaterThan(0)
      expect(await billed(responses)).toBeLessThanOrEqual(budget)
    })

    it('/v1/messages: a 1-hour cache_control is reserved at the 1-hour write price', async () => {
      const budget = 0.5
      const h = make({ env: await env(budget) })
      const system = [{ type: 'text', text: 'Policy. '.repeat(3_000), cache_control: { type: 'ephemeral', ttl: '1h' } }]
      const responses = await storm(CONCURRENCY, (i) =>
        post(h, '/v1/messages', {
          model: 'balanced',
          max_tokens: 50,
          system: [{ type: 'text', text: `v${i} ` }, ...system],
          messages: [{ role: 'user', content: 'hi [sim tokens=20]' }],
        }),
      )
      const answered = responses.filter((r) => r.status === 200)
      const usages = await Promise.all(
        answered.map((r) => r.clone().json() as Promise<{ usage: { cache_creation?: { ephemeral_1h_input_tokens?: number } } }>),
      )
      expect(usages.some((u) => (u.usage.cache_creation?.ephemeral_1h_input_tokens ?? 0) > 0)).toBe(true)
      expect(await billed(responses)).toBeLessThanOrEqual(budget)
    })

    it('the tool loop re-reserves before every model call and stops with budget_exhausted, never past the budget', async () => {
      const budget = 0.04
      // Each tool result is ~12 KB of text that the next call sends back as input.
      const h = make({ env: await env(budget, { MAX_STEPS: '5' }), tools: [bulky] })
      const send = () =>
        post(h, '/v1/chat', {
          model: 'balanced',
          max_tokens: 300,
          messages: BULKY_LOOP,
        })
      const first = await send()
      expect(first.status).toBe(200)
      const body = (await first.clone().json()) as { stop_reason: string; steps: { type: string }[]; warnings?: string[] }
      expect(body.stop_reason).toBe('budget_exhausted')
      expect(body.warnings?.join(' ')).toMatch(
        /budget: stopped before the next model call: its worst case \(\$0\.\d+\) does not fit what is left of your daily budget/,
      )
      expect(body.steps.filter((s) => s.type === 'model').length).toBeGreaterThanOrEqual(2)
      await h.settled()
      const responses = [first, ...(await storm(CONCURRENCY, send))]
      await h.settled()
      expect(await billed(responses)).toBeLessThanOrEqual(budget)
    })

    it('the same loop on the stream: the finish metadata says budget_exhausted and why', async () => {
      const h = make({ env: await env(0.04, { MAX_STEPS: '5' }), tools: [bulky] })
      const res = await post(h, '/v1/chat/stream', {
        model: 'balanced',
        max_tokens: 300,
        messages: BULKY_LOOP,
      })
      expect(res.status).toBe(200)
      const text = await res.text()
      const finish = text
        .split('\n')
        .filter((l) => l.startsWith('data: {') && l.includes('"type":"finish"'))
        .map((l) => JSON.parse(l.slice(6)))[0]
      expect(finish.messageMetadata).toMatchObject({ stop_reason: 'budget_exhausted' })
      expect(finish.messageMetadata.warnings.join(' ')).toMatch(/does not fit what is left of your daily budget/)
    })

    it('server tools, mcp_servers, container and unknown betas are refused with a 400 naming them, unless the key allows them', async () => {
      const h = make({ env: await env(1) })
      const base = { model: 'fast', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }
      const search = await post(h, '/v1/messages', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] })
      expect(search.status).toBe(400)
      expect(search.headers.get('x-request-id')).toBeTruthy()
      expect((await errorOf(search)).message).toMatch(
        /tools\.0 \(server tool `web_search_20250305`\) would spend outside this gateway's budget reservation/,
      )
      const mcp = await post(h, '/v1/messages', {
        ...base,
        mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }],
        container: 'c1',
      })
      expect((await errorOf(mcp)).message).toMatch(/`mcp_servers`, `container` would spend outside/)
      const beta = await post(h, '/v1/messages', base, { 'anthropic-beta': 'structured-outputs-2025-11-13, fast-mode-2026-02-01' })
      expect(beta.status).toBe(400)
      expect((await errorOf(beta)).message).toMatch(/anthropic-beta `fast-mode-2026-02-01`/)
      expect(h.simulator.requests).toHaveLength(0)
      // Free betas the SDKs send on their own pass.
      expect((await post(h, '/v1/messages', base, { 'anthropic-beta': 'structured-outputs-2025-11-13,files-api-2025-04-14' })).status).toBe(
        200,
      )

      const allowed = make({ env: await env(1, {}, ['web_search']) })
      const unbounded = await post(allowed, '/v1/messages', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] })
      expect((await errorOf(unbounded)).message).toMatch(/max_uses is required here/)
    })

    it('small ordinary requests still spend at least a fifth of the budget under the same concurrency', async () => {
      const budget = 0.005
      const h = make({ env: await env(budget) })
      let spent = 0
      for (let wave = 0; wave < 40; wave++) {
        const responses = await storm(CONCURRENCY, () =>
          post(h, '/v1/chat', {
            model: 'fast',
            max_tokens: 200,
            messages: [{ role: 'user', content: 'Tell me something. [sim tokens=180]' }],
          }),
        )
        spent += await billed(responses)
        await h.settled()
        if (responses.some((r) => r.status === 402)) break
      }
      expect(spent).toBeLessThanOrEqual(budget)
      expect(spent).toBeGreaterThanOrEqual(budget / 5)
      console.log(
        `[admission/${backend}] small requests spent ${((spent / budget) * 100).toFixed(0)} % of the budget before the first refusal`,
      )
    })
  })
}
