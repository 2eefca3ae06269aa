import type Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { messageTokens } from '../../src/context/estimate-tokens.ts'
import { PRUNE_TARGET, pruneConversation } from '../../src/conversations/prune.ts'

type M = Anthropic.MessageParam

const user = (text: string): M => ({ role: 'user', content: [{ type: 'text', text }] })
const assistant = (text: string): M => ({ role: 'assistant', content: [{ type: 'text', text }] })
const call = (id: string): M => ({
  role: 'assistant',
  content: [{ type: 'tool_use', id, name: 'calculator', input: { expression: '1+1' } }],
})
const result = (id: string): M => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: '2' }] })

/** user/assistant text turns: u0 a1 u2 a3 … (n messages). */
function chat(n: number): M[] {
  return Array.from({ length: n }, (_, i) => (i % 2 ? assistant(`a${i}`) : user(`u${i}`)))
}

const blocks = (m: M) => (typeof m.content === 'string' ? [] : m.content)
const textOf = (m: M) =>
  blocks(m).map((b) =>
    b.type === 'text' ? b.text : b.type === 'tool_use' ? `use:${b.id}` : b.type === 'tool_result' ? `result:${b.tool_use_id}` : b.type,
  )

/** What the Messages API needs of a history: starts with user, alternates, every tool_use answered right after, every tool_result answering the message before. */
function expectValid(messages: M[]) {
  expect(messages[0]?.role).toBe('user')
  messages.forEach((m, i) => {
    if (i > 0) expect(m.role, `messages.${i}`).not.toBe(messages[i - 1]!.role)
    const results = blocks(m).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []))
    if (results.length) {
      const calls = blocks(messages[i - 1] ?? user('')).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []))
      for (const id of results) expect(calls, `messages.${i} answers ${id}`).toContain(id)
    }
    const uses = blocks(m).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []))
    if (uses.length && i < messages.length - 1) {
      const answered = blocks(messages[i + 1]!).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []))
      for (const id of uses) expect(answered, `messages.${i + 1} answers ${id}`).toContain(id)
    }
  })
}

const oneToken = () => 1

describe('pruneConversation', () => {
  it('returns the same array, untouched, within both bounds', () => {
    const messages = chat(10)
    const pruned = pruneConversation(messages, { maxMessages: 10, maxTokens: 10 }, oneToken)
    expect(pruned.messages).toBe(messages)
    expect(pruned.dropped).toBe(0)
  })

  it('over maxMessages: keeps the first user turn and the latest turns, down to 75 % of the bound', () => {
    const messages = chat(21) // u0 … u20
    const pruned = pruneConversation(messages, { maxMessages: 20, maxTokens: 1e9 }, oneToken)
    expect(pruned.messages.length).toBeLessThanOrEqual(Math.floor(20 * PRUNE_TARGET))
    expect(pruned.messages.length).toBe(15) // u0 + a7 … u20 (the cut lands on an assistant message)
    expect(pruned.messages.flatMap(textOf)).toEqual(['u0', ...Array.from({ length: 14 }, (_, i) => (i % 2 ? `u${i + 7}` : `a${i + 7}`))])
    expect(pruned.dropped).toBe(6)
    expect(pruned.messages[0]).toBe(messages[0])
    expectValid(pruned.messages)
  })

  it('over maxTokens: measured with the estimator, down to 75 % of the bound', () => {
    const messages = chat(12).map((m, i) => (i === 0 ? m : { ...m, content: [{ type: 'text' as const, text: 'x'.repeat(400) }] }))
    const tokens = (m: M) => messageTokens(m, 'classic')
    const total = messages.reduce((n, m) => n + tokens(m), 0)
    const maxTokens = total - 1
    const pruned = pruneConversation(messages, { maxMessages: 100, maxTokens }, 'classic')
    const kept = pruned.messages.reduce((n, m) => n + tokens(m), 0)
    expect(kept).toBeLessThanOrEqual(maxTokens * PRUNE_TARGET)
    // The deepest cut needed, not more: one more message would be over 75 %.
    expect(kept + 2 * tokens(messages[1]!)).toBeGreaterThan(maxTokens * PRUNE_TARGET)
    expect(pruned.messages[0]).toBe(messages[0])
    expect(pruned.messages[1]!.role).toBe('assistant')
    expectValid(pruned.messages)
    // A tokenizer or an estimating function: the same cut.
    expect(pruneConversation(messages, { maxMessages: 100, maxTokens }, tokens)).toEqual(pruned)
  })

  it('hysteresis: after a prune, the next turns extend the same prefix until the bound is reached again', () => {
    const bounds = { maxMessages: 20, maxTokens: 1e9 }
    let history = chat(20)
    const stored: string[] = []
    const pruned: boolean[] = []
    for (let turn = 0; turn < 40; turn++) {
      history = [...history, user(`q${turn}`), assistant(`r${turn}`)]
      const { messages, dropped } = pruneConversation(history, bounds, oneToken)
      if (!dropped) expect(messages).toBe(history)
      else expect(messages.length).toBeLessThanOrEqual(15)
      expectValid(messages)
      pruned.push(dropped > 0)
      stored.push(JSON.stringify(messages))
      history = messages
    }
    // 22 messages → 14 (u0 + a tail from an assistant message, ≤ 75 % of 20): three turns fit before the
    // next prune, so one prune every fourth turn instead of one on every turn.
    expect(pruned.filter(Boolean)).toHaveLength(10)
    expect(pruned.slice(0, 9)).toEqual([true, false, false, false, true, false, false, false, true])
    // Between prunes the stored history only grows at its end: the prefix sent upstream is byte-identical.
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i]!.startsWith(stored[i - 1]!.slice(0, -1)), `turn ${i}`).toBe(!pruned[i])
    }
  })

  it('never splits a tool pair, whatever the bound', () => {
    const messages: M[] = [user('start')]
    for (let i = 0; i < 8; i++) messages.push(call(`t${i}`), result(`t${i}`))
    messages.push(assistant('done'), user('next'), call('t8'), result('t8'), assistant('fin'))
    for (let max = 3; max <= messages.length; max++) {
      const pruned = pruneConversation(messages, { maxMessages: max, maxTokens: 1e9 }, oneToken)
      expectValid(pruned.messages)
      expect(pruned.messages[0]).toBe(messages[0])
      expect(pruned.messages.length).toBeLessThanOrEqual(max)
      // The kept tail is the original tail.
      expect(pruned.messages.slice(1)).toEqual(messages.slice(messages.length - pruned.messages.length + 1))
    }
  })

  it('prunes a conversation made only of tool turns (cuts at an assistant tool call)', () => {
    const messages: M[] = [user('run the pipeline')]
    for (let i = 0; i < 30; i++) messages.push(call(`t${i}`), result(`t${i}`))
    const pruned = pruneConversation(messages, { maxMessages: 20, maxTokens: 1e9 }, oneToken)
    expect(pruned.messages.length).toBe(15)
    expectValid(pruned.messages)
    expect(textOf(pruned.messages[1]!)).toEqual(['use:t23'])
    expect(textOf(pruned.messages.at(-1)!)).toEqual(['result:t29'])
  })

  it('keeps a pending tool call (the last message) with its turn', () => {
    const messages = [...chat(20), user('use a tool'), call('pending')]
    const pruned = pruneConversation(messages, { maxMessages: 20, maxTokens: 1e9 }, oneToken)
    expect(pruned.messages.at(-1)).toBe(messages.at(-1))
    expectValid(pruned.messages)
  })

  it('keeps the first user turn however large it is', () => {
    const messages = [user('x'.repeat(10_000)), ...chat(9).slice(1)]
    const pruned = pruneConversation(messages, { maxMessages: 100, maxTokens: 2000 }, 'classic')
    expect(pruned.messages[0]).toBe(messages[0])
    // Best effort: the first turn and the shortest valid tail (from the last assistant message).
    expect(pruned.messages).toEqual([messages[0], messages[7], messages[8]])
    expectValid(pruned.messages)
  })

  it('falls back to the bound itself when 75 % cannot be reached, and to the shortest tail when neither can', () => {
    // Ends on a user turn: the shortest valid tail is [u0, a, u] = 3 messages.
    const messages = chat(9)
    expect(pruneConversation(messages, { maxMessages: 4, maxTokens: 1e9 }, oneToken).messages.flatMap(textOf)).toEqual(['u0', 'a7', 'u8'])
    expect(pruneConversation(messages, { maxMessages: 3, maxTokens: 1e9 }, oneToken).messages.flatMap(textOf)).toEqual(['u0', 'a7', 'u8'])
    expect(pruneConversation(messages, { maxMessages: 2, maxTokens: 1e9 }, oneToken).messages.flatMap(textOf)).toEqual(['u0', 'a7', 'u8'])
  })

  it('leaves a conversation with nothing to cut as it is', () => {
    const messages = [user('x'.repeat(10_000)), assistant('y'.repeat(10_000))]
    const pruned = pruneConversation(messages, { maxMessages: 100, maxTokens: 10 }, 'classic')
    expect(pruned).toEqual({ messages, dropped: 0 })
  })
})
