import { describe, expect, it } from 'vitest'
import { createChatClient } from '../../client/create-chat-client.ts'
import { rejection, until } from './async.ts'
import type { ChatEvent } from '../../client/types.ts'
import { controlledBody, DONE_FRAME, metadata, sse, streamResponse } from './frames.ts'

/** The conversations API of docs/http.md, as the client sees it, with a fake fetch. */

type Call = { method: string; url: string; headers: Record<string, string>; body: unknown }
type Answer = Response | Error | (() => Response)

/** A fetch that answers each call with the next answer (or throws it) and records the calls. */
function fakeFetch(...answers: Answer[]) {
  const calls: Call[] = []
  const fn = (async (url: string | URL, init: RequestInit = {}) => {
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined
    calls.push({ method: init.method ?? 'GET', url: String(url), headers: (init.headers ?? {}) as Record<string, string>, body })
    const answer = answers.shift()
    if (!answer) throw new Error(`unexpected extra fetch: ${init.method ?? 'GET'} ${String(url)}`)
    if (answer instanceof Error) throw answer
    return typeof answer === 'function' ? answer() : answer
  }) as typeof fetch
  return { fetch: fn, calls }
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } })
const notFound = () =>
  json({ type: 'error', error: { type: 'not_found_error', message: 'No conversation conv_x.' }, request_id: 'req_404' }, 404)
const noContent = () => new Response(null, { status: 204 })

/** A numbered frame, as a resumable stream writes every part (`id: <index>`). */
const numbered = (index: number, part: unknown) => `id: ${index}\n${sse(part)}`
const NUMBERED = [
  { type: 'start', messageId: 'msg_1' },
  { type: 'start-step' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'One' },
  { type: 'text-delta', id: 't1', delta: ' two' },
  { type: 'text-delta', id: 't1', delta: ' three' },
  { type: 'text-end', id: 't1' },
  { type: 'finish-step' },
  { type: 'finish', finishReason: 'stop', messageMetadata: metadata },
]
/** Frames `from…` of the numbered reply, with `[DONE]` (numbered too) at the end. */
const framesFrom = (from: number) =>
  [...NUMBERED.map((part, i) => numbered(i, part)).slice(from), `id: ${NUMBERED.length}\n${DONE_FRAME}`].join('')

const noDelay = { attempts: 2, initialDelayMs: 0, maxDelayMs: 0 }
const ID = 'conv_AAAAAAAAAAAAAAAAAAAAAA'

describe('createChatClient: conversations', () => {
  it('createConversation() posts to /v1/conversations next to the stream endpoint, with the token', async () => {
    const { fetch, calls } = fakeFetch(json({ id: ID, created_at: '2026-11-23T10:00:00.000Z' }, 201))
    const chat = createChatClient({ endpoint: 'https://chat.example.com/api/v1/chat/stream', token: 'tok', fetch })
    await expect(chat.createConversation()).resolves.toEqual({ id: ID, createdAt: '2026-11-23T10:00:00.000Z' })
    expect(calls).toMatchObject([
      {
        method: 'POST',
        url: 'https://chat.example.com/api/v1/conversations',
        headers: { authorization: 'Bearer tok', accept: 'application/json' },
      },
    ])
  })

  it('conversationsEndpoint overrides where the conversations API is', async () => {
    const { fetch, calls } = fakeFetch(json({ stopped: true }))
    const chat = createChatClient({ endpoint: '/chat', conversationsEndpoint: '/api/conversations', fetch })
    await expect(chat.stop('conv/1')).resolves.toBe(true)
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/conversations/conv%2F1/stop'])
  })

  it('send(text, { conversationId }) sends only the new message with conversation_id', async () => {
    const { fetch, calls } = fakeFetch(streamResponse(framesFrom(0)))
    const chat = createChatClient({ endpoint: '/v1/chat/stream', fetch, body: { model: 'fast' } })
    const reply = chat.send('And then?', { conversationId: ID })
    const result = await reply.result
    expect(result.text).toBe('One two three')
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/v1/chat/stream' })
    expect(calls[0]!.body).toEqual({ model: 'fast', conversation_id: ID, messages: [{ role: 'user', content: 'And then?' }] })
    // The id of the last part (the finish part; [DONE] is not a part), for resume().
    expect(reply.lastEventId).toBe(String(NUMBERED.length - 1))
  })

  it('without conversationId the body is as before (no conversation_id)', async () => {
    const { fetch, calls } = fakeFetch(streamResponse(framesFrom(0)))
    await createChatClient({ endpoint: '/v1/chat/stream', fetch }).send('Hi').result
    expect(calls[0]!.body).toEqual({ messages: [{ role: 'user', content: 'Hi' }] })
  })

  it('resume() returns null on 204 (nothing being written)', async () => {
    const { fetch, calls } = fakeFetch(noContent())
    await expect(createChatClient({ endpoint: '/v1/chat/stream', fetch, token: 't' }).resume(ID)).resolves.toBeNull()
    expect(calls).toMatchObject([{ method: 'GET', url: `/v1/chat/stream/${ID}/stream`, headers: { authorization: 'Bearer t' } }])
    expect(calls[0]!.headers).not.toHaveProperty('last-event-id')
  })

  it('resume() streams the running reply from its first part, live, as a ChatReply with callbacks', async () => {
    const body = controlledBody()
    const { fetch } = fakeFetch(streamResponse(body.stream))
    const texts: string[] = []
    const reply = await createChatClient({ endpoint: '/v1/chat/stream', fetch }).resume(ID, { onText: (_d, text) => texts.push(text) })
    expect(reply).not.toBeNull()
    for (const [i, part] of NUMBERED.slice(0, 4).entries()) body.push(numbered(i, part))
    await until(() => texts.length === 1)
    expect(reply!.lastEventId).toBe('3')
    for (const [i, part] of NUMBERED.entries()) if (i >= 4) body.push(numbered(i, part))
    body.push(DONE_FRAME)
    body.close()
    const result = await reply!.result
    expect(result).toMatchObject({ text: 'One two three', finishReason: 'stop', messageId: 'msg_1', costUsd: metadata.cost_usd })
    expect(texts).toEqual(['One', 'One two', 'One two three'])
  })

  it('resume(id, { lastEventId }) sends Last-Event-ID and gets only the parts after it', async () => {
    const { fetch, calls } = fakeFetch(streamResponse(framesFrom(5)))
    const reply = await createChatClient({ endpoint: '/v1/chat/stream', fetch }).resume(ID, { lastEventId: 4 })
    expect(calls[0]!.headers['last-event-id']).toBe('4')
    const result = await reply!.result
    expect(result.text).toBe(' three') // the caller already has "One two"
  })

  it('resume() rejects with the server error (e.g. 401) instead of returning a reply', async () => {
    const { fetch } = fakeFetch(json({ type: 'error', error: { type: 'authentication_error', message: 'Expired.' } }, 401))
    const error = await rejection(createChatClient({ endpoint: '/v1/chat/stream', fetch }).resume(ID))
    expect([error.type, error.status]).toEqual(['authentication_error', 401])
  })

  it('a conversation reply that drops mid-answer is resumed after its last part: whole text, nothing twice', async () => {
    const cut = controlledBody()
    const { fetch, calls } = fakeFetch(streamResponse(cut.stream), streamResponse(framesFrom(5)))
    const events: ChatEvent[] = []
    const reply = createChatClient({ endpoint: '/v1/chat/stream', fetch, retry: noDelay }).send('Count', {
      conversationId: ID,
      onEvent: (e) => events.push(e),
    })
    for (const [i, part] of NUMBERED.slice(0, 5).entries()) cut.push(numbered(i, part))
    await until(() => events.filter((e) => e.type === 'text').length === 2)
    cut.fail(new TypeError('network error'))
    const result = await reply.result
    expect(result.text).toBe('One two three')
    expect(events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.delta)).toEqual(['One', ' two', ' three'])
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1)
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /v1/chat/stream', `GET /v1/chat/stream/${ID}/stream`])
    expect(calls[1]!.headers['last-event-id']).toBe('4')
  })

  it('a stream that ends without a finish part is resumed the same way', async () => {
    const { fetch, calls } = fakeFetch(
      streamResponse(
        NUMBERED.slice(0, 4)
          .map((part, i) => numbered(i, part))
          .join(''),
      ),
      streamResponse(framesFrom(4)),
    )
    const result = await createChatClient({ endpoint: '/v1/chat/stream', fetch, retry: noDelay }).send('x', { conversationId: ID }).result
    expect(result.text).toBe('One two three')
    expect(calls[1]!.headers['last-event-id']).toBe('3')
  })

  it('when the resumed conversation has nothing running (204), the drop surfaces as incomplete with the partial text', async () => {
    const { fetch, calls } = fakeFetch(
      streamResponse(
        NUMBERED.slice(0, 4)
          .map((part, i) => numbered(i, part))
          .join(''),
      ),
      noContent(),
    )
    const error = await rejection(
      createChatClient({ endpoint: '/v1/chat/stream', fetch, retry: noDelay }).send('x', { conversationId: ID }).result,
    )
    expect([error.type, error.partialText]).toEqual(['incomplete', 'One'])
    expect(calls).toHaveLength(2)
  })

  it('a POST that failed to connect is resumed first (it may have arrived), and sent again when nothing runs', async () => {
    const arrived = fakeFetch(new TypeError('Failed to fetch'), streamResponse(framesFrom(0)))
    const first = await createChatClient({ endpoint: '/v1/chat/stream', fetch: arrived.fetch, retry: noDelay }).send('x', {
      conversationId: ID,
    }).result
    expect(first.text).toBe('One two three')
    expect(arrived.calls.map((c) => c.method)).toEqual(['POST', 'GET'])
    expect(arrived.calls[1]!.headers).not.toHaveProperty('last-event-id')

    const lost = fakeFetch(new TypeError('Failed to fetch'), noContent(), streamResponse(framesFrom(0)))
    const second = await createChatClient({ endpoint: '/v1/chat/stream', fetch: lost.fetch, retry: noDelay }).send('x', {
      conversationId: ID,
    }).result
    expect(second.text).toBe('One two three')
    expect(lost.calls.map((c) => c.method)).toEqual(['POST', 'GET', 'POST'])
    expect(lost.calls[2]!.body).toEqual(lost.calls[0]!.body)
  })

  it('a drop after text is not resumed without part ids (nothing to resume from) or without a conversation', async () => {
    const plain = [sse({ type: 'start' }), sse({ type: 'text-start', id: 't' }), sse({ type: 'text-delta', id: 't', delta: 'Hi' })].join('')
    const noIds = fakeFetch(streamResponse(plain))
    const error = await rejection(
      createChatClient({ endpoint: '/s', fetch: noIds.fetch, retry: noDelay }).send('x', { conversationId: ID }).result,
    )
    expect([error.type, error.partialText, noIds.calls.length]).toEqual(['incomplete', 'Hi', 1])

    const stateless = fakeFetch(
      streamResponse(
        NUMBERED.slice(0, 4)
          .map((part, i) => numbered(i, part))
          .join(''),
      ),
    )
    const cut = await rejection(createChatClient({ endpoint: '/s', fetch: stateless.fetch, retry: noDelay }).send('x').result)
    expect([cut.type, cut.partialText, stateless.calls.length]).toEqual(['incomplete', 'One', 1])
  })

  it('409 (the conversation is still answering) is surfaced, not retried', async () => {
    const { fetch, calls } = fakeFetch(
      json({ type: 'error', error: { type: 'invalid_request_error', message: 'This conversation is still answering.' } }, 409),
    )
    const error = await rejection(createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x', { conversationId: ID }).result)
    expect([error.type, error.status]).toEqual(['invalid_request_error', 409])
    expect(calls).toHaveLength(1)
  })

  it('a stop from anywhere ends the reply with the abort part: aborted, with the partial text', async () => {
    const frames = [
      ...NUMBERED.slice(0, 4).map((part, i) => numbered(i, part)),
      numbered(4, { type: 'abort', reason: 'The reply was stopped.' }),
      `id: 5\n${DONE_FRAME}`,
    ].join('')
    const { fetch } = fakeFetch(streamResponse(frames))
    const error = await rejection(createChatClient({ endpoint: '/s', fetch }).send('x', { conversationId: ID }).result)
    expect([error.type, error.message, error.partialText]).toEqual(['aborted', 'The reply was stopped.', 'One'])
  })

  it('a reply cut by a server restart fails with type interrupted (not retried), keeping the partial text', async () => {
    const frames = [
      ...NUMBERED.slice(0, 4).map((part, i) => numbered(i, part)),
      numbered(4, { type: 'error', errorText: 'interrupted: the service restarted while this reply was being written.' }),
      numbered(5, { type: 'finish', finishReason: 'error' }),
      `id: 6\n${DONE_FRAME}`,
    ].join('')
    const { fetch, calls } = fakeFetch(streamResponse(frames))
    const error = await rejection(createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x', { conversationId: ID }).result)
    expect([error.type, error.message, error.partialText]).toEqual([
      'interrupted',
      'the service restarted while this reply was being written.',
      'One',
    ])
    expect(calls).toHaveLength(1)
  })

  it('stop(id) posts to /v1/conversations/:id/stop and says whether something was running', async () => {
    const { fetch, calls } = fakeFetch(json({ stopped: true }), json({ stopped: false }))
    const chat = createChatClient({ endpoint: '/v1/chat/stream', fetch })
    await expect(chat.stop(ID)).resolves.toBe(true)
    await expect(chat.stop(ID)).resolves.toBe(false)
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([`POST /v1/conversations/${ID}/stop`, `POST /v1/conversations/${ID}/stop`])
  })

  it('loadConversation(id) returns the stored turns as UI messages and Anthropic messages; 404 is a not_found_error', async () => {
    const stored = {
      id: ID,
      title: 'Hello',
      created_at: '2026-11-23T10:00:00.000Z',
      updated_at: '2026-11-23T10:01:00.000Z',
      ui_messages: [
        { id: 'm0', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
        { id: 'm1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'Hi!', state: 'done' }] },
      ],
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: [{ type: 'text', text: 'Hi!' }] },
      ],
    }
    const { fetch, calls } = fakeFetch(json(stored), notFound())
    const chat = createChatClient({ endpoint: '/v1/chat/stream', fetch })
    await expect(chat.loadConversation(ID)).resolves.toEqual({
      id: ID,
      title: 'Hello',
      createdAt: stored.created_at,
      updatedAt: stored.updated_at,
      uiMessages: stored.ui_messages,
      messages: stored.messages,
    })
    expect(calls[0]).toMatchObject({ method: 'GET', url: `/v1/conversations/${ID}` })
    const error = await rejection(chat.loadConversation('conv_gone'))
    expect([error.type, error.status, error.requestId]).toEqual(['not_found_error', 404, 'req_404'])
  })

  it('deleteConversation(id) sends DELETE and resolves on 204', async () => {
    const { fetch, calls } = fakeFetch(noContent())
    await expect(createChatClient({ endpoint: '/v1/chat/stream', fetch }).deleteConversation(ID)).resolves.toBeUndefined()
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([`DELETE /v1/conversations/${ID}`])
  })

  it('a conversations call that cannot connect is a network_error', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'))
    const error = await rejection(createChatClient({ endpoint: '/v1/chat/stream', fetch }).createConversation())
    expect(error.type).toBe('network_error')
  })
})
