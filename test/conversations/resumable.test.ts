import { abortAllDurableObjects } from 'cloudflare:test'
import { exports } from 'cloudflare:workers'
import { EventSourceParserStream } from 'eventsource-parser/stream'
import { describe, expect, it } from 'vitest'
import { mintSessionToken } from '../../src/auth/mint-session-token.ts'
import { workerSimulator } from '../../src/worker-app.ts'
import { TEST_CLIENT_KEY, TEST_SESSION_SECRET } from '../support/credentials.ts'

// The deployable Worker with its CONVERSATIONS Durable Object (wrangler.toml) and the test bindings
// of vitest.config.ts (simulated upstream, the test key, Upstash through the local bridge).
const KEY = { authorization: `Bearer ${TEST_CLIENT_KEY}` }

function worker(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`http://worker${path}`, init)
}

async function session(sub: string, dailyBudgetUsd = 5): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await mintSessionToken({ sub, limits: { dailyBudgetUsd } }, TEST_SESSION_SECRET)}` }
}

async function newConversation(auth: Record<string, string> = KEY): Promise<string> {
  const res = await worker('/v1/conversations', { method: 'POST', headers: auth })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

function post(path: string, body: unknown, auth: Record<string, string> = KEY): Promise<Response> {
  return worker(path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

// `fast` (Haiku) writes text at once; the default model thinks first.
const say = (id: string, content: string, auth?: Record<string, string>) =>
  post('/v1/chat/stream', { conversation_id: id, model: 'fast', messages: [{ role: 'user', content }] }, auth)

interface Part {
  id: string | undefined
  data: string
}

/** Reads SSE data parts; stops (cancelling the connection) after `max` of them. */
async function readParts(res: Response, max = Number.POSITIVE_INFINITY): Promise<Part[]> {
  const parts: Part[] = []
  const events = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream())
  const reader = events.getReader()
  while (parts.length < max) {
    const { value, done } = await reader.read()
    if (done) break
    parts.push({ id: value.id, data: value.data })
  }
  await reader.cancel()
  return parts
}

const json = (parts: Part[]) => parts.filter((p) => p.data !== '[DONE]').map((p) => JSON.parse(p.data) as Record<string, unknown>)
const textOf = (parts: Part[]) =>
  json(parts)
    .filter((p) => p.type === 'text-delta')
    .map((p) => p.delta)
    .join('')

/** Upstream requests whose last user text contains `marker`. */
function upstreamCalls(marker: string) {
  return workerSimulator()
    .requests.filter((r) => r.path === '/v1/messages' && JSON.stringify(r.body).includes(marker))
    .map((r) => r.body as { messages: unknown[] })
}

/** Today's spend of the caller: what was settled, and what is still held by reservations. */
async function spend(auth: Record<string, string>): Promise<{ cost_usd: number; held_usd: number }> {
  return ((await (await worker('/v1/usage', { headers: auth })).json()) as { usage: { cost_usd: number; held_usd: number } }).usage
}

describe('conversations', () => {
  it('a second turn carries the stored history upstream; the client sends only the new message', async () => {
    const id = await newConversation()
    const first = await post('/v1/chat', {
      conversation_id: id,
      messages: [{ role: 'user', content: 'My name is Ada. hist-1 [sim text="Hello Ada."]' }],
    })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ text: 'Hello Ada.', conversation_id: id })
    const second = await post('/v1/chat', { conversation_id: id, messages: [{ role: 'user', content: 'What is my name? hist-2' }] })
    expect(second.status).toBe(200)
    const [call] = upstreamCalls('hist-2')
    expect(call!.messages).toEqual([
      { role: 'user', content: 'My name is Ada. hist-1 [sim text="Hello Ada."]' },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello Ada.' }] },
      { role: 'user', content: 'What is my name? hist-2' },
    ])
  })

  it('regenerates the last answer: the stored answer is replaced, the question is not stored twice', async () => {
    const id = await newConversation()
    const question = 'regen-1 [sim text="First answer." times=1]'
    await post('/v1/chat', { conversation_id: id, model: 'fast', messages: [{ role: 'user', content: question }] })
    const again = await post('/v1/chat', {
      conversation_id: id,
      model: 'fast',
      trigger: 'regenerate-message',
      messages: [{ role: 'user', content: question }],
    })
    expect(again.status).toBe(200)
    const second = ((await again.json()) as { text: string }).text
    expect(second).not.toBe('First answer.')
    expect(upstreamCalls('regen-1').at(-1)!.messages).toEqual([{ role: 'user', content: question }])
    const read = (await (await worker(`/v1/conversations/${id}`, { headers: KEY })).json()) as { messages: unknown[] }
    expect(read.messages).toEqual([
      { role: 'user', content: question },
      { role: 'assistant', content: [{ type: 'text', text: second }] },
    ])
  })

  it('lists and reads the caller’s conversations; another caller gets 404; delete works', async () => {
    const id = await newConversation()
    await post('/v1/chat', { conversation_id: id, messages: [{ role: 'user', content: 'Plan a trip [sim text="Where to?"]' }] })
    const list = (await (await worker('/v1/conversations?limit=100', { headers: KEY })).json()) as { data: { id: string; title: string }[] }
    expect(list.data.find((c) => c.id === id)).toMatchObject({ title: 'Plan a trip [sim text="Where to?"]' })
    const read = (await (await worker(`/v1/conversations/${id}`, { headers: KEY })).json()) as Record<string, unknown>
    expect(read.messages).toHaveLength(2)
    expect(read.ui_messages).toMatchObject([
      { role: 'user', parts: [{ type: 'text', text: 'Plan a trip [sim text="Where to?"]' }] },
      { role: 'assistant', parts: expect.arrayContaining([expect.objectContaining({ type: 'text', text: 'Where to?' })]) },
    ])

    const other = await session('someone-else')
    expect((await worker(`/v1/conversations/${id}`, { headers: other })).status).toBe(404)
    expect((await worker(`/v1/conversations/${id}`, { method: 'DELETE', headers: other })).status).toBe(404)
    // The same id names a conversation of its own for another caller, never this one.
    expect((await post('/v1/chat', { conversation_id: id, messages: [{ role: 'user', content: 'hijack' }] }, other)).status).toBe(200)
    expect(((await (await worker(`/v1/conversations/${id}`, { headers: KEY })).json()) as { messages: unknown[] }).messages).toHaveLength(2)

    expect((await worker(`/v1/conversations/${id}`, { method: 'DELETE', headers: KEY })).status).toBe(204)
    expect((await worker(`/v1/conversations/${id}`, { headers: KEY })).status).toBe(404)
  })
})

describe('streams that survive the client', () => {
  it('a stream dropped after 8 of 40 parts is resumed whole, from one upstream generation', async () => {
    const id = await newConversation()
    const dropped = await readParts(await say(id, 'drop-8 [sim tokens=40 delay=15]'), 8)
    expect(dropped).toHaveLength(8)
    expect(dropped.map((p) => p.id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7'])

    const resumed = await readParts(await worker(`/v1/chat/stream/${id}/stream`, { headers: KEY }))
    expect(resumed.at(-1)!.data).toBe('[DONE]')
    expect(resumed.slice(0, 8)).toEqual(dropped) // replayed from its first part
    expect(resumed.map((p) => p.id)).toEqual(resumed.map((_, i) => String(i)))
    expect(json(resumed).filter((p) => p.type === 'text-delta')).toHaveLength(40)
    expect(json(resumed).find((p) => p.type === 'finish')).toMatchObject({ finishReason: 'stop' })
    expect(upstreamCalls('drop-8')).toHaveLength(1)

    // Last-Event-ID: only what came after it, nothing lost, nothing twice.
    const after = await readParts(await worker(`/v1/chat/stream/${id}/stream`, { headers: { ...KEY, 'last-event-id': '7' } }))
    expect([...dropped, ...after]).toEqual(resumed)
    expect(upstreamCalls('drop-8')).toHaveLength(1)
    // Finished and stored: a reload reads the conversation, not the stream again.
    expect((await worker(`/v1/chat/stream/${id}/stream`, { headers: KEY })).status).toBe(204)

    // The answer is stored once the generation ended.
    const read = (await (await worker(`/v1/conversations/${id}`, { headers: KEY })).json()) as { messages: { role: string }[] }
    expect(read.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
  })

  it('records a long answer whole in storage: after a restart it is resumed from there', async () => {
    const id = await newConversation()
    const live = await readParts(await say(id, 'long-answer [sim tokens=600]'))
    expect(live.length).toBeGreaterThan(600)
    await abortAllDurableObjects()
    const stored = await readParts(await worker(`/v1/chat/stream/${id}/stream`, { headers: { ...KEY, 'last-event-id': '0' } }))
    expect(stored).toEqual(live.slice(1))
  })

  it('answers 204 when nothing runs', async () => {
    const id = await newConversation()
    expect((await worker(`/v1/chat/stream/${id}/stream`, { headers: KEY })).status).toBe(204)
    expect((await worker('/v1/chat/stream/never-used-id-123/stream', { headers: KEY })).status).toBe(204)
  })

  it('a disconnect is not a stop; a stop from a second connection ends it, keeps what was written and bills it', async () => {
    const auth = await session('stopper')
    const id = await newConversation(auth)
    const first = await readParts(await say(id, 'stop-me [sim tokens=400 delay=10]', auth), 5)
    expect(first).toHaveLength(5)
    const stop = await post(`/v1/conversations/${id}/stop`, {}, auth)
    expect(await stop.json()).toEqual({ stopped: true })
    const after = await readParts(
      await worker(`/v1/chat/stream/${id}/stream`, { headers: { ...auth, 'last-event-id': first.at(-1)!.id! } }),
    )
    const rest = [...first, ...after]
    const parts = json(rest)
    expect(parts.at(-1)).toMatchObject({ type: 'abort' })
    expect(parts.filter((p) => p.type === 'text-delta').length).toBeLessThan(400)
    const written = textOf(rest)
    expect(written.length).toBeGreaterThan(0)
    expect(upstreamCalls('stop-me')).toHaveLength(1)

    // Settled from what was generated: the reservation (its upper bound) is released.
    await expect.poll(async () => (await spend(auth)).held_usd).toBe(0)
    expect((await spend(auth)).cost_usd).toBeGreaterThan(0)
    const read = (await (await worker(`/v1/conversations/${id}`, { headers: auth })).json()) as {
      messages: { role: string; content: unknown }[]
    }
    expect(read.messages).toEqual([
      { role: 'user', content: 'stop-me [sim tokens=400 delay=10]' },
      { role: 'assistant', content: written },
    ])
    expect(await (await post(`/v1/conversations/${id}/stop`, {}, auth)).json()).toEqual({ stopped: false })
  })

  it('a generation cut by a restart ends with an explicit error part, is billed for what it wrote, and is stored', async () => {
    const auth = await session('evicted')
    const id = await newConversation(auth)
    const early = await readParts(await say(id, 'evict-me [sim tokens=400 delay=10]', auth), 6)
    expect(early).toHaveLength(6)
    // A deploy or a runtime update: the object's instance is gone mid-answer, its storage stays.
    // (evictDurableObject waits for the object's references to drain, and times out once a
    // generation ran through the Worker: abortAllDurableObjects cuts it as a restart does.)
    await abortAllDurableObjects()

    // Finished (by the restart): only a client that says how far it read gets the rest.
    expect((await worker(`/v1/chat/stream/${id}/stream`, { headers: auth })).status).toBe(204)
    const after = await readParts(
      await worker(`/v1/chat/stream/${id}/stream`, { headers: { ...auth, 'last-event-id': early.at(-1)!.id! } }),
    )
    expect(after[0]!.id).toBe(String(early.length))
    const parts = json(after)
    expect(parts.at(-2)).toMatchObject({ type: 'error', errorText: expect.stringContaining('interrupted') })
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'error' })
    expect(after.at(-1)!.data).toBe('[DONE]')
    await expect.poll(async () => (await spend(auth)).held_usd).toBe(0)
    expect((await spend(auth)).cost_usd).toBeGreaterThan(0)
    const read = (await (await worker(`/v1/conversations/${id}`, { headers: auth })).json()) as { messages: { role: string }[] }
    expect(read.messages.map((m) => m.role)).toEqual(['user', 'assistant'])
  })
})
