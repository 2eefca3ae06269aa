import type { ContextReport } from '../context/fit-context.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { addUsage, costOf, roundUsd, ZERO_USAGE, type Usage } from '../models/cost.ts'

export interface MeteredCall {
  model: string
  usage: Usage
  cost_usd: number
}

/**
 * What one request consumed, filled in by every billed upstream call (JSON, streamed, aborted).
 * Limits settle and the log line is written from `done`, off the response path.
 */
export class RequestMeter {
  readonly startedAt = Date.now()
  usage: Usage = ZERO_USAGE
  costUsd = 0
  readonly calls: MeteredCall[] = []
  modelsTried: string[] = []
  retries = 0
  /** Times the request moved on to the next model of the fallback chain. */
  fallbacks = 0
  /** Milliseconds its model calls waited for their turn under Claude's rate limits (the pace). */
  queuedMs = 0
  /** Background work (e.g. sharing circuit-breaker state) to keep alive with `waitUntil`. */
  readonly pending: Promise<unknown>[] = []
  /** Estimated input size and what context control did to it (chat routes). */
  context: ContextReport | undefined
  /** When `finish` was called (epoch ms). */
  finishedAt: number | undefined
  /** Milliseconds from the start of the request to the first byte of the response body. */
  ttfbMs: number | undefined
  /** Outcome, for the log: `ok`, or the error type that ended the request. */
  outcome = 'ok'
  readonly done: Promise<RequestMeter>
  #resolve!: (meter: RequestMeter) => void
  #finished = false

  constructor() {
    this.done = new Promise((resolve) => (this.#resolve = resolve))
  }

  /** Records one billed model call and returns its cost. */
  record(model: ModelInfo, usage: Usage): number {
    const cost = costOf(model, usage)
    this.calls.push({ model: model.id, usage, cost_usd: cost })
    this.usage = addUsage(this.usage, usage)
    this.costUsd = roundUsd(this.costUsd + cost)
    return cost
  }

  /** Keeps `task` alive after the response (the log middleware hands it to `waitUntil`). */
  defer(task: Promise<unknown> | undefined): void {
    if (!task) return
    // Bounded: a request never has more than a handful; beyond that, let them float.
    if (this.pending.length < 32) this.pending.push(task.catch(() => {}))
  }

  markFirstByte(): void {
    this.ttfbMs ??= Date.now() - this.startedAt
  }

  get finished(): boolean {
    return this.#finished
  }

  /** Ends the request's accounting; idempotent. Streams call it when they close. */
  finish(outcome?: string): void {
    if (this.#finished) return
    // A specific outcome recorded earlier (e.g. the error type) wins over a generic one.
    if (outcome && this.outcome === 'ok') this.outcome = outcome
    this.finishedAt = Date.now()
    this.#finished = true
    this.#resolve(this)
  }
}
