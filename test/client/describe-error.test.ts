import { describe, expect, it } from 'vitest'
import { ChatError } from '../../client/chat-error.ts'
import { describeError, formatDuration } from '../../client/widget/describe-error.ts'

const now = new Date('2026-11-23T10:00:00Z')

describe('describeError', () => {
  it('tells when to retry after a rate limit, without the developer message', () => {
    const d = describeError(new ChatError({ type: 'rate_limit_error', message: 'RATE_LIMIT=60/1m hit', status: 429, retryAfter: 30 }), now)
    expect(d.message).toBe("You've sent too many messages in a short time. You can send again in 30 seconds.")
    expect(d.retryAt).toEqual(new Date('2026-11-23T10:00:30Z'))
    expect(d.canRetry).toBe(true)
  })

  it('adds the clock time for long waits (budget)', () => {
    const d = describeError(new ChatError({ type: 'budget_exceeded_error', message: 'x', status: 402, retryAfter: 7200 }), now)
    expect(d.message).toMatch(/^This chat has used up its budget for today\. It will be available again in 2 hours \(at .+\)\.$/)
  })

  it('says when retrying cannot help', () => {
    expect(describeError(new ChatError({ type: 'authentication_error', message: 'x' }), now).canRetry).toBe(false)
    expect(describeError(new ChatError({ type: 'request_too_large', message: 'x' }), now).canRetry).toBe(false)
  })

  it('distinguishes a cut reply from an unreachable server, and hides unknown errors', () => {
    expect(describeError(new ChatError({ type: 'network_error', message: 'x', partialText: 'Hal' }), now).message).toMatch(
      /lost before the reply finished/,
    )
    expect(describeError(new ChatError({ type: 'network_error', message: 'x' }), now).message).toMatch(/Couldn't reach/)
    expect(describeError(new ChatError({ type: 'interrupted', message: 'the service restarted', partialText: 'Hal' }), now).message).toBe(
      'The reply was cut off before it finished. Please try again.',
    )
    expect(describeError(new ChatError({ type: 'weird_error', message: 'stack trace here' }), now).message).toBe(
      'Something went wrong on our side. Please try again.',
    )
  })
})

describe('formatDuration', () => {
  it('picks seconds, minutes or hours', () => {
    expect([1, 30, 89, 90, 600, 5400, 7200].map(formatDuration)).toEqual([
      '1 second',
      '30 seconds',
      '89 seconds',
      '2 minutes',
      '10 minutes',
      '2 hours',
      '2 hours',
    ])
  })
})
