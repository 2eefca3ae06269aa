import type { Identity } from '../auth/identity.ts'
import { parseRate, type Config, type Rate } from '../config.ts'

/** The limits that apply to one identity: the app's defaults, overridden by the credential's own. */
export interface Policy {
  requests: Rate | null
  tokens: Rate | null
  dailyBudgetUsd: number | null
  globalDailyBudgetUsd: number | null
}

export function policyFor(config: Config, identity: Identity): Policy {
  const own = identity.limits
  const rate = (value: string | undefined, fallback: Rate | null) => (value === undefined ? fallback : value === 'off' ? null : parseRate(value) ?? fallback)
  const defaultRequests = identity.kind === 'anonymous' ? config.anonymousRateLimit : config.rateLimit
  return {
    requests: rate(own?.rateLimit, defaultRequests),
    tokens: rate(own?.tokenLimit, config.tokenLimit),
    dailyBudgetUsd: own?.dailyBudgetUsd ?? config.dailyBudgetUsd,
    globalDailyBudgetUsd: config.globalDailyBudgetUsd,
  }
}

export const toNanos = (usd: number) => Math.round(usd * 1e9)
export const fromNanos = (nanos: number) => Math.round(nanos) / 1e9

/** The UTC day of `now`, and when it ends (budgets reset at midnight UTC). */
export function utcDay(now: number): { day: string; endsAt: number } {
  const start = Math.floor(now / 86_400_000) * 86_400_000
  return { day: new Date(start).toISOString().slice(0, 10), endsAt: start + 86_400_000 }
}
