import type Anthropic from '@anthropic-ai/sdk'
import { GatewayError } from '../errors.ts'
import { addUsage, roundUsd } from '../models/cost.ts'
import { checkOutput, repairPrompt } from '../structured/check-output.ts'
import { stepParams, toParam, type StepRunner, type ToolLoopResult } from '../tools/tool-loop.ts'
import { loopRequest } from './params.ts'
import type { ChatRequest } from './request.ts'
import { textOf } from './response.ts'

/** A chat result, with the answer parsed and checked when the request has an `output_schema`. */
export type StructuredResult = ToolLoopResult & { object?: unknown }

/** Replies that are an answer to check; tool calls, max_steps and an exhausted budget are not answers yet. */
const ANSWERS = new Set<string | null>(['end_turn', 'stop_sequence', 'max_tokens'])

/**
 * Structured output (docs/http.md#structured-output): the final answer is parsed as JSON and checked
 * against the request's schema. One that does not match gets one repair call (the same step runner,
 * admitted like any later model call: `Reservation.extend`), told what was wrong; still wrong, the
 * request fails with a 502 naming the failing paths.
 */
export async function checkStructured(
  req: ChatRequest,
  result: ToolLoopResult,
  runStep: StepRunner,
  deadlineAt: number,
): Promise<StructuredResult> {
  const schema = req.outputSchema
  if (!schema || result.pendingToolCalls.length || !ANSWERS.has(result.stopReason)) return result
  const first = checkOutput(textOf(result.message), schema)
  if (first.ok) return { ...result, object: first.value }

  const messages: Anthropic.MessageParam[] = [
    ...req.messages,
    ...result.turns,
    { role: 'assistant', content: result.message.content.map(toParam) },
    { role: 'user', content: repairPrompt(first.problems) },
  ]
  const step = result.steps.filter((s) => s.type === 'model').length + 1
  const params = stepParams(loopRequest(req), messages, step)
  const refused = await req.reservation?.extend({ params, betas: [] }, result.costUsd)
  if (refused) {
    throw new GatewayError(
      'budget_exceeded_error',
      `output_schema: the answer does not match the schema (${first.problems.join('; ')}), and a repair ${refused.message.replace(/^budget: /, '')}`,
    )
  }
  const repair = await runStep(params, step, deadlineAt)
  const { message } = repair
  const repaired: ToolLoopResult = {
    ...result,
    message,
    stopReason: message.stop_reason ?? 'end_turn',
    steps: [
      ...result.steps,
      { type: 'model', model: message.model, stop_reason: message.stop_reason, usage: repair.usage, cost_usd: repair.costUsd },
    ],
    usage: addUsage(result.usage, repair.usage),
    costUsd: roundUsd(result.costUsd + repair.costUsd),
    modelsTried: [...result.modelsTried, ...repair.modelsTried.filter((id) => !result.modelsTried.includes(id))],
  }
  const second = checkOutput(textOf(message), schema)
  if (second.ok) return { ...repaired, object: second.value }
  throw new GatewayError(
    'upstream_error',
    `Claude's answer does not match output_schema, also after one repair attempt: ${second.problems.join('; ')}. Simplify the schema or the question, or retry.`,
  )
}
