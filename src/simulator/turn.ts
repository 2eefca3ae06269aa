type Obj = Record<string, unknown>

/**
 * The last human turn (a user message with text and no tool results), its text, and the step:
 * 1 + the number of assistant turns after it that were answered.
 */
export function humanTurn(messages: Obj[]): { text: string; step: number } {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!
    if (m.role !== 'user') continue
    const blocks: Obj[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as Obj[])
    if (blocks.some((b) => b.type === 'tool_result')) continue
    const texts = blocks.filter((b) => b.type === 'text').map((b) => String(b.text))
    if (texts.length === 0) continue
    const answered = messages.slice(i + 1, -1).filter((x) => x.role === 'assistant').length
    return { text: texts.join('\n'), step: answered + 1 }
  }
  return { text: '', step: 1 }
}
