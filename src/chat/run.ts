import type { Context } from 'hono'
import { toUsage } from '../upstream/cost.ts'
import type { ToolContext } from '../tools/define-tool.ts'
import { runToolLoop, type StepRunner, type ToolLoopOptions, type ToolLoopResult } from '../tools/tool-loop.ts'
import type { ChatRequest } from './request.ts'

export type { ModelStep } from '../tools/tool-loop.ts'
export type ChatResult = ToolLoopResult

/** The JSON step: one whole reply from `upstream.message`, recorded on the request meter. */
export function jsonStep(c: Context): StepRunner {
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  return async (params) => {
    const { value: message, model, modelsTried } = await upstream.message(params, { signal: c.req.raw.signal, meter })
    const usage = toUsage(message.usage)
    return { message, model, modelsTried, usage, costUsd: meter.record(model, usage) }
  }
}

/** What a tool's `execute` gets about this request. */
export function toolContext(c: Context): ToolContext {
  return { requestId: c.get('requestId'), identity: c.get('identity'), signal: c.req.raw.signal, env: (c.env ?? {}) as Record<string, unknown> }
}

/**
 * Runs a chat request: the tool loop (a single model call when the request has no tools).
 * `runStep` decides how each model call is made; JSON by default.
 */
export function runChat(c: Context, req: ChatRequest, runStep: StepRunner = jsonStep(c), hooks: Pick<ToolLoopOptions, 'onToolResult' | 'onStepEnd'> = {}): Promise<ChatResult> {
  const config = c.get('config')
  return runToolLoop({ req, runStep, context: toolContext(c), maxSteps: config.maxSteps, deadlineMs: config.upstreamDeadlineMs, ...hooks })
}
