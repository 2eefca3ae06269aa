// Latency of one limits admission (request + token limit + both budget holds: one EVALSHA) and of
// one settle, through @upstash/redis → the local Upstash bridge → redis-server.
//   node bench/limits-admission.ts [calls=1000]
// (The whole app cannot load under Node's type stripping; test/limits/redis.test.ts logs the same
// figure measured inside workerd.)
import { randomUUID } from 'node:crypto'
import { Redis } from '@upstash/redis'
import { startBridge, startRedis } from '../scripts/upstash-bridge.ts'
import { Limiter } from '../src/limits/limiter.ts'
import { RedisStore } from '../src/limits/redis-store.ts'

const calls = Number(process.argv[2] ?? 1000)
const redis = await startRedis()
const bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
const client = new Redis({ url: bridge.url, token: bridge.token, retry: false, enableTelemetry: false })

async function measure(label: string, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await run(-1 - i) // warm-up: connections, JIT, script cache
  const times: number[] = []
  for (let i = 0; i < calls; i++) {
    const start = performance.now()
    await run(i)
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  console.log(
    `${label.padEnd(36)} median ${at(0.5).toFixed(3)} ms  p90 ${at(0.9).toFixed(3)} ms  p99 ${at(0.99).toFixed(3)} ms  (${calls} calls)`,
  )
  return at(0.5)
}

const policy = {
  requests: { limit: 1e9, windowMs: 60_000, window: '1 m' as const },
  tokens: { limit: 1e12, windowMs: 60_000, window: '1 m' as const },
  dailyBudgetUsd: 1e6,
  globalDailyBudgetUsd: 1e6,
}
try {
  const limiter = new Limiter({ store: new RedisStore(client, `bench:${randomUUID()}`) })
  let ticket: Awaited<ReturnType<Limiter['admit']>>['ticket']
  await measure('admit (one EVALSHA)', async () => {
    ticket = (await limiter.admit({ who: 'key:bench', policy, tokens: 500, reserveUsd: 0.01 })).ticket
  })
  await measure('settle (one EVALSHA)', () => limiter.settle(ticket!, { tokens: 480, costUsd: 0.002 }))
} finally {
  await bridge.close()
  await redis.close()
}
