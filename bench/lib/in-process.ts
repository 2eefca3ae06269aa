// In-process CPU cost: each contender's Hono app called with `app.fetch`, upstream an in-process
// simulator, CPU from process.cpuUsage. The simulator's (and the load loop's) own CPU is measured
// by the `direct` contender and subtracted, so what remains is the contender's cost.
import type { Hono } from 'hono'
import { createSimulator } from '../../src/simulator/index.ts'
import { createAiSdkApp } from '../contenders/ai-sdk.ts'
import { createClaudeEdgeApp } from '../contenders/claude-edge.ts'
import { createHandWrittenApp } from '../contenders/hand-written.ts'
import { CONTENDERS, callFor, type ContenderName } from './contenders.ts'

type WorkerContext = NonNullable<Parameters<Hono['fetch']>[2]>
type FetchLike = (request: Request) => Response | Promise<Response>

export interface InProcessOptions {
  /** JSON requests per contender and round. */
  jsonRequests: number
  /** Streams per contender and round. */
  streams: number
  /** Text deltas per stream. */
  tokens: number
  /** Requests in flight at once. */
  concurrency: number
  /** Limits on Redis through this bridge for `claude-edge (upstash)`. */
  upstash: { url: string; token: string }
}

export interface CpuFigures {
  /** CPU µs per JSON request, total (contender + simulator + loop). */
  jsonUs: number
  /** CPU µs per streamed delta, total. */
  deltaUs: number
}

const SIM = 'http://sim.local'

export interface InProcessContenders {
  fetchers: Record<ContenderName, FetchLike>
  /** Awaits the work the apps handed to `executionCtx.waitUntil` (limits settle, log line). */
  settle(): Promise<void>
}

/** Builds every contender's fetch against one in-process simulator (no pacing). */
export function inProcessContenders(upstash: InProcessOptions['upstash']): InProcessContenders {
  const sim = createSimulator()
  const upstream = sim.fetch as typeof fetch
  const pending: Promise<unknown>[] = []
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException() {},
    props: {},
  } as unknown as WorkerContext
  const withCtx =
    (app: { fetch: (r: Request, env: unknown, ctx: WorkerContext) => Response | Promise<Response> }): FetchLike =>
    (request) =>
      app.fetch(request, {}, ctx)
  return {
    fetchers: {
      direct: (request) => sim.fetch(request),
      'hand-written': withCtx(createHandWrittenApp({ baseURL: SIM, apiKey: 'sk-ant-bench', fetch: upstream })),
      'ai-sdk': withCtx(createAiSdkApp({ baseURL: SIM, apiKey: 'sk-ant-bench', fetch: upstream })),
      'claude-edge (memory)': withCtx(createClaudeEdgeApp({ baseURL: SIM, fetch: upstream })),
      'claude-edge (upstash)': withCtx(createClaudeEdgeApp({ baseURL: SIM, fetch: upstream, upstash })),
    },
    async settle() {
      while (pending.length) await Promise.allSettled(pending.splice(0))
    },
  }
}

/** Runs `total` calls, `concurrency` at a time, reading every body to the end; returns CPU µs used. */
async function cpuOf(
  c: InProcessContenders,
  name: ContenderName,
  directives: string,
  stream: boolean,
  total: number,
  concurrency: number,
): Promise<number> {
  const fetchFn = c.fetchers[name]
  const call = callFor(name, directives, stream)
  let next = 0
  const start = process.cpuUsage()
  const worker = async () => {
    while (next < total) {
      next++
      const response = await fetchFn(
        new Request(`http://bench.local${call.path}`, { method: 'POST', headers: call.headers, body: call.body }),
      )
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${await response.text()}`)
      if (response.body) for await (const chunk of response.body) void chunk
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  await c.settle()
  const used = process.cpuUsage(start)
  return used.user + used.system
}

/** One round over every contender (interleaved, so a busy machine skews them alike). */
export async function inProcessRound(
  c: InProcessContenders,
  o: InProcessOptions,
  only: readonly ContenderName[] = CONTENDERS,
): Promise<Record<ContenderName, CpuFigures>> {
  const out = {} as Record<ContenderName, CpuFigures>
  for (const name of only) {
    const jsonCpu = await cpuOf(c, name, '[sim tokens=20]', false, o.jsonRequests, o.concurrency)
    const streamCpu = await cpuOf(c, name, `[sim tokens=${o.tokens}]`, true, o.streams, o.concurrency)
    out[name] = { jsonUs: jsonCpu / o.jsonRequests, deltaUs: streamCpu / (o.streams * o.tokens) }
  }
  return out
}

/** Warms up every contender (JIT, connections, Redis scripts) before anything is measured. */
export async function inProcessWarmUp(c: InProcessContenders, o: InProcessOptions): Promise<void> {
  await inProcessRound(c, { ...o, jsonRequests: Math.ceil(o.jsonRequests / 4), streams: Math.ceil(o.streams / 4) })
}
