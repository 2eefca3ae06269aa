import type { Context } from 'hono'
import { rateLimitHeaders } from './headers.ts'
import { fromNanos, policyFor, toNanos, utcDay } from './policy.ts'
import { admitRead } from './read-limit.ts'
import { seconds } from './limiter.ts'
import { usedIn, windowAt } from './sliding-window.ts'

/**
 * `GET /v1/usage`: the caller's usage today (requests, tokens, cost) and what remains of each
 * limit and budget. Reading costs a Redis round trip, so it counts against the request limit
 * (docs/limits-and-budgets.md#the-guarantee): one admission that takes a request and returns every counter.
 */
export async function usageHandler(c: Context): Promise<Response> {
  const config = c.get('config')
  const identity = c.get('identity')
  const policy = policyFor(config, identity)
  const decision = await admitRead(c)
  const counters = decision.counters!
  const now = c.get('limiter').now()
  const { day, endsAt } = utcDay(now)
  const window = (rate: NonNullable<typeof policy.requests>, counts: { current: number; previous: number } | undefined) => {
    const { weight, msToEnd } = windowAt(now, rate.windowMs)
    const used = counts ? usedIn(counts.current, counts.previous, weight) : 0
    return {
      limit: rate.limit,
      window: rate.window.replace(' ', ''),
      used,
      remaining: Math.max(0, rate.limit - used),
      reset_seconds: seconds(msToEnd),
    }
  }
  const budget = (limit: number | null, spentNanos: number, heldNanos: number) =>
    limit === null
      ? null
      : {
          limit_usd: limit,
          spent_usd: fromNanos(spentNanos),
          held_usd: fromNanos(heldNanos),
          remaining_usd: fromNanos(Math.max(0, toNanos(limit) - spentNanos - heldNanos)),
          reset_seconds: seconds(endsAt - now),
        }
  const requests = policy.requests && window(policy.requests, counters.requests)
  const tokens = policy.tokens && window(policy.tokens, counters.tokens)
  const shown = requests ?? tokens
  if (shown) {
    for (const [name, value] of Object.entries(
      rateLimitHeaders({ name: 'requests', limit: shown.limit, remaining: shown.remaining, resetSeconds: shown.reset_seconds }),
    ))
      c.header(name, value)
  }
  return c.json({
    identity: identity.id,
    day,
    resets_at: new Date(endsAt).toISOString(),
    backend: decision.source,
    usage: {
      requests: counters.day.requests,
      tokens: counters.day.tokens,
      cost_usd: fromNanos(counters.day.spentNanos),
      held_usd: fromNanos(counters.day.heldNanos),
    },
    limits: {
      requests,
      tokens,
      daily_budget: budget(policy.dailyBudgetUsd, counters.day.spentNanos, counters.day.heldNanos),
      global_daily_budget: budget(policy.globalDailyBudgetUsd, counters.global.spentNanos, counters.global.heldNanos),
    },
    request_id: c.get('requestId'),
  })
}
