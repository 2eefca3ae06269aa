// What the upstream pace (src/pace/) adds to a request when it has room: latency per request and
// Redis round trips, pace off (no UPSTREAM_LIMITS) next to pace on (a ceiling far above the load),
// measured side by side in one run (interleaved rounds).
//   node --experimental-transform-types --no-warnings bench/pace.ts [requests=2000] [--write]
// In process: createApp + parseConfig, upstream the in-process simulator (no pacing), POST /v1/chat
// with a small message and max_tokens 64, one request at a time, the body read to the end. Limits,
// token limit and budgets are configured so high that they are checked on every request but never
// refuse. Phase 1 keeps limits and pace in memory; phase 2 puts both on Redis through the local
// Upstash bridge (its own process, own redis-server), with an @upstash/redis client that counts
// its script calls. `--write` also writes the tables to bench/results/pace.md.
import { createHash, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { Redis } from '@upstash/redis/cloudflare'
import { createApp } from '../src/app.ts'
import { parseConfig } from '../src/config.ts'
import type { ScriptRedis } from '../src/limits/redis-store.ts'
import { paceKeys } from '../src/pace/redis-store.ts'
import { createSimulator } from '../src/simulator/index.ts'
import { spawnBridge } from './lib/processes.ts'
import { fmt } from './lib/stats.ts'

const args = process.argv.slice(2)
const write = args.includes('--write')
const requests = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000)
/** Requests of one config in a row; every config once per round, the order rotated each round. */
const BATCH = 100
const ROUNDS = Math.max(1, Math.ceil(requests / BATCH))
const WARM_UP = 200
/** Most event-loop turns to wait for a request's background work (waitUntil) before the next request. */
const MAX_SETTLE_TURNS = 1_000

const KEY = 'ce_sk_bench_pace_0123456789abcdef'
const PROMPT = 'What is the capital of France?'
const BODY = JSON.stringify({ messages: [{ role: 'user', content: PROMPT }], max_tokens: 64 })
const AMPLE = { rpm: 1_000_000, itpm: 100_000_000, otpm: 100_000_000 }

/** The env every config shares: simulator upstream, one client key, limits checked but never refusing. */
const BASE_ENV: Record<string, string> = {
  UPSTREAM: 'simulator',
  CLIENT_KEYS: JSON.stringify([{ id: 'bench', sha256: createHash('sha256').update(KEY).digest('hex') }]),
  RATE_LIMIT: '100000000/1m',
  TOKEN_LIMIT: '1000000000000/1m',
  DAILY_BUDGET_USD: '1000000',
  GLOBAL_DAILY_BUDGET_USD: '1000000',
}

interface Variant {
  name: string
  env: Record<string, string>
}

const VARIANTS: Variant[] = [
  { name: 'pace off (no UPSTREAM_LIMITS)', env: {} },
  { name: 'pace on: rpm + itpm + otpm', env: { UPSTREAM_LIMITS: JSON.stringify({ '*': AMPLE }) } },
  { name: 'pace on: rpm + itpm', env: { UPSTREAM_LIMITS: JSON.stringify({ '*': { rpm: AMPLE.rpm, itpm: AMPLE.itpm } }) } },
]

/** Script calls (EVALSHA/EVAL) of the Redis client the gateway was given, and whether any is in flight. */
interface Calls {
  started: number
  done: number
  inFlight: number
}

/** An @upstash/redis client on the bridge, as src/upstash/redis.ts builds one, counting its script calls. */
function countingRedis(url: string, token: string): { redis: ScriptRedis; calls: Calls } {
  const client = new Redis({ url, token, retry: false, enableTelemetry: false })
  const calls: Calls = { started: 0, done: 0, inFlight: 0 }
  const track = (promise: Promise<unknown>) => {
    calls.started++
    calls.inFlight++
    return promise.finally(() => {
      calls.done++
      calls.inFlight--
    })
  }
  const redis = {
    evalsha: (sha: string, keys: string[], argv: unknown[]) => track(client.evalsha(sha, keys, argv)),
    eval: (script: string, keys: string[], argv: unknown[]) => track(client.eval(script, keys, argv)),
  } as unknown as ScriptRedis
  return { redis, calls }
}

interface Contender {
  name: string
  app: ReturnType<typeof createApp>
  calls?: Calls
  /** Upstash: the key prefix and the client, to check afterwards that the pace wrote its keys. */
  redis?: { prefix: string; client: Redis }
  times: number[]
  /** Per round: the median latency of that round's batch. */
  roundMedians: number[]
  /** Script calls finished when the body had been read / after the request's background work, summed. */
  before: number
  after: number
  /** Of the calls finished after, those already started when the body had been read. */
  launchedBefore: number
  status: Map<number, number>
}

function contender(variant: Variant, upstash?: { url: string; token: string }): Contender {
  const prefix = `bench-pace:${randomUUID()}`
  const counted = upstash && countingRedis(upstash.url, upstash.token)
  const config = parseConfig({
    ...BASE_ENV,
    ...variant.env,
    ...(upstash && { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token }),
  })
  const app = createApp({
    config,
    fetch: createSimulator().fetch,
    // The request log is built but not written: a pipe write in Node is not what console.log costs in workerd.
    logger: () => {},
    ...(counted && { limits: { redis: counted.redis, prefix } }),
  })
  return {
    name: variant.name,
    app,
    ...(counted && { calls: counted.calls }),
    ...(upstash && { redis: { prefix, client: new Redis({ url: upstash.url, token: upstash.token, enableTelemetry: false }) } }),
    times: [],
    roundMedians: [],
    before: 0,
    after: 0,
    launchedBefore: 0,
    status: new Map(),
  }
}

const turn = () => new Promise<void>((done) => setTimeout(done, 0))

/** One request; returns its latency (ms) and, with a counting client, the script calls before/after the response. */
async function once(c: Contender): Promise<{ ms: number; before: number; after: number; launchedBefore: number }> {
  const start0 = c.calls?.done ?? 0
  const started0 = c.calls?.started ?? 0
  const started = performance.now()
  const res = await c.app.request('/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: BODY,
  })
  await res.text()
  const ms = performance.now() - started
  c.status.set(res.status, (c.status.get(res.status) ?? 0) + 1)
  // Finished before the body was read: the response could have waited on these, nothing after.
  const atResponse = c.calls?.done ?? 0
  const launched = (c.calls?.started ?? 0) - started0
  // The request's background work (waitUntil: limits settle, pace give-back) runs on; let it finish.
  for (let i = 0; i < MAX_SETTLE_TURNS && (i < 3 || (c.calls?.inFlight ?? 0) > 0); i++) await turn()
  if ((c.calls?.inFlight ?? 0) > 0) throw new Error(`${c.name}: a Redis call still in flight after ${MAX_SETTLE_TURNS} event-loop turns`)
  const end = c.calls?.done ?? 0
  const before = atResponse - start0
  return { ms, before, after: end - atResponse, launchedBefore: launched - before }
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

/** Warm-up, then `ROUNDS` rounds of `BATCH` requests per contender, interleaved. */
async function measure(contenders: Contender[]): Promise<void> {
  for (const c of contenders) for (let i = 0; i < WARM_UP; i++) await once(c)
  for (const c of contenders) c.status.clear()
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(round + k) % contenders.length]!
      const batch: number[] = []
      for (let i = 0; i < BATCH; i++) {
        const r = await once(c)
        batch.push(r.ms)
        c.before += r.before
        c.after += r.after
        c.launchedBefore += r.launchedBefore
      }
      c.times.push(...batch)
      c.roundMedians.push(quantile(batch, 0.5))
    }
  }
  for (const c of contenders) {
    const bad = [...c.status].filter(([status]) => status !== 200)
    if (bad.length) throw new Error(`${c.name}: not every request answered 200: ${JSON.stringify(Object.fromEntries(c.status))}`)
  }
}

/** Median over the rounds of (this round's median − the base's median in the same round), in ms. */
function pairedDelta(c: Contender, base: Contender): number {
  return quantile(
    c.roundMedians.map((m, i) => m - base.roundMedians[i]!),
    0.5,
  )
}

const signed = (ms: number, digits = 3) => (ms >= 0 ? '+' : '−') + fmt(Math.abs(ms), digits)

function latencyCells(c: Contender, base: Contender): string[] {
  const median = quantile(c.times, 0.5)
  const p90 = quantile(c.times, 0.9)
  if (c === base) return [fmt(median, 3), fmt(p90, 3), '–', '–']
  return [fmt(median, 3), fmt(p90, 3), signed(median - quantile(base.times, 0.5)), signed(pairedDelta(c, base))]
}

const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  )

/** Whether the pace is engaged at all: with rpm 1, a second request is refused (memory), or its keys exist (Redis). */
async function paceEngagedInMemory(): Promise<boolean> {
  const c = contender({ name: 'rpm 1', env: { UPSTREAM_LIMITS: JSON.stringify({ '*': { rpm: 1 } }), QUEUE_MAX_WAIT_MS: '100' } })
  const statuses: number[] = []
  for (let i = 0; i < 2; i++) {
    const res = await c.app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: BODY,
    })
    await res.text()
    statuses.push(res.status)
  }
  return statuses[0] === 200 && statuses[1] === 429
}

const defaultGroup = () => {
  const config = parseConfig(BASE_ENV)
  return config.catalogue.get(config.defaultModel)!.rateLimitGroup
}

async function paceKeysWritten(c: Contender): Promise<boolean> {
  const [key] = paceKeys(c.redis!.prefix, defaultGroup())
  return (await c.redis!.client.exists(key!)) === 1
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
const loadAtStart = load()
const output: string[] = []
const say = (line = '') => {
  console.log(line)
  output.push(line)
}

say(
  `${availableParallelism()} cores, load average ${loadAtStart} (1/5/15 min) at start; Node ${process.version}; ` +
    `${ROUNDS * BATCH} measured requests per config (${ROUNDS} interleaved rounds of ${BATCH}, after ${WARM_UP} warm-up), one at a time.`,
)
say()
say(
  `\`POST /v1/chat\`, "${PROMPT}", max_tokens 64, default model (${parseConfig(BASE_ENV).defaultModel}); upstream: the in-process simulator. ` +
    'Latency: `app.request` until the body is read (ms). Δ vs off: pooled median − pace off; paired: median over rounds of the round medians’ difference.',
)

const engaged = await paceEngagedInMemory()
const memory = VARIANTS.map((v) => contender(v))
await measure(memory)
say()
say('### Memory (limits and pace in this isolate)')
say()
say(
  table(
    ['config', 'median ms', 'p90 ms', 'Δ median vs off', 'Δ paired vs off'],
    memory.map((c) => [c.name, ...latencyCells(c, memory[0]!)]),
  ),
)
say()
say(`Pace engaged in memory: ${engaged ? 'yes' : 'NO'} (with \`{"*":{"rpm":1}}\` and QUEUE_MAX_WAIT_MS 100, a 2nd request is refused 429).`)

const bridge = await spawnBridge()
try {
  const upstash = VARIANTS.map((v) => contender(v, { url: bridge.url, token: bridge.token }))
  await measure(upstash)
  const perRequest = (n: number) => fmt(n / (ROUNDS * BATCH), 2)
  const written = await Promise.all(upstash.map(paceKeysWritten))
  say()
  say('### Upstash (limits and pace on Redis through the local bridge, one client for both)')
  say()
  say(
    table(
      [
        'config',
        'median ms',
        'p90 ms',
        'Δ median vs off',
        'Δ paired vs off',
        'Redis calls before response',
        'after (waitUntil)',
        'of those, started before',
        'pace key in Redis',
      ],
      upstash.map((c, i) => [
        c.name,
        ...latencyCells(c, upstash[0]!),
        perRequest(c.before),
        perRequest(c.after),
        perRequest(c.launchedBefore),
        written[i] ? 'yes' : 'no',
      ]),
    ),
  )
  say()
  say(
    'Redis calls: EVALSHA/EVAL per request, counted in the client the gateway was given; "before" finished by the time the body was read ' +
      '(the response waited on them), "after" finished later (the background work of `waitUntil`, awaited before the next request); ' +
      '"started before": of the "after" calls, those already sent when the body was read (their set-up ran on the response path, their round trip did not).',
  )
} finally {
  await bridge.close()
}
say()
say(`Load average at the end: ${load()}.`)

if (write) {
  const file = resolve(import.meta.dirname, 'results', 'pace.md')
  const heading = `# \`npm run bench:pace -- ${requests === 2000 ? '' : `${requests} `}--write\` (dev VM, ${availableParallelism()} cores)`
  writeFileSync(file, `${heading}\n\n${output.join('\n')}\n`)
  console.log(`\nwritten to ${file}`)
}
