import type { Context } from 'hono'
import { GatewayError, describeError } from '../errors.ts'
import { loggerOf } from '../logger/logger.ts'
import type { ErrorBody } from '../wire/error.ts'

/** The error of a failed stream (the `error` of its finish metadata): `message` is safe to show to the client. */
export type StreamFailure = ErrorBody['error']

/**
 * What to tell the client when a stream fails after its headers were sent: a GatewayError as it
 * is, anything else (a bug of ours) as a generic `api_error` whose details go to the log only.
 */
export function streamFailure(err: unknown, c: Context): StreamFailure {
  const log = () => loggerOf(c)({ level: 'error', msg: 'stream failed', request_id: c.get('requestId'), error: describeError(err) })
  if (GatewayError.isInstance(err)) {
    if (err.status >= 500) log()
    return { type: err.type, message: err.message }
  }
  log()
  return { type: 'api_error', message: 'Internal error in the gateway. Retry later; if it persists, report the request_id.' }
}
