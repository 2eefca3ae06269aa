import type Anthropic from '@anthropic-ai/sdk'
import type { Reservation } from '../admission/admission.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { addUsage, roundUsd, ZERO_USAGE, type Usage } from '../models/cost.ts'
import { failureToGatewayError, requestDeadlineError } from '../upstream/errors.ts'
import type { MessageParams } from '../upstream/params.ts'
import type { ToolContext } from './define-tool.ts'
import { autoChoice, type ActiveTools } from './active-tools.ts'
import { runToolCall, type ToolCallOutcome, type ToolStep } from './run-tool-call.ts'

/** What one model call produced. The runner has already recorded its usage on the request meter. */
export interface StepResult {
  message: Anthropic.Message
  model: ModelInfo
  modelsTried: string[]
  usage: Usage
  costUsd: number
}

/**
 * Makes one model call: the JSON path awaits `upstream.message`, the streaming path pipes
 * `upstream.stream` into the response as it goes. `step` counts from 1. `deadlineAt` is when the
 * loop's deadline passes, on the loop's clock (`now`): pass it on as `CallOptions.deadlineAt`, so
 * that a call started late gets only the time left.
 */
export type StepRunner = (params: MessageParams, step: number, deadlineAt: number) => Promise<StepResult>

/** One entry of `steps`: a model call. */
export interface ModelStep {
  type: 'model'
  model: string
  stop_reason: string | null
  usage: Usage
  cost_usd: number
}

export type LoopStep = ModelStep | ToolStep

/**
 * Why the loop ended: the last reply's `stop_reason`, `max_steps` when the step count ran out, or
 * `budget_exhausted` when the next model call's worst case did not fit the remaining budget.
 */
export type LoopStopReason = Anthropic.StopReason | 'max_steps' | 'budget_exhausted'

/** What the loop needs of a request. */
export interface LoopRequest {
  /** The first model call's Messages parameters without tools: the loop adds them and grows `messages`. */
  params: MessageParams
  /** The tools it may use. Default: none (a single model call). */
  tools?: ActiveTools
  /** The admission of its first model call; extended before each later call. Default: none (no budget). */
  reservation?: Reservation
  /** Where the loop reports what it changed (a budget that stopped it). */
  warnings: string[]
}

export interface ToolLoopOptions {
  request: LoopRequest
  runStep: StepRunner
  /** Request id, identity, env, and the client's abort signal. */
  context: ToolContext
  /** Model calls allowed (`MAX_STEPS`). */
  maxSteps: number
  /**
   * Milliseconds the whole loop may take (`UPSTREAM_DEADLINE_MS`), model calls included (see
   * `StepRunner`); tools are aborted when it passes.
   */
  deadlineMs: number
  /** Clock in ms of the deadline: the upstream's (`upstream.now`), which reads `deadlineAt`. Default: `Date.now`. */
  now?: () => number
  /** Called as each server tool call finishes (the stream writes its output part). */
  onToolResult?: (outcome: ToolCallOutcome) => void | Promise<void>
  /** Called when a step is over: after its tool calls ran, or right after a final reply. */
  onStepEnd?: (step: number) => void | Promise<void>
}

export interface ToolLoopResult {
  /** The last reply. */
  message: Anthropic.Message
  stopReason: LoopStopReason
  steps: LoopStep[]
  usage: Usage
  costUsd: number
  modelsTried: string[]
  /** Client tool calls of the last reply, for the caller to run and answer in its next request. */
  pendingToolCalls: Anthropic.ToolUseBlock[]
  /** Results of the server tools run in the last reply, when client calls are pending: send them with the client results. */
  toolResults: Anthropic.ToolResultBlockParam[]
  /** The assistant / user turns the loop added before the last reply (tool calls and their results). */
  turns: Anthropic.MessageParam[]
}

const NO_TOOLS: ActiveTools = { server: [], client: [], definitions: [] }

/**
 * The tool loop: call Claude; run every server `tool_use` of the reply in parallel; send the
 * results back; repeat until a final answer, a client tool call, `maxSteps` or the deadline.
 */
export async function runToolLoop(options: ToolLoopOptions): Promise<ToolLoopResult> {
  const { request: req, runStep, maxSteps, deadlineMs, now = Date.now } = options
  const tools = req.tools ?? NO_TOOLS
  const deadlineAt = now() + deadlineMs
  // Model calls end at `deadlineAt` (the runner passes it to the upstream, which owns that timer); tools need a signal.
  const deadline = AbortSignal.timeout(deadlineMs)
  const context: ToolContext = { ...options.context, signal: AbortSignal.any([options.context.signal, deadline]) }
  const byName = new Map(tools.server.map((tool) => [tool.name, tool]))
  const available = [...byName.keys(), ...tools.client]

  const first = req.params.messages
  let messages = first
  const steps: LoopStep[] = []
  const modelsTried: string[] = []
  let usage = ZERO_USAGE
  let costUsd = 0

  let last: ToolLoopResult | undefined
  for (let step = 1; ; step++) {
    if (options.context.signal.aborted) throw failureToGatewayError({ kind: 'aborted' }, [], options.context.signal.reason)
    if (deadline.aborted || now() >= deadlineAt) throw requestDeadlineError(deadlineMs, `during the tool loop, before model call ${step}`)
    const params = stepParams(req, messages, step)
    if (step > 1 && req.reservation) {
      // The context has grown by the last reply and the tool results: reserve this call's own bound.
      const refused = await req.reservation.extend({ params, betas: [] }, costUsd)
      if (refused) {
        req.warnings.push(refused.message)
        return { ...last!, stopReason: refused.reason, turns: messages.slice(first.length) }
      }
    }
    const result = await runStep(params, step, deadlineAt)
    const { message } = result
    steps.push({ type: 'model', model: message.model, stop_reason: message.stop_reason, usage: result.usage, cost_usd: result.costUsd })
    usage = addUsage(usage, result.usage)
    costUsd = roundUsd(costUsd + result.costUsd)
    modelsTried.push(...result.modelsTried.filter((id) => !modelsTried.includes(id)))
    const done = (
      stopReason: LoopStopReason,
      pendingToolCalls: Anthropic.ToolUseBlock[] = [],
      toolResults: Anthropic.ToolResultBlockParam[] = [],
    ) => ({
      message,
      stopReason,
      steps,
      usage,
      costUsd,
      modelsTried,
      pendingToolCalls,
      toolResults,
      turns: messages.slice(first.length),
    })

    const calls =
      message.stop_reason === 'tool_use' ? message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use') : []
    const clientCalls = calls.filter((call) => tools.client.includes(call.name))
    const serverCalls = calls.filter((call) => !tools.client.includes(call.name))
    if (!calls.length) {
      await options.onStepEnd?.(step)
      return done(message.stop_reason ?? 'end_turn')
    }
    if (!clientCalls.length && step >= maxSteps) {
      await options.onStepEnd?.(step)
      return done('max_steps')
    }

    const outcomes = await Promise.all(
      serverCalls.map(async (call) => {
        const outcome = await runToolCall(byName.get(call.name), call, context, available)
        await options.onToolResult?.(outcome)
        return outcome
      }),
    )
    steps.push(...outcomes.map((o) => o.step))
    await options.onStepEnd?.(step)
    const results = outcomes.map((o) => o.result)
    if (clientCalls.length) {
      steps.push(
        ...clientCalls.map(
          (call): ToolStep => ({ type: 'tool', id: call.id, name: call.name, input: call.input, executed_by: 'client', status: 'pending' }),
        ),
      )
      return done('tool_use', clientCalls, results)
    }
    messages = [...messages, { role: 'assistant', content: message.content.map(toParam) }, { role: 'user', content: results }]
    last = done('tool_use')
  }
}

/** The Messages API params of model call `step` (from 1) of a request, with its tools. */
export function stepParams(req: LoopRequest, messages: Anthropic.MessageParam[], step: number): MessageParams {
  const tools = req.tools ?? NO_TOOLS
  const params = { ...req.params, messages }
  if (!tools.definitions.length) return params
  const choice =
    step === 1 ? tools.toolChoice : tools.toolChoice && tools.toolChoice.type !== 'none' ? autoChoice(tools.toolChoice) : tools.toolChoice
  return { ...params, tools: tools.definitions, ...(choice && { tool_choice: choice }) }
}

/** A reply block as a request block (the API wants thinking blocks back unchanged, signature included). */
export function toParam(block: Anthropic.ContentBlock): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return {
        type: 'text',
        text: block.text,
        ...(block.citations?.length && { citations: block.citations as Anthropic.TextCitationParam[] }),
      }
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input }
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature }
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data }
    default:
      return block as unknown as Anthropic.ContentBlockParam
  }
}
