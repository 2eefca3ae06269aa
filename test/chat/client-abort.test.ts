import { APIUserAbortError } from '@anthropic-ai/sdk/core/error'
import { Messages } from '@anthropic-ai/sdk/resources/messages/messages'
import { exports } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { makeApp } from '../support/app.ts'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'
import { executionContext } from '../support/execution-context.ts'

// A client that leaves a JSON request (not a stream) must cancel the upstream call, and nothing
// is billed for a reply that was never produced. The simulator stalls 5 s before answering, so
// the abort always lands while the upstream call is under way.

const SLOW = 'Slow please [sim stall=5000]'
const ROUTES = [
  { route: '/v1/chat', body: { messages: [{ role: 'user', content: SLOW }] } },
  { route: '/v1/messages', body: { model: 'balanced', max_tokens: 100, messages: [{ role: 'user', content: SLOW }] } },
]
const NOTHING_USED = { calls: 0, cost_usd: 0, tokens: { input: 0, output: 0, cache_creation: 0, cache_read: 0 } }

/** The request log lines written to the console (the Worker's included: it runs in this isolate). */
let logged: string[] = []
beforeEach(() => {
  logged = []
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  vi.spyOn(console, 'warn').mockImplementation(() => {})
})
afterEach(() => vi.restoreAllMocks())
const lines = (route: string) =>
  logged
    .filter((l) => l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((l) => l.route === route)

describe.each(ROUTES)('a client that leaves a JSON $route request', ({ route, body }) => {
  it('cancels the upstream call: the simulator saw the abort, and nothing is billed', async () => {
    const simulator = createSimulator()
    const { app } = makeApp({}, simulator)
    const { ctx, settled } = executionContext()
    const controller = new AbortController()
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal }
    const pending = app.request(route, init, {}, ctx)
    // The simulator records a request as it arrives, before its stall: the upstream call started.
    await vi.waitFor(() => expect(simulator.requests).toHaveLength(1))
    controller.abort()
    await pending
    await settled()

    const record = simulator.requests[0]!
    await vi.waitFor(() => expect(record.cancelled).toBe(true))
    // 499: the simulator answered nothing (no message, no usage) once the client had gone.
    expect(record).toMatchObject({ completed: false, status: 499 })
    expect(lines(route)).toEqual([
      expect.objectContaining({ outcome: 'aborted', level: 'info', models_tried: ['claude-sonnet-5-5'], ...NOTHING_USED }),
    ])

    // The caller's bill agrees: nothing spent, nothing still held for the call.
    const usage = await app.request('/v1/usage')
    expect(((await usage.json()) as any).usage).toMatchObject({ cost_usd: 0, held_usd: 0 })
  })
})

describe.each(ROUTES)('through the deployed Worker, a client that leaves a JSON $route request', ({ route, body }) => {
  // Needs `enable_request_signal` (wrangler.toml): without it `request.signal` never fires in a
  // Worker, the upstream call runs its 5 s, and the request is billed as if the client had stayed.
  it('aborts request.signal, so the upstream call is aborted and not billed', async () => {
    // The Worker shares this isolate's modules: the SDK call it makes is the one spied on here.
    const create = vi.spyOn(Messages.prototype, 'create')
    const controller = new AbortController()
    const pending = exports.default.fetch(`http://worker${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
      body: JSON.stringify(body),
      signal: controller.signal,
    })
    // The first request loads the Worker's bundle, which takes seconds on a busy machine.
    await vi.waitFor(() => expect(create).toHaveBeenCalledTimes(1), { timeout: 20_000 })
    const upstreamSignal = (create.mock.calls[0]![1] as { signal: AbortSignal }).signal
    const upstream = Promise.resolve(create.mock.results[0]!.value).catch((err: unknown) => err)
    controller.abort()

    await expect(pending).rejects.toThrow(/abort/i)
    expect(await upstream).toBeInstanceOf(APIUserAbortError)
    expect(upstreamSignal.aborted).toBe(true)
    await vi.waitFor(() => expect(lines(route)).toHaveLength(1))
    expect(lines(route)[0]).toMatchObject({ outcome: 'aborted', level: 'info', models_tried: ['claude-sonnet-5-5'], ...NOTHING_USED })
  })
})
