import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

import { hasMarker } from './marker.ts'
import type { ErrorBody, ErrorType } from './wire/error.ts'

export type { ErrorBody, ErrorType } from './wire/error.ts'

const STATUS_OF: Record<ErrorType, ContentfulStatusCode> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  budget_exceeded_error: 402,
  upstream_error: 502,
  overloaded_error: 503,
  timeout_error: 504,
  api_error: 500,
}

const MARKER = Symbol.for('claude-edge.GatewayError')

export interface GatewayErrorOptions {
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>
  /** Overrides the status implied by the type (rarely needed). */
  status?: ContentfulStatusCode
  /** Internal detail for the log only; never sent to the client. */
  cause?: unknown
}

/**
 * The one error class of the gateway: handlers throw it, `app.onError` turns it into the JSON
 * error of the HTTP contract (docs/http.md#errors). `message` is shown to the client, so it must say what to fix and never
 * carry a secret or an upstream detail we do not control.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError'
  readonly [MARKER] = true
  readonly type: ErrorType
  readonly status: ContentfulStatusCode
  readonly headers: Record<string, string>

  constructor(type: ErrorType, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.type = type
    this.status = options.status ?? STATUS_OF[type]
    this.headers = options.headers ?? {}
  }

  static isInstance(value: unknown): value is GatewayError {
    return hasMarker(value, MARKER)
  }

  /**
   * The JSON error response (status, headers, body of the HTTP contract), as Hono's default error
   * handler asks of an error: outside `createApp`, a thrown GatewayError still answers with the
   * right status and body. The `gateway()` middleware fills in the request id afterwards.
   */
  getResponse(): Response {
    ANSWERED_BY_DEFAULT_HANDLER.add(this)
    return Response.json(errorBody(this.type, this.message, 'unknown'), { status: this.status, headers: this.headers })
  }

  /** True when Hono's default error handler answered with `getResponse()` (the gateway then rewrites it). */
  static answeredByDefaultHandler(error: GatewayError): boolean {
    return ANSWERED_BY_DEFAULT_HANDLER.has(error)
  }
}

const ANSWERED_BY_DEFAULT_HANDLER = new WeakSet<GatewayError>()

export function errorBody(type: ErrorType, message: string, requestId: string): ErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId }
}

/** `Name: message (cause: Name: message)` of any thrown value, for the log only. */
export function describeError(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return cause instanceof Error ? `${text} (cause: ${cause.name}: ${cause.message})` : text
}

/** The JSON error response for `err`; anything that is not a GatewayError is a generic 500. */
export function errorResponse(c: Context, err: unknown): Response {
  const requestId = c.get('requestId') ?? 'unknown'
  if (GatewayError.isInstance(err)) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value)
    return c.json(errorBody(err.type, err.message, requestId), err.status)
  }
  return c.json(
    errorBody('api_error', 'Internal error in the gateway. Retry later; if it persists, report the request_id.', requestId),
    500,
  )
}
