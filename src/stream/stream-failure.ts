import { GatewayError, type ErrorType } from '../errors.ts'

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
    if (err.status >= 500) console.error(JSON.stringify({ level: 'error', request_id: requestId, error: describe(err) }))
    return { type: err.type, message: err.message }
  }
  console.error(JSON.stringify({ level: 'error', request_id: requestId, error: describe(err) }))
  return { type: 'api_error', message: 'Internal error in the gateway. Retry later; if it persists, report the request_id.' }
}

function describe(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  return cause instanceof Error ? `${text} (cause: ${cause.name}: ${cause.message})` : text
}
