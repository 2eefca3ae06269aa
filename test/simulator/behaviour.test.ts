import { describe, expect, it } from 'vitest'
import { ask, dataOf, hangingSleep, post, readSse, recordingSleep, setup } from './helpers.ts'

const stream = (content: string, extra: Record<string, unknown> = {}) => ask(content, { stream: true, ...extra })
const types = (frames: { event?: string }[]) => frames.map((f) => f.event)

describe('directives over HTTP', () => {
  it('delay=MS waits between every pair of events, through the injected sleep', async () => {
    const { calls, sleep } = recordingSleep()
    const { sim } = setup({ sleep })
    const { frames } = await readSse(await post(sim, stream('x [sim tokens=4 delay=25]')))
    expect(frames).toHaveLength(10)
    expect(calls).toEqual(Array(9).fill(25))
  })

  it('delay in JSON mode waits once per event it would have sent', async () => {
    const { calls, sleep } = recordingSleep()
    const { sim } = setup({ sleep })
    const res = await post(sim, ask('x [sim tokens=4 delay=25]'))
    expect(res.status).toBe(200)
    expect(calls).toEqual([250])
  })

  it('chunk=K puts K tokens in each text delta; output_tokens still counts tokens', async () => {
    const { sim } = setup()
    const events = dataOf((await readSse(await post(sim, stream('x [sim tokens=7 chunk=3]')))).frames)
    const deltas = events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text)
    expect(deltas).toHaveLength(3)
    expect(events.find((e) => e.type === 'message_delta')!.usage.output_tokens).toBe(7)
  })

  it('status=429 with retry_after and retry_after_ms, before any byte', async () => {
    const { sim } = setup()
    const res = await post(sim, stream('x [sim status=429 retry_after=3 retry_after_ms=2500]'))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    expect(res.headers.get('retry-after-ms')).toBe('2500')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as any
    expect(body).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.any(String) },
      request_id: res.headers.get('request-id'),
    })
    expect(sim.requests[0]).toMatchObject({ status: 429, eventsSent: 0, completed: false })
  })

  it.each([
    [529, 'overloaded_error'],
    [500, 'api_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [504, 'timeout_error'],
  ])('status=%i answers %s', async (status, type) => {
    const { sim } = setup()
    const res = await post(sim, ask(`x [sim status=${status} message="scripted"]`))
    expect(res.status).toBe(status)
    expect(((await res.json()) as any).error).toEqual({ type, message: 'scripted' })
  })

  it('times=K fails only the first K requests (429 then success; 529 twice then success)', async () => {
    const { sim } = setup()
    const once = ask('x [sim status=429 times=1]')
    expect([(await post(sim, once)).status, (await post(sim, once)).status]).toEqual([429, 200])
    const twice = ask('y [sim status=529 times=2]')
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await post(sim, twice)).status)
    expect(statuses).toEqual([529, 529, 200])
    sim.reset()
    expect((await post(sim, once)).status).toBe(429)
    expect(sim.requests).toHaveLength(1)
  })

  it('model=ID applies a failure only to that model (fallback tests)', async () => {
    const { sim } = setup()
    const text = 'x [sim status=529 model=claude-opus-5-5]'
    expect((await post(sim, ask(text, { model: 'claude-opus-5-5' }))).status).toBe(529)
    expect((await post(sim, ask(text, { model: 'claude-sonnet-5-5' }))).status).toBe(200)
  })

  it('error=TYPE after=N: an error frame after N events, no message_stop', async () => {
    const { sim } = setup()
    const res = await post(sim, stream('x [sim tokens=5 error=overloaded_error after=4]'))
    expect(res.status).toBe(200)
    const { frames } = await readSse(res)
    expect(types(frames)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'error'])
    expect(JSON.parse(frames[4]!.data)).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: res.headers.get('request-id'),
    })
    expect(sim.requests[0]).toMatchObject({ eventsSent: 5, completed: false, cancelled: false })
  })

  it('error= in JSON mode answers that error as HTTP', async () => {
    const { sim } = setup()
    const res = await post(sim, ask('x [sim error=overloaded_error after=4]'))
    expect(res.status).toBe(529)
  })

  it('drop after=N: the body fails after N events', async () => {
    const { sim } = setup()
    const { frames, error } = await readSse(await post(sim, stream('x [sim tokens=5 drop after=3]')))
    expect(types(frames)).toEqual(['message_start', 'content_block_start', 'ping'])
    expect(error).toBeDefined()
    expect(sim.requests[0]).toMatchObject({ eventsSent: 3, completed: false })
    const json = await post(sim, ask('x [sim drop]'))
    await expect(json.json()).rejects.toThrow()
  })

  it('after=N beyond the end is capped just before message_stop', async () => {
    const { sim } = setup()
    const { frames, error } = await readSse(await post(sim, stream('x [sim tokens=2 drop after=999]')))
    expect(types(frames).at(-1)).toBe('message_delta')
    expect(error).toBeDefined()
  })

  it('stall=MS after=K goes silent after K events for MS', async () => {
    const { calls, sleep } = recordingSleep()
    const { sim } = setup({ sleep })
    const { frames } = await readSse(await post(sim, stream('x [sim tokens=3 stall=60000 after=4]')))
    expect(frames).toHaveLength(9)
    expect(calls).toEqual([60000])
  })

  it('stall=MS without after holds the response itself', async () => {
    const { started, sleep, nextStart } = hangingSleep()
    const { sim } = setup({ sleep })
    const controller = new AbortController()
    const started1 = nextStart()
    const pending = sim
      .fetch('http://sim.local/v1/messages', {
        method: 'POST',
        signal: controller.signal,
        headers: { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(ask('x [sim stall=30000]')),
      })
      .catch((e: unknown) => e)
    await started1
    expect(started).toEqual([30000])
    controller.abort()
    await pending
    expect(sim.requests[0]).toMatchObject({ cancelled: true, completed: false, eventsSent: 0 })
  })

  it('stop=refusal and stop=max_tokens', async () => {
    const { sim } = setup()
    const refusal = (await (await post(sim, ask('x [sim stop=refusal tokens=2]'))).json()) as any
    expect(refusal).toMatchObject({ stop_reason: 'refusal', stop_details: { type: 'refusal' } })
    const frames = dataOf((await readSse(await post(sim, stream('x [sim stop=max_tokens tokens=2]')))).frames)
    expect(frames.find((f) => f.type === 'message_delta')!.delta.stop_reason).toBe('max_tokens')
  })

  it('step=N scripts a chain of tool calls, then text', async () => {
    const { sim } = setup()
    const human = { role: 'user', content: '[sim step=1 tool=a {"n":1}] [sim step=2 tool=b {"n":2}] [sim step=3 text="Done."]' }
    const messages: any[] = [human]
    const seen: unknown[] = []
    for (let step = 1; step <= 3; step++) {
      const reply = (await (await post(sim, { model: 'claude-haiku-5-5', max_tokens: 100, messages })).json()) as any
      seen.push(reply.content.map((b: any) => (b.type === 'tool_use' ? `${b.name}:${JSON.stringify(b.input)}` : b.text)))
      const calls = reply.content.filter((b: any) => b.type === 'tool_use')
      if (calls.length === 0) break
      messages.push({ role: 'assistant', content: reply.content })
      messages.push({ role: 'user', content: calls.map((c: any) => ({ type: 'tool_result', tool_use_id: c.id, content: 'ok' })) })
    }
    expect(seen).toEqual([['a:{"n":1}'], ['b:{"n":2}'], ['Done.']])
  })

  it('a new human turn without directives is not scripted by an older one', async () => {
    const { sim } = setup()
    const messages = [
      { role: 'user', content: 'x [sim status=500]' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'plain' },
    ]
    expect((await post(sim, { model: 'claude-haiku-5-5', max_tokens: 100, messages })).status).toBe(200)
  })

  it('a malformed directive is a 400 that names the problem', async () => {
    const { sim } = setup()
    const res = await post(sim, ask('x [sim tokens=lots]'))
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error.message).toMatch(/tokens must be a non-negative integer/)
  })
})

describe('records', () => {
  it('keep the last 1000 requests and bound the bodies they hold (oldest dropped first)', async () => {
    const { sim } = setup()
    const big = ask('x'.repeat(9 * 1024 * 1024))
    await post(sim, big)
    await post(sim, big)
    await post(sim, ask('small'))
    expect(sim.requests.map((r) => r.body === undefined)).toEqual([true, false, false])
    for (let i = 0; i < 1000; i++)
      await sim.fetch('http://sim.local/v1/models', { headers: { 'x-api-key': 'sk-ant-t', 'anthropic-version': '2023-06-01' } })
    expect(sim.requests).toHaveLength(1000)
    expect(sim.requests[0]!.path).toBe('/v1/models')
  })
})

describe('cancellation', () => {
  it('a cancelled stream stops at once: no further events, record cancelled', async () => {
    const { sleep, nextStart } = hangingSleep()
    const { sim } = setup({ sleep })
    const res = await post(sim, stream('x [sim tokens=50 delay=10]'))
    const reader = res.body!.getReader()
    const waiting = nextStart()
    await reader.read() // message_start
    const pending = reader.read() // the next event waits in the sleep
    await waiting
    await reader.cancel()
    await pending.catch(() => {})
    await new Promise((r) => setTimeout(r, 5))
    expect(sim.requests[0]).toMatchObject({ cancelled: true, completed: false, eventsSent: 1 })
  })

  it('aborting the request (SDK AbortController) marks it cancelled and generation stops', async () => {
    const { sleep, nextStart, started } = hangingSleep()
    const { sim, client } = setup({ sleep })
    const controller = new AbortController()
    const waiting = nextStart()
    const s = client.messages.stream(ask('x [sim tokens=50 delay=10]') as never, { signal: controller.signal })
    const done = s.finalMessage().catch((e: unknown) => e)
    await waiting
    controller.abort()
    await done
    await new Promise((r) => setTimeout(r, 5))
    expect(sim.requests[0]).toMatchObject({ cancelled: true, completed: false })
    const sent = sim.requests[0]!.eventsSent
    expect(sent).toBeLessThan(3)
    expect(started.length).toBe(1)
  })

  it('breaking out of the SDK iterator cancels the stream', async () => {
    const { sleep } = recordingSleep()
    const { sim, client } = setup({ sleep })
    const s = (await client.messages.create(ask('x [sim tokens=50 delay=1]', { stream: true }) as never)) as unknown as AsyncIterable<{
      type: string
    }>
    let n = 0
    for await (const _event of s) if (++n === 4) break
    await new Promise((r) => setTimeout(r, 5))
    expect(sim.requests[0]).toMatchObject({ cancelled: true, completed: false })
    expect(sim.requests[0]!.eventsSent).toBeLessThanOrEqual(5)
  })
})
