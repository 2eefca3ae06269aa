import type { MiddlewareHandler } from 'hono'
import { GatewayError, type ErrorType } from '../errors.ts'
import type { OpenAIErrorBody } from './types.ts'

/**
 * Our error types in OpenAI's terms. `type` is OpenAI's coarse class; `code` is the code OpenAI
 * clients know where there is one (`invalid_api_key`, `model_not_found`, `rate_limit_exceeded`,
 * `insufficient_quota`), our own error type otherwise. On this route the only 404 is an unknown
 * model: the path itself exists.
 */
const OPENAI_ERRORS: Record<ErrorType, { type: string; code: string }> = {
  invalid_request_error: { type: 'invalid_request_error', code: 'invalid_request_error' },
  authentication_error: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission_error: { type: 'invalid_request_error', code: 'permission_error' },
  not_found_error: { type: 'invalid_request_error', code: 'model_not_found' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit_error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  budget_exceeded_error: { type: 'insufficient_quota', code: 'insufficient_quota' },
  upstream_error: { type: 'server_error', code: 'upstream_error' },
  overloaded_error: { type: 'server_error', code: 'overloaded_error' },
  timeout_error: { type: 'server_error', code: 'timeout_error' },
  api_error: { type: 'server_error', code: 'api_error' },
}

/** Failures the gateway already retried and fell back on: `x-should-retry: false` keeps the SDK's retries from stacking on ours. */
const RETRIED = new Set<ErrorType>(['overloaded_error', 'upstream_error', 'timeout_error'])

const INTERNAL = 'Internal error in the gateway. Retry later; if it persists, report the request_id.'

/** `{ error: { message, type, param, code } }` (OpenAI's shape, which its SDKs parse), with our request id. */
export function openAIErrorBody(type: ErrorType, message: string, requestId: string): OpenAIErrorBody {
  return { error: { message, ...OPENAI_ERRORS[type], param: null }, request_id: requestId }
}

/**
 * Answers the errors of the routes below it in OpenAI's shape, whoever threw them (authentication,
 * limits, the body limit, the handler): mount it before `authenticate`. The app's `onError` has
 * already logged the error and set the meter's outcome; this only rewrites the body, keeping the
 * status and every header (`Retry-After`, `RateLimit-*`, `x-request-id`). Anything that is not a
 * GatewayError is a generic 500, its details in the log only.
 *
 * @example app.use('/v1/chat/completions', openAIErrors())
 */
export function openAIErrors(): MiddlewareHandler {
  return async function openAIErrors(c, next) {
    await next()
    const err = c.error
    if (!err) return
    const known = GatewayError.isInstance(err)
    const body = known
      ? openAIErrorBody(err.type, err.message, c.get('requestId'))
      : openAIErrorBody('api_error', INTERNAL, c.get('requestId'))
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (known && RETRIED.has(err.type)) headers['x-should-retry'] = 'false'
    // The setter keeps the headers of the response it replaces (content-type aside).
    c.res = new Response(JSON.stringify(body), { status: known ? err.status : 500, headers })
  }
}
