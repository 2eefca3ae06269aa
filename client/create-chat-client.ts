import { ChatError } from './chat-error.ts'
import { ChatReply } from './chat-reply.ts'
import { decodeUIMessageStream } from './decode-ui-message-stream.ts'
import { errorFromResponse } from './http-error.ts'
import { ReplyAccumulator } from './reply-accumulator.ts'
import { abortableSleep } from '../src/abort/abort.ts'
import { backoffDelay, type RetryOptions } from './retry.ts'
import type { ChatEvent, ChatMessage, ChatResult, ToolCall } from './types.ts'

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
  /** Retry of a connection that fails before any text arrived; `false` disables. Default: `{ attempts: 2, initialDelayMs: 500, maxDelayMs: 4000 }`. */
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
}

export interface ChatClient {
  /** Sends a text (as one user message) or a whole conversation and streams the reply. */
  send(input: string | readonly ChatMessage[], options?: SendOptions): ChatReply
}

const RETRYABLE = new Set(['network_error', 'incomplete'])

/**
 * A browser client for `POST /v1/chat/stream` (AI SDK UI message stream v1).
 *
 * @example
 * const chat = createChatClient({ endpoint: '/v1/chat/stream', token })
 * const reply = chat.send('Hello', { onText: (delta) => output.append(delta) })
 * stopButton.onclick = () => reply.abort()
 * const { text, usage, costUsd } = await reply.result
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const { endpoint, idleTimeoutMs = 60_000 } = options
  const retry =
    options.retry === false
      ? { attempts: 0, initialDelayMs: 0, maxDelayMs: 0 }
      : { attempts: 2, initialDelayMs: 500, maxDelayMs: 4000, ...options.retry }

  return {
    send(input, sendOptions = {}) {
      const messages: readonly ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input
      const body = JSON.stringify({ ...options.body, ...sendOptions.body, messages })
      const controller = new AbortController()
      const { signal } = sendOptions
      if (signal?.aborted) controller.abort(signal.reason)
      else signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true })

      return new ChatReply(controller, async (emitEvent) => {
        const emit = (event: ChatEvent) => {
          emitEvent(event)
          dispatch(event, sendOptions)
        }
        try {
          for (let attempt = 0; ; attempt++) {
            const reply = new ReplyAccumulator()
            try {
              return await attemptOnce(reply, emit)
            } catch (cause) {
              const error = toChatError(cause, controller.signal, reply)
              if (error.type === 'aborted' || reply.hasContent || !RETRYABLE.has(error.type) || attempt >= retry.attempts) {
                throw error
              }
              const delayMs = backoffDelay(attempt, retry)
              emit({ type: 'retry', attempt: attempt + 1, delayMs, reason: error.message })
              await abortableSleep(delayMs, controller.signal)
            }
          }
        } catch (cause) {
          const error = toChatError(cause, controller.signal, undefined)
          safely(() => sendOptions.onError?.(error))
          throw error
        }

        async function attemptOnce(reply: ReplyAccumulator, emit: (event: ChatEvent) => void): Promise<ChatResult> {
          const headers = await requestHeaders(options, sendOptions)
          const attempt = new AbortController()
          const onAbort = () => attempt.abort(controller.signal.reason)
          controller.signal.addEventListener('abort', onAbort, { once: true })
          try {
            let response: Response
            try {
              response = await (options.fetch ?? fetch)(endpoint, { method: 'POST', headers, body, signal: attempt.signal })
            } catch (cause) {
              throw new ChatError({ type: 'network_error', message: 'Could not reach the chat server.', cause })
            }
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
              }
            } catch (cause) {
              reader.cancel().catch(() => {})
              throw withRequestId(cause, requestId)
            } finally {
              idle?.stop()
              attempt.signal.removeEventListener('abort', cancel)
            }
            let result: ChatResult
            try {
              result = reply.end()
            } catch (cause) {
              throw withRequestId(cause, requestId)
            }
            emit({ type: 'finish', result })
            return result
          } finally {
            controller.signal.removeEventListener('abort', onAbort)
          }
        }
      })
    },
  }
}

async function requestHeaders(options: ChatClientOptions, sendOptions: SendOptions): Promise<Record<string, string>> {
  const extra = typeof options.headers === 'function' ? await options.headers() : options.headers
  const token = options.getToken ? await options.getToken() : options.token
  return {
    accept: 'text/event-stream',
    ...extra,
    ...sendOptions.headers,
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
