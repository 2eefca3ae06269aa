import type Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { INTERRUPTED, repairHistory } from '../../src/tools/repair-history.ts'

const use = (id: string): Anthropic.ToolUseBlockParam => ({ type: 'tool_use', id, name: 'calculator', input: { expression: '1+1' } })
const result = (id: string): Anthropic.ToolResultBlockParam => ({ type: 'tool_result', tool_use_id: id, content: '2' })
const interrupted = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: INTERRUPTED, is_error: true })

describe('repairHistory', () => {
  it('leaves a complete history untouched (same array)', () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [use('a')] },
      { role: 'user', content: [result('a')] },
    ]
    const out = repairHistory(messages)
    expect(out.messages).toBe(messages)
    expect(out.repaired).toEqual([])
  })

  it('answers calls missing from the next user turn, results first, without changing the input', () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check' }, use('a'), use('b')] },
      { role: 'user', content: [result('a'), { type: 'text', text: 'never mind, what is 2+2?' }] },
    ]
    const copy = structuredClone(messages)
    const out = repairHistory(messages)
    expect(out.repaired).toEqual(['b'])
    expect(out.messages[2]).toEqual({
      role: 'user',
      content: [result('a'), interrupted('b'), { type: 'text', text: 'never mind, what is 2+2?' }],
    })
    expect(messages).toEqual(copy)
  })

  it('turns a plain-text next turn into results + text, and adds a user turn after a trailing call', () => {
    const out = repairHistory([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [use('a')] },
      { role: 'user', content: 'are you there?' },
      { role: 'assistant', content: [use('b')] },
    ])
    expect(out.repaired).toEqual(['a', 'b'])
    expect(out.messages.slice(2)).toEqual([
      { role: 'user', content: [interrupted('a'), { type: 'text', text: 'are you there?' }] },
      { role: 'assistant', content: [use('b')] },
      { role: 'user', content: [interrupted('b')] },
    ])
  })
})
