import type { Context } from 'hono'
import { pipeModelStream } from '../stream/pipe-model-stream.ts'
import type { UIStreamWriter } from '../stream/ui-stream-writer.ts'
import { toUsage } from '../models/cost.ts'
import type { ToolContext } from '../tools/define-tool.ts'
import { loopRequest } from './params.ts'
import { runToolLoop, type StepRunner, type ToolLoopOptions } from '../tools/tool-loop.ts'
import { checkStructured, type StructuredResult } from './structured-output.ts'
import type { ChatRequest } from './request.ts'
import { loggerOf } from '../logger/logger.ts'
import type { QueueNotice } from '../pace/pacer.ts'

export type { ModelStep } from '../tools/tool-loop.ts'
export type ChatResult = StructuredResult

/** The JSON step: one whole reply from `upstream.message`, recorded on the request meter. */
export function jsonStep(c: Context, signal: AbortSignal = c.req.raw.signal): StepRunner {
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  const pace = c.get('pace')
  return async (params, _step, deadlineAt) => {
    const { value: message, model, modelsTried } = await upstream.message(params, { signal, meter, deadlineAt, pace })
    const usage = toUsage(message.usage)
    return { message, model, modelsTried, usage, costUsd: meter.record(model, usage) }
  }
}

/**
 * The streaming step: opens a UI message stream step and pipes the model call into it as it
 * arrives (text, reasoning, tool input). The loop ends the step once its tools ran.
 *
 * Models that keep thinking on (Opus 5.5, Sonnet 5.5, Fable 5.1: the same ones that reject forced
 * tool use) put the text between tool calls into thinking blocks that are empty under their
 * default `display`, so a UI would go silent there. With tools and no caller `thinking`, the
 * stream asks for `display: "summarized"` and shows that text as reasoning parts. Thinking is
 * billed the same either way.
 */
export function streamStep(c: Context, writer: UIStreamWriter, signal: AbortSignal): StepRunner {
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  const idleTimeoutMs = c.get('config').upstreamIdleTimeoutMs
  const pace = c.get('pace')
  // While a call waits for its turn under Claude's rate limit, the client sees where it is (the widget says so).
  const onQueued = (notice: QueueNotice) => writer.data('queued', notice, { transient: true })
  return async (params, _step, deadlineAt) => {
    if (params.tools?.length && params.thinking === undefined && c.get('config').catalogue.get(params.model)?.rejectsForcedToolUse) {
      params = { ...params, thinking: { type: 'adaptive', display: 'summarized' } }
    }
    const { value: stream, model, modelsTried } = await upstream.stream(params, { signal, meter, deadlineAt, pace, onQueued })
    writer.startStep()
    const { message, usage, costUsd } = await pipeModelStream(stream, writer, { model, meter, signal, idleTimeoutMs })
    return { message, model, modelsTried, usage, costUsd }
  }
}

/** Loop hooks that write each server tool's output (or error) and the step boundary into a UI stream. */
export function streamToolHooks(writer: UIStreamWriter): Pick<ToolLoopOptions, 'onToolResult' | 'onStepEnd'> {
  return {
    onToolResult: ({ step, output, isError, result }) => {
      if (isError) writer.toolError(step.id, String(result.content))
      else writer.toolOutput(step.id, output ?? null)
    },
    onStepEnd: () => writer.finishStep(),
  }
}

/** What a tool's `execute` gets about this request; `signal` aborts when the client leaves. */
export function toolContext(c: Context, signal: AbortSignal = c.req.raw.signal): ToolContext {
  return {
    requestId: c.get('requestId'),
    identity: c.get('identity'),
    signal,
    env: (c.env ?? {}) as Record<string, unknown>,
    logger: loggerOf(c),
  }
}

export interface RunChatOptions extends Pick<ToolLoopOptions, 'onToolResult' | 'onStepEnd'> {
  /** How each model call is made. Default: JSON (`jsonStep`). */
  runStep?: StepRunner
  /** Aborted when the client leaves. Default: the request's signal. */
  signal?: AbortSignal
}

/**
 * Runs a chat request: the tool loop (a single model call when the request has no tools), then,
 * with an `output_schema`, the answer's check (and its one repair call).
 */
export async function runChat(c: Context, req: ChatRequest, options: RunChatOptions = {}): Promise<ChatResult> {
  const { signal = c.req.raw.signal, runStep = jsonStep(c, signal), ...hooks } = options
  const config = c.get('config')
  const now = c.get('upstream').now
  const deadlineAt = now() + config.upstreamDeadlineMs
  const result = await runToolLoop({
    request: loopRequest(req),
    runStep,
    context: toolContext(c, signal),
    maxSteps: config.maxSteps,
    deadlineMs: config.upstreamDeadlineMs,
    now,
    ...hooks,
  })
  // A repair call streams as one more step; `finish` ends it.
  return checkStructured(req, result, runStep, deadlineAt)
}
