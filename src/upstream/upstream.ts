import type Anthropic from '@anthropic-ai/sdk'
import type { Stream } from '@anthropic-ai/sdk/core/streaming'
import { abortableSleep, timeoutSignal } from '../abort/abort.ts'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import type { UpstreamClient } from './client.ts'
import type { RequestMeter } from '../observability/meter.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { CircuitBreaker } from './circuit-breaker.ts'
import { classifyFailure, failureToGatewayError, requestDeadlineError, type UpstreamFailure } from './errors.ts'
import { fallbackChain, paramsForModel } from './fallback.ts'
import { headersFor, type MessageParams } from './params.ts'
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.ts'
import { APIError } from '@anthropic-ai/sdk/core/error'
import { estimateInputTokens } from '../context/estimate-tokens.ts'
import type { Pacer, QueueNotice, Turn } from '../pace/pacer.ts'
import { paceRefusal } from '../pace/refusal.ts'
import type { RequestPace } from '../pace/request-pace.ts'

export interface CallOptions {
  /** Aborted when the client leaves; cancels the upstream request (and any wait between retries). */
  signal?: AbortSignal
  /** The request's meter: records models tried, retries and fallbacks (callers record usage). */
  meter?: RequestMeter
  /** Extra request headers, over the defaults (e.g. the `anthropic-version` a gateway client sent). */
  headers?: Record<string, string>
  /** Models this caller may use; the fallback chain is narrowed to them. Default: `config.allowedModels`. */
  allowedModels?: readonly string[]
  /** Fall back along `FALLBACK_MODELS` on overload or rate limit. Default: true. */
  fallback?: boolean
  /** Add `cache_control` breakpoints (see `applyPromptCaching`). Default: `config.promptCaching`. */
  promptCaching?: boolean
  /**
   * When the request's own deadline passes, in ms on this upstream's clock (`upstream.now`): the
   * tool loop passes its deadline, so a model call started late gets only what is left of it. The
   * call's deadline is the earlier of this and `UPSTREAM_DEADLINE_MS` from the call's start; a
   * timeout at this one is the 504 of the request deadline. Default: none (the call's own only).
   */
  deadlineAt?: number
  /**
   * The request's share of the upstream pace (`c.get('pace')`): its caller, for fairness, and the
   * slot its admission reserved. Without it the call is paced as one shared caller and reserves again.
   */
  pace?: RequestPace
  /** Told while the call waits for its turn under Claude's rate limit (a stream shows it). */
  onQueued?: (notice: QueueNotice) => void
}

/** Per-caller defaults of every call (`forCaller`): the options that are not about one call. */
export type CallDefaults = Omit<CallOptions, 'signal' | 'meter' | 'headers' | 'deadlineAt' | 'pace' | 'onQueued'>

export interface CallResult<T> {
  value: T
  /** The model that answered. */
  model: ModelInfo
  /** Every model tried, in order, the answering one last. */
  modelsTried: string[]
  /** Retries of this call (all models). */
  retries: number
}

export interface UpstreamOptions {
  /** Backoff schedule, or options for the default one. Default: `new RetryPolicy()`. */
  retry?: RetryPolicy | RetryPolicyOptions
  /** Circuit breaker shared by every call of this Upstream. Default: `new CircuitBreaker({ now })`. */
  breaker?: CircuitBreaker
  /** Clock in ms, for the deadline. Default: `Date.now`. */
  now?: () => number
  /** Waits between retries; must reject when `signal` aborts. Default: an abortable setTimeout. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Defaults for every call's options (see `forCaller`). */
  defaults?: CallDefaults
  /** Paces calls under Claude's rate limits (docs/resilience.md#pacing). Default: none (unpaced). */
  pacer?: Pacer
}

type Attempt<T> = (params: MessageParams, signal: AbortSignal) => Promise<{ data: T; response: Response }>
type Outcome<T> = { ok: true; value: T; headers: Headers } | { ok: false; failure: UpstreamFailure; deadline: boolean; error: unknown }

/**
 * Every call to Claude goes through here, so the JSON and streaming paths share one
 * implementation of retries, fallbacks, the circuit breaker and the deadline.
 *
 * Why our own loop rather than the SDK's retries (the client runs with `maxRetries: 0`): the
 * deadline must span every retry *and* every fallback model; a fallback needs the failure after
 * the last retry, not an exception after the SDK's hidden ones; the breaker must see each
 * attempt; and a stream is retried only until it has a success status, which the SDK's
 * per-request retries cannot tell apart from the JSON case. One loop, no retries on retries.
 */
export class Upstream {
  readonly client: UpstreamClient
  readonly config: Config
  readonly policy: RetryPolicy
  readonly breaker: CircuitBreaker
  /** The clock of deadlines, in ms (`UpstreamOptions.now`): a caller's `deadlineAt` is read on it. */
  readonly now: () => number
  /** The pace of every call (shared by `forCaller` copies), when the gateway set one up. */
  readonly pacer: Pacer | undefined
  readonly #options: UpstreamOptions
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>

  constructor(client: UpstreamClient, config: Config, options: UpstreamOptions = {}) {
    const { retry, now = Date.now, sleep = abortableSleep } = options
    this.client = client
    this.config = config
    this.policy = retry instanceof RetryPolicy ? retry : new RetryPolicy(retry)
    this.breaker = options.breaker ?? new CircuitBreaker({ now })
    this.#options = { ...options, retry: this.policy, breaker: this.breaker }
    this.now = now
    this.#sleep = sleep
    this.pacer = options.pacer
  }

  /**
   * The same upstream (client, breaker, schedule) with per-caller defaults, e.g. the models an
   * identity may use: `c.set('upstream', upstream.forCaller({ allowedModels }))`.
   */
  forCaller(defaults: CallDefaults): Upstream {
    return new Upstream(this.client, this.config, { ...this.#options, defaults: { ...this.#options.defaults, ...defaults } })
  }

  /** One reply as a whole message. */
  message(params: MessageParams, options: CallOptions = {}): Promise<CallResult<Anthropic.Message>> {
    return this.#call(params, options, (p, signal) =>
      this.client.messages.create(p, { headers: { ...headersFor(p), ...options.headers }, signal }).withResponse(),
    )
  }

  /**
   * A streamed reply. Resolves once the upstream answered with a success status, so failures
   * before any event (429, 529, 5xx, network) are retried and fall back like the JSON path.
   */
  stream(params: MessageParams, options: CallOptions = {}): Promise<CallResult<Stream<Anthropic.RawMessageStreamEvent>>> {
    return this.#call(params, options, (p, signal) =>
      this.client.messages.create({ ...p, stream: true }, { headers: { ...headersFor(p), ...options.headers }, signal }).withResponse(),
    )
  }

  /** Tries the model, retries it, falls back along the chain; the one place for all of that. */
  async #call<T>(params: MessageParams, callOptions: CallOptions, attempt: Attempt<T>): Promise<CallResult<T>> {
    const options = { ...this.#options.defaults, ...callOptions }
    const { meter, fallback = true } = options
    const signal = options.signal ?? new AbortController().signal
    const caching = options.promptCaching ?? this.config.promptCaching
    const primary = this.config.catalogue.get(params.model)
    if (!primary) throw new GatewayError('invalid_request_error', `model: unknown model "${params.model}"`)
    const chain = fallback ? fallbackChain(primary, this.config, options.allowedModels ?? this.config.allowedModels) : [primary]
    const own = this.now() + this.config.upstreamDeadlineMs
    // One deadline, one timer: the request's, when it passes before the call's own would.
    const deadline = Math.min(own, options.deadlineAt ?? Infinity)
    meter?.defer(this.breaker.sync(chain.map((m) => m.id)))

    const tried: string[] = []
    let retries = 0
    let last: { failure: UpstreamFailure; error: unknown } | undefined
    let openFor: number | undefined

    for (const model of chain) {
      const modelParams = paramsForModel(params, model, model === primary, caching)
      if (!modelParams) continue
      const gate = this.breaker.check(model.id)
      if (!gate.allowed) {
        openFor = Math.min(openFor ?? Infinity, gate.retryAfterMs)
        continue
      }
      if (tried.length && meter) meter.fallbacks++
      tried.push(model.id)
      // Once per model per request, however many tool-loop steps call it.
      if (meter && !meter.modelsTried.includes(model.id)) meter.modelsTried.push(model.id)

      for (let retry = 0; ; retry++) {
        const turn = await this.#turn(model, modelParams, options, signal, deadline)
        if (!turn.ok) {
          last = { failure: { kind: 'rate_limited', retryAfterSec: turn.retryAfterMs / 1000, queued: true }, error: undefined }
          break
        }
        const outcome = await this.#attempt(modelParams, attempt, signal, deadline)
        const headers = outcome.ok ? outcome.headers : outcome.error instanceof APIError ? outcome.error.headers : undefined
        meter?.defer(this.pacer?.observe(model.rateLimitGroup, headers, outcome.ok ? 200 : (outcome.failure.status ?? 0)))
        if (outcome.ok) {
          meter?.defer(this.breaker.success(model.id))
          return { value: outcome.value, model, modelsTried: tried, retries }
        }
        const { failure, error } = outcome
        last = { failure, error }
        if (failure.kind === 'aborted') {
          this.breaker.release(model.id)
          throw failureToGatewayError(failure, tried, error)
        }
        if (failure.kind === 'bad_request' || failure.kind === 'misconfigured') {
          // The model answered: it is up. The request (or our key) is wrong; no retry, no fallback.
          meter?.defer(this.breaker.success(model.id))
          throw failureToGatewayError(failure, tried, error)
        }
        // A 429 is about our account's pace (the pacer's business), not the model's health: the
        // model answered, so it does not count towards opening its circuit.
        if (failure.kind === 'rate_limited') this.breaker.release(model.id)
        else meter?.defer(this.breaker.failure(model.id))
        if (outcome.deadline) {
          throw deadline < own
            ? requestDeadlineError(this.config.upstreamDeadlineMs, 'while waiting for Claude', tried, error)
            : failureToGatewayError(failure, tried, error)
        }
        const wait = this.policy.delayMs(failure, retry)
        // No wait past the deadline, and no more retries on a model whose circuit just opened.
        if (wait === undefined || this.now() + wait >= deadline || this.breaker.isOpen(model.id)) break
        retries++
        if (meter) meter.retries++
        try {
          await this.#sleep(wait, signal)
        } catch (err) {
          throw failureToGatewayError({ kind: 'aborted' }, tried, err)
        }
      }
      // Only overload and rate limits move on to the next model; other failures would repeat there.
      if (last.failure.kind !== 'overloaded' && last.failure.kind !== 'rate_limited') break
      if (this.now() >= deadline) break
    }

    // A call that could not get its turn within the wait bound: 429, never a 5xx.
    if (last?.failure.queued) throw paceRefusal((last.failure.retryAfterSec ?? 1) * 1000)
    if (last) throw failureToGatewayError(last.failure, tried, last.error)
    const retryAfterSec = Math.max(1, Math.ceil((openFor ?? 1000) / 1000))
    throw new GatewayError(
      'overloaded_error',
      `Every model that could answer is unavailable right now (circuit open: ${chain.map((m) => m.id).join(', ')}). Retry after the Retry-After delay.`,
      { headers: { 'Retry-After': String(retryAfterSec) } },
    )
  }

  /**
   * Waits for the call's turn under its model group's pace (`Pacer.turn`): at the slot the
   * admission reserved for the request's first call, else in the caller's line. No pacer: at once.
   */
  async #turn(model: ModelInfo, params: MessageParams, options: CallOptions, signal: AbortSignal, deadline: number): Promise<Turn> {
    const pacer = this.pacer
    if (!pacer) return { ok: true, waitedMs: 0 }
    const group = model.rateLimitGroup
    const pace = options.pace
    const reserved = pace?.takeReserved(group)
    // A slot the admission reserved already counted the input; a new reservation counts it now.
    const counted = reserved?.kind === 'slot' || reserved?.kind === 'free'
    const cost: [number, number, number] = [1, counted ? 0 : estimateInputTokens(params, model), params.max_tokens]
    const turn = await pacer.turn({
      group,
      who: pace?.who ?? '',
      cost,
      deadlineAt: deadline,
      signal,
      ...(reserved && { reserved }),
      ...(options.onQueued && { onQueued: options.onQueued }),
    })
    if (turn.ok && options.meter) options.meter.queuedMs += turn.waitedMs
    if (turn.ok && pace && pacer.pacesOutput(group)) pace.hold(group, params.max_tokens)
    return turn
  }

  /** One attempt, cut at the deadline. After success the deadline no longer applies (streams run on). */
  async #attempt<T>(params: MessageParams, attempt: Attempt<T>, signal: AbortSignal, deadline: number): Promise<Outcome<T>> {
    const remaining = deadline - this.now()
    if (remaining <= 0) return { ok: false, failure: { kind: 'timeout' }, deadline: true, error: undefined }
    const timeout = timeoutSignal(remaining, () => new Error('upstream deadline'))
    try {
      // The client leaving still cancels a stream once it runs; the deadline's timer is cleared below.
      const { data, response } = await attempt(params, AbortSignal.any([signal, timeout.signal]))
      return { ok: true, value: data, headers: response.headers }
    } catch (error) {
      if (timeout.signal.aborted && !signal.aborted) return { ok: false, failure: { kind: 'timeout' }, deadline: true, error }
      return { ok: false, failure: classifyFailure(error), deadline: false, error }
    } finally {
      timeout.clear()
    }
  }
}
