/** The stable `error.type` values of the HTTP contract (docs/http.md, "Errors"). */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'budget_exceeded_error'
  | 'upstream_error'
  | 'overloaded_error'
  | 'timeout_error'
  | 'api_error'

/** The JSON body of every error response (docs/http.md, "Errors"): Anthropic's error shape, plus the request id. */
export interface ErrorBody {
  type: 'error'
  /** `message` is safe to show to the end user: it says what to fix, never a secret. */
  error: { type: ErrorType; message: string }
  request_id: string
}
