import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { instantRetries, makeApp, postJson } from '../support/app.ts'
import { pngHeader } from '../support/images.ts'
import { frameReader, gatedSleep, settle } from '../stream/support.ts'
import { openai, user, WEATHER_TOOL } from './support.ts'

const sent = (simulator: ReturnType<typeof createSimulator>) => simulator.requests.at(-1)!.body as Record<string, any>

/** The usage the API reports for the body the gateway sent, asked directly of a fresh simulator. */
async function billedFor(body: Record<string, any>) {
  const direct = new Anthropic({ apiKey: 'sk-ant-x', baseURL: 'http://sim.local', fetch: createSimulator().fetch })
  const { usage } = await direct.messages.create({ ...body, stream: false } as Anthropic.MessageCreateParamsNonStreaming)
  return { ...usage, prompt: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) }
}

describe('POST /v1/chat/completions (JSON) with the openai SDK', () => {
  it('answers a chat.completion: text, finish_reason, usage in OpenAI terms, the answering model, request ids', async () => {
    const { app, simulator, config } = makeApp()
    const { data: completion, response } = await openai(app)
      .chat.completions.create({ model: 'fast', messages: user('Hi [sim text="Hello there friend"]') })
      .withResponse()
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-haiku-5-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there friend', refusal: null }, finish_reason: 'stop' }],
    })
    expect(completion.id).toMatch(/^chatcmpl-/)
    expect(completion.created).toBeCloseTo(Date.now() / 1000, -2)
    expect(completion.choices[0]!.message.tool_calls).toBeUndefined()
    const usage = await billedFor(sent(simulator))
    expect(usage.output_tokens).toBe(3)
    expect(completion.usage).toEqual({
      prompt_tokens: usage.prompt,
      completion_tokens: 3,
      total_tokens: usage.prompt + 3,
      prompt_tokens_details: {
        cached_tokens: usage.cache_read_input_tokens ?? 0,
        cache_write_tokens: usage.cache_creation_input_tokens ?? 0,
      },
    })
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'))
    // The default max_tokens (DEFAULT_MAX_TOKENS within the model's output); nothing OpenAI-only is sent upstream.
    expect(sent(simulator)).toEqual({
      model: 'claude-haiku-5-5',
      max_tokens: config.defaultMaxTokens,
      messages: user('Hi [sim text="Hello there friend"]'),
    })
  })

  it('maps the request: system and developer messages → system, max_completion_tokens, stop, sampling; ignores unknown fields', async () => {
    const { app, simulator } = makeApp()
    await openai(app).chat.completions.create({
      model: 'claude-haiku-5-5',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi [sim tokens=3]' },
      ],
      max_completion_tokens: 300,
      temperature: 0.5,
      top_p: 0.9,
      stop: 'END',
      user: 'someone',
      seed: 7,
      logprobs: false,
      store: false,
    })
    expect(sent(simulator)).toEqual({
      model: 'claude-haiku-5-5',
      max_tokens: 300,
      system: 'You are terse.\n\nAnswer in French.',
      messages: user('Hi [sim tokens=3]'),
      temperature: 0.5,
      top_p: 0.9,
      stop_sequences: ['END'],
    })
    // Sampling parameters need the API version that still takes them.
    expect(simulator.requests.at(-1)!.headers['anthropic-version']).toBe('2023-06-01')
  })

  it('drops temperature for a model that refuses it and says so in x-claude-edge-warnings; max_tokens above the model is a 400', async () => {
    const { app, simulator } = makeApp()
    const { response } = await openai(app)
      .chat.completions.create({ model: 'balanced', temperature: 0.2, messages: user('Hi [sim tokens=2]') })
      .withResponse()
    expect(sent(simulator).temperature).toBeUndefined()
    expect(response.headers.get('x-claude-edge-warnings')).toBe('temperature is not supported by claude-sonnet-5-5 and was ignored')
    const err = await openai(app)
      .chat.completions.create({ model: 'claude-haiku-4-5', max_tokens: 100_000, messages: user('hi') })
      .catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.BadRequestError)
    expect(err.message).toMatch(/max_tokens: 100000 is above the 64000/)
  })

  it('maps user content parts: a data: URL image → a base64 image block, an https URL → a url source', async () => {
    const { app, simulator } = makeApp()
    const png = pngHeader(64, 64)
    const completion = await openai(app).chat.completions.create({
      model: 'fast',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this? [sim tokens=4]' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    })
    expect(completion.choices[0]!.finish_reason).toBe('stop')
    // (The gateway's prompt caching may add a cache_control breakpoint.)
    expect(sent(simulator).messages).toMatchObject([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this? [sim tokens=4]' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ])
  })

  it('hands back the caller’s tool calls (finish_reason tool_calls); tool messages go back as one user turn of tool_results', async () => {
    const { app, simulator } = makeApp()
    const client = openai(app)
    const messages: OpenAI.ChatCompletionMessageParam[] = user(
      'Weather in Paris and Rome? [sim tool=get_weather {"city":"Paris"}] [sim tool=get_weather {"city":"Rome"}]',
    )
    const first = await client.chat.completions.create({
      model: 'fast',
      messages,
      tools: [WEATHER_TOOL],
      tool_choice: 'auto',
      parallel_tool_calls: true,
    })
    const choice = first.choices[0]!
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    const calls = choice.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]
    expect(calls.map((call) => [call.type, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['function', 'get_weather', { city: 'Paris' }],
      ['function', 'get_weather', { city: 'Rome' }],
    ])
    // The tools went upstream as Anthropic custom tools.
    expect(sent(simulator).tools).toEqual([
      { name: 'get_weather', description: 'The weather in a city', input_schema: WEATHER_TOOL.function.parameters },
    ])

    messages.push(
      choice.message,
      ...calls.map((call, i) => ({ role: 'tool' as const, tool_call_id: call.id, content: i ? 'Rain' : 'Sunny' })),
    )
    const second = await client.chat.completions.create({ model: 'fast', messages, tools: [WEATHER_TOOL] })
    expect(second.choices[0]!.finish_reason).toBe('stop')
    expect(second.choices[0]!.message.content).toBeTruthy()
    expect(sent(simulator).messages).toEqual([
      messages[0],
      {
        role: 'assistant',
        content: calls.map((call) => ({ type: 'tool_use', id: call.id, name: 'get_weather', input: JSON.parse(call.function.arguments) })),
      },
      { role: 'user', content: calls.map((call, i) => ({ type: 'tool_result', tool_use_id: call.id, content: i ? 'Rain' : 'Sunny' })) },
    ])
  })

  it('the SDK’s own tool runner (runTools) completes a round trip', async () => {
    const { app } = makeApp()
    const asked: unknown[] = []
    const runner = openai(app).chat.completions.runTools({
      model: 'fast',
      messages: user('Weather? [sim tool=get_weather {"city":"Oslo"}]'),
      tools: [
        {
          type: 'function',
          function: { ...WEATHER_TOOL.function, parse: JSON.parse, function: (args: unknown) => (asked.push(args), 'Snow') },
        },
      ],
    })
    expect(await runner.finalContent()).toBeTruthy()
    expect(asked).toEqual([{ city: 'Oslo' }])
  })

  it('maps tool_choice: required → any, a named function → tool (auto for models that refuse forced use), parallel_tool_calls: false', async () => {
    const { app, simulator } = makeApp()
    const client = openai(app)
    await client.chat.completions.create({
      model: 'fast',
      messages: user('hi [sim tool=get_weather {"city":"Oslo"}]'),
      tools: [WEATHER_TOOL],
      tool_choice: 'required',
      parallel_tool_calls: false,
    })
    expect(sent(simulator).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true })
    await client.chat.completions.create({
      model: 'fast',
      messages: user('hi [sim tool=get_weather {"city":"Oslo"}]'),
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    })
    expect(sent(simulator).tool_choice).toEqual({ type: 'tool', name: 'get_weather' })
    const { response } = await client.chat.completions
      .create({
        model: 'smart',
        messages: user('hi [sim tool=get_weather {"city":"Oslo"}]'),
        tools: [WEATHER_TOOL],
        tool_choice: 'required',
      })
      .withResponse()
    expect(sent(simulator).tool_choice).toEqual({ type: 'auto' })
    expect(response.headers.get('x-claude-edge-warnings')).toMatch(
      /tool_choice "any" \(forced tool use\) is not supported by claude-opus-5-5; it was sent as "auto"/,
    )
  })

  it.each([
    ['n > 1', { n: 2 }, /n: 2 choices/],
    ['the legacy functions', { functions: [{ name: 'f', parameters: {} }] }, /functions: the legacy functions API/],
    ['a JSON response_format', { response_format: { type: 'json_object' } }, /response_format: "json_object" is not supported/],
    ['a custom tool', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, /tools\.0\.type/],
    [
      'an audio part',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] },
      /messages\.0\.content\.0\.type: unsupported content part "input_audio"/,
    ],
    [
      'arguments that are not a JSON object',
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1]' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'x' },
        ],
      },
      /messages\.1\.tool_calls\.0\.function\.arguments: expected a JSON object/,
    ],
    ['only a system message', { messages: [{ role: 'system', content: 'Be nice' }] }, /messages: expected at least one user message/],
    ['a function role message', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, /messages\.0\.role/],
  ])('400 invalid_request_error in OpenAI’s shape for %s, before calling upstream', async (_what, change, message) => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat/completions', { model: 'fast', messages: user('hi'), ...change })
    expect(res.status).toBe(400)
    const body = (await res.json()) as any
    expect(body).toEqual({
      error: { message: expect.stringMatching(message), type: 'invalid_request_error', param: null, code: 'invalid_request_error' },
      request_id: res.headers.get('x-request-id'),
    })
    expect(simulator.requests).toHaveLength(0)
  })
})

describe('POST /v1/chat/completions with stream: true', () => {
  it('streams chunks the SDK reads: role first, text deltas, finish_reason, the usage chunk, [DONE]', async () => {
    const { app, simulator } = makeApp()
    const stream = await openai(app).chat.completions.create({
      model: 'fast',
      stream: true,
      stream_options: { include_usage: true },
      messages: user('Hi [sim text="one two three four five"]'),
    })
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' })
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'claude-haiku-5-5')).toBe(true)
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(text).toBe('one two three four five')
    const [finish, usage] = chunks.slice(-2)
    expect(finish!.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true)
    const billed = await billedFor(sent(simulator))
    expect(usage!.choices).toEqual([])
    expect(usage!.usage).toMatchObject({ completion_tokens: 5, prompt_tokens: billed.prompt, total_tokens: billed.prompt + 5 })
  })

  it('writes OpenAI’s wire format: data-only frames, comments as first byte and heartbeats, [DONE] last; no usage chunk unless asked', async () => {
    const gate = gatedSleep()
    const { app } = makeApp({ HEARTBEAT_MS: '100' }, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/chat/completions', {
      model: 'fast',
      stream: true,
      messages: user('Hi [sim tokens=3] [sim stall=60000 after=4]'),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const reader = frameReader(res)
    expect(await reader.next()).toEqual({ kind: 'comment', text: 'stream-open' })
    let heartbeats = 0
    while (heartbeats < 2) {
      const frame = await reader.next()
      if (frame?.kind === 'comment') heartbeats++
      else expect(frame).toMatchObject({ kind: 'event', event: undefined })
    }
    await gate.release()
    const frames = await reader.all()
    expect(frames.filter((f) => f.kind === 'event').every((f) => (f as { event?: string }).event === undefined)).toBe(true)
    const data = frames.flatMap((f) => (f.kind === 'event' ? [f.data] : []))
    expect(data.at(-1)).toBe('[DONE]')
    expect(data.slice(0, -1).every((d) => !('usage' in JSON.parse(d)))).toBe(true)
    expect(JSON.parse(data.at(-2)!).choices[0].finish_reason).toBe('stop')
  })

  it('streams tool calls: id, type and name first, then argument fragments; the SDK’s stream helper assembles them', async () => {
    const { app } = makeApp()
    const stream = openai(app).chat.completions.stream({
      model: 'fast',
      messages: user('Weather? [sim tool=get_weather {"city":"Paris","days":[1,2,3],"units":"metric"}] [sim tool=get_weather]'),
      tools: [WEATHER_TOOL],
    })
    const chunks: OpenAI.ChatCompletionChunk[] = []
    stream.on('chunk', (chunk) => chunks.push(chunk))
    const final = await stream.finalChatCompletion()
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
    expect(calls[0]).toEqual({ index: 0, id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '' } })
    expect(calls.filter((c) => c.index === 0).length).toBeGreaterThan(2)
    expect(final.choices[0]!.finish_reason).toBe('tool_calls')
    const assembled = final.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[]
    expect(assembled.map((c) => JSON.parse(c.function.arguments))).toEqual([{ city: 'Paris', days: [1, 2, 3], units: 'metric' }, {}])
  })

  it('runTools with stream: true completes a round trip', async () => {
    const { app } = makeApp()
    const runner = openai(app).chat.completions.runTools({
      model: 'fast',
      stream: true,
      messages: user('Weather? [sim tool=get_weather {"city":"Oslo"}]'),
      tools: [{ type: 'function', function: { ...WEATHER_TOOL.function, parse: JSON.parse, function: () => 'Snow' } }],
    })
    expect(await runner.finalContent()).toBeTruthy()
  })

  it('a mid-stream failure ends with an {"error": …} frame in OpenAI’s shape and no [DONE]; the SDK throws an APIError', async () => {
    const { app } = makeApp()
    const res = await postJson(app, '/v1/chat/completions', {
      model: 'fast',
      stream: true,
      messages: user('Hi [sim tokens=10] [sim drop after=5]'),
    })
    const data = (await frameReader(res).all()).flatMap((f) => (f.kind === 'event' ? [f.data] : []))
    expect(data).not.toContain('[DONE]')
    expect(JSON.parse(data.at(-1)!)).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: 'upstream_error' },
      request_id: res.headers.get('x-request-id'),
    })

    const stream = await openai(app).chat.completions.create({
      model: 'fast',
      stream: true,
      messages: user('Hi [sim tokens=10] [sim error=overloaded_error after=5]'),
    })
    const texts: string[] = []
    const err = await (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '')
    })().catch((e) => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    expect(err).toMatchObject({ type: 'server_error', code: 'overloaded_error' })
    expect(texts.join('')).not.toBe('')
  })

  it('a failure before the first chunk (529 after the gateway’s retries) is an error frame too', async () => {
    const { app } = makeApp({}, createSimulator(), instantRetries)
    const res = await postJson(app, '/v1/chat/completions', { model: 'fast', stream: true, messages: user('Hi [sim status=529]') })
    expect(res.status).toBe(200)
    const data = (await frameReader(res).all()).flatMap((f) => (f.kind === 'event' ? [f.data] : []))
    expect(data).toHaveLength(1)
    expect(JSON.parse(data[0]!).error).toMatchObject({ type: 'server_error', code: 'overloaded_error' })
  })

  it('aborting the SDK stream cancels the upstream request at once', async () => {
    const gate = gatedSleep()
    const { app, simulator } = makeApp({}, createSimulator({ sleep: gate.sleep }))
    const controller = new AbortController()
    const stream = await openai(app).chat.completions.create(
      { model: 'fast', stream: true, messages: user('Long [sim tokens=200 delay=5]') },
      { signal: controller.signal },
    )
    const texts: string[] = []
    const reading = (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '')
    })()
    while (texts.length < 3) await gate.release()
    controller.abort()
    await reading.catch(() => {})
    await settle()
    const record = simulator.requests.at(-1)!
    expect(record.cancelled).toBe(true)
    const sentEvents = record.eventsSent
    await settle()
    expect(record.eventsSent).toBe(sentEvents)
  })
})
