import { abortableSleep, raceAbort, timeoutSignal, withTimeout } from '../abort/abort.ts'
import { consoleLogger, type Logger } from '../logger/logger.ts'
import { readRateLimitHeaders } from './headers.ts'
import { Lines } from './line.ts'
import { MemoryPaceStore } from './memory-store.ts'
import type { RequestPace } from './request-pace.ts'
import { bucketOf, limitsOf, type PerMinute, type ReserveInput, type ReserveOutcome } from './schedule.ts'
import type { PaceGiveBack, PaceStore } from './store.ts'

/** A group's configured ceilings and bucket sizes. */
export interface Ceiling {
  /** `UPSTREAM_LIMITS` rpm, itpm, otpm (0: not configured, learned from the headers). */
  configured: PerMinute
  /** Bucket capacity as ms of refill: requests, tokens. */
  burstMs: [number, number]
}

/**
 * Bucket sizes when none is configured. Requests: one second's worth, as Anthropic may enforce
 * "60 RPM as 1 request per second"; tokens: a minute's worth, the documented bucket capacity.
 */
export const DEFAULT_BURST_MS: [number, number] = [1_000, 60_000]
/** Most lines (group, caller) whose expected turns are remembered. */
const MAX_LINES = 10_000
/** How long calls go unpaced after the store failed, before it is asked again (ms). */
const STORE_COOL_DOWN_MS = 5_000
const UNLIMITED: Ceiling = { configured: [0, 0, 0], burstMs: DEFAULT_BURST_MS }

export interface PacerOptions {
  /** Where the pace lives. Default: memory (this isolate). */
  store?: PaceStore
  /** Configured ceilings by model group. Default: none (learned from the headers). */
  ceilings?: ReadonlyMap<string, Ceiling>
  /** Longest a model call waits for its turn, in ms (`QUEUE_MAX_WAIT_MS`). Default: 20000. */
  maxWaitMs?: number
  /** Upper bound of one store operation, in ms; past it the call goes unpaced. Default: 1000. */
  timeoutMs?: number
  /** Clock (ms since epoch). Default: `Date.now`. */
  now?: () => number
  /** Waits for a slot; must reject when `signal` aborts. Default: an abortable setTimeout. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Where store failures are reported. Default: `consoleLogger`. */
  log?: Logger
}

/** Told to a waiting caller: its place in its line here, and about how long until its turn. */
export interface QueueNotice {
  position: number
  waitMs: number
}

export interface TurnRequest {
  group: string
  who: string
  /** Units the call takes: 1 request, estimated input tokens, `max_tokens`. */
  cost: [number, number, number]
  /** The latest acceptable start (the request's deadline); the wait bound may end it sooner. */
  deadlineAt: number
  signal: AbortSignal
  /** The admission's outcome for this call, if it asked. */
  reserved?: ReserveOutcome
  onQueued?: (notice: QueueNotice) => void
}

/** An admission's request for the first call's slot (see `Pacer.ask`). */
export interface PaceAsk {
  store: PaceStore
  group: string
  who: string
  input: ReserveInput
  /** Reserves on the pace store alone (a failing store answers `free`). */
  reserve(): Promise<ReserveOutcome>
  /** The turn to tell the request when refused at `at` (see `Pacer.spread`). */
  spread(at: number): number
}

export type Turn = { ok: true; waitedMs: number } | { ok: false; retryAfterMs: number }

/**
 * Paces model calls so Anthropic's rate limiter is never hit (docs/resilience.md#pacing): one slot
 * per call from each model group's buckets, shared by every isolate through the store, sized by
 * `UPSTREAM_LIMITS` and by what Anthropic's `anthropic-ratelimit-*` headers said. A call whose
 * slot is in the future waits for it; one that cannot start within `maxWaitMs` is refused with the
 * time its turn would have come. Fair across callers: each holds at most one future slot per
 * group, so a caller flooding a group takes every other slot, not every slot.
 */
export class Pacer {
  readonly store: PaceStore
  readonly maxWaitMs: number
  readonly now: () => number
  readonly #ceilings: ReadonlyMap<string, Ceiling>
  readonly #timeoutMs: number
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly #log: Logger
  readonly #lines = new Lines()
  /** Limits this isolate last told the store it learned, per group: unchanged ones are not written again. */
  readonly #learned = new Map<string, PerMinute>()
  /**
   * When each line (group, caller) expects its next turn: a request refused behind its head, or
   * refused at admission, is told a turn after it (see `spread`).
   */
  readonly #heads = new Map<string, number>()
  /** Until when a 429 seen here blocks each group (the store has it too). */
  readonly #blocked = new Map<string, number>()
  /** After a store failure, calls go unpaced without asking it until then (ms). */
  #storeDownUntil = 0

  constructor(options: PacerOptions = {}) {
    this.store = options.store ?? new MemoryPaceStore()
    this.#ceilings = options.ceilings ?? new Map()
    this.maxWaitMs = options.maxWaitMs ?? 20_000
    this.#timeoutMs = options.timeoutMs ?? 1_000
    this.now = options.now ?? Date.now
    this.#sleep = options.sleep ?? abortableSleep
    this.#log = options.log ?? consoleLogger
  }

  ceiling(group: string): Ceiling {
    return this.#ceilings.get(group) ?? UNLIMITED
  }

  /**
   * Whether calls in `group` are paced: a ceiling is configured, or this isolate has seen its
   * limits in Anthropic's headers or a 429. Otherwise a call costs no store round trip (another
   * isolate's lesson reaches this one with its first response from the group).
   */
  paces(group: string): boolean {
    if (this.#ceilings.has(group) || this.#learned.has(group)) return true
    return (this.#blocked.get(group) ?? 0) > this.now()
  }

  /** What a reservation asks the store, for a call that may start until `deadlineAt`. */
  reserveInput(request: Pick<TurnRequest, 'group' | 'who' | 'cost' | 'deadlineAt'>): ReserveInput {
    const now = this.now()
    const { configured, burstMs } = this.ceiling(request.group)
    return {
      now,
      configured,
      cost: request.cost,
      burstMs,
      maxAt: Math.min(now + this.maxWaitMs, request.deadlineAt),
      ahead: this.#lines.length(lineKey(request.group, request.who)),
    }
  }

  /**
   * What an admission asks to reserve the first call's slot (`Limiter.admit`'s `pace`): folded into
   * the limits store's round trip when it shares this store's Redis, else `reserve()` on its own.
   */
  ask(request: Pick<TurnRequest, 'group' | 'who' | 'cost' | 'deadlineAt'>): PaceAsk | undefined {
    if (!this.paces(request.group)) return undefined
    const input = this.reserveInput(request)
    return {
      store: this.store,
      group: request.group,
      who: request.who,
      input,
      reserve: async () =>
        (await this.#quietly('reserve', () => this.store.reserve(request.group, request.who, input))) ?? { kind: 'free' },
      spread: (at) => this.spread(request, at),
    }
  }

  /**
   * The turn to tell a refused request (its `Retry-After`): `at`, or one interval after the last one
   * told to its caller in this group, so that a caller's refused requests do not all come back at once.
   */
  spread(request: Pick<TurnRequest, 'group' | 'who'>, at: number): number {
    const key = lineKey(request.group, request.who)
    const told = Math.max(at, this.#heads.get(key) ?? 0)
    this.#expect(key, told + this.#interval(request.group))
    return told
  }

  /**
   * Waits for the call's turn: at the slot its admission reserved, or in its caller's line for a
   * new one. Resolves `ok: false` with the honest wait when the turn would come past the bound.
   * Rejects only when `signal` aborts.
   */
  async turn(request: TurnRequest): Promise<Turn> {
    const started = this.now()
    const { reserved, signal } = request
    if (reserved?.kind === 'free') return { ok: true, waitedMs: 0 }
    if (reserved?.kind === 'refused') return { ok: false, retryAfterMs: reserved.at - started }
    if (reserved?.kind === 'slot') return this.#waitFor(reserved.at, request, started, 1)
    if (!reserved && !this.paces(request.group)) return { ok: true, waitedMs: 0 }
    const key = lineKey(request.group, request.who)
    const maxAt = Math.min(started + this.maxWaitMs, request.deadlineAt)
    const place = this.#lines.enter(key)
    if (reserved?.kind === 'later') this.#expect(key, reserved.at)
    if (place.ahead > 0 || reserved?.kind === 'later') {
      const head = Math.max(this.#heads.get(key) ?? started, started)
      request.onQueued?.({ position: place.ahead + 1, waitMs: head - started + place.ahead * this.#interval(request.group) })
    }
    // The line's wait is bounded too: a request stuck behind its caller's others gives up at maxAt.
    const bound = timeoutSignal(Math.max(0, maxAt - started), () => new LineTimeout())
    const waiting = AbortSignal.any([signal, bound.signal])
    try {
      await raceAbort(place.atHead, waiting)
      for (;;) {
        const outcome = await this.#reserve(request, maxAt)
        const now = this.now()
        if (outcome.kind === 'free') return { ok: true, waitedMs: now - started }
        if (outcome.kind === 'refused') return { ok: false, retryAfterMs: Math.max(1, this.spread(request, outcome.at) - now) }
        if (outcome.kind === 'slot') {
          place.leave()
          return await this.#waitFor(outcome.at, request, started, 1)
        }
        this.#expect(key, outcome.at)
        request.onQueued?.({ position: 1, waitMs: outcome.at - now })
        // Ask again when the caller's own earlier slot has passed: no polling in between.
        await this.#sleep(Math.max(1, outcome.check - now + 1), waiting)
      }
    } catch (error) {
      if (!(error instanceof LineTimeout)) throw error
      // Honest: when the head's turn comes, plus one interval per request ahead of this one.
      const now = this.now()
      const head = Math.max(this.#heads.get(key) ?? now, now)
      return { ok: false, retryAfterMs: Math.max(1, head - now + place.ahead * this.#interval(request.group)) }
    } finally {
      place.leave()
      bound.clear()
    }
  }

  /** Moves line `key`'s expected next turn to `at`, never earlier; bounded (past turns are dropped first). */
  #expect(key: string, at: number): void {
    if (!this.#heads.has(key) && this.#heads.size >= MAX_LINES) {
      const now = this.now()
      for (const [k, t] of this.#heads) if (t <= now) this.#heads.delete(k)
      if (this.#heads.size >= MAX_LINES) this.#heads.clear()
    }
    this.#heads.set(key, Math.max(at, this.#heads.get(key) ?? 0))
  }

  /** Milliseconds between two requests of `group` at its known request limit (0: none known here). */
  #interval(group: string): number {
    const rpm = this.ceiling(group).configured[0] || this.#learned.get(group)?.[0] || 0
    return rpm > 0 ? 60_000 / rpm : 0
  }

  /**
   * Learns from a response's headers in the background: the limits when they are new to this
   * isolate, and a 429's `retry-after` and `-remaining`; nothing to write (undefined) otherwise.
   */
  observe(group: string, headers: Headers | undefined, status: number): Promise<void> | undefined {
    const report = readRateLimitHeaders(headers, status)
    if (!report) return undefined
    const known = this.#learned.get(group)
    const changed = report.limits.some((limit, d) => limit > 0 && limit !== known?.[d])
    if (!changed && !report.retryAfterMs) return undefined
    const { configured, burstMs } = this.ceiling(group)
    // `-remaining` counts only on a 429: on a success, our own pace already holds one request in
    // reserve, and a 0 there is mostly jitter (requests arriving a little apart), which would push
    // every later slot back (measured: 3.5 s over a burst of 30 at 2 per second).
    const remaining = report.retryAfterMs ? report.remaining : ([-1, -1, -1] as [number, number, number])
    const input = { now: this.now(), configured, burstMs, ...report, remaining }
    if (report.retryAfterMs) this.#blocked.set(group, Math.max(this.#blocked.get(group) ?? 0, input.now + report.retryAfterMs))
    return this.#quietly('learn', () => this.store.learn(group, input)).then(() => {
      this.#learned.set(group, report.limits.map((limit, d) => limit || known?.[d] || 0) as PerMinute)
    })
  }

  /**
   * Whether calls in `group` hold output tokens (`max_tokens`) that `settle` gives back: only with
   * an output limit configured or learned here, so a request without one writes nothing after it.
   */
  pacesOutput(group: string): boolean {
    return this.ceiling(group).configured[2] > 0 || (this.#learned.get(group)?.[2] ?? 0) > 0
  }

  /** Gives back the output tokens a finished request reserved but did not generate, per group. */
  async settle(pace: RequestPace, outputByGroup: ReadonlyMap<string, number>): Promise<void> {
    const work: Promise<unknown>[] = []
    for (const group of pace.heldOutput.keys()) {
      if (pace.givenBackByLimits.has(group)) continue
      const back = this.giveBack(pace, group, outputByGroup)
      pace.heldOutput.delete(group)
      if (!back) continue
      const input = { now: back.now, configured: this.ceiling(group).configured, unusedOutput: back.unusedOutput }
      work.push(this.#quietly('give back', () => this.store.giveBack(group, input)))
    }
    await Promise.all(work)
  }

  /**
   * What `pace`'s calls in `group` reserved as `max_tokens` and did not generate (`outputByGroup`),
   * to give back: by `settle`, or in the limits settle's own write. Undefined when nothing is left.
   */
  giveBack(pace: RequestPace, group: string, outputByGroup: ReadonlyMap<string, number>): PaceGiveBack | undefined {
    const unusedOutput = (pace.heldOutput.get(group) ?? 0) - (outputByGroup.get(group) ?? 0)
    if (unusedOutput <= 0) return undefined
    return { group, now: this.now(), otpm: this.ceiling(group).configured[2], unusedOutput }
  }

  /** Each group's limits (configured, learned) and how long until its next free slot, for `/healthz`. */
  async snapshot(groups: readonly string[]): Promise<PaceSnapshot[]> {
    const states = await withTimeout(this.store.peek(groups), this.#timeoutMs, () => new Error('pace store timeout'))
    const now = this.now()
    return groups.map((group, i) => {
      const state = states[i]!
      const { configured, burstMs } = this.ceiling(group)
      const limits = limitsOf(configured, state.learned)
      // When a one-request call could start: the requests bucket needs one unit, the token buckets any room.
      const waits = [0, 1, 2].map((d) => {
        if (limits[d]! <= 0) return 0
        const { per, cap } = bucketOf(limits[d]!, d === 0 ? burstMs[0] : burstMs[1], d === 0 ? 1 : 0)
        return Math.ceil(state.tat[d]! - Math.max(0, cap - (d === 0 ? 1 : 0)) * per) - now
      })
      return {
        group,
        configured: perMinute(configured),
        learned: perMinute(state.learned),
        next_slot_ms: Math.max(...waits, state.blockedUntil - now, 0),
      }
    })
  }

  /** The head of the caller's line asks: nobody of its own is ahead of it. */
  async #reserve(request: TurnRequest, maxAt: number): Promise<ReserveOutcome> {
    const input = { ...this.reserveInput(request), maxAt, ahead: 0 }
    return (await this.#quietly('reserve', () => this.store.reserve(request.group, request.who, input))) ?? { kind: 'free' }
  }

  async #waitFor(at: number, request: TurnRequest, started: number, position: number): Promise<Turn> {
    const wait = at - this.now()
    if (wait > 0) {
      request.onQueued?.({ position, waitMs: wait })
      await this.#sleep(wait, request.signal)
    }
    return { ok: true, waitedMs: Math.max(0, this.now() - started) }
  }

  /**
   * A store failure never fails a request: the call goes unpaced (as without pacing), it is logged
   * once, and the store is left alone for `STORE_COOL_DOWN_MS`.
   */
  async #quietly<T>(what: string, promise: () => Promise<T>): Promise<T | undefined> {
    if (this.now() < this.#storeDownUntil) return undefined
    try {
      return await withTimeout(promise(), this.#timeoutMs, () => new Error(`no answer within ${this.#timeoutMs} ms`))
    } catch (error) {
      this.#storeDownUntil = this.now() + STORE_COOL_DOWN_MS
      this.#log({
        level: 'warn',
        msg: `pace: the ${this.store.kind} store did not ${what}; calls go unpaced for ${STORE_COOL_DOWN_MS} ms`,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      })
      return undefined
    }
  }
}

/** One group in `/healthz`. */
export interface PaceSnapshot {
  group: string
  configured: { rpm: number | null; itpm: number | null; otpm: number | null }
  learned: { rpm: number | null; itpm: number | null; otpm: number | null }
  /** How long a request arriving now would wait for its slot (0: room now). */
  next_slot_ms: number
}

const perMinute = ([rpm, itpm, otpm]: PerMinute) => ({ rpm: rpm || null, itpm: itpm || null, otpm: otpm || null })

const lineKey = (group: string, who: string) => `${group}\u0000${who}`

class LineTimeout extends Error {}
