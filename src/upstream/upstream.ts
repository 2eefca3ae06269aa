import type Anthropic from '@anthropic-ai/sdk'
import type { Config } from '../config.ts'
import type { ModelInfo } from './catalogue.ts'
import { classifyFailure, failureToGatewayError } from './errors.ts'
import { headersFor, type MessageParams } from './params.ts'

export interface CallOptions {
  /** Aborted when the client leaves; cancels the upstream request. */
  signal?: AbortSignal
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
    readonly client: Anthropic,
    readonly config: Config,
  ) {}

  async message(params: MessageParams, options: CallOptions = {}): Promise<CallResult<Anthropic.Message>> {
    const model = this.config.catalogue.get(params.model)!
    try {
      const value = await this.client.messages.create(params, {
        headers: headersFor(params),
        ...(options.signal && { signal: options.signal }),
      })
      return { value, model, modelsTried: [model.id], retries: 0 }
    } catch (err) {
      throw failureToGatewayError(classifyFailure(err), [model.id], err)
    }
  }
}
