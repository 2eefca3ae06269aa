import type { ChatMessage, ChatResult } from './types.ts'

/** The outcome of one client tool call the page ran. */
export interface ToolOutcome {
  toolCallId: string
  /** The result; a string is sent as is, anything else as JSON. */
  output?: unknown
  /** Set when the tool failed: sent as an error result so the model can react. */
  error?: string
}

/**
 * The conversation to send next after a reply that asked for client tools (`client_tools`):
 * `history`, then the reply as an assistant turn (its text and `tool_use` blocks), then a user
 * turn with one `tool_result` per outcome.
 *
 * @example
 * const result = await chat.send(history, { body: { client_tools: [locationTool] } }).result
 * const calls = result.toolCalls.filter((call) => !call.providerExecuted)
 * if (calls.length) {
 *   const outcomes = await Promise.all(calls.map(async (call) => ({ toolCallId: call.toolCallId, output: await run(call) })))
 *   history = withToolResults(history, result, outcomes)
 *   await chat.send(history, { body: { client_tools: [locationTool] } }).result
 * }
 */
export function withToolResults(history: readonly ChatMessage[], reply: ChatResult, outcomes: readonly ToolOutcome[]): ChatMessage[] {
  const wanted = new Set(outcomes.map((o) => o.toolCallId))
  const assistant: Record<string, unknown>[] = []
  for (const part of reply.parts) {
    if (part.type === 'text' && part.text.trim() !== '') assistant.push({ type: 'text', text: part.text })
    if (part.type === 'tool' && wanted.has(part.toolCall.toolCallId)) {
      const { toolCallId, toolName, input } = part.toolCall
      assistant.push({ type: 'tool_use', id: toolCallId, name: toolName, input: input ?? {} })
    }
  }
  const results = outcomes.map((o) => ({
    type: 'tool_result',
    tool_use_id: o.toolCallId,
    content: o.error ?? (typeof o.output === 'string' ? o.output : JSON.stringify(o.output ?? null)),
    ...(o.error === undefined ? {} : { is_error: true }),
  }))
  return [...history, { role: 'assistant', content: assistant }, { role: 'user', content: results }]
}
