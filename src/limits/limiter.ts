import { withTimeout } from '../abort/abort.ts'
import type { Rate } from '../config.ts'
import { consoleLogger, type Logger } from '../logger/logger.ts'
import { BoundedMap } from './bounded-map.ts'
import { MemoryStore } from './memory-store.ts'
import { toNanos, utcDay, type Policy } from './policy.ts'
import { msUntilFits, usedIn, windowAt } from './sliding-window.ts'
import type { AdmitInput, AssistantStatsDelta, Counters, LimitStore, PaceGiveBack, RefusedBy } from './store.ts'
import type { PaceAsk } from '../pace/pacer.ts'
import type { ReserveOutcome } from '../pace/schedule.ts'

export interface LimiterOptions {
  /** Where the counters live. Default: a MemoryStore (per isolate). */
  store?: LimitStore
  /** Upper bound for one store operation, in ms. Default: 1000 (`REDIS_TIMEOUT_MS`). */
  timeoutMs?: number
  /** When the store fails or times out: `open` counts in memory instead, `closed` refuses (503). Default: `open`. */
  onStoreError?: 'open' | 'closed'
  /** After a store failure, how long to skip it before trying again, in ms. Default: 5000. */
  retryStoreAfterMs?: number
  /** Clock (ms since epoch); inject one in tests. Default: `Date.now`. */
  now?: () => number
  /** Most counters the in-memory store (or fallback) keeps. Default: 10 000. */
  memoryMaxEntries?: number
  /** Most blocked identities remembered in the ephemeral cache. Default: 10 000. */
  blockedCacheMaxEntries?: number
  /** Where warnings go (store failures; a limiter outlives requests, so not a request's logger). Default: `consoleLogger`. */
  log?: Logger
}

/** What one admission asks for. */
export interface AdmitRequest {
  who: string
  policy: Policy
  /** Estimated input tokens, taken from the token limit. */
  tokens: number
  /** Worst-case cost of the call, held on the budgets until settled. */
  reserveUsd: number
  /**
   * A request that reads rather than spends (`/v1/usage`, `count_tokens`): it takes one request
   * from the request limit and nothing else (no tokens, no budget check, not counted in the
   * day's requests), and still sees every counter. Default: false.
   */
  read?: boolean
  /** Also reserve the first model call's upstream slot (`Pacer.ask`); in the same round trip when the store folds it. */
  pace?: PaceAsk
}

/** Whether a policy has any budget: budgets fail closed when the store fails (money is never forgotten). */
export const hasBudget = (policy: Policy) => policy.dailyBudgetUsd !== null || policy.globalDailyBudgetUsd !== null

/** The numbers behind the `RateLimit-*` headers. */
export interface RateLimitState {
  name: 'requests' | 'tokens'
  limit: number
  remaining: number
  /** Seconds until the limit has room again (refused) or until the current window ends (allowed). */
  resetSeconds: number
}

/** Hand-back from a successful admission, needed to settle it. */
export interface Ticket {
  store: LimitStore
  who: string
  day: string
  dayEndsAt: number
  tokensTaken: number
  tokenWindow?: { windowMs: number; index: number }
  reservedNanos: number
  globalHeld: boolean
}

export type Refusal = RefusedBy | 'too_large' | 'unavailable'

/** Result of `admit`: expected outcomes are values, not exceptions (as in `@upstash/ratelimit`). */
export interface Decision {
  success: boolean
  reason?: Refusal
  /** Seconds to wait before retrying (refusals only). */
  retryAfterSeconds?: number
  /** The limit the `RateLimit-*` headers describe, when one applies. */
  rateLimit?: RateLimitState
  /** Where the answer came from: the store, the in-memory fallback, or the blocked-identity cache. */
  source: 'upstash' | 'memory' | 'cache'
  policy: Policy
  counters?: Counters
  reserveUsd: number
  ticket?: Ticket
  /** Refused as `unavailable` only because the request has a budget (limits alone would have failed open). */
  budgetsOnly?: boolean
  /** The first call's upstream turn, when `AdmitRequest.pace` asked (refused: `reason` is `pace`). */
  pace?: ReserveOutcome
}

export interface SettleUsage {
  /** Input tokens the calls actually sent (plain input, cache writes and reads). */
  tokens: number
  costUsd: number
  /** The request ran as an assistant: its daily figures get this request too. */
  stats?: Omit<AssistantStatsDelta, 'inputTokens'> & { outputTokens: number }
  /** Output tokens to give back to the pace, in the same write (a store that `foldsPace`). */
  pace?: PaceGiveBack
}

const GLOBAL = '\u0000global'
/** A budget blocked only by reservations in flight frees up when they settle: retry soon. */
const HELD_RETRY_SECONDS = 5

/**
 * Request limit, token limit, daily budget and global budget for one app: owns the store, its
 * timeout and fallback, the clock, and the ephemeral cache of blocked identities (a blocked
 * caller is refused without a round trip until its block ends).
 */
export class Limiter {
  readonly store: LimitStore
  readonly fallback: MemoryStore
  readonly #timeoutMs: number
  readonly #onStoreError: 'open' | 'closed'
  readonly #retryStoreAfterMs: number
  readonly #now: () => number
  readonly #blocked: BoundedMap<{ reason: Refusal; until: number }>
  readonly #log: Logger
  #storeDownUntil = 0

  constructor(options: LimiterOptions = {}) {
    const {
      timeoutMs = 1000,
      onStoreError = 'open',
      retryStoreAfterMs = 5000,
      now = Date.now,
      memoryMaxEntries = 10_000,
      blockedCacheMaxEntries = 10_000,
    } = options
    this.#now = now
    this.fallback = new MemoryStore({ maxEntries: memoryMaxEntries })
    this.store = options.store ?? this.fallback
    this.#timeoutMs = timeoutMs
    this.#onStoreError = onStoreError
    this.#retryStoreAfterMs = retryStoreAfterMs
    this.#blocked = new BoundedMap(blockedCacheMaxEntries)
    this.#log = options.log ?? consoleLogger
  }

  now(): number {
    return this.#now()
  }

  /**
   * The refusal this isolate already knows without asking the store (a request above the token
   * limit, an identity blocked in the ephemeral cache), or undefined. `admit` checks it first;
   * callers can check it before costly work such as pricing a request with count_tokens.
   */
  refusalWithoutStore(request: AdmitRequest): Decision | undefined {
    const { who, policy, read = false } = request
    const now = this.#now()
    const base = { policy, reserveUsd: read ? 0 : request.reserveUsd }
    if (!read && policy.tokens && request.tokens > policy.tokens.limit) {
      return {
        ...base,
        success: false,
        reason: 'too_large',
        source: 'cache',
        rateLimit: { name: 'tokens', limit: policy.tokens.limit, remaining: 0, resetSeconds: seconds(policy.tokens.windowMs) },
      }
    }
    const blocked = this.#blocked.get(who, now) ?? (read ? undefined : this.#blocked.get(GLOBAL, now))
    // A read is refused from the cache only for the request limit (a spent budget may still be read).
    if (!blocked || (read && blocked.reason !== 'requests')) return undefined
    const retry = seconds(blocked.until - now)
    // Blocked by the request limit: nothing left. Blocked by a spent budget: the request count is not known here.
    const rate = blocked.reason === 'requests' &&
      policy.requests && { name: 'requests' as const, limit: policy.requests.limit, remaining: 0, resetSeconds: retry }
    return { ...base, success: false, reason: blocked.reason, retryAfterSeconds: retry, source: 'cache', ...(rate && { rateLimit: rate }) }
  }

  async admit(request: AdmitRequest): Promise<Decision> {
    const known = this.refusalWithoutStore(request)
    if (known) return known
    const { who, policy, read = false } = request
    const tokens = read ? 0 : request.tokens
    const now = this.#now()
    const { day, endsAt } = utcDay(now)
    const reserveNanos = read ? 0 : toNanos(request.reserveUsd)
    const base = { policy, reserveUsd: read ? 0 : request.reserveUsd }

    const input: AdmitInput = {
      who,
      now,
      day,
      dayEndsAt: endsAt,
      reserveNanos,
      ...(policy.requests && { requests: { limit: policy.requests.limit, windowMs: policy.requests.windowMs, take: 1 } }),
      ...(policy.tokens && { tokens: { limit: policy.tokens.limit, windowMs: policy.tokens.windowMs, take: tokens } }),
      ...(!read && policy.dailyBudgetUsd !== null && { budget: { limitNanos: toNanos(policy.dailyBudgetUsd) } }),
      ...(!read && policy.globalDailyBudgetUsd !== null && { globalBudget: { limitNanos: toNanos(policy.globalDailyBudgetUsd) } }),
      ...(read && { countDay: false }),
    }
    const pace = read ? undefined : request.pace
    const folded = pace && this.store.foldsPace?.(pace.store) ? { group: pace.group, who: pace.who, input: pace.input } : undefined
    const run = await this.#use(
      (store) => store.admit(folded && store === this.store ? { ...input, pace: folded } : input),
      hasBudget(policy),
    )
    if (!run) {
      const budgetsOnly = this.#onStoreError === 'open'
      return {
        ...base,
        success: false,
        reason: 'unavailable',
        retryAfterSeconds: seconds(this.#retryStoreAfterMs),
        source: 'upstash',
        ...(budgetsOnly && { budgetsOnly }),
      }
    }
    const { store, value: outcome } = run

    const requests =
      policy.requests && outcome.requests && windowState('requests', policy.requests, outcome.requests, now, outcome.allowed ? 0 : 1)
    const tokenState =
      policy.tokens && outcome.tokens && windowState('tokens', policy.tokens, outcome.tokens, now, outcome.allowed ? 0 : tokens)
    const decision: Decision = { ...base, success: outcome.allowed, source: store.kind, counters: outcome }
    if (outcome.pace) decision.pace = outcome.pace

    if (!outcome.allowed) {
      decision.reason = outcome.refusedBy!
      const untilMidnight = seconds(endsAt - now)
      if (outcome.refusedBy === 'pace') decision.retryAfterSeconds = seconds(paceWait(outcome.pace, now, pace))
      else if (outcome.refusedBy === 'requests') decision.retryAfterSeconds = requests!.resetSeconds
      else if (outcome.refusedBy === 'tokens') decision.retryAfterSeconds = tokenState!.resetSeconds
      else {
        const own = outcome.refusedBy === 'budget'
        const limit = toNanos((own ? policy.dailyBudgetUsd : policy.globalDailyBudgetUsd) ?? 0)
        const spent = own ? outcome.day.spentNanos : outcome.global.spentNanos
        decision.retryAfterSeconds = spent + reserveNanos > limit ? untilMidnight : Math.min(untilMidnight, HELD_RETRY_SECONDS)
        if (spent >= limit) this.#blocked.set(own ? who : GLOBAL, { reason: outcome.refusedBy!, until: endsAt }, endsAt)
      }
      if (outcome.refusedBy === 'requests')
        this.#blocked.set(who, { reason: 'requests', until: now + requests!.resetMs }, now + requests!.resetMs)
    } else {
      decision.ticket = {
        store,
        who,
        day,
        dayEndsAt: endsAt,
        reservedNanos: reserveNanos,
        globalHeld: !!input.globalBudget,
        tokensTaken: input.tokens?.take ?? 0,
        ...(input.tokens && { tokenWindow: { windowMs: input.tokens.windowMs, index: windowAt(now, input.tokens.windowMs).index } }),
      }
    }
    const shown = decision.reason === 'tokens' ? tokenState : (requests ?? tokenState)
    if (shown) decision.rateLimit = { name: shown.name, limit: shown.limit, remaining: shown.remaining, resetSeconds: shown.resetSeconds }
    if (decision.success && pace && !outcome.pace) return this.#reservePace(decision, pace)
    return decision
  }

  /**
   * The pace reservation on its own store, after the limits (memory, or a store that cannot fold
   * it): a refusal gives back what the admission took (its tokens and budget hold) and refuses.
   */
  async #reservePace(decision: Decision, pace: PaceAsk): Promise<Decision> {
    const outcome = await pace.reserve()
    decision.pace = outcome
    if (outcome.kind !== 'refused') return decision
    await this.settle(decision.ticket!, { tokens: 0, costUsd: 0 })
    const { ticket: _ticket, ...refused } = decision
    return { ...refused, success: false, reason: 'pace', retryAfterSeconds: seconds(paceWait(outcome, this.#now(), pace)) }
  }

  /**
   * Moves an admitted request's hold to `reserveUsd` in all (what its earlier model calls cost plus
   * the next call's upper bound), before the tool loop's next model call. True when it fits the
   * budgets (or there are none); false when it does not, or the store cannot be asked (budgets
   * fail closed). One store round trip, none without budgets.
   */
  async extend(
    ticket: Ticket,
    reserveUsd: number,
    policy: Policy,
  ): Promise<{ allowed: boolean; refusedBy?: 'budget' | 'global_budget' | 'unavailable' }> {
    if (!hasBudget(policy)) return { allowed: true }
    const reserveNanos = toNanos(reserveUsd)
    const input = {
      who: ticket.who,
      now: this.#now(),
      day: ticket.day,
      dayEndsAt: ticket.dayEndsAt,
      deltaNanos: reserveNanos - ticket.reservedNanos,
      globalHeld: ticket.globalHeld,
      ...(policy.dailyBudgetUsd !== null && { budget: { limitNanos: toNanos(policy.dailyBudgetUsd) } }),
      ...(policy.globalDailyBudgetUsd !== null && { globalBudget: { limitNanos: toNanos(policy.globalDailyBudgetUsd) } }),
    }
    try {
      const outcome = await this.#bounded(ticket.store.hold(input))
      if (!outcome.allowed) return { allowed: false, refusedBy: outcome.refusedBy! }
    } catch (error) {
      this.#log({
        level: 'warn',
        msg: 'limits: could not extend a reservation; the tool loop stops here (budgets fail closed)',
        who: ticket.who,
        error: describe(error),
      })
      return { allowed: false, refusedBy: 'unavailable' }
    }
    ticket.reservedNanos = reserveNanos
    return { allowed: true }
  }

  /** Gives back the unused part of a reservation and corrects the token count with the real usage. */
  async settle(ticket: Ticket, usage: SettleUsage): Promise<void> {
    const input = {
      who: ticket.who,
      now: this.#now(),
      day: ticket.day,
      dayEndsAt: ticket.dayEndsAt,
      ...(ticket.tokenWindow && { tokens: { ...ticket.tokenWindow, delta: usage.tokens - ticket.tokensTaken } }),
      dayTokensDelta: usage.tokens - ticket.tokensTaken,
      reservedNanos: ticket.reservedNanos,
      actualNanos: toNanos(usage.costUsd),
      globalHeld: ticket.globalHeld,
      ...(usage.stats && { stats: { ...usage.stats, inputTokens: usage.tokens } }),
      ...(usage.pace && { pace: usage.pace }),
    }
    try {
      await this.#bounded(ticket.store.settle(input))
    } catch (error) {
      // The hold stays until the day's counters expire: the budget errs on the safe side.
      this.#log({
        level: 'warn',
        msg: 'limits: could not settle a request; its reservation stays held until midnight UTC',
        who: ticket.who,
        error: describe(error),
      })
    }
  }

  /**
   * Runs `op` on the store within the timeout; on failure the fallback (open) or nothing (closed).
   * `budgeted` operations always fail closed: the fallback does not know what was spent, and a
   * budget must never be spent twice because Redis was down.
   */
  async #use<T>(op: (store: LimitStore) => Promise<T>, budgeted: boolean): Promise<{ store: LimitStore; value: T } | undefined> {
    if (this.store === this.fallback) return { store: this.fallback, value: await op(this.fallback) }
    if (this.#now() >= this.#storeDownUntil) {
      try {
        return { store: this.store, value: await this.#bounded(op(this.store)) }
      } catch (error) {
        this.#storeDownUntil = this.#now() + this.#retryStoreAfterMs
        this.#log({
          level: 'warn',
          msg:
            this.#onStoreError === 'open'
              ? `limits: ${this.store.kind} failed; counting in memory (per isolate; request and token limits only) for ${this.#retryStoreAfterMs} ms (LIMITS_ON_REDIS_ERROR=open); requests with a budget are refused meanwhile (budgets fail closed)`
              : `limits: ${this.store.kind} failed; refusing limited requests for ${this.#retryStoreAfterMs} ms (LIMITS_ON_REDIS_ERROR=closed)`,
          error: describe(error),
        })
      }
    }
    if (this.#onStoreError === 'closed' || budgeted) return undefined
    return { store: this.fallback, value: await op(this.fallback) }
  }

  #bounded<T>(promise: Promise<T>): Promise<T> {
    return withTimeout(promise, this.#timeoutMs, () => new Error(`no answer within ${this.#timeoutMs} ms (REDIS_TIMEOUT_MS)`))
  }
}

function windowState(
  name: 'requests' | 'tokens',
  rate: Rate,
  counts: { current: number; previous: number },
  now: number,
  need: number,
): RateLimitState & { resetMs: number } {
  const { weight, msToEnd } = windowAt(now, rate.windowMs)
  const used = usedIn(counts.current, counts.previous, weight)
  const fits = need > 0 ? msUntilFits(need, rate.limit, counts.current, counts.previous, now, rate.windowMs) : msToEnd
  const resetMs = Number.isFinite(fits) ? fits : rate.windowMs
  return { name, limit: rate.limit, remaining: Math.max(0, rate.limit - used), resetSeconds: seconds(resetMs), resetMs }
}

/** How long until a refused pace reservation's turn would come, spread over the caller's refusals (ms). */
function paceWait(outcome: ReserveOutcome | undefined, now: number, pace: PaceAsk | undefined): number {
  if (!outcome || outcome.kind === 'free') return 1000
  return (pace ? pace.spread(outcome.at) : outcome.at) - now
}

/** Whole seconds, rounded up, at least 1. */
export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
