// What the budget admission costs per request, before (issue 14) and after, measured side by side:
// pricing a request (CPU, in-process) and the admission round trip (one EVALSHA through
// @upstash/redis → the local Upstash bridge → redis-server).
//   node bench/admission.ts [calls=2000]
// "before" is the estimate-based worst case the gateway used to reserve (input estimate × 1.25 at
// the dearer of input and cache-write, plus max_tokens of output), re-stated here as the reference.
import { randomUUID } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { startBridge, startRedis } from '../scripts/upstash-bridge.ts'
import { boundCall } from '../src/admission/bound-call.ts'
import { parseConfig } from '../src/config.ts'
import { estimateInputTokens } from '../src/context/estimate-tokens.ts'
import { Limiter } from '../src/limits/limiter.ts'
import { RedisStore } from '../src/limits/redis-store.ts'
import { costOf } from '../src/models/cost.ts'
import type { MessageParams } from '../src/upstream/params.ts'
import { pngHeader } from '../test/support/images.ts'

const calls = Number(process.argv[2] ?? 2000)
const config = parseConfig({ UPSTREAM: 'simulator' })
const identity = { kind: 'key' as const, id: 'key:bench' }

const png = pngHeader(1024, 768)

const shapes: Record<string, MessageParams> = {
  'small chat turn': {
    model: 'claude-haiku-5-5',
    max_tokens: 1024,
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
  },
  '10-turn chat + 3 tools': {
    model: 'claude-sonnet-5-5',
    max_tokens: 1024,
    system: 'You are a helpful assistant for an online shop. '.repeat(20),
    tools: Array.from({ length: 3 }, (_, i) => ({
      name: `tool_${i}`,
      description: 'Looks things up in the catalogue. '.repeat(10),
      input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } },
    })),
    messages: Array.from({ length: 10 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: 'A reasonably long chat message about an order. '.repeat(8),
    })),
  },
  'image + question': {
    model: 'claude-opus-5-5',
    max_tokens: 1024,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          { type: 'text', text: 'What is this?' },
        ],
      },
    ],
  },
}

/** The reservation before issue 14 (src/limits/estimate.ts, removed): an estimate, not a bound. */
function before(params: MessageParams): number {
  const model = config.catalogue.get(params.model)!
  const input = Math.ceil(estimateInputTokens(params, model) * 1.25)
  const priced = (u: { input_tokens: number; cache_creation_input_tokens: number }) =>
    costOf(model, { ...u, output_tokens: params.max_tokens, cache_read_input_tokens: 0 })
  return Math.max(
    priced({ input_tokens: input, cache_creation_input_tokens: 0 }),
    priced({ input_tokens: 0, cache_creation_input_tokens: input }),
  )
}

const after = async (params: MessageParams) => (await boundCall({ params, betas: [] }, { config, identity })).costUsd

async function time(run: () => unknown | Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < 200; i++) await run()
  const start = performance.now()
  for (let i = 0; i < n; i++) await run()
  return ((performance.now() - start) / n) * 1000
}

console.log(`Pricing one request (CPU, µs per request, ${calls * 5} calls each; before/after in the same run)\n`)
console.log('| request | before: estimate | after: bound | after/before | reserved before → after |')
console.log('|---|---:|---:|---:|---:|')
for (const [name, params] of Object.entries(shapes)) {
  const b = await time(() => before(params), calls * 5)
  const a = await time(() => after(params), calls * 5)
  console.log(
    `| ${name} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(a / b).toFixed(2)}× | $${before(params).toFixed(5)} → $${(await after(params)).toFixed(5)} |`,
  )
}

const redis = await startRedis()
const bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
try {
  const client = new Redis({ url: bridge.url, token: bridge.token, retry: false, enableTelemetry: false })
  let evals = 0
  const counting = {
    evalsha: (...args: Parameters<Redis['evalsha']>) => (evals++, client.evalsha(...args)),
    eval: (...args: Parameters<Redis['eval']>) => (evals++, client.eval(...args)),
  }
  const limiter = new Limiter({ store: new RedisStore(counting as never, `bench:${randomUUID()}`) })
  const policy = {
    requests: { limit: 1e9, windowMs: 60_000, window: '1 m' as const },
    tokens: { limit: 1e12, windowMs: 60_000, window: '1 m' as const },
    dailyBudgetUsd: 1e6,
    globalDailyBudgetUsd: 1e6,
  }
  const params = shapes['10-turn chat + 3 tools']!
  const admitWith = (price: (p: MessageParams) => number | Promise<number>) => async () => {
    const decision = await limiter.admit({ who: 'key:bench', policy, tokens: 500, reserveUsd: await price(params) })
    await limiter.settle(decision.ticket!, { tokens: 480, costUsd: 0.002 })
  }
  console.log(`\nAdmission + settle through the local Upstash bridge (ms per request, ${calls} requests each)\n`)
  console.log('| | before | after | after/before | Redis round trips per request |')
  console.log('|---|---:|---:|---:|---:|')
  const b = await time(admitWith(before), calls)
  evals = 0
  const a = await time(admitWith(after), calls)
  const perRequest = evals / (calls + 200)
  console.log(
    `| price + admit + settle | ${(b / 1000).toFixed(3)} | ${(a / 1000).toFixed(3)} | ${(a / b).toFixed(2)}× | ${perRequest.toFixed(2)} (1 admission + 1 settle after the response) |`,
  )
} finally {
  await bridge.close()
  await redis.close()
}
