import type Anthropic from '@anthropic-ai/sdk'
import { readUIMessageStream, type UIMessage, validateUIMessages } from 'ai'
import { describe, expect, it } from 'vitest'
import { fromUIMessages } from '../../src/chat/ui-messages.ts'
import type { UIMessageInput } from '../../src/chat/schema.ts'
import { toUIMessages } from '../../src/conversations/to-ui-messages.ts'
import { UIStreamWriter } from '../../src/stream/ui-stream-writer.ts'
import type { UIMessageChunk } from '../../src/wire/ui-message-chunk.ts'
import { pngHeader } from '../support/images.ts'

type M = Anthropic.MessageParam

const png = pngHeader(2, 2)

/** A stored conversation: a picture, a two-step answer with reasoning and a tool, then a second turn. */
const stored: M[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'How many hits for x?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: 'Let me look.', signature: 'sig' },
      { type: 'tool_use', id: 'call_1', name: 'search', input: { q: 'x' } },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '{"hits":2}' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'Two hits.' }] },
  { role: 'user', content: 'And for y?' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'call_2', name: 'search', input: { q: 'y' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_2', content: 'index unavailable', is_error: true }] },
  { role: 'assistant', content: [{ type: 'text', text: 'The search failed.' }] },
]

describe('toUIMessages', () => {
  it('folds tool steps and their results into one assistant message per answer', () => {
    const ui = toUIMessages(stored)
    expect(ui).toEqual([
      {
        id: 'm0',
        role: 'user',
        parts: [
          { type: 'text', text: 'How many hits for x?' },
          { type: 'file', mediaType: 'image/png', url: `data:image/png;base64,${png}` },
        ],
      },
      {
        id: 'm1',
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'reasoning', text: 'Let me look.', state: 'done' },
          { type: 'tool-search', toolCallId: 'call_1', state: 'output-available', input: { q: 'x' }, output: { hits: 2 } },
          { type: 'step-start' },
          { type: 'text', text: 'Two hits.', state: 'done' },
        ],
      },
      { id: 'm4', role: 'user', parts: [{ type: 'text', text: 'And for y?' }] },
      {
        id: 'm5',
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'tool-search', toolCallId: 'call_2', state: 'output-error', input: { q: 'y' }, errorText: 'index unavailable' },
          { type: 'step-start' },
          { type: 'text', text: 'The search failed.', state: 'done' },
        ],
      },
    ])
  })

  it('gives the shapes of the pinned ai package: its types, its validator, and what useChat builds from the stream', async () => {
    const ui: UIMessage[] = toUIMessages(stored, { idPrefix: 'conv_1-' })
    expect(await validateUIMessages({ messages: ui })).toEqual(ui)
    expect(ui.map((m) => m.id)).toEqual(['conv_1-0', 'conv_1-1', 'conv_1-4', 'conv_1-5'])

    // The first answer as the gateway streams it, read by the ai package's reader (the one useChat uses).
    const chunks: UIMessageChunk[] = []
    const writer = new UIStreamWriter((c) => chunks.push(c))
    writer.startStep()
    const r = writer.reasoningStart()
    writer.reasoningDelta(r, 'Let me look.')
    writer.reasoningEnd(r)
    writer.toolInputStart('call_1', 'search')
    writer.toolInputAvailable('call_1', 'search', { q: 'x' })
    writer.finishStep()
    writer.toolOutput('call_1', { hits: 2 })
    writer.startStep()
    const t = writer.textStart()
    writer.textDelta(t, 'Two hits.')
    writer.finish('stop')
    let live: UIMessage | undefined
    const stream = new ReadableStream<UIMessageChunk>({ start: (c) => (chunks.forEach((p) => c.enqueue(p)), c.close()) })
    for await (const m of readUIMessageStream({ stream: stream as never })) live = m
    // The reader gives reasoning parts the stream's part id; stored thinking has none to give.
    const shown = (JSON.parse(JSON.stringify(live!.parts)) as Record<string, unknown>[]).map(({ id: _id, ...part }) => part)
    expect(ui[1]!.parts).toEqual(shown)
  })

  it('round-trips through fromUIMessages: text, files and tool pairs come back as stored', () => {
    const conversation: M[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Read these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'call_a', name: 'lookup', input: { page: 1 } },
          { type: 'tool_use', id: 'call_b', name: 'lookup', input: { page: 2 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: '{"title":"One","tags":["a","b"]}' },
          { type: 'tool_result', tool_use_id: 'call_b', content: 'plain text output' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_c', name: 'lookup', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_c', content: 'not found', is_error: true }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Welcome.' }] },
    ]
    const back = fromUIMessages(toUIMessages(conversation) as UIMessageInput[])
    expect(back.system).toEqual([])
    expect(back.messages).toEqual(conversation)
    // And the stored conversation of the first test, without what the UI only displays (thinking).
    const withoutThinking = stored.map((m) =>
      typeof m.content === 'string'
        ? { role: m.role, content: [{ type: 'text', text: m.content }] }
        : { ...m, content: m.content.filter((b) => b.type !== 'thinking') },
    )
    expect(fromUIMessages(toUIMessages(stored) as UIMessageInput[]).messages).toEqual(withoutThinking)
  })

  it('leaves a tool call the caller still has to answer as input-available', () => {
    const ui = toUIMessages([
      { role: 'user', content: 'Where am I?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_loc', name: 'get_location', input: {} }] },
    ])
    expect(ui[1]!.parts).toEqual([
      { type: 'step-start' },
      { type: 'tool-get_location', toolCallId: 'call_loc', state: 'input-available', input: {} },
    ])
  })

  it('writes dynamic-tool parts on request, and marks Anthropic-run tools providerExecuted', () => {
    const ui = toUIMessages(
      [
        { role: 'user', content: 'Search the web' },
        {
          role: 'assistant',
          content: [
            { type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: { query: 'claude' } },
            { type: 'web_search_tool_result', tool_use_id: 'srv_1', content: [] },
            { type: 'tool_use', id: 'call_1', name: 'calculator', input: { expression: '1+1' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '2' }] },
      ] as M[],
      { dynamicTools: true },
    )
    expect(ui[1]!.parts).toEqual([
      { type: 'step-start' },
      {
        type: 'dynamic-tool',
        toolName: 'web_search',
        toolCallId: 'srv_1',
        state: 'output-available',
        input: { query: 'claude' },
        output: [],
        providerExecuted: true,
      },
      {
        type: 'dynamic-tool',
        toolName: 'calculator',
        toolCallId: 'call_1',
        state: 'output-available',
        input: { expression: '1+1' },
        output: '2',
      },
    ])
  })

  it('shows a user message holding tool results and text as the results folded, then the text', () => {
    const ui = toUIMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'ask', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c1', content: 'yes' },
          { type: 'text', text: 'Also, hurry.' },
        ],
      },
      { role: 'assistant', content: 'OK' },
    ])
    expect(ui.map((m) => [m.role, m.parts.map((p) => p.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['step-start', 'tool-ask']],
      ['user', ['text']],
      ['assistant', ['step-start', 'text']],
    ])
    expect(ui[1]!.parts[1]).toMatchObject({ state: 'output-available', output: 'yes' })
  })
})
