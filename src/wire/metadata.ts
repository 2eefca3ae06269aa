import type { ErrorBody } from './error.ts'
import type { Usage } from './usage.ts'

/**
 * `messageMetadata` of the `finish` part of `POST /v1/chat/stream` (docs/http.md, "Chat stream"):
 * the gateway always writes every field but the optional ones. The browser client reads it as
 * `ChatMetadata`, each field optional, since a `message-metadata` part may carry only some of them.
 */
export interface ChatStreamMetadata {
  /** The model that wrote the final answer; null when the stream failed before one did. */
  model: string | null
  /** Anthropic `stop_reason` of the last model call. */
  stop_reason: string | null
  /** Token counts of the whole request (every model call of it). */
  usage: Usage
  cost_usd: number
  request_id: string
  /** Every model tried, in order (more than one when a fallback model answered). */
  models_tried: string[]
  warnings?: string[]
  /** The answer parsed and checked against the request's `output_schema` (structured output). */
  object?: unknown
  /** Why the stream ended early (also sent as the `error` part just before). */
  error?: ErrorBody['error']
}
