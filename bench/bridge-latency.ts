// Round-trip latency of the local Upstash bridge through @upstash/redis (what the Worker uses).
//   node bench/bridge-latency.ts [calls=1000]
// Starts its own redis-server and bridge; prints the median and p99 for a single command and for a
// 5-command pipeline, plus one @upstash/ratelimit check.
import { randomUUID } from 'node:crypto'
import { Ratelimit } from '@upstash/ratelimit'
import { Redis } from '@upstash/redis'
import { startBridge, startRedis } from '../scripts/upstash-bridge.ts'

const calls = Number(process.argv[2] ?? 1000)
const redis = await startRedis()
const bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
const client = new Redis({ url: bridge.url, token: bridge.token, enableAutoPipelining: false })

async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await run() // warm-up: connections, JIT
  const times: number[] = []
  for (let i = 0; i < calls; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3)
  console.log(`${label.padEnd(28)} median ${at(0.5)} ms  p90 ${at(0.9)} ms  p99 ${at(0.99)} ms  (${calls} calls)`)
}

try {
  await measure('single command (INCR)', () => client.incr('bench:n'))
  await measure('pipeline (5 commands)', () =>
    client.pipeline().incr('bench:a').incr('bench:b').get('bench:a').expire('bench:a', 60).ttl('bench:a').exec())
  await measure('multi-exec (3 commands)', () => client.multi().incrby('bench:c', 2).expire('bench:c', 60).get('bench:c').exec())
  const limiter = new Ratelimit({ redis: client, limiter: Ratelimit.slidingWindow(1_000_000, '1 h'), ephemeralCache: false, timeout: 0 })
  await measure('ratelimit slidingWindow', () => limiter.limit('bench'))
  const strict = new Ratelimit({ redis: client, limiter: Ratelimit.fixedWindow(3, '1 h'), prefix: randomUUID(), ephemeralCache: false, timeout: 0 })
  const outcomes = []
  for (let i = 0; i < 4; i++) outcomes.push((await strict.limit('user')).success)
  console.log(`ratelimit fixedWindow(3): ${outcomes.join(', ')}`)
} finally {
  await bridge.close()
  await redis.close()
}
