// Load on a running contender: autocannon on the JSON path, perf_hooks histograms on streams, and
// the concurrent-stream step test.
import { createHistogram, performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { callFor, hasTextDelta, streamCompleted, type ContenderName } from './contenders.ts'

export interface JsonFigures {
  rps: number
  p50: number
  p99: number
  errors: number
}

/** Fixed concurrency for `seconds` on the JSON path. */
export async function jsonLoad(
  name: ContenderName,
  url: string,
  directives: string,
  connections: number,
  seconds: number,
): Promise<JsonFigures> {
  const call = callFor(name, directives, false)
  const r = await autocannon({
    url: url + call.path,
    method: 'POST',
    headers: call.headers,
    body: call.body,
    connections,
    duration: seconds,
    timeout: 30,
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx }
}

export interface StreamFigures {
  ttfbP50: number
  ttfbP99: number
  gapP50: number
  gapP99: number
  failed: number
}

/**
 * `total` streams, `concurrency` at a time. TTFB is the time to the first text delta (not to the
 * headers: a gateway could send headers before it has called upstream); the gap is the time
 * between consecutive chunks that carry text deltas.
 */
export async function streamLoad(
  name: ContenderName,
  url: string,
  directives: string,
  concurrency: number,
  total: number,
): Promise<StreamFigures> {
  const call = callFor(name, directives, true)
  const ttfb = createHistogram()
  const gaps = createHistogram()
  let failed = 0
  let next = 0
  const worker = async () => {
    while (next < total) {
      next++
      const { ok } = await oneStream(name, url, directives, { ttfb, gaps }, call)
      if (!ok) failed++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const ms = (ns: number) => ns / 1e6
  return {
    ttfbP50: ms(ttfb.percentile(50)),
    ttfbP99: ms(ttfb.percentile(99)),
    gapP50: ms(gaps.percentile(50)),
    gapP99: ms(gaps.percentile(99)),
    failed,
  }
}

type Histograms = { ttfb: ReturnType<typeof createHistogram>; gaps: ReturnType<typeof createHistogram> }

/**
 * One stream read to its end: `ok` when it completed without error, else why not. Records into `h`
 * if given. Fails when nothing arrives for `idleMs` (a slow but moving stream on a busy machine is
 * not an error) or when `deadline` aborts.
 */
async function oneStream(
  name: ContenderName,
  url: string,
  directives: string,
  h?: Histograms,
  call = callFor(name, directives, true),
  idleMs = 60_000,
  deadline?: AbortSignal,
): Promise<{ ok: boolean; why?: string }> {
  const decoder = new TextDecoder()
  const start = performance.now()
  let last: number | undefined
  let text = ''
  const idle = new AbortController()
  const timer = setTimeout(() => idle.abort(new Error(`nothing for ${idleMs / 1000} s`)), idleMs)
  const signal = deadline ? AbortSignal.any([idle.signal, deadline]) : idle.signal
  try {
    const response = await fetch(url + call.path, { method: 'POST', headers: call.headers, body: call.body, signal })
    if (!response.ok || !response.body) return { ok: false, why: `HTTP ${response.status} ${(await response.text()).slice(0, 120)}` }
    for await (const chunk of response.body) {
      timer.refresh()
      const now = performance.now()
      const piece = decoder.decode(chunk, { stream: true })
      text += piece
      if (h && hasTextDelta(name, piece)) {
        if (last === undefined) h.ttfb.record(Math.max(1, Math.round((now - start) * 1e6)))
        else h.gaps.record(Math.max(1, Math.round((now - last) * 1e6)))
        last = now
      }
    }
    return streamCompleted(name, text) ? { ok: true } : { ok: false, why: `incomplete: …${text.slice(-120).replace(/\n/g, '⏎')}` }
  } catch (error) {
    if (signal.aborted) return { ok: false, why: String(signal.reason instanceof Error ? signal.reason.message : signal.reason) }
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : ''
    return { ok: false, why: `${error instanceof Error ? error.message : String(error)}${cause}` }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Opens `n` streams at once for each step up to the bound, all of them open together; returns the
 * largest step in which every stream completed without error (0 if none did) and what failed.
 * A stream fails after `idleMs` without a byte; a step is cut after `stepMs` (keeps the run bounded).
 */
export async function concurrentStreams(
  name: ContenderName,
  url: string,
  directives: string,
  steps: readonly number[],
  { idleMs, stepMs }: { idleMs: number; stepMs: number },
): Promise<{ held: number; note: string; reasons: string[] }> {
  let held = 0
  for (const n of steps) {
    const deadline = AbortSignal.timeout(stepMs)
    const results = await Promise.all(
      Array.from({ length: n }, () => oneStream(name, url, directives, undefined, undefined, idleMs, deadline)),
    )
    const failed = results.filter((r) => !r.ok)
    if (failed.length) {
      const counts = new Map<string, number>()
      for (const { why = '?' } of failed) counts.set(why, (counts.get(why) ?? 0) + 1)
      const reasons = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([why, k]) => `${k}× ${why}`)
      return { held, note: `${failed.length}/${n} failed at ${n}`, reasons }
    }
    held = n
  }
  return { held, note: '', reasons: [] }
}
