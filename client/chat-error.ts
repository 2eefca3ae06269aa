import type { ErrorType } from '../src/wire/error.ts'
import { hasMarker } from '../src/marker.ts'

const marker = Symbol.for('claude-edge.ChatError')

/**
 * `type` is the server's `error.type` (`rate_limit_error`, `budget_exceeded_error`,
 * `overloaded_error`, …) or one raised by the client itself:
 * - `network_error`: the request could not be sent or the connection broke;
 * - `incomplete`: the stream ended without a finish part (a cut answer);
 * - `aborted`: `abort()` was called, the caller's signal fired, or the server aborted;
 * - `protocol_error`: the response is not a UI message stream;
 * - `stream_error`: an `error` part whose text names no type;
 * - `interrupted`: the server restarted while a conversation's reply was being written (what was
 *   written is kept in the conversation).
 */
export type ChatErrorType =
  | ErrorType
  | 'network_error'
  | 'incomplete'
  | 'aborted'
  | 'protocol_error'
  | 'stream_error'
  | 'interrupted'
  | (string & {})

export interface ChatErrorInit {
  type: ChatErrorType
  message: string
  /** HTTP status when the server refused the request before streaming. */
  status?: number
  /** Seconds to wait before trying again (from `Retry-After`). */
  retryAfter?: number
  requestId?: string
  /** Text that had already arrived when the error happened. */
  partialText?: string
  cause?: unknown
}

export class ChatError extends Error {
  override readonly name = 'ChatError'
  readonly [marker] = true
  readonly type: ChatErrorType
  readonly status: number | undefined
  readonly retryAfter: number | undefined
  readonly requestId: string | undefined
  readonly partialText: string

  constructor(init: ChatErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.type = init.type
    this.status = init.status
    this.retryAfter = init.retryAfter
    this.requestId = init.requestId
    this.partialText = init.partialText ?? ''
  }

  /** Works across bundles and realms, unlike `instanceof`. */
  static isInstance(value: unknown): value is ChatError {
    return hasMarker(value, marker)
  }
}
