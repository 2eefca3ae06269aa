import type Anthropic from '@anthropic-ai/sdk'
import type { ChatResult } from './run.ts'

/** A reply's text blocks, joined: the `text` of a chat response, and what structured output parses. */
export function textOf(message: Anthropic.Message): string {
  return message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('')
}

/** The JSON body of `POST /v1/chat` (docs/http.md#chat-response). */
export function chatResponseBody(result: ChatResult, requestId: string, warnings: string[]) {
  const { message } = result
  const text = textOf(message)
  return {
    id: message.id,
    model: message.model,
    role: 'assistant' as const,
    content: message.content,
    text,
    // Structured output: the answer parsed and checked against output_schema.
    ...(result.object !== undefined && { object: result.object }),
    stop_reason: result.stopReason,
    usage: result.usage,
    cost_usd: result.costUsd,
    steps: result.steps,
    models_tried: result.modelsTried,
    // Client tool calls to run and answer in the next request, with the server results of the same reply.
    // Next request: messages + turns + { role: 'assistant', content } + { role: 'user', content: [...tool_results, ...client results] }.
    ...(result.pendingToolCalls.length && {
      pending_tool_calls: result.pendingToolCalls,
      tool_results: result.toolResults,
      turns: result.turns,
    }),
    ...(warnings.length && { warnings }),
    request_id: requestId,
  }
}
