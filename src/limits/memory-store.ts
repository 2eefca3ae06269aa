import { BoundedMap } from './bounded-map.ts'
import { ASSISTANT_STATS_TTL_MS, DAY_GRACE_MS, assistantStatsKey, limitKeys, windowTtlMs } from './keys.ts'
import { usedIn, windowAt } from './sliding-window.ts'
import {
  statsOf,
  type AdmitInput,
  type AdmitOutcome,
  type AssistantStats,
  type Counters,
  type HoldInput,
  type HoldOutcome,
  type LimitStore,
  type SettleInput,
} from './store.ts'

type Day = { r: number; t: number; s: number; h: number }
type Stats = { r: number; e: number; c: number; l: number; i: number; o: number }

export interface MemoryStoreOptions {
  /** Most counters kept per isolate; the least recently used go first. Default: 10 000. */
  maxEntries?: number
}

/** A day counter that records or holds money is never evicted: forgetting it would free spent budget. */
const holdsMoney = (value: number | Day | Stats) => isDay(value) && (value.s > 0 || value.h > 0)

const isDay = (value: number | Day | Stats | undefined): value is Day => typeof value === 'object' && 's' in value

/**
 * Limits in this isolate's memory, with the same rules as the Redis script (same keys, same
 * order of checks, same rounding). Per isolate only: each Worker isolate counts on its own.
 * Bounded: past `maxEntries` the least recently used counters are forgotten, except day counters
 * that hold money (see `holdsMoney`).
 */
export class MemoryStore implements LimitStore {
  readonly kind = 'memory'
  readonly #map: BoundedMap<number | Day | Stats>

  constructor(options: MemoryStoreOptions = {}) {
    this.#map = new BoundedMap(options.maxEntries ?? 10_000, holdsMoney)
  }

  get size(): number {
    return this.#map.size
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const k = limitKeys('mem', input.who)
    const c = this.#counters(input)
    const { requests: r, tokens: t } = input
    const rw = r && windowAt(input.now, r.windowMs)
    const tw = t && windowAt(input.now, t.windowMs)
    const reserve = input.reserveNanos
    let refusedBy: AdmitOutcome['refusedBy']
    if (input.budget && c.day.spentNanos + c.day.heldNanos + reserve > input.budget.limitNanos) refusedBy = 'budget'
    else if (input.globalBudget && c.global.spentNanos + c.global.heldNanos + reserve > input.globalBudget.limitNanos)
      refusedBy = 'global_budget'
    else if (r && rw && usedIn(c.requests!.current, c.requests!.previous, rw.weight) + r.take > r.limit) refusedBy = 'requests'
    else if (t && tw && usedIn(c.tokens!.current, c.tokens!.previous, tw.weight) + t.take > t.limit) refusedBy = 'tokens'
    if (refusedBy) return { allowed: false, refusedBy, ...c }

    if (r && rw) c.requests!.current = this.#incr(k.requests(r.windowMs, rw.index), r.take, input.now + windowTtlMs(r.windowMs), input.now)
    if (t && tw) c.tokens!.current = this.#incr(k.tokens(t.windowMs, tw.index), t.take, input.now + windowTtlMs(t.windowMs), input.now)
    const day = this.#hash(k.day(input.day), input.dayEndsAt, input.now)
    if (input.countDay ?? true) day.r += 1
    day.t += t?.take ?? 0
    day.h += reserve
    if (input.globalBudget) this.#hash(k.global(input.day), input.dayEndsAt, input.now).h += reserve
    return { allowed: true, ...this.#counters(input) }
  }

  async hold(input: HoldInput): Promise<HoldOutcome> {
    const k = limitKeys('mem', input.who)
    const day = this.#hash(k.day(input.day), input.dayEndsAt, input.now)
    const global =
      input.globalHeld || input.globalBudget ? this.#hash(k.global(input.day), input.dayEndsAt, input.now) : { r: 0, t: 0, s: 0, h: 0 }
    const delta = input.deltaNanos
    const seen = () => ({ day: { spentNanos: day.s, heldNanos: day.h }, global: { spentNanos: global.s, heldNanos: global.h } })
    if (delta > 0 && input.budget && day.s + day.h + delta > input.budget.limitNanos)
      return { allowed: false, refusedBy: 'budget', ...seen() }
    if (delta > 0 && input.globalBudget && global.s + global.h + delta > input.globalBudget.limitNanos)
      return { allowed: false, refusedBy: 'global_budget', ...seen() }
    day.h = Math.max(0, day.h + delta)
    if (input.globalHeld) global.h = Math.max(0, global.h + delta)
    return { allowed: true, ...seen() }
  }

  async settle(input: SettleInput): Promise<void> {
    const k = limitKeys('mem', input.who)
    const now = input.now
    if (input.tokens && input.tokens.delta !== 0) {
      const key = k.tokens(input.tokens.windowMs, input.tokens.index)
      const value = this.#map.get(key, now)
      if (typeof value === 'number')
        this.#map.set(key, value + input.tokens.delta, input.tokens.index * input.tokens.windowMs + windowTtlMs(input.tokens.windowMs), now)
    }
    const day = this.#hash(k.day(input.day), input.dayEndsAt, now)
    day.t += input.dayTokensDelta
    // Never below zero: a hold can only be given back once, whatever happened to the counter.
    day.h = Math.max(0, day.h - input.reservedNanos)
    day.s += input.actualNanos
    if (input.globalHeld) {
      const global = this.#hash(k.global(input.day), input.dayEndsAt, now)
      global.h = Math.max(0, global.h - input.reservedNanos)
      global.s += input.actualNanos
    }
    const s = input.stats
    if (s) {
      const key = assistantStatsKey('mem', s.assistant, s.version, input.day)
      const existing = this.#map.get(key, now)
      const stats = typeof existing === 'object' && 'e' in existing ? existing : { r: 0, e: 0, c: 0, l: 0, i: 0, o: 0 }
      stats.r += 1
      stats.e += s.errors
      stats.c += input.actualNanos
      stats.l += Math.round(s.latencyMs)
      stats.i += s.inputTokens
      stats.o += s.outputTokens
      this.#map.set(key, stats, now + ASSISTANT_STATS_TTL_MS, now)
    }
  }

  async assistantStats(assistant: string, version: string, day: string): Promise<AssistantStats> {
    const value = this.#map.get(assistantStatsKey('mem', assistant, version, day), Number.NEGATIVE_INFINITY)
    const stats = typeof value === 'object' && 'e' in value ? value : undefined
    return statsOf((field) => stats?.[field] ?? 0)
  }

  #counters(input: AdmitInput): Counters {
    const k = limitKeys('mem', input.who)
    const now = input.now
    const read = (key: string) => {
      const v = this.#map.get(key, now)
      return typeof v === 'number' ? v : 0
    }
    const win = (key: (ms: number, i: number) => string, windowMs: number) => {
      const { index } = windowAt(now, windowMs)
      return { current: read(key(windowMs, index)), previous: read(key(windowMs, index - 1)) }
    }
    const day = this.#map.get(k.day(input.day), now)
    const global = this.#map.get(k.global(input.day), now)
    const d = isDay(day) ? day : { r: 0, t: 0, s: 0, h: 0 }
    const g = isDay(global) ? global : { r: 0, t: 0, s: 0, h: 0 }
    return {
      ...(input.requests && { requests: win(k.requests, input.requests.windowMs) }),
      ...(input.tokens && { tokens: win(k.tokens, input.tokens.windowMs) }),
      day: { requests: d.r, tokens: d.t, spentNanos: d.s, heldNanos: d.h },
      global: { spentNanos: g.s, heldNanos: g.h },
    }
  }

  #incr(key: string, by: number, expiresAt: number, now: number): number {
    const value = this.#map.get(key, now)
    const next = (typeof value === 'number' ? value : 0) + by
    this.#map.set(key, next, expiresAt, now)
    return next
  }

  #hash(key: string, dayEndsAt: number, now: number): Day {
    const existing = this.#map.get(key, now)
    const hash = isDay(existing) ? existing : { r: 0, t: 0, s: 0, h: 0 }
    this.#map.set(key, hash, dayEndsAt + DAY_GRACE_MS, now)
    return hash
  }
}
