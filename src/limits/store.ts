/** A sliding-window limit for one identity: `limit` units per `windowMs`. */
export interface WindowCheck {
  limit: number
  windowMs: number
  /** Units this request takes: 1 for the request limit, the estimated input tokens for the token limit. */
  take: number
}

/** A daily budget in nano-USD (integers, so Redis and memory add up exactly). */
export interface BudgetCheck {
  limitNanos: number
}

/** Everything one admission checks and takes, all or nothing. */
export interface AdmitInput {
  /** Identity id (`key:…`, `user:…`, `ip:…`). */
  who: string
  now: number
  /** UTC day `YYYY-MM-DD` the reservation is booked on. */
  day: string
  /** End of that day (ms since epoch): daily counters expire after it. */
  dayEndsAt: number
  requests?: WindowCheck
  tokens?: WindowCheck
  budget?: BudgetCheck
  globalBudget?: BudgetCheck
  /** Worst-case cost of the call in nano-USD, held on both budgets until settled. */
  reserveNanos: number
}

/** Which check refused, in the order they are checked. */
export type RefusedBy = 'budget' | 'global_budget' | 'requests' | 'tokens'

/** Counters as they are after the admission (or as they were, if it was refused). */
export interface Counters {
  requests?: { current: number; previous: number }
  tokens?: { current: number; previous: number }
  /** The caller's day: requests admitted, tokens counted, nano-USD spent and held. */
  day: { requests: number; tokens: number; spentNanos: number; heldNanos: number }
  global: { spentNanos: number; heldNanos: number }
}

export interface AdmitOutcome extends Counters {
  allowed: boolean
  refusedBy?: RefusedBy
}

/** What a settled request gives back or adds once its real usage is known. */
export interface SettleInput {
  who: string
  /** The limiter's clock when settling: expiry is computed from it, never from the store's. */
  now: number
  day: string
  dayEndsAt: number
  /** The token window the estimate was taken from, and the correction (actual − estimated). */
  tokens?: { windowMs: number; index: number; delta: number }
  /** Tokens to add to the day's count (actual − estimated). */
  dayTokensDelta: number
  reservedNanos: number
  actualNanos: number
  /** The reservation was also held on the global budget. */
  globalHeld: boolean
}

export interface UsageInput {
  who: string
  now: number
  day: string
  requests?: { windowMs: number }
  tokens?: { windowMs: number }
}

/**
 * Where the counters live. Both implementations (one Redis script, one bounded in-memory map)
 * follow the same rules; test/limits runs the same behaviour against each.
 */
export interface LimitStore {
  readonly kind: 'upstash' | 'memory'
  admit(input: AdmitInput): Promise<AdmitOutcome>
  settle(input: SettleInput): Promise<void>
  usage(input: UsageInput): Promise<Counters>
}
