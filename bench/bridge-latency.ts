// Round-trip latency of the local Upstash bridge through @upstash/redis (what the Worker uses).
//   node bench/bridge-latency.ts [calls=1000]
// Starts its own redis-server and bridge; prints median/p90/p99 for a single command, a 5-command
// pipeline, a transaction and a rate-limit check (interleaved), plus one @upstash/ratelimit outcome.
import { randomUUID } from 'node:crypto'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { startBridge, startRedis } from '../scripts/upstash-bridge.ts'

const calls = Number(process.argv[2] ?? 1000)
const redis = await startRedis()
const bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
const client = new Redis({ url: bridge.url, token: bridge.token, enableAutoPipelining: false })

type Case = [label: string, run: () => Promise<unknown>]

/** Runs the cases interleaved (one call of each per round), so a busy machine skews them alike. */
async function measure(cases: Case[]): Promise<void> {
  for (let i = 0; i < 50; i++) for (const [, run] of cases) await run() // warm-up: connections, JIT
  const times = cases.map(() => [] as number[])
  for (let i = 0; i < calls; i++) {
    for (const [c, [, run]] of cases.entries()) {
      const start = performance.now()
      await run()
      times[c]!.push(performance.now() - start)
    }
  }
  for (const [c, [label]] of cases.entries()) {
    const sorted = times[c]!.sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3)
    console.log(`${label.padEnd(28)} median ${at(0.5)} ms  p90 ${at(0.9)} ms  p99 ${at(0.99)} ms  (${calls} calls)`)
  }
}

try {
  const limiter = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(1_000_000, '1 h'), ephemeralCache: false, timeout: 0 })
  await measure([
    ['single command (INCR)', () => client.incr('bench:n')],
    [
      'pipeline (5 commands)',
      () => client.pipeline().incr('bench:a').incr('bench:b').get('bench:a').expire('bench:a', 60).ttl('bench:a').exec(),
    ],
    ['multi-exec (3 commands)', () => client.multi().incrby('bench:c', 2).expire('bench:c', 60).get('bench:c').exec()],
    ['ratelimit slidingWindow', () => limiter.limit('bench')],
  ])
  const strict = new Ratelimit({
    redis: client,
    limiter: Ratelimit.fixedWindow(3, '1 h'),
    prefix: randomUUID(),
    ephemeralCache: false,
    timeout: 0,
  })
  const outcomes = []
  for (let i = 0; i < 4; i++) outcomes.push((await strict.limit('user')).success)
  console.log(`ratelimit fixedWindow(3): ${outcomes.join(', ')}`)
} finally {
  await bridge.close()
  await redis.close()
}
