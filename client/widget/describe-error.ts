import type { ChatError } from '../chat-error.ts'
import { type ClaudeChatStrings, DEFAULT_STRINGS, fill } from './strings.ts'

export interface ErrorDescription {
  /** One or two sentences a person can act on. */
  message: string
  /** When sending again makes sense (from `Retry-After`), if the server said. */
  retryAt: Date | undefined
  /** False when sending again cannot help (expired session, no access, conversation too long). */
  canRetry: boolean
}

/**
 * A `ChatError` → what the widget tells the person, in `strings` (with `{name}` filled in) and the
 * `locale`'s words for durations and times. Server messages are for developers; not shown.
 */
export function describeError(
  error: ChatError,
  now: Date = new Date(),
  strings: ClaudeChatStrings = fillName(DEFAULT_STRINGS),
  locale = 'en',
): ErrorDescription {
  const after = error.retryAfter
  const retryAt = after === undefined ? undefined : new Date(now.getTime() + after * 1000)
  const wait = after === undefined ? undefined : `${duration(after, locale)}${after >= 90 ? ` (at ${formatClock(retryAt!, locale)})` : ''}`
  const cut = error.partialText ? strings.errorCutPrefix : ''
  const describe = (message: string, canRetry = true): ErrorDescription => ({ message: fill(message, { wait }), retryAt, canRetry })
  const waited = (withWait: string, without: string) => describe(wait ? withWait : without)

  switch (error.type) {
    case 'rate_limit_error':
      return waited(strings.errorRateLimitWait, strings.errorRateLimit)
    case 'budget_exceeded_error':
      return waited(strings.errorBudgetWait, strings.errorBudget)
    case 'overloaded_error':
      return waited(cut + strings.errorOverloadedWait, cut + strings.errorOverloaded)
    case 'timeout_error':
      return describe(cut + strings.errorTimeout)
    case 'authentication_error':
      return describe(strings.errorSession, false)
    case 'permission_error':
      return describe(strings.errorPermission, false)
    case 'request_too_large':
      return describe(strings.errorTooLong, false)
    case 'invalid_request_error':
      return describe(strings.errorRejected)
    case 'not_found_error':
      return describe(strings.errorNotFound, false)
    case 'network_error':
      return describe(error.partialText ? strings.errorDropped : strings.errorOffline)
    case 'interrupted': // a restart cut the reply (what was written is kept in the conversation)
    case 'incomplete':
      return describe(strings.errorCutOff)
    case 'aborted':
      return describe(`${strings.stopped}.`)
    default:
      return describe(cut + strings.errorOther)
  }
}

/** The strings with `{name}` filled in (the name itself stays). */
export function fillName<S extends Record<string, string>>(strings: S): S {
  const out: Record<string, string> = {}
  for (const key in strings) out[key] = fill(strings[key]!, { name: strings.name })
  return out as S
}

/** 1 → "1 second", 75 → "75 seconds", 600 → "10 minutes", 7200 → "2 hours". */
export const formatDuration = (seconds: number): string => duration(seconds, 'en')

/** `formatDuration` in `locale`'s words. */
function duration(seconds: number, locale: string): string {
  const s = Math.max(1, Math.ceil(seconds))
  const [n, unit] = s < 90 ? [s, 'second'] : s < 90 * 60 ? [Math.ceil(s / 60), 'minute'] : [Math.round(s / 3600), 'hour']
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n)
}

function formatClock(date: Date, locale: string): string {
  return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
}
