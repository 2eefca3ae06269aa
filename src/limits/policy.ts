import type { Assistant } from '../assistants/define-assistant.ts'
import type { Identity } from '../auth/identity.ts'
import type { Config, Rate } from '../config.ts'

/** The limits that apply to one identity: the app's defaults, overridden by the credential's own. */
export interface Policy {
  requests: Rate | null
  tokens: Rate | null
  dailyBudgetUsd: number | null
  globalDailyBudgetUsd: number | null
}

/**
 * The limits of one request: a key's or session token's own values first, then the assistant's
 * (`rate_limit`, `daily_budget_usd`: what every caller of a public page gets), then the app's.
 */
export function policyFor(config: Config, identity: Identity, assistant?: Pick<Assistant, 'rate_limit' | 'daily_budget_usd'>): Policy {
  // Anonymous callers carry the app's anonymous defaults as their "own" limits; an assistant's win over those.
  const anonymous = identity.kind === 'anonymous'
  const own = anonymous ? undefined : identity.limits
  const defaults = anonymous ? identity.limits : undefined
  // Rates were parsed when the config, the assistant or the credential was read: undefined is unset, null is `off`.
  const first = (...rates: (Rate | null | undefined)[]): Rate | null => rates.find((rate) => rate !== undefined) ?? null
  return {
    requests: first(own?.rateLimit, assistant?.rate_limit, defaults?.rateLimit, anonymous ? config.anonymousRateLimit : config.rateLimit),
    tokens: first(own?.tokenLimit, defaults?.tokenLimit, config.tokenLimit),
    dailyBudgetUsd: own?.dailyBudgetUsd ?? assistant?.daily_budget_usd ?? defaults?.dailyBudgetUsd ?? config.dailyBudgetUsd,
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
