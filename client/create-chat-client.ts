import { ChatError } from './chat-error.ts'
import { ChatReply } from './chat-reply.ts'
import { decodeUIMessageStream, eventIds } from './decode-ui-message-stream.ts'
import { errorFromResponse } from './http-error.ts'
import { ReplyAccumulator } from './reply-accumulator.ts'
import { abortableSleep } from '../src/abort/abort.ts'
import { backoffDelay, type RetryOptions } from './retry.ts'
import type { ChatEvent, ChatMessage, ChatResult, Conversation, ToolCall } from './types.ts'

/** Request fields besides `messages` (docs/http.md#chat-request). Unknown fields are rejected by the server. */
export interface ChatRequestFields {
  system?: string
  /** An alias (`fast`, `balanced`, `smart`) or an allowed model id. */
  model?: string
  max_tokens?: number
  temperature?: number
  /** Names of server tools to enable; omitted means all allowed. */
  tools?: string[]
  client_tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[]
  metadata?: Record<string, unknown>
}

type HeadersSource = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>)

export interface ChatClientOptions {
  /** URL of the stream endpoint, e.g. `/v1/chat/stream` or `https://chat.example.com/v1/chat/stream`. */
  endpoint: string | URL
  /**
   * URL of the conversations API. Default: `endpoint` with its trailing `/chat/stream` replaced
   * by `/conversations` (`/v1/chat/stream` → `/v1/conversations`).
   */
  conversationsEndpoint?: string | URL
  /** Session token sent as `Authorization: Bearer …`. Default: none. */
  token?: string
  /** Called before every attempt for a fresh token (wins over `token`). Default: none. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>
  /** Extra request headers, or a function returning them. Default: none. */
  headers?: HeadersSource
  /** Fields merged into every request body (per-send `body` wins). Default: none. */
  body?: ChatRequestFields
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  fetch?: typeof fetch
  /**
   * Retry of a connection that fails before any text arrived (in a conversation, also of one that
   * drops later: the reply is resumed after its last part); `false` disables.
   * Default: `{ attempts: 2, initialDelayMs: 500, maxDelayMs: 4000 }`.
   */
  retry?: RetryOptions | false
  /** A stream silent for this long (no data, no heartbeat) counts as dropped; 0 disables. Default: 60000 ms. */
  idleTimeoutMs?: number
}

export interface ChatCallbacks {
  /** Every event, in order. */
  onEvent?: (event: ChatEvent) => void
  /** Text as it arrives: the new piece and the text of this part so far. */
  onText?: (delta: string, text: string) => void
  onReasoning?: (delta: string, text: string) => void
  /** A tool call whose input is complete. */
  onToolCall?: (toolCall: ToolCall) => void
  /** A tool call that got its output (`state: 'output-available'`) or failed (`'output-error'`). */
  onToolResult?: (toolCall: ToolCall) => void
  onFinish?: (result: ChatResult) => void
  onError?: (error: ChatError) => void
}

export interface SendOptions extends ChatCallbacks {
  /** Aborts the reply like `reply.abort()`. */
  signal?: AbortSignal
  /** Request fields for this send only. */
  body?: ChatRequestFields
  /** Extra headers for this send only. */
  headers?: Record<string, string>
  /**
   * The stored conversation this message continues (from `createConversation()`), sent as
   * `conversation_id`: the server prepends its turns, so send only the new message. The reply
   * then outlives the connection: `resume()` picks it up, `stop()` ends it.
   */
  conversationId?: string
}

export interface ResumeOptions extends ChatCallbacks {
  /** Aborts reading (the generation goes on: `stop()` ends it). */
  signal?: AbortSignal
  /** Extra headers for this request only. */
  headers?: Record<string, string>
  /** Continue after this part (a reply's `lastEventId`), sent as `Last-Event-ID`. Default: replay from the first part. */
  lastEventId?: string | number
}

/** A conversation `createConversation()` made: its server-issued id and creation time (ISO 8601). */
export interface NewConversation {
  id: string
  createdAt: string
}

export interface ChatClient {
  /** Sends a text (as one user message) or a whole conversation and streams the reply. */
  send(input: string | readonly ChatMessage[], options?: SendOptions): ChatReply
  /** `POST /v1/conversations`: a new stored conversation, with a server-issued id (the only kind anonymous visitors may use). */
  createConversation(options?: { signal?: AbortSignal }): Promise<NewConversation>
  /**
   * `GET <endpoint>/<id>/stream`: the conversation's reply still being written (or just
   * finished), replayed from its first part (or after `lastEventId`) and then live, as the same
   * `ChatReply` `send()` returns; `null` when nothing is running.
   */
  resume(conversationId: string, options?: ResumeOptions): Promise<ChatReply | null>
  /** `POST /v1/conversations/:id/stop`: ends the running reply from any tab or device; false when none was running. */
  stop(conversationId: string): Promise<boolean>
  /** `GET /v1/conversations/:id`: the stored turns (404 `not_found_error` when expired, deleted or another caller's). */
  loadConversation(conversationId: string): Promise<Conversation>
  /** `DELETE /v1/conversations/:id`. */
  deleteConversation(conversationId: string): Promise<void>
}

const RETRYABLE = new Set(['network_error', 'incomplete'])

/**
 * A browser client for `POST /v1/chat/stream` (AI SDK UI message stream v1) and the
 * conversations API.
 *
 * @example
 * const chat = createChatClient({ endpoint: '/v1/chat/stream', token })
 * const reply = chat.send('Hello', { onText: (delta) => output.append(delta) })
 * stopButton.onclick = () => reply.abort()
 * const { text, usage, costUsd } = await reply.result
 *
 * @example
 * const { id } = await chat.createConversation()
 * await chat.send('Hello', { conversationId: id }).result // later turns send only the new message
 * const running = await chat.resume(id) // after a reload: null when nothing is being written
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const { idleTimeoutMs = 60_000 } = options
  const endpoint = String(options.endpoint)
  const conversations = String(options.conversationsEndpoint ?? endpoint.replace(/\/chat\/stream\/?$/, '/conversations'))
  const retry =
    options.retry === false
      ? { attempts: 0, initialDelayMs: 0, maxDelayMs: 0 }
      : { attempts: 2, initialDelayMs: 500, maxDelayMs: 4000, ...options.retry }

  /** One request; a failure to connect is a `network_error`. */
  async function request(url: string, init: RequestInit, headers?: Record<string, string>): Promise<Response> {
    const all = await requestHeaders(options, headers)
    try {
      return await (options.fetch ?? fetch)(url, { ...init, headers: all })
    } catch (cause) {
      throw new ChatError({ type: 'network_error', message: 'Could not reach the chat server.', cause })
    }
  }

  /** A request to the conversations API: its JSON, or the server's error as a `ChatError`. */
  async function api<T>(method: string, path: string, signal?: AbortSignal): Promise<T> {
    const response = await request(conversations + path, { method, ...(signal && { signal }) }, { accept: 'application/json' })
    if (!response.ok) throw await errorFromResponse(response)
    return (response.status === 204 ? undefined : await response.json()) as T
  }

  const resumeRequest = (id: string, lastEventId: string | undefined, signal: AbortSignal, headers?: Record<string, string>) =>
    request(
      `${endpoint}/${encodeURIComponent(id)}/stream`,
      { signal },
      { ...headers, ...(lastEventId && { 'last-event-id': lastEventId }) },
    )

  /**
   * Streams one reply into a `ChatReply`. `post` is the body of `send()`'s POST; `first` the
   * response `resume()` already has. In a conversation, a dropped reply is resumed after its last
   * part; a POST that may not have arrived is resumed, or sent again when nothing runs.
   */
  function stream(
    controller: AbortController,
    callbacks: SendOptions,
    conversationId: string | undefined,
    post: string | undefined,
    first?: Response,
    lastEventId?: string,
  ): ChatReply {
    return new ChatReply(controller, async (emitEvent, self) => {
      self.lastEventId = lastEventId
      const emit = (event: ChatEvent) => {
        emitEvent(event)
        dispatch(event, callbacks)
      }
      let reply = new ReplyAccumulator()
      let response = first
      // Whether the server has the request: always for resume(), after an answer for send().
      let posted = post === undefined
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            if (!response && conversationId && attempt > 0) {
              response = await resumeRequest(conversationId, self.lastEventId, controller.signal, callbacks.headers)
              if (response.status === 204) {
                response = undefined
                if (posted) {
                  // The server has nothing left to resume: no point in asking again.
                  attempt = retry.attempts
                  throw new ChatError({
                    type: 'incomplete',
                    message: 'The stream ended before the reply finished.',
                    partialText: reply.text,
                  })
                }
              }
            }
            response ??= await request(endpoint, { method: 'POST', body: post!, signal: controller.signal }, callbacks.headers)
            posted = true
            return await read(response, reply, emit, self)
          } catch (cause) {
            response = undefined
            const error = toChatError(cause, controller.signal, reply)
            const resumable = conversationId !== undefined && self.lastEventId !== undefined
            if (error.type === 'aborted' || (reply.hasContent && !resumable) || !RETRYABLE.has(error.type) || attempt >= retry.attempts) {
              throw error
            }
            if (!resumable) reply = new ReplyAccumulator()
            const delayMs = backoffDelay(attempt, retry)
            emit({ type: 'retry', attempt: attempt + 1, delayMs, reason: error.message })
            await abortableSleep(delayMs, controller.signal)
          }
        }
      } catch (cause) {
        const error = toChatError(cause, controller.signal, reply)
        safely(() => callbacks.onError?.(error))
        throw error
      }
    })
  }

  /** Reads one response into `reply`, emitting events; the result, or throws on a cut or failed stream. */
  async function read(response: Response, reply: ReplyAccumulator, emit: (event: ChatEvent) => void, self: ChatReply): Promise<ChatResult> {
    if (!response.ok) throw await errorFromResponse(response)
    const contentType = response.headers.get('content-type') ?? ''
    if (!response.body || !contentType.includes('text/event-stream')) {
      await response.body?.cancel().catch(() => {})
      throw new ChatError({
        type: 'protocol_error',
        message: `Expected an event stream from the server, got "${contentType || 'no content type'}".`,
        status: response.status,
      })
    }
    const requestId = response.headers.get('x-request-id') ?? undefined
    // Aborted by the reply's signal or by the idle timeout.
    const attempt = new AbortController()
    const onAbort = () => attempt.abort(self.signal.reason)
    self.signal.addEventListener('abort', onAbort, { once: true })
    if (self.signal.aborted) onAbort()
    const idle = idleTimeoutMs > 0 ? watchIdle(response.body, idleTimeoutMs, attempt) : undefined
    const reader = decodeUIMessageStream(idle?.stream ?? response.body).getReader()
    // A custom `fetch` may ignore the signal: cancelling the reader always stops the body.
    const cancel = () => reader.cancel(attempt.signal.reason).catch(() => {})
    attempt.signal.addEventListener('abort', cancel, { once: true })
    try {
      for (;;) {
        const { done, value } = await reader.read()
        attempt.signal.throwIfAborted()
        if (done) break
        for (const event of reply.apply(value)) emit(event)
        self.lastEventId = eventIds.get(value) ?? self.lastEventId
      }
      const result = reply.end()
      emit({ type: 'finish', result })
      return result
    } catch (cause) {
      reader.cancel().catch(() => {})
      throw withRequestId(cause, requestId)
    } finally {
      idle?.stop()
      attempt.signal.removeEventListener('abort', cancel)
      self.signal.removeEventListener('abort', onAbort)
    }
  }

  return {
    send(input, sendOptions = {}) {
      const { conversationId } = sendOptions
      const messages: readonly ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input
      const body = JSON.stringify({
        ...options.body,
        ...sendOptions.body,
        ...(conversationId === undefined ? {} : { conversation_id: conversationId }),
        messages,
      })
      return stream(follow(sendOptions.signal), sendOptions, conversationId, body)
    },

    async resume(conversationId, resumeOptions = {}) {
      const controller = follow(resumeOptions.signal)
      const lastEventId = resumeOptions.lastEventId?.toString()
      const response = await resumeRequest(conversationId, lastEventId, controller.signal, resumeOptions.headers)
      if (response.status === 204) return null
      if (!response.ok) throw await errorFromResponse(response)
      return stream(controller, resumeOptions, conversationId, undefined, response, lastEventId)
    },

    async createConversation(createOptions = {}) {
      const { id, created_at } = await api<{ id: string; created_at: string }>('POST', '', createOptions.signal)
      return { id, createdAt: created_at }
    },

    async stop(conversationId) {
      return (await api<{ stopped: boolean }>('POST', `/${encodeURIComponent(conversationId)}/stop`)).stopped
    },

    async loadConversation(conversationId) {
      const c = await api<StoredConversation>('GET', `/${encodeURIComponent(conversationId)}`)
      return { id: c.id, title: c.title, createdAt: c.created_at, updatedAt: c.updated_at, uiMessages: c.ui_messages, messages: c.messages }
    },

    async deleteConversation(conversationId) {
      await api('DELETE', `/${encodeURIComponent(conversationId)}`)
    },
  }
}

/** The JSON of `GET /v1/conversations/:id`. */
interface StoredConversation {
  id: string
  title: string
  created_at: string
  updated_at: string
  ui_messages: Conversation['uiMessages']
  messages: Conversation['messages']
}

/** A controller for one reply that aborts with the caller's `signal`. */
function follow(signal: AbortSignal | undefined): AbortController {
  const controller = new AbortController()
  if (signal?.aborted) controller.abort(signal.reason)
  else signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  return controller
}

async function requestHeaders(options: ChatClientOptions, headers: Record<string, string> | undefined): Promise<Record<string, string>> {
  const extra = typeof options.headers === 'function' ? await options.headers() : options.headers
  const token = options.getToken ? await options.getToken() : options.token
  return {
    accept: 'text/event-stream',
    ...extra,
    ...headers,
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  }
}

/** The response's `x-request-id` on a stream error that names none, for support references. */
function withRequestId(cause: unknown, requestId: string | undefined): unknown {
  if (!ChatError.isInstance(cause) || cause.requestId !== undefined || requestId === undefined) return cause
  return new ChatError({
    type: cause.type,
    message: cause.message,
    requestId,
    partialText: cause.partialText,
    ...(cause.status === undefined ? {} : { status: cause.status }),
    ...(cause.retryAfter === undefined ? {} : { retryAfter: cause.retryAfter }),
    ...(cause.cause === undefined ? {} : { cause: cause.cause }),
  })
}

/** Aborts `attempt` with a `network_error` when no bytes arrive for `ms` (heartbeats count). */
function watchIdle(body: ReadableStream<Uint8Array>, ms: number, attempt: AbortController) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer)
  }
  const arm = () => {
    disarm()
    timer = setTimeout(() => {
      attempt.abort(new ChatError({ type: 'network_error', message: `The server sent nothing for ${Math.round(ms / 1000)} s.` }))
    }, ms)
  }
  arm()
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        arm()
        controller.enqueue(chunk)
      },
      flush: disarm,
    }),
    { signal: attempt.signal },
  )
  return { stream, stop: disarm }
}

function toChatError(cause: unknown, signal: AbortSignal, reply: ReplyAccumulator | undefined): ChatError {
  const partialText = reply?.text ?? ''
  if (signal.aborted) {
    if (ChatError.isInstance(cause) && cause.type === 'aborted') return cause
    return new ChatError({ type: 'aborted', message: 'The reply was stopped.', partialText, cause })
  }
  if (ChatError.isInstance(cause)) {
    if (cause.type === 'network_error' && reply?.hasContent) {
      return new ChatError({
        type: 'network_error',
        message: 'The connection dropped before the reply finished.',
        partialText,
        cause,
      })
    }
    return cause
  }
  // The attempt's own abort (idle timeout) carries its ChatError as the reason.
  if (typeof cause === 'object' && cause !== null && 'cause' in cause && ChatError.isInstance(cause.cause)) return cause.cause
  return new ChatError({ type: 'network_error', message: 'The connection to the chat server dropped.', partialText, cause })
}

function dispatch(event: ChatEvent, callbacks: ChatCallbacks) {
  safely(() => {
    callbacks.onEvent?.(event)
    switch (event.type) {
      case 'text':
        return callbacks.onText?.(event.delta, event.text)
      case 'reasoning':
        return callbacks.onReasoning?.(event.delta, event.text)
      case 'tool-call':
        return callbacks.onToolCall?.(event.toolCall)
      case 'tool-result':
      case 'tool-error':
        return callbacks.onToolResult?.(event.toolCall)
      case 'finish':
        return callbacks.onFinish?.(event.result)
    }
  })
}

/** A throwing callback must not break the stream: report it like an uncaught error instead. */
function safely(fn: () => void) {
  try {
    fn()
  } catch (error) {
    setTimeout(() => {
      throw error
    })
  }
}
