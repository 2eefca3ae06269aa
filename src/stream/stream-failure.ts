import { GatewayError, describeError, type ErrorType } from '../errors.ts'

export interface StreamFailure {
  type: ErrorType
  /** Safe to show to the client. */
  message: string
}

/**
 * What to tell the client when a stream fails after its headers were sent: a GatewayError as it
 * is, anything else (a bug of ours) as a generic `api_error` whose details go to the log only.
 */
export function streamFailure(err: unknown, requestId: string): StreamFailure {
  if (GatewayError.isInstance(err)) {
    if (err.status >= 500) console.error(JSON.stringify({ level: 'error', request_id: requestId, error: describeError(err) }))
    return { type: err.type, message: err.message }
  }
  console.error(JSON.stringify({ level: 'error', request_id: requestId, error: describeError(err) }))
  return { type: 'api_error', message: 'Internal error in the gateway. Retry later; if it persists, report the request_id.' }
}
