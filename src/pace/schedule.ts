/**
 * The pacing arithmetic, shared by the memory store and mirrored line by line in the Redis script
 * (script.ts): a generic cell rate algorithm (GCRA, the token bucket as one timestamp per limit)
 * that hands out future slots instead of refusing.
 *
 * Each limit of a model group (requests, input tokens, output tokens per minute) keeps a
 * theoretical arrival time `tat`: the moment its bucket is full again. A bucket of `cap` units
 * refilled every `per` ms holds a request of `cost` units at any time ≥ `tat − (cap − cost) × per`;
 * taking it moves `tat` to `max(tat, slot) + cost × per`. All times are whole ms since the epoch,
 * rounded up (the script returns integers).
 */

/** The three limits Anthropic keeps per model group, in the order the stores keep them. */
export const DIMENSIONS = ['requests', 'input', 'output'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Per-minute limits by dimension; 0 means none (not configured and not learned). */
export type PerMinute = [requests: number, input: number, output: number]

/** One group's stored state. */
export interface GroupState {
  /** Theoretical arrival time per dimension (ms). */
  tat: [number, number, number]
  /** Nothing is sent before this (ms): Anthropic's `retry-after` on a 429. */
  blockedUntil: number
  /** Limits learned from `anthropic-ratelimit-*-limit` headers (0: not seen). */
  learned: PerMinute
}

export const emptyGroup = (): GroupState => ({ tat: [0, 0, 0], blockedUntil: 0, learned: [0, 0, 0] })

/** What one reservation asks. */
export interface ReserveInput {
  now: number
  /** Configured ceilings (`UPSTREAM_LIMITS`); 0 falls back to the learned limit. */
  configured: PerMinute
  /** Units the call takes: 1 request, its estimated input tokens, its `max_tokens`. */
  cost: [number, number, number]
  /** Bucket capacity as ms of refill: requests, tokens (input and output). */
  burstMs: [requests: number, tokens: number]
  /** The latest slot the caller accepts (its wait bound); a later one is refused. */
  maxAt: number
  /** Requests of the same caller queued ahead of this one in this isolate (for the estimate). */
  ahead: number
}

/**
 * - `free`: no limit is known and nothing blocks: send now, nothing reserved.
 * - `slot`: reserved; send at `at`.
 * - `later`: the caller already holds a future slot (fairness: one at a time); ask again at
 *   `check`; `at` estimates when its turn comes. Nothing reserved.
 * - `refused`: the turn (estimated: `at`) is past `maxAt`. Nothing reserved.
 */
export type ReserveOutcome =
  | { kind: 'free' }
  | { kind: 'slot'; at: number }
  | { kind: 'later'; at: number; check: number }
  | { kind: 'refused'; at: number }

/** Effective per-minute limits: configured, else learned. */
export function limitsOf(configured: PerMinute, learned: PerMinute): PerMinute {
  return [configured[0] || learned[0], configured[1] || learned[1], configured[2] || learned[2]]
}

/**
 * Refill interval (ms per unit) and capacity (units, at least 1) of one dimension. The requests
 * bucket keeps one request in reserve (`headroom` 1): a request that leaves a little after its slot
 * (a slow Redis reply, a busy isolate) never meets Anthropic's bucket empty, at the cost of one
 * request of the first burst.
 */
export function bucketOf(limit: number, burstMs: number, headroom = 0): { per: number; cap: number } {
  return { per: 60_000 / limit, cap: Math.max(1, (limit * burstMs) / 60_000 - headroom) }
}

const burstOf = (input: Pick<ReserveInput, 'burstMs'>, d: number) => (d === 0 ? input.burstMs[0] : input.burstMs[1])

/**
 * Decides one reservation against `state` and the caller's latest reserved slot (`callerSlot`),
 * updating `state` in place when a slot is reserved. Returns the outcome and the caller's new
 * latest slot (unchanged unless reserved).
 */
export function reserve(state: GroupState, callerSlot: number, input: ReserveInput): { outcome: ReserveOutcome; callerSlot: number } {
  const { now } = input
  const limits = limitsOf(input.configured, state.learned)
  let at = Math.max(now, state.blockedUntil)
  let paced = false
  let step = 0
  for (let d = 0; d < 3; d++) {
    if (limits[d]! <= 0) continue
    paced = true
    const { per, cap } = bucketOf(limits[d]!, burstOf(input, d), d === 0 ? 1 : 0)
    if (d === 0) step = per
    at = Math.max(at, Math.ceil(state.tat[d]! - Math.max(0, cap - input.cost[d]!) * per))
  }
  if (!paced && at <= now) return { outcome: { kind: 'free' }, callerSlot }
  if (callerSlot > now) {
    const estimate = Math.ceil(Math.max(at, callerSlot + step) + input.ahead * step)
    return {
      outcome: estimate > input.maxAt ? { kind: 'refused', at: estimate } : { kind: 'later', at: estimate, check: callerSlot },
      callerSlot,
    }
  }
  if (at > input.maxAt) return { outcome: { kind: 'refused', at }, callerSlot }
  for (let d = 0; d < 3; d++) {
    if (limits[d]! <= 0) continue
    const { per } = bucketOf(limits[d]!, burstOf(input, d), d === 0 ? 1 : 0)
    state.tat[d] = Math.ceil(Math.max(state.tat[d]!, at) + input.cost[d]! * per)
  }
  return { outcome: { kind: 'slot', at }, callerSlot: at }
}

/** What a response taught: per-minute limits, what is left, and a 429's wait. */
export interface LearnInput {
  now: number
  configured: PerMinute
  burstMs: [number, number]
  /** `anthropic-ratelimit-*-limit` (0: not sent). */
  limits: PerMinute
  /** `anthropic-ratelimit-*-remaining` (-1: not sent). */
  remaining: [number, number, number]
  /** A 429's `retry-after`, in ms (0: none). */
  retryAfterMs: number
}

/**
 * Learns the limits and pulls the buckets down to what Anthropic says is left (another client of
 * the same key, a limit lower than configured): our requests bucket never holds more than
 * `remaining` less its one request of headroom, a token bucket no more than `remaining`.
 */
export function learn(state: GroupState, input: LearnInput): void {
  const { now } = input
  for (let d = 0; d < 3; d++) {
    if (input.limits[d]! > 0) state.learned[d] = input.limits[d]!
  }
  const limits = limitsOf(input.configured, state.learned)
  for (let d = 0; d < 3; d++) {
    const left = input.remaining[d]!
    if (limits[d]! <= 0 || left < 0) continue
    const { per, cap } = bucketOf(limits[d]!, burstOf(input, d))
    state.tat[d] = Math.max(state.tat[d]!, Math.ceil(now + Math.max(0, cap - left) * per))
  }
  if (input.retryAfterMs > 0) state.blockedUntil = Math.max(state.blockedUntil, now + input.retryAfterMs)
}

/** Gives back output tokens reserved as `max_tokens` but not generated (Anthropic does the same). */
export function giveBack(state: GroupState, input: { now: number; configured: PerMinute; unusedOutput: number }): void {
  const limit = input.configured[2] || state.learned[2]
  if (limit <= 0 || input.unusedOutput <= 0 || state.tat[2] <= input.now) return
  state.tat[2] = Math.max(input.now, Math.ceil(state.tat[2] - input.unusedOutput * (60_000 / limit)))
}
