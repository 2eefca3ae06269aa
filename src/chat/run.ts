import type Anthropic from '@anthropic-ai/sdk'
import type { RequestMeter } from '../observability/meter.ts'
import { toUsage, type Usage } from '../upstream/cost.ts'
import type { Upstream } from '../upstream/upstream.ts'
import { messageParams } from '../upstream/params.ts'
import type { ChatRequest } from './request.ts'

/** One entry of `steps`: a model call (tool calls are added by the tool loop). */
export interface ModelStep {
  type: 'model'
  model: string
  stop_reason: string | null
  usage: Usage
  cost_usd: number
}

export interface ChatResult {
  message: Anthropic.Message
  steps: ModelStep[]
  usage: Usage
  costUsd: number
  modelsTried: string[]
}

/** Runs a chat request without tools: one model call. */
export async function runChat(upstream: Upstream, req: ChatRequest, options: { signal?: AbortSignal; meter: RequestMeter }): Promise<ChatResult> {
  const { value: message, model, modelsTried } = await upstream.message(messageParams(req), options)
  const usage = toUsage(message.usage)
  const costUsd = options.meter.record(model, usage)
  return {
    message,
    steps: [{ type: 'model', model: message.model, stop_reason: message.stop_reason, usage, cost_usd: costUsd }],
    usage,
    costUsd,
    modelsTried,
  }
}
