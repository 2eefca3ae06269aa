// Time to first byte and per-delta added latency of POST /v1/chat/stream (the Worker under
// wrangler dev) versus calling the Anthropic API simulator directly, measured in one run.
//   node bench/stream-latency.ts [runs=20] [tokens=40] [delayMs=10]
// The simulator is served from this process on 127.0.0.1 and is the Worker's ANTHROPIC_BASE_URL,
// so both paths hit the same server. The server notes when it writes each text delta; the client
// notes when that delta arrives. Per-delta latency = arrival − write, so the machine's scheduling
// noise between events does not enter; "added" = gateway minus direct.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createParser } from 'eventsource-parser'
import { createSimulator } from '../src/simulator/index.ts'
import { startWranglerDev } from '../test/support/wrangler-dev.ts'

const runs = Number(process.argv[2] ?? 20)
const tokens = Number(process.argv[3] ?? 40)
const delay = Number(process.argv[4] ?? 10)
const prompt = (i: number) => `Bench ${i} [sim tokens=${tokens} delay=${delay}]`

const sim = createSimulator()
/** performance.now() of each text delta the simulator wrote, for the request being measured. */
let writes: number[] = []
const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const abort = new AbortController()
  res.on('close', () => !res.writableFinished && abort.abort())
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
  const response = await sim.app.fetch(
    new Request(`http://sim${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks), signal: abort.signal }),
  )
  res.writeHead(response.status, Object.fromEntries(response.headers))
  const decoder = new TextDecoder()
  for await (const chunk of response.body ?? []) {
    res.write(chunk)
    const text = decoder.decode(chunk, { stream: true })
    for (const _ of text.matchAll(/"text_delta"/g)) writes.push(performance.now())
  }
  res.end()
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const simUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

type Timing = { firstByte: number; firstDelta: number; latencies: number[] }

async function timed(url: string, init: RequestInit, isDelta: (event: string | undefined, data: string) => boolean): Promise<Timing> {
  writes = []
  const start = performance.now()
  const res = await fetch(url, init)
  const reader = res.body!.getReader()
  const arrivals: number[] = []
  let firstByte = -1
  let text = ''
  const parser = createParser({
    onEvent: (e) => {
      if (isDelta(e.event, e.data)) arrivals.push(performance.now())
    },
  })
  const decoder = new TextDecoder()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    if (firstByte < 0) firstByte = performance.now() - start
    const chunk = decoder.decode(value, { stream: true })
    text += chunk
    parser.feed(chunk)
  }
  if (arrivals.length !== tokens || writes.length !== tokens) {
    throw new Error(
      `expected ${tokens} deltas from ${url}, got ${arrivals.length} (written ${writes.length}, HTTP ${res.status}):\n${text.slice(0, 2000)}`,
    )
  }
  return { firstByte, firstDelta: arrivals[0]! - start, latencies: arrivals.map((at, k) => at - writes[k]!) }
}

const worker = await startWranglerDev({
  vars: {
    UPSTREAM: 'anthropic',
    ANTHROPIC_BASE_URL: simUrl,
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    RATE_LIMIT: 'off',
    ANONYMOUS_RATE_LIMIT: 'off',
    TOKEN_LIMIT: 'off',
  },
})
const direct = (i: number) =>
  timed(
    `${simUrl}/v1/messages`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: prompt(i) }] }),
    },
    (event) => event === 'content_block_delta',
  )
const gateway = (i: number) =>
  timed(
    `${worker.url}/v1/chat/stream`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: prompt(i) }] }),
    },
    (_event, data) => data.startsWith('{"type":"text-delta"'),
  )

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!
const ms = (x: number) => `${x.toFixed(2)} ms`
const row = (label: string, d: number[], g: number[]) =>
  console.log(
    `${label.padEnd(22)} direct ${ms(quantile(d, 0.5))} [p90 ${ms(quantile(d, 0.9))}]   gateway ${ms(quantile(g, 0.5))} [p90 ${ms(quantile(g, 0.9))}]   added ${ms(quantile(g, 0.5) - quantile(d, 0.5))}`,
  )

try {
  for (let i = 1; i <= 3; i++) {
    await direct(-i) // warm-up: connections, JIT, the Worker's first request
    await gateway(-i)
  }
  const d: Timing[] = []
  const g: Timing[] = []
  for (let i = 0; i < runs; i++) {
    d.push(await direct(i)) // alternate, so both paths see the same machine state
    g.push(await gateway(i))
  }
  console.log(`${runs} runs × ${tokens} text deltas, ${delay} ms between upstream events; medians`)
  row(
    'time to first byte',
    d.map((t) => t.firstByte),
    g.map((t) => t.firstByte),
  )
  row(
    'time to first delta',
    d.map((t) => t.firstDelta),
    g.map((t) => t.firstDelta),
  )
  row(
    'per-delta latency',
    d.flatMap((t) => t.latencies),
    g.flatMap((t) => t.latencies),
  )
} finally {
  await worker.close()
  server.close()
}
