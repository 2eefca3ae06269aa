import type { ChatError } from '../chat-error.ts'

export interface ErrorDescription {
  /** One or two sentences a person can act on. */
  message: string
  /** When sending again makes sense (from `Retry-After`), if the server said. */
  retryAt: Date | undefined
  /** False when sending again cannot help (expired session, no access, conversation too long). */
  canRetry: boolean
}

/** A `ChatError` → what the widget tells the person. Server messages are for developers; not shown. */
export function describeError(error: ChatError, now: Date = new Date()): ErrorDescription {
  const after = error.retryAfter
  const retryAt = after === undefined ? undefined : new Date(now.getTime() + after * 1000)
  const wait = after === undefined ? undefined : `${formatDuration(after)}${after >= 90 ? ` (at ${formatClock(retryAt!)})` : ''}`
  const cut = error.partialText ? 'The reply was cut off. ' : ''
  const describe = (message: string, canRetry = true): ErrorDescription => ({ message, retryAt, canRetry })

  switch (error.type) {
    case 'rate_limit_error':
      return describe(
        wait
          ? `You've sent too many messages in a short time. You can send again in ${wait}.`
          : `You've sent too many messages in a short time. Please wait a moment and try again.`,
      )
    case 'budget_exceeded_error':
      return describe(
        wait
          ? `This chat has used up its budget for today. It will be available again in ${wait}.`
          : `This chat has used up its budget for today. Please try again later.`,
      )
    case 'overloaded_error':
      return describe(`${cut}Claude is very busy right now. Please try again ${wait ? `in ${wait}` : 'in a moment'}.`)
    case 'timeout_error':
      return describe(`${cut}The reply took too long. Please try again.`)
    case 'authentication_error':
      return describe('Your session has expired or is not valid. Reload the page to continue.', false)
    case 'permission_error':
      return describe("This chat can't be used from this page or with this account.", false)
    case 'request_too_large':
      return describe('This conversation has grown too long. Start a new chat to continue.', false)
    case 'invalid_request_error':
      return describe("The chat service couldn't accept this message. Try rephrasing it or start a new chat.")
    case 'not_found_error':
      return describe("The chat service wasn't found at its address. Please let the site owner know.", false)
    case 'network_error':
      return describe(
        error.partialText
          ? 'The connection was lost before the reply finished. Please try again.'
          : "Couldn't reach the chat service. Check your connection and try again.",
      )
    case 'interrupted': // a restart cut the reply (what was written is kept in the conversation)
    case 'incomplete':
      return describe('The reply was cut off before it finished. Please try again.')
    case 'aborted':
      return describe('Stopped.')
    default:
      return describe(`${cut}Something went wrong on our side. Please try again.`)
  }
}

/** 1 → "1 second", 75 → "75 seconds", 600 → "10 minutes", 7200 → "2 hours". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  const [n, unit] = s < 90 ? [s, 'second'] : s < 90 * 60 ? [Math.ceil(s / 60), 'minute'] : [Math.round(s / 3600), 'hour']
  return `${n} ${unit}${n === 1 ? '' : 's'}`
}

function formatClock(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}
