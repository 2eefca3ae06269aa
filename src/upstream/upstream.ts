import type Anthropic from '@anthropic-ai/sdk'
import type { Stream } from '@anthropic-ai/sdk/core/streaming'
import type { Config } from '../config.ts'
import type { UpstreamClient } from './client.ts'
import type { RequestMeter } from '../observability/meter.ts'
import type { ModelInfo } from './catalogue.ts'
import { classifyFailure, failureToGatewayError } from './errors.ts'
import { headersFor, type MessageParams } from './params.ts'

export interface CallOptions {
  /** Aborted when the client leaves; cancels the upstream request. */
  signal?: AbortSignal
  /** The request's meter: records models tried and retries (callers record usage). */
  meter?: RequestMeter
  /** Extra request headers, over the defaults (e.g. the `anthropic-version` a gateway client sent). */
  headers?: Record<string, string>
}

export interface CallResult<T> {
  value: T
  /** The model that answered. */
  model: ModelInfo
  /** Every model tried, in order, the answering one last. */
  modelsTried: string[]
  retries: number
}

/**
 * Every call to Claude goes through here, so the JSON and streaming paths share one place for
 * retries, fallbacks and the circuit breaker.
 */
export class Upstream {
  constructor(
    readonly client: UpstreamClient,
    readonly config: Config,
  ) {}

  /** One reply as a whole message. */
  message(params: MessageParams, options: CallOptions = {}): Promise<CallResult<Anthropic.Message>> {
    return this.#call(params, options, (p, signal) => this.client.messages.create(p, { headers: { ...headersFor(p), ...options.headers }, signal }))
  }

  /**
   * A streamed reply. Resolves once the upstream answered with a success status, so failures
   * before any event (429, 529, 5xx, network) are retried and fall back like the JSON path.
   */
  stream(params: MessageParams, options: CallOptions = {}): Promise<CallResult<Stream<Anthropic.RawMessageStreamEvent>>> {
    return this.#call(params, options, (p, signal) =>
      this.client.messages.create({ ...p, stream: true }, { headers: { ...headersFor(p), ...options.headers }, signal }),
    )
  }

  /** Runs one call attempt. Retries, fallbacks, the breaker and the deadline belong here. */
  async #call<T>(params: MessageParams, options: CallOptions, attempt: (params: MessageParams, signal: AbortSignal) => Promise<T>): Promise<CallResult<T>> {
    const model = this.config.catalogue.get(params.model)!
    const signal = options.signal ?? new AbortController().signal
    options.meter?.modelsTried.push(model.id)
    try {
      const value = await attempt(params, signal)
      return { value, model, modelsTried: [model.id], retries: 0 }
    } catch (err) {
      throw failureToGatewayError(classifyFailure(err), [model.id], err)
    }
  }
}
