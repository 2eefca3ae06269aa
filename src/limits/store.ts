import type { ReserveInput, ReserveOutcome } from '../pace/schedule.ts'
import type { PaceGiveBack, PaceStore } from '../pace/store.ts'

export type { PaceGiveBack }

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
  /** Counted in the day's model requests (`/v1/usage` shows them). False for reads such as `/v1/usage` itself. Default: true. */
  countDay?: boolean
  /**
   * The first model call's upstream slot, reserved in the same round trip once every limit passed
   * (only by a store that `foldsPace`): its refusal refuses the admission, taking nothing.
   */
  pace?: { group: string; who: string; input: ReserveInput }
}

/** Moves a request's hold on its budgets by `deltaNanos` (the tool loop's next step), if it fits. */
export interface HoldInput {
  who: string
  now: number
  day: string
  dayEndsAt: number
  /** Positive: hold more (checked against the budgets); negative: give back (always applied). */
  deltaNanos: number
  budget?: BudgetCheck
  globalBudget?: BudgetCheck
  /** The request's reservation is also held on the global budget. */
  globalHeld: boolean
}

export interface HoldOutcome {
  allowed: boolean
  refusedBy?: 'budget' | 'global_budget'
  day: { spentNanos: number; heldNanos: number }
  global: { spentNanos: number; heldNanos: number }
}

/** Which check refused, in the order they are checked (`pace`: the upstream's turn is too far away). */
export type RefusedBy = 'budget' | 'global_budget' | 'requests' | 'tokens' | 'pace'

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
  /** The pace reservation's outcome, when `AdmitInput.pace` was folded in. */
  pace?: ReserveOutcome
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
  /** Adds the request to its assistant's daily figures (same write, no extra round trip). */
  stats?: AssistantStatsDelta
  /** Gives the pace back the output tokens the request reserved but did not generate (only a store that `foldsPace`). */
  pace?: PaceGiveBack
}

/** One request's share of its assistant's daily figures. */
export interface AssistantStatsDelta {
  assistant: string
  version: string
  /** 1 when the request ended in an error (upstream failure, abort). */
  errors: 0 | 1
  latencyMs: number
  inputTokens: number
  outputTokens: number
}

/**
 * An assistant version's figures for one UTC day, summed over its requests (what an operator's
 * view aggregates): requests, errors, nano-USD, total latency, input and output tokens.
 */
export interface AssistantStats {
  requests: number
  errors: number
  costNanos: number
  latencyMs: number
  inputTokens: number
  outputTokens: number
}

/**
 * Where the counters live. Both implementations (one Redis script, one bounded in-memory map)
 * follow the same rules; test/limits runs the same behaviour against each.
 */
export interface LimitStore {
  readonly kind: 'upstash' | 'memory'
  /** True when `admit` can reserve `AdmitInput.pace` on this pace store in the same round trip. */
  foldsPace?(pace: PaceStore): boolean
  admit(input: AdmitInput): Promise<AdmitOutcome>
  settle(input: SettleInput): Promise<void>
  hold(input: HoldInput): Promise<HoldOutcome>
  /** An assistant version's figures for `day` (zeros when none). */
  assistantStats(assistant: string, version: string, day: string): Promise<AssistantStats>
}

/** Stats from a hash's short field names (`r`, `e`, `c`, `l`, `i`, `o`), as both stores keep them. */
export function statsOf(field: (name: 'r' | 'e' | 'c' | 'l' | 'i' | 'o') => number): AssistantStats {
  return {
    requests: field('r'),
    errors: field('e'),
    costNanos: field('c'),
    latencyMs: field('l'),
    inputTokens: field('i'),
    outputTokens: field('o'),
  }
}
