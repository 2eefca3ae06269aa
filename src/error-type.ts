/**
 * The stable `error.type` values of the HTTP contract (SPEC §1.1). Dependency-free, so the
 * browser client (`claude-edge/client`) shares the list.
 */
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
