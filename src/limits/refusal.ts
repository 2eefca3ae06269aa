import type { Rate } from '../config.ts'
import { GatewayError } from '../errors.ts'
import { rateLimitHeaders } from './headers.ts'
import type { Decision } from './limiter.ts'
import { fromNanos } from './policy.ts'
import { paceRefusal } from '../pace/refusal.ts'

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`
const per = (rate: Rate) => `${rate.limit} per ${rate.window.replace(' ', '')}`
const inSeconds = (s: number) =>
  s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.ceil((s % 3600) / 60)} min` : s >= 120 ? `${Math.ceil(s / 60)} min` : `${s} s`

/** The error for a refused admission: which limit, how much, and when it resets. */
export function refusalError(decision: Decision, estimatedTokens: number): GatewayError {
  const { policy, counters, reserveUsd } = decision
  const retry = decision.retryAfterSeconds ?? 1
  const headers = rateLimitHeaders(decision.rateLimit, retry)
  const again = `Retry in ${inSeconds(retry)}.`
  switch (decision.reason) {
    case 'requests':
      return new GatewayError('rate_limit_error', `Request limit reached (RATE_LIMIT: ${per(policy.requests!)}). ${again}`, { headers })
    case 'tokens':
      return new GatewayError(
        'rate_limit_error',
        `Token limit reached (TOKEN_LIMIT: ${per(policy.tokens!)} tokens; this request needs about ${estimatedTokens}). ${again}`,
        { headers },
      )
    case 'pace':
      return paceRefusal(retry * 1000)
    case 'too_large':
      return new GatewayError(
        'request_too_large',
        `This request's estimated ${estimatedTokens} input tokens exceed the token limit (TOKEN_LIMIT: ${per(policy.tokens!)} tokens), so it can never be admitted. Shorten the conversation.`,
        { headers: rateLimitHeaders(decision.rateLimit) },
      )
    case 'budget':
    case 'global_budget': {
      const own = decision.reason === 'budget'
      const limit = (own ? policy.dailyBudgetUsd : policy.globalDailyBudgetUsd) ?? 0
      const day = own ? counters?.day : counters?.global
      const spent = fromNanos(day?.spentNanos ?? 0)
      const held = fromNanos(day?.heldNanos ?? 0)
      const which = own ? `Your daily budget (${usd(limit)})` : `The service's global daily budget (${usd(limit)})`
      const resets = `It resets at midnight UTC, in ${inSeconds(retry)}.`
      let message: string
      if (!day) message = `${which} is spent. ${resets}`
      else if (reserveUsd > limit)
        message = `${which} is smaller than this request's worst case (${usd(reserveUsd)}); lower max_tokens or use a cheaper model.`
      else {
        const left = `${which} has ${usd(Math.max(0, limit - spent - held))} left (${usd(spent)} spent, ${usd(held)} held by requests in flight), less than this request's worst case (${usd(reserveUsd)}).`
        const when = spent + reserveUsd <= limit ? `Retry in ${inSeconds(retry)}, when requests in flight have settled.` : resets
        message = `${left} ${when} Or lower max_tokens.`
      }
      return new GatewayError('budget_exceeded_error', message, { headers })
    }
    default:
      if (decision.budgetsOnly) {
        return new GatewayError(
          'overloaded_error',
          `Budgets cannot be checked right now (the limits store did not answer), and a request with a budget is never admitted uncounted. ${again}`,
          { headers },
        )
      }
      return new GatewayError(
        'overloaded_error',
        `Rate limits cannot be checked right now (the limits store did not answer), and this gateway refuses requests it cannot count (LIMITS_ON_REDIS_ERROR=closed). ${again}`,
        { headers },
      )
  }
}
