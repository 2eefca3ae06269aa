// Streaming (docs/streaming.md) behind a real nginx: the Worker under `wrangler dev` (simulated upstream) behind nginx
// with default buffering and a proxy_read_timeout (2 s) shorter than the upstream stall (3.5 s).
// Heartbeats keep the connection open and every part arrives when it is written; the control
// Worker, whose heartbeats are effectively off, is cut by nginx in the middle of the stall. The
// main Worker calls the simulator over HTTP (ANTHROPIC_BASE_URL), so the test sees what reached
// "Anthropic", e.g. that a client abort through nginx cancels the upstream request.
import Anthropic from '@anthropic-ai/sdk'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulatorServer, type SimulatorServer } from '../../../scripts/simulator.ts'
import { TEST_CLIENT_KEY } from '../../support/credentials.ts'
import { startWranglerDev, type WranglerDev } from '../../support/wrangler-dev.ts'
import { startNginx, type Nginx } from './nginx.ts'

const STALL_MS = 3500
let worker: WranglerDev, silent: WranglerDev, proxy: Nginx, silentProxy: Nginx, upstream: SimulatorServer

beforeAll(async () => {
  upstream = await startSimulatorServer({ port: 0 })
  ;[worker, silent] = await Promise.all([
    startWranglerDev({
      vars: { UPSTREAM: 'anthropic', ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: 'sk-ant-e2e', HEARTBEAT_MS: '500' },
    }),
    startWranglerDev({ vars: { UPSTREAM: 'simulator', HEARTBEAT_MS: '60000' } }),
  ])
  ;[proxy, silentProxy] = await Promise.all([
    startNginx({ upstream: worker.url, proxyReadTimeout: '2s' }),
    startNginx({ upstream: silent.url, proxyReadTimeout: '2s' }),
  ])
}, 240_000)

afterAll(async () => {
  await Promise.all([proxy?.close(), silentProxy?.close()])
  await Promise.all([worker?.close(), silent?.close()])
  await upstream?.close()
})

type Arrival = { at: number; kind: 'comment' | 'event'; event?: string; data: string }

/** Reads an SSE response, noting when each frame arrived; resolves when the body ends or fails. */
async function arrivals(res: Response): Promise<{ frames: Arrival[]; error?: unknown }> {
  const frames: Arrival[] = []
  const parser = createParser({
    onEvent: (e) => frames.push({ at: performance.now(), kind: 'event', ...(e.event && { event: e.event }), data: e.data }),
    onComment: (text) => frames.push({ at: performance.now(), kind: 'comment', data: text.trim() }),
  })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return { frames }
      parser.feed(decoder.decode(value, { stream: true }))
    }
  } catch (error) {
    return { frames, error }
  }
}

const chat = (base: string, content: string) =>
  fetch(`${base}/v1/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
    body: JSON.stringify({ messages: [{ role: 'user', content }] }),
  })

describe('/v1/chat/stream through nginx', () => {
  it('arrives incrementally, survives a stall longer than proxy_read_timeout, and completes', async () => {
    const started = performance.now()
    const res = await chat(proxy.url, `Tell me [sim tokens=6] [sim stall=${STALL_MS} after=4]`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const { frames, error } = await arrivals(res)
    expect(error).toBeUndefined()
    const parts = frames
      .filter((f) => f.kind === 'event')
      .map((f) => ({ at: f.at, part: f.data === '[DONE]' ? '[DONE]' : JSON.parse(f.data) }))
    // The deployable Worker may think first (reasoning parts): any delta counts as content.
    const firstDelta = parts.find((p) => /-delta$/.test(p.part.type))!
    const finish = parts.find((p) => p.part.type === 'finish')!
    // The first delta was read before the stall ended: nginx did not hold it back.
    expect(finish.at - firstDelta.at).toBeGreaterThanOrEqual(STALL_MS - 500)
    expect(firstDelta.at - started).toBeLessThan(STALL_MS)
    // Heartbeats crossed the proxy during the stall, then the stream finished normally.
    const during = frames.filter((f) => f.kind === 'comment' && f.data === 'keep-alive' && f.at > firstDelta.at && f.at < finish.at)
    expect(during.length).toBeGreaterThanOrEqual(3)
    expect(finish.part).toMatchObject({ finishReason: 'stop', messageMetadata: { stop_reason: 'end_turn' } })
    expect(parts.at(-1)!.part).toBe('[DONE]')
    expect(parts.filter((p) => p.part.type === 'text-delta')).toHaveLength(6)
  })

  it('without heartbeats nginx cuts the same stream at proxy_read_timeout (the control)', async () => {
    const res = await chat(silentProxy.url, `Tell me [sim tokens=6] [sim stall=${STALL_MS} after=4]`)
    const { frames } = await arrivals(res)
    const types = frames.filter((f) => f.kind === 'event').map((f) => (f.data === '[DONE]' ? '[DONE]' : JSON.parse(f.data).type))
    expect(types.some((t) => /-delta$/.test(t))).toBe(true)
    expect(types).not.toContain('finish')
    expect(silentProxy.errorLog()).toMatch(/upstream timed out/)
  })
})

describe('client abort through nginx', () => {
  it('cancels the upstream request at once: no more events are generated', async () => {
    const abort = new AbortController()
    const res = await fetch(`${proxy.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Long [sim tokens=400 delay=50]' }] }),
      signal: abort.signal,
    })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while ((text.match(/"(text|reasoning)-delta"/g) ?? []).length < 3) text += decoder.decode((await reader.read()).value, { stream: true })
    abort.abort()
    const record = () => upstream.sim.requests.findLast((r) => r.path === '/v1/messages')!
    // Bounded wait for the cancellation to cross nginx, wrangler dev and the Worker.
    for (let i = 0; i < 100 && !record().cancelled; i++) await new Promise((r) => setTimeout(r, 50))
    expect(record()).toMatchObject({ cancelled: true, completed: false })
    const sent = record().eventsSent
    await new Promise((r) => setTimeout(r, 500)) // 10 event delays: a live stream would have grown
    expect(record().eventsSent).toBe(sent)
    expect(sent).toBeLessThan(100)
  })
})

describe('/v1/messages stream through nginx', () => {
  it('the official SDK streams across the stall, pings keeping the connection open', async () => {
    const client = new Anthropic({ apiKey: TEST_CLIENT_KEY, baseURL: proxy.url, maxRetries: 0 })
    const stream = client.messages.stream({
      model: 'fast',
      max_tokens: 100,
      messages: [{ role: 'user', content: `Hi [sim tokens=5] [sim stall=${STALL_MS} after=4]` }],
    })
    const texts: { at: number; text: string }[] = []
    stream.on('text', (text) => texts.push({ at: performance.now(), text }))
    const final = await stream.finalMessage()
    expect(final.stop_reason).toBe('end_turn')
    expect(final.usage.output_tokens).toBe(5)
    expect(texts).toHaveLength(5)
    expect(texts[1]!.at - texts[0]!.at).toBeGreaterThanOrEqual(STALL_MS - 500)
  })
})
