import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import basic from './fixtures/sdk-basic_response.txt?raw'
import toolUse from './fixtures/sdk-tool_use_response.txt?raw'
import refusalA from './fixtures/sdk-stream-a-refusal.sse?raw'
import toolRefusal from './fixtures/sdk-stream-a-toolrefusal.sse?raw'
import fallbackB from './fixtures/sdk-stream-b-fallback.sse?raw'
import chunkThinking from './fixtures/anthropic-clear-thinking.1.chunks.txt?raw'
import chunkJsonTool from './fixtures/anthropic-json-tool.1.chunks.txt?raw'
import chunkText from './fixtures/anthropic-text.chunks.txt?raw'
import chunkToolNoArgs from './fixtures/anthropic-tool-no-args.chunks.txt?raw'
import chunkRefusal from './fixtures/anthropic-refusal.chunks.txt?raw'
import { createParser } from 'eventsource-parser'
import { ask, post, readSse, setup } from './helpers.ts'
import { countTokens } from '../../src/simulator/index.ts'

type Ev = Record<string, any>
interface Frame {
  event?: string | undefined
  data: Ev
}

function parseSse(text: string): Frame[] {
  const frames: Frame[] = []
  const parser = createParser({ onEvent: (e) => frames.push({ event: e.event, data: JSON.parse(e.data) }) })
  parser.feed(text)
  return frames
}
const parseChunks = (text: string): Frame[] =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({ event: undefined, data: JSON.parse(l) }))

const DELTAS: Record<string, string[]> = {
  text: ['text_delta', 'citations_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
}

/** The Messages stream grammar, as the recorded real streams follow it. Returns the problems found. */
function grammarProblems(frames: Frame[], { withEventLines = true } = {}): string[] {
  const problems: string[] = []
  const events = frames.map((f) => f.data)
  if (withEventLines)
    frames.forEach((f, i) => {
      if (f.event !== f.data.type) problems.push(`${i}: event ${f.event} ≠ ${f.data.type}`)
    })
  const real = events.filter((e) => e.type !== 'ping')
  if (real[0]?.type !== 'message_start') problems.push('first event is not message_start')
  if (real.at(-1)?.type !== 'message_stop') problems.push('last event is not message_stop')
  if (real.at(-2)?.type !== 'message_delta') problems.push('message_delta does not come right before message_stop')
  let open: Ev | null = null
  let next = 0
  for (const e of real.slice(1, -2)) {
    if (e.type === 'content_block_start') {
      if (open) problems.push(`block ${e.index} starts while ${open.index} is open`)
      if (e.index !== next) problems.push(`block index ${e.index}, expected ${next}`)
      open = e
      next++
    } else if (e.type === 'content_block_delta') {
      if (!open || e.index !== open.index) problems.push(`delta for block ${e.index} that is not open`)
      else if (!(DELTAS[open.content_block.type] ?? []).includes(e.delta.type))
        problems.push(`${e.delta.type} in a ${open.content_block.type} block`)
    } else if (e.type === 'content_block_stop') {
      if (!open || e.index !== open.index) problems.push(`stop for block ${e.index} that is not open`)
      open = null
    } else problems.push(`unexpected ${e.type} between blocks`)
  }
  if (open) problems.push(`block ${open.index} never stopped`)
  return problems
}

/** Keys and value kinds, recursively (arrays by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : []
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, shape((value as Ev)[k])]),
  )
}
const first = (frames: Frame[], pred: (e: Ev) => boolean) => frames.map((f) => f.data).find(pred)!

async function simFrames(content: string, extra: Record<string, unknown> = {}): Promise<{ frames: Frame[]; text: string }> {
  const { sim } = setup()
  const { frames, text } = await readSse(await post(sim, ask(content, { stream: true, ...extra })))
  return { frames: frames.map((f) => ({ event: f.event, data: JSON.parse(f.data) })), text }
}
const tools = [{ name: 'get_weather', input_schema: { type: 'object' } }]
const thinking = { max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } }

describe('the grammar check accepts the recorded real streams', () => {
  it.each([
    ['basic', basic],
    ['tool use', toolUse],
    ['refusal', refusalA],
    ['tool refusal', toolRefusal],
    ['fallback', fallbackB],
  ])('%s (SSE)', (_n, text) => {
    expect(grammarProblems(parseSse(text))).toEqual([])
  })
  it.each([
    ['thinking', chunkThinking],
    ['json tool', chunkJsonTool],
    ['text', chunkText],
    ['tool without args', chunkToolNoArgs],
    ['refusal', chunkRefusal],
  ])('%s (chunks)', (_n, text) => {
    expect(grammarProblems(parseChunks(text), { withEventLines: false })).toEqual([])
  })
  it('and rejects a drifted stream', () => {
    const frames = parseSse(basic)
    frames[0]!.event = 'start'
    frames.splice(3, 1)
    const reordered = [frames[0]!, frames[2]!, frames[1]!, ...frames.slice(3)]
    expect(grammarProblems(reordered)).not.toEqual([])
  })
})

describe('simulator streams match the real ones shape for shape', () => {
  it.each([
    ['text', 'Hello [sim tokens=6]', {}],
    [
      'text then parallel tools',
      'W [sim text="Let me see."] [sim tool=get_weather {"city":"Paris"}] [sim tool=get_weather {"city":"Rome"}]',
      { tools },
    ],
    ['tool without args', '[sim tool=get_weather]', { tools }],
    ['thinking', 'Think [sim thinking=4 tokens=3]', thinking],
    ['always-thinking model before a tool', '[sim text="Checking." tool=get_weather]', { tools, model: 'claude-sonnet-5-5' }],
    ['refusal', '[sim stop=refusal tokens=1]', {}],
    ['empty reply', '[sim tokens=0]', {}],
  ])('%s follows the grammar', async (_n, content, extra) => {
    const { frames } = await simFrames(content, extra)
    expect(grammarProblems(frames)).toEqual([])
  })

  it('message_start, text blocks and message_delta have the newest recorded shape', async () => {
    const { frames } = await simFrames('Hello [sim tokens=6]')
    const real = parseSse(fallbackB)
    for (const pred of [
      (e: Ev) => e.type === 'message_start',
      (e: Ev) => e.type === 'content_block_start',
      (e: Ev) => e.type === 'content_block_delta',
      (e: Ev) => e.type === 'content_block_stop',
      (e: Ev) => e.type === 'message_stop',
    ]) {
      expect(shape(first(frames, pred))).toEqual(shape(first(real, pred)))
    }
    const ours = first(frames, (e) => e.type === 'message_delta')
    const theirs = first(real, (e) => e.type === 'message_delta')
    expect(shape(ours.delta)).toEqual(shape(theirs.delta))
    expect(Object.keys(ours.usage).every((k) => k in theirs.usage)).toBe(true)
    expect(Object.keys(ours.usage)).toEqual(
      expect.arrayContaining(['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens']),
    )
  })

  it('thinking blocks have the recorded shape', async () => {
    const { frames } = await simFrames('Think [sim thinking=4 tokens=3]', thinking)
    const real = parseSse(refusalA)
    for (const pred of [
      (e: Ev) => e.content_block?.type === 'thinking',
      (e: Ev) => e.delta?.type === 'thinking_delta',
      (e: Ev) => e.delta?.type === 'signature_delta',
    ]) {
      expect(shape(first(frames, pred))).toEqual(shape(first(real, pred)))
    }
    expect(shape(first(frames, (e) => e.type === 'message_delta').usage.output_tokens_details)).toEqual(
      shape(first(real, (e) => e.type === 'message_delta').usage.output_tokens_details),
    )
  })

  it('tool_use blocks carry every recorded field, input {} then an empty first fragment', async () => {
    const { frames } = await simFrames('[sim tool=get_weather {"location":"Paris"}]', { tools })
    const real = parseSse(toolUse)
    const ours = first(frames, (e) => e.content_block?.type === 'tool_use')
    const theirs = first(real, (e) => e.content_block?.type === 'tool_use')
    expect(Object.keys(theirs.content_block).every((k) => k in ours.content_block)).toBe(true)
    expect(ours.content_block.input).toEqual({})
    const fragments = frames
      .map((f) => f.data)
      .filter((e) => e.delta?.type === 'input_json_delta')
      .map((e) => e.delta.partial_json)
    expect(fragments[0]).toBe('')
    expect(JSON.parse(fragments.join(''))).toEqual({ location: 'Paris' })
    expect(first(frames, (e) => e.type === 'message_delta').delta.stop_reason).toBe('tool_use')
  })

  it('writes frames byte for byte like the API: event line, data line, blank line; ping as the API writes it', async () => {
    const { text: raw } = await simFrames('[sim text="Hi there"]', { model: 'claude-haiku-4-5' })
    // The input tokens are the simulator's count (test/simulator/tokens.test.ts checks its rules).
    const tokens = countTokens(ask('[sim text="Hi there"]', { model: 'claude-haiku-4-5' }), 'claude-haiku-4-5')
    expect(raw.match(/"input_tokens":\d+/g)).toEqual([`"input_tokens":${tokens}`, `"input_tokens":${tokens}`])
    const text = raw.replaceAll(`"input_tokens":${tokens}`, '"input_tokens":N')
    expect(text).toMatchInlineSnapshot(`
      "event: message_start
      data: {"type":"message_start","message":{"id":"msg_01jg6H95mtmPdOFNPBK2niEO","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":{"input_tokens":N,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"global"}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,"stop_details":null},"usage":{"input_tokens":N,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2,"output_tokens_details":{"thinking_tokens":0}}}

      event: message_stop
      data: {"type":"message_stop"}

      "
    `)
    expect(text).toContain(basic.split('\n').find((l) => l.includes('ping') && l.startsWith('data:')))
  })
})

describe('the SDK sees the same structure from the simulator as from the real API', () => {
  const replay = (text: string) =>
    new Anthropic({
      apiKey: 'sk-ant-test',
      baseURL: 'http://replay.local',
      maxRetries: 0,
      fetch: async () => new Response(text, { headers: { 'content-type': 'text/event-stream' } }),
    })

  it('text', async () => {
    const real = await replay(fallbackB)
      .messages.stream(ask('x') as never)
      .finalMessage()
    const { client } = setup()
    const ours = await client.messages.stream(ask('Hello') as never).finalMessage()
    expect(shape(ours)).toEqual(shape(real))
  })

  it('thinking then text', async () => {
    const real = await replay(refusalA)
      .messages.stream(ask('x') as never)
      .finalMessage()
    const { client } = setup()
    const ours = await client.messages.stream({ ...ask('[sim tokens=3]'), ...thinking } as never).finalMessage()
    expect(ours.content.map((b) => shape(b))).toEqual(real.content.map((b) => shape(b)))
  })

  it('text then tool_use', async () => {
    const real = await replay(toolUse)
      .messages.stream(ask('x') as never)
      .finalMessage()
    const { client } = setup()
    const ours = await client.messages
      .stream({ ...ask('[sim text="I will check." tool=get_weather {"location":"Paris"}]'), tools } as never)
      .finalMessage()
    expect(ours.content.map((b) => b.type)).toEqual(real.content.map((b) => b.type))
    const [realTool, ourTool] = [real.content[1] as Ev, ours.content[1] as Ev]
    expect(Object.keys(realTool).every((k) => k in ourTool)).toBe(true)
    expect(ourTool.input).toEqual({ location: 'Paris' })
  })
})
