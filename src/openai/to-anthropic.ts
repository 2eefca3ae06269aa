import type Anthropic from '@anthropic-ai/sdk'
import { GatewayError } from '../errors.ts'
import type { ChatCompletionRequest } from './schema.ts'
import { toTurns, type Turn } from './to-anthropic-messages.ts'

/**
 * A Chat Completions request as a Messages API body, before the assistant binding and the model
 * are applied: `messages` are still one turn per OpenAI message (see `Turn`), `max_tokens` is
 * only what the caller sent. `bindAssistant(c, draft, 'messages')` reads it as it reads a
 * `/v1/messages` body.
 */
export interface Draft {
  model: string
  messages: Turn[]
  max_tokens?: number
  temperature?: number
  top_p?: number
  stop_sequences?: string[]
  tools?: Anthropic.Tool[]
  tool_choice?: Anthropic.ToolChoice
  /** Which assistant to run as (ours, not OpenAI's), for the binding. */
  assistant?: unknown
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request_error', `Invalid request: ${message}`)
}

/**
 * Maps what Claude can do the same way and refuses (400) what it cannot: several choices (`n`),
 * the legacy `functions`, a JSON `response_format`. `temperature` above Claude's 1 is lowered,
 * with a warning.
 */
export function toDraft(body: ChatCompletionRequest): { draft: Draft; warnings: string[] } {
  const warnings: string[] = []
  if (body.n != null && body.n !== 1)
    throw invalid(`n: ${body.n} choices were asked for; this gateway answers one choice per request (n: 1)`)
  if (body.functions !== undefined)
    throw invalid(
      'functions: the legacy functions API is not supported; send the same definitions as tools ({ type: "function", function })',
    )
  if (body.response_format && body.response_format.type !== 'text') {
    throw invalid(
      `response_format: "${body.response_format.type}" is not supported on this route; describe the format in a message, or use tools`,
    )
  }
  let temperature = body.temperature ?? undefined
  if (temperature !== undefined && temperature > 1) {
    warnings.push(`temperature ${temperature} is above Claude's maximum of 1 and was lowered to 1`)
    temperature = 1
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? [])
  const tools = (body.tools ?? []).map(
    (tool): Anthropic.Tool => ({
      name: tool.function.name,
      ...(tool.function.description && { description: tool.function.description }),
      // A function without parameters takes none; Anthropic requires an object schema either way.
      input_schema: { type: 'object', ...tool.function.parameters } as Anthropic.Tool.InputSchema,
    }),
  )
  const toolChoice = toToolChoice(body, tools)
  const draft: Draft = {
    model: body.model,
    messages: toTurns(body.messages),
    ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    ...(temperature !== undefined && { temperature }),
    ...(body.top_p != null && { top_p: body.top_p }),
    ...(stop.length && { stop_sequences: stop }),
    ...(tools.length && { tools }),
    ...(toolChoice && { tool_choice: toolChoice }),
    ...(body.assistant !== undefined && { assistant: body.assistant }),
  }
  return { draft, warnings }
}

/** `none` / `auto` / `required` (→ `any`) / a named function (→ `tool`), with `parallel_tool_calls: false`. */
function toToolChoice(body: ChatCompletionRequest, tools: readonly Anthropic.Tool[]): Anthropic.ToolChoice | undefined {
  const choice = body.tool_choice
  if (!tools.length) {
    if (choice === undefined || choice === 'none' || choice === 'auto') return undefined
    throw invalid(`tool_choice: ${JSON.stringify(choice)} needs at least one tool, and this request has none`)
  }
  if (choice === 'none') return { type: 'none' }
  const parallel = body.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}
  if (choice === undefined || choice === 'auto') return body.parallel_tool_calls === false ? { type: 'auto', ...parallel } : undefined
  if (choice === 'required') return { type: 'any', ...parallel }
  const name = choice.function.name
  if (!tools.some((t) => t.name === name))
    throw invalid(`tool_choice.function.name: "${name}" is not a tool of this request. Tools: ${tools.map((t) => t.name).join(', ')}`)
  return { type: 'tool', name, ...parallel }
}
