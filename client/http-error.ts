import { ChatError } from './chat-error.ts'

/** A non-2xx response → `ChatError` with the server's `error.type`, status and `Retry-After`. */
export async function errorFromResponse(response: Response): Promise<ChatError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
  let type = response.status === 429 ? 'rate_limit_error' : response.status >= 500 ? 'api_error' : 'invalid_request_error'
  let message = `The server answered ${response.status}.`
  let requestId = response.headers.get('x-request-id') ?? undefined
  try {
    const body = (await response.json()) as { error?: { type?: unknown; message?: unknown }; request_id?: unknown }
    if (typeof body.error?.type === 'string') type = body.error.type
    if (typeof body.error?.message === 'string') message = body.error.message
    if (typeof body.request_id === 'string') requestId = body.request_id
  } catch {
    // not our JSON error (a proxy's HTML page, an empty body): keep the status-derived values
  }
  return new ChatError({
    type,
    message,
    status: response.status,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(requestId === undefined ? {} : { requestId }),
  })
}

/** `Retry-After` as whole seconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text))
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
}
