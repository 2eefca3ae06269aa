import type { BreakerStore } from './breaker-store.ts'

export interface CircuitBreakerOptions {
  /** Failures within `windowMs` that open a model's circuit. Default: 5. */
  failureThreshold?: number
  /** Window in ms over which failures are counted. Default: 30000. */
  windowMs?: number
  /** How long an open circuit skips the model, in ms; then one probe is let through. Default: 30000. */
  cooldownMs?: number
  /** Longest a probe may hold the half-open circuit before another probe is allowed, in ms. Default: 30000. */
  probeLeaseMs?: number
  /** Shared state across isolates (best effort, off the critical path). Default: none (per isolate). */
  store?: BreakerStore
  /** Least time between two reads of the shared state, in ms. Default: 5000. */
  syncIntervalMs?: number
  /** Most models tracked; the least recently used is forgotten. Default: 64. */
  maxModels?: number
  /** Clock in ms. Default: `Date.now`. */
  now?: () => number
}

export type BreakerGate = { allowed: true; probe: boolean } | { allowed: false; retryAfterMs: number }

interface ModelState {
  /** Times of recent failures, oldest first, at most `failureThreshold`. */
  failures: number[]
  /** The circuit is open until then (0: closed). */
  openUntil: number
  /** A half-open probe is in flight until then (0: none). */
  probeUntil: number
}

/**
 * A circuit breaker per model: after `failureThreshold` failures within `windowMs` the model is
 * skipped for `cooldownMs`, then exactly one request probes it; success closes the circuit,
 * failure opens it again. State lives in this isolate's memory (bounded); with a `store` an
 * opening is published to other isolates and their openings are read back every
 * `syncIntervalMs`, both as background promises the caller hands to `waitUntil`, never awaited
 * by the request itself.
 */
export class CircuitBreaker {
  readonly failureThreshold: number
  readonly windowMs: number
  readonly cooldownMs: number
  readonly probeLeaseMs: number
  readonly #store: BreakerStore | undefined
  readonly #syncIntervalMs: number
  readonly #maxModels: number
  readonly #now: () => number
  readonly #states = new Map<string, ModelState>()
  #lastSync = Number.NEGATIVE_INFINITY

  constructor(options: CircuitBreakerOptions = {}) {
    const {
      failureThreshold = 5,
      windowMs = 30_000,
      cooldownMs = 30_000,
      probeLeaseMs = 30_000,
      store,
      syncIntervalMs = 5000,
      maxModels = 64,
      now = Date.now,
    } = options
    this.failureThreshold = failureThreshold
    this.windowMs = windowMs
    this.cooldownMs = cooldownMs
    this.probeLeaseMs = probeLeaseMs
    this.#store = store
    this.#syncIntervalMs = syncIntervalMs
    this.#maxModels = maxModels
    this.#now = now
  }

  /** May a request go to `model` now? A half-open circuit lets exactly one probe through. */
  check(model: string): BreakerGate {
    const state = this.#states.get(model)
    if (!state || state.openUntil === 0) return { allowed: true, probe: false }
    const now = this.#now()
    if (now < state.openUntil) return { allowed: false, retryAfterMs: state.openUntil - now }
    if (now < state.probeUntil) return { allowed: false, retryAfterMs: state.probeUntil - now }
    state.probeUntil = now + this.probeLeaseMs
    return { allowed: true, probe: true }
  }

  /** Is `model`'s circuit open (or half-open with a probe in flight) right now? No side effect. */
  isOpen(model: string): boolean {
    const state = this.#states.get(model)
    if (!state || state.openUntil === 0) return false
    const now = this.#now()
    return now < state.openUntil || now < state.probeUntil
  }

  /** The model answered: close its circuit. Returns background work for `waitUntil`, if any. */
  success(model: string): Promise<void> | undefined {
    const state = this.#states.get(model)
    if (!state) return undefined
    const wasOpen = state.openUntil !== 0
    this.#states.delete(model)
    return wasOpen ? this.#background(() => this.#store!.clear(model)) : undefined
  }

  /** The model failed in a way that counts (overload, 5xx, network, timeout; a 429 is our pace, not its health). */
  failure(model: string): Promise<void> | undefined {
    const now = this.#now()
    const state = this.#state(model)
    if (state.openUntil !== 0) {
      // A failed probe (or a late failure of a request sent before the circuit opened).
      state.openUntil = Math.max(state.openUntil, now + this.cooldownMs)
      state.probeUntil = 0
      return this.#background(() => this.#store!.open(model, state.openUntil))
    }
    state.failures = state.failures.filter((t) => now - t < this.windowMs)
    state.failures.push(now)
    if (state.failures.length > this.failureThreshold) state.failures.shift()
    if (state.failures.length < this.failureThreshold) return undefined
    state.openUntil = now + this.cooldownMs
    state.failures = []
    return this.#background(() => this.#store!.open(model, state.openUntil))
  }

  /** The request ended without telling anything about the model (client abort): free its probe. */
  release(model: string): void {
    const state = this.#states.get(model)
    if (state) state.probeUntil = 0
  }

  /**
   * Reads the shared state of `models` when the last read is older than `syncIntervalMs`.
   * What it finds applies to later requests; this one never waits for it.
   */
  sync(models: readonly string[]): Promise<void> | undefined {
    const now = this.#now()
    if (!this.#store || now - this.#lastSync < this.#syncIntervalMs) return undefined
    this.#lastSync = now
    return this.#background(async () => {
      const remote = await this.#store!.read(models)
      const at = this.#now()
      for (const [model, openUntil] of remote) {
        if (openUntil <= at) continue
        const state = this.#state(model)
        if (openUntil > state.openUntil) {
          state.openUntil = openUntil
          state.probeUntil = 0
        }
      }
    })
  }

  /** For tests and `/healthz`-style introspection: models whose circuit is open now. */
  openModels(): string[] {
    const now = this.#now()
    return [...this.#states].filter(([, s]) => s.openUntil > now).map(([m]) => m)
  }

  #state(model: string): ModelState {
    let state = this.#states.get(model)
    if (state) {
      this.#states.delete(model)
    } else {
      state = { failures: [], openUntil: 0, probeUntil: 0 }
    }
    this.#states.set(model, state)
    if (this.#states.size > this.#maxModels) this.#states.delete(this.#states.keys().next().value!)
    return state
  }

  #background(task: () => Promise<void>): Promise<void> | undefined {
    if (!this.#store) return undefined
    // Best effort: a Redis failure only means other isolates learn later.
    return task().catch(() => {})
  }
}
