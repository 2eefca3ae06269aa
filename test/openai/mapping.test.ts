import type Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { CompletionChunks } from '../../src/openai/completion-chunks.ts'
import { chunkFrame } from '../../src/openai/frames.ts'
import { chatCompletionRequestSchema } from '../../src/openai/schema.ts'
import { joinTurns, toTurns } from '../../src/openai/to-anthropic-messages.ts'
import { toDraft } from '../../src/openai/to-anthropic.ts'
import type { ChatCompletionChunk } from '../../src/openai/types.ts'

const USAGE = { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 5, cache_read_input_tokens: 20 }

/** Anthropic events of a reply with some text and one tool call whose input streams in two pieces. */
const EVENTS = [
  {
    type: 'message_start',
    message: {
      id: 'msg_01abc',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-5-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: USAGE,
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me look.' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"x"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} } },
  { type: 'content_block_stop', index: 3 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 3 } },
  { type: 'message_stop' },
] as unknown as Anthropic.RawMessageStreamEvent[]

function chunksOf(events: Anthropic.RawMessageStreamEvent[], includeUsage: boolean): ChatCompletionChunk[] {
  const out: ChatCompletionChunk[] = []
  const chunks = new CompletionChunks((chunk) => out.push(chunk), { model: 'claude-haiku-5-5', includeUsage, created: 1_700_000_000 })
  for (const event of events) chunks.add(event)
  chunks.finish('tool_use', USAGE)
  return out
}

describe('CompletionChunks: Anthropic events → chat.completion.chunk', () => {
  it('writes the exact frames: role, text, tool calls with argument fragments ({} for none), finish_reason', () => {
    const wire = chunksOf(EVENTS, false)
      .map((chunk) => chunkFrame(chunk))
      .join('')
    const deltas = wire
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => JSON.parse(frame.slice('data: '.length)).choices[0])
    expect(deltas).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Let me look.' }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '' } }] },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: { tool_calls: [{ index: 1, id: 'toolu_2', type: 'function', function: { name: 'now', arguments: '' } }] },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ])
    expect(wire.split('\n\n')[0]).toBe(
      'data: {"id":"chatcmpl-01abc","object":"chat.completion.chunk","created":1700000000,"model":"claude-haiku-5-5","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}',
    )
  })

  it('with include_usage: usage null on every chunk, then a usage chunk with no choices', () => {
    const chunks = chunksOf(EVENTS, true)
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
    expect(chunks.at(-1)).toEqual({
      id: 'chatcmpl-01abc',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'claude-haiku-5-5',
      choices: [],
      usage: {
        prompt_tokens: 35,
        completion_tokens: 3,
        total_tokens: 38,
        prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 },
      },
    })
  })
})

describe('OpenAI messages → Anthropic turns', () => {
  const parse = (messages: unknown[]) => chatCompletionRequestSchema.parse({ model: 'fast', messages }).messages

  it('keeps one turn per message (indexes for errors), then moves system turns out and merges one role’s turns', () => {
    const messages = parse([
      { role: 'system', content: 'A' },
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: 'Calling.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'c2', type: 'function', function: { name: 'g', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: 'two' }] },
      { role: 'developer', content: 'B' },
      { role: 'user', content: [{ type: 'text', text: 'and?' }] },
      { role: 'assistant', content: null },
    ])
    const turns = toTurns(messages)
    expect(turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant', 'user', 'user', 'system', 'user', 'assistant'])
    expect(joinTurns(turns)).toEqual({
      system: ['A', 'B'],
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: 'c1', name: 'f', input: { a: 1 } },
            { type: 'tool_use', id: 'c2', name: 'g', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'c1', content: 'one' },
            { type: 'tool_result', tool_use_id: 'c2', content: 'two' },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
    })
  })

  it('a user message between tool results still puts the results first', () => {
    const messages = parse([
      { role: 'user', content: 'hi' },
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'user', content: 'wait' },
      { role: 'tool', tool_call_id: 'c1', content: 'done' },
    ])
    expect(joinTurns(toTurns(messages)).messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'c1', content: 'done' },
        { type: 'text', text: 'wait' },
      ],
    })
  })

  it('toDraft: temperature above 1 is lowered with a warning; stop strings become stop_sequences; tools without parameters take none', () => {
    const { draft, warnings } = toDraft(
      chatCompletionRequestSchema.parse({
        model: 'fast',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 1.5,
        stop: ['a', 'b'],
        tools: [{ type: 'function', function: { name: 'now' } }],
        tool_choice: 'auto',
        parallel_tool_calls: false,
        user: 'x',
        max_tokens: 10,
        max_completion_tokens: 20,
      }),
    )
    expect(draft).toMatchObject({
      temperature: 1,
      stop_sequences: ['a', 'b'],
      max_tokens: 20,
      tools: [{ name: 'now', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    })
    expect(warnings).toEqual(["temperature 1.5 is above Claude's maximum of 1 and was lowered to 1"])
  })
})
