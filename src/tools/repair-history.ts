import type Anthropic from '@anthropic-ai/sdk'

type MessageParam = Anthropic.MessageParam
type Block = Anthropic.ContentBlockParam

export const INTERRUPTED =
  'This tool call was interrupted before it returned a result (the client disconnected or the page was reloaded). Call the tool again if you still need it.'

/**
 * Every `tool_use` must be answered by a `tool_result` in the very next (user) message, or the
 * Messages API answers 400. A history cut short (abort mid-tool, reload, a client tool never
 * answered) is repaired by inserting an `is_error` result for each unanswered call.
 * Returns the input array unchanged when nothing was missing.
 */
export function repairHistory(messages: MessageParam[]): { messages: MessageParam[]; repaired: string[] } {
  const repaired: string[] = []
  const out: MessageParam[] = []
  const source = messages.slice()
  source.forEach((message, i) => {
    out.push(message)
    if (message.role !== 'assistant' || typeof message.content === 'string') return
    const ids = message.content.filter((b): b is Anthropic.ToolUseBlockParam => b.type === 'tool_use').map((b) => b.id)
    if (!ids.length) return
    const next = source[i + 1]
    const nextBlocks: Block[] =
      next?.role === 'user' ? (typeof next.content === 'string' ? [{ type: 'text', text: next.content }] : next.content) : []
    const answered = new Set(nextBlocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])))
    const missing = ids.filter((id) => !answered.has(id))
    if (!missing.length) return
    repaired.push(...missing)
    const results: Anthropic.ToolResultBlockParam[] = missing.map((id) => ({
      type: 'tool_result',
      tool_use_id: id,
      content: INTERRUPTED,
      is_error: true,
    }))
    if (next?.role === 'user') {
      // Tool results must come first in the user message; the next message is replaced before it is visited.
      const existing = nextBlocks.filter((b) => b.type === 'tool_result')
      const rest = nextBlocks.filter((b) => b.type !== 'tool_result')
      source[i + 1] = { role: 'user', content: [...existing, ...results, ...rest] }
    } else {
      out.push({ role: 'user', content: results })
    }
  })
  return repaired.length ? { messages: out, repaired } : { messages, repaired }
}
