import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error'
import { GatewayError } from '../errors.ts'
import { retryAfterSeconds } from '../pace/headers.ts'

/** How an upstream failure should be handled by retries and fallbacks. */
export type FailureKind = 'overloaded' | 'rate_limited' | 'server' | 'network' | 'timeout' | 'bad_request' | 'misconfigured' | 'aborted'

export interface UpstreamFailure {
  kind: FailureKind
  status?: number
  /** Seconds the upstream asked us to wait (`retry-after-ms` / `retry-after`). */
  retryAfterSec?: number
  /** The upstream's own message, only for 400s (it describes the caller's request). */
  message?: string
  /** The upstream's `x-should-retry` header, when sent: it overrides our own judgement. */
  shouldRetry?: boolean
  /** Not sent at all: the call's turn under the pace would come past the wait bound (`Pacer.turn`). */
  queued?: boolean
}

/** Error types that are about our key or account, whatever the status they come with. */
const ACCOUNT_ERROR_TYPES = new Set(['authentication_error', 'permission_error', 'billing_error'])

/**
 * Words of a 4xx `invalid_request_error` that is about our account, not the caller's request:
 * Anthropic answers "Your credit balance is too low to access the Anthropic API…" as a plain 400.
 */
const ACCOUNT_MESSAGE = /credit balance|billing|organi[sz]ation|workspace|api[ -]?key/i

/**
 * True when an upstream error is about the operator's key or account (billing, permissions,
 * a disabled organization or workspace): passing it on as a 400 would blame the caller and show
 * them our account's details.
 */
function isAccountError(status: number | undefined, type: string | undefined, message: string | undefined): boolean {
  if (type !== undefined && ACCOUNT_ERROR_TYPES.has(type)) return true
  const clientError = status !== undefined && status >= 400 && status < 500
  return clientError && (type === undefined || type === 'invalid_request_error') && message !== undefined && ACCOUNT_MESSAGE.test(message)
}

/** Classifies an error thrown by `@anthropic-ai/sdk` (or fetch) during a call. */
export function classifyFailure(err: unknown): UpstreamFailure {
  if (err instanceof APIUserAbortError) return { kind: 'aborted' }
  if (err instanceof APIConnectionTimeoutError) return { kind: 'timeout' }
  if (err instanceof APIConnectionError) return { kind: 'network' }
  if (err instanceof APIError) {
    const status = err.status
    const body = err.error as { error?: { type?: string; message?: string } } | undefined
    const type = body?.error?.type
    const after = retryAfterSeconds(err.headers)
    const should = err.headers?.get('x-should-retry')
    const base = {
      ...(status !== undefined && { status }),
      ...(after !== undefined && { retryAfterSec: after }),
      ...((should === 'true' || should === 'false') && { shouldRetry: should === 'true' }),
    }
    // Mid-stream `event: error` frames carry no status; their type says what happened.
    if (status === 529 || type === 'overloaded_error') return { kind: 'overloaded', ...base }
    if (status === 429 || type === 'rate_limit_error') return { kind: 'rate_limited', ...base }
    // Our key or account is wrong (402: billing; or a 400 about our account): never the caller's fault.
    if (status === 401 || status === 402 || status === 403 || isAccountError(status, type, body?.error?.message)) {
      return { kind: 'misconfigured', ...base }
    }
    if (status === 408 || status === 504 || type === 'timeout_error') return { kind: 'timeout', ...base }
    if (status !== undefined && status >= 400 && status < 500) {
      return { kind: 'bad_request', ...base, ...(body?.error?.message && { message: body.error.message }) }
    }
    return { kind: 'server', ...base }
  }
  if (err instanceof Error && err.name === 'AbortError') return { kind: 'aborted' }
  return { kind: 'network' }
}

const triedNote = (modelsTried: string[]) => (modelsTried.length ? ` (tried: ${modelsTried.join(', ')})` : '')

/** The client-facing error for a failure that retries and fallbacks could not fix. */
export function failureToGatewayError(failure: UpstreamFailure, modelsTried: string[], cause?: unknown): GatewayError {
  const tried = triedNote(modelsTried)
  const retryHeaders = { 'Retry-After': String(Math.max(1, Math.ceil(failure.retryAfterSec ?? 5))) }
  switch (failure.kind) {
    case 'overloaded':
    case 'rate_limited':
      return new GatewayError('overloaded_error', `Claude is overloaded right now${tried}. Retry after the Retry-After delay.`, {
        headers: retryHeaders,
        cause,
      })
    case 'timeout':
      return new GatewayError('timeout_error', `Claude did not answer within the deadline${tried}. Retry, or ask for a shorter answer.`, {
        cause,
      })
    case 'misconfigured':
      return new GatewayError(
        'upstream_error',
        'The server is misconfigured: the upstream rejected its credentials or account. Tell the operator of this service.',
        { cause },
      )
    case 'bad_request':
      return new GatewayError('invalid_request_error', `Claude rejected the request: ${failure.message ?? `HTTP ${failure.status}`}`, {
        cause,
      })
    case 'aborted':
      return new GatewayError('api_error', 'The request was cancelled.', { cause })
    default:
      return new GatewayError(
        'upstream_error',
        `Claude could not be reached or failed${tried}${failure.status ? ` (HTTP ${failure.status})` : ''}. Retry later.`,
        { cause },
      )
  }
}

/**
 * The 504 of a request whose own deadline passed (`UPSTREAM_DEADLINE_MS`, which spans every model
 * call and tool run of a tool loop); `when` says where, e.g. "before model call 3".
 */
export function requestDeadlineError(deadlineMs: number, when: string, modelsTried: string[] = [], cause?: unknown): GatewayError {
  return new GatewayError(
    'timeout_error',
    `The request deadline (UPSTREAM_DEADLINE_MS=${deadlineMs}) passed ${when}${triedNote(modelsTried)}. Retry, or ask for less.`,
    { cause },
  )
}
