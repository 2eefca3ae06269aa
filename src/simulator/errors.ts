/** Anthropic's error `type` for an HTTP status, as the real API uses them. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error'
    case 401:
      return 'authentication_error'
    case 402:
      return 'billing_error'
    case 403:
      return 'permission_error'
    case 404:
      return 'not_found_error'
    case 408:
    case 504:
      return 'timeout_error'
    case 413:
      return 'request_too_large'
    case 429:
      return 'rate_limit_error'
    case 529:
      return 'overloaded_error'
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error'
  }
}

const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  timeout_error: 504,
  api_error: 500,
  overloaded_error: 529,
}

/** The HTTP status the real API answers with for an error `type`. */
export function statusForErrorType(type: string): number {
  return STATUS_OF_TYPE[type] ?? 500
}

const DEFAULT_MESSAGES: Record<string, string> = {
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'This request would exceed the rate limit for your organization. Please try again later.',
  timeout_error: 'Request timed out',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
  invalid_request_error: 'Invalid request',
}

export function defaultErrorMessage(type: string): string {
  return DEFAULT_MESSAGES[type] ?? 'Error'
}

/** An error the simulator answers with, in Anthropic's exact JSON shape. */
export class SimError extends Error {
  override name = 'SimError'
  readonly status: number
  readonly type: string
  readonly headers: Record<string, string>
  constructor(status: number, message: string, type = errorTypeForStatus(status), headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.type = type
    this.headers = headers
  }
}

export function errorBody(type: string, message: string, requestId: string) {
  return { type: 'error', error: { type, message }, request_id: requestId }
}

/** The error's JSON response; `headers` (the rate-limit headers) go under the error's own. */
export function errorResponse(err: SimError, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(errorBody(err.type, err.message, requestId)), {
    status: err.status,
    headers: { 'content-type': 'application/json', 'request-id': requestId, ...headers, ...err.headers },
  })
}
