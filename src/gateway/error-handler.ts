import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { describeError, errorBody, errorResponse, GatewayError } from '../errors.ts'
import { loggerOf } from '../logger/logger.ts'

/**
 * The gateway's error handler (`app.onError(gatewayErrorHandler)`): the JSON error of the HTTP
 * contract, with the request id; the request's log line gets the error type as its outcome, and
 * anything that is not a client's mistake is logged. A client that left is not our failure: no
 * error log, and the log line says `aborted`.
 */
export const gatewayErrorHandler: ErrorHandler = (err, c) => {
  recordError(err, c)
  return errorResponse(c, err)
}

/** The request's log line gets the error type as its outcome; anything not a client's mistake is logged. */
function recordError(err: unknown, c: Context): void {
  const meter = c.get('meter')
  const aborted = c.req.raw.signal.aborted
  if (meter && !meter.finished) meter.outcome = aborted ? 'aborted' : GatewayError.isInstance(err) ? err.type : 'api_error'
  if (!aborted && (!GatewayError.isInstance(err) || err.status >= 500)) {
    loggerOf(c)({ level: 'error', msg: 'request failed', request_id: c.get('requestId'), error: describeError(err) })
  }
}

/** A 404 in the contract's shape that says which path to use when a client's base URL is off by `/v1`. */
export const gatewayNotFound: NotFoundHandler = (c) =>
  errorResponse(c, new GatewayError('not_found_error', notFoundMessage(c.req.method, new URL(c.req.url).pathname)))

/** Paths under /v1 (an SDK's baseURL without or with one /v1 too many lands next to them). */
const V1_ROUTE =
  /^\/v1\/(chat|chat\/stream|chat\/completions|messages|messages\/count_tokens|models|models\/[^/]+|usage|conversations|conversations\/[^/]+)$/

function notFoundMessage(method: string, path: string): string {
  const base = `No route for ${method} ${path}.`
  if (V1_ROUTE.test(`/v1${path}`)) {
    return `${base} Did you mean /v1${path}? Anthropic SDKs take the Worker's origin as baseURL (they add /v1); the AI SDK's Anthropic provider and OpenAI clients take '<worker>/v1'.`
  }
  if (path.startsWith('/v1/v1/') && V1_ROUTE.test(path.slice(3))) {
    return `${base} Did you mean ${path.slice(3)}? This client's baseURL ends in /v1 and it adds /v1 itself: use the Worker's origin.`
  }
  return `${base} See GET /v1/models, and docs/http.md for the routes.`
}

/**
 * Outside `createApp`, Hono's default error handler answers a GatewayError with `getResponse()`,
 * which cannot know the request: the gateway middleware calls this after its routes to answer
 * such an error as `gatewayErrorHandler` would (request id, log line).
 */
export function answerDefaultHandledError(c: Context): void {
  const err = c.error
  if (!GatewayError.isInstance(err) || !GatewayError.answeredByDefaultHandler(err)) return
  recordError(err, c)
  // The default handler's response has the status and headers (the error's, request-id); only
  // the body's request id is new. Dropped first: assigning over it would copy its headers again.
  const { status } = c.res
  const headers = new Headers(c.res.headers)
  headers.delete('content-length')
  c.res = undefined as unknown as Response
  c.res = new Response(JSON.stringify(errorBody(err.type, err.message, c.get('requestId'))), { status, headers })
}
