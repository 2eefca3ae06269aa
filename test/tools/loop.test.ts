import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool, ToolError } from '../../src/tools/define-tool.ts'
import { INTERRUPTED } from '../../src/tools/repair-history.ts'
import { calculator, currentTime } from '../../src/tools/demo/index.ts'
import { postJson } from '../support/app.ts'
import { deferred, makeToolApp, sentMessages, waitingTool } from './support.ts'

const weatherCalls: unknown[] = []
const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city',
  input: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
  execute: ({ city, unit }) => {
    weatherCalls.push({ city, unit })
    return { city, unit, temperature: city.length }
  },
})

const ask = (text: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content: text }], ...extra })
const resultsOf = (messages: any[]) => messages.at(-1).content.filter((b: any) => b.type === 'tool_result')

async function chat(app: Parameters<typeof postJson>[0], body: unknown) {
  const res = await postJson(app, '/v1/chat', body)
  return { res, body: (await res.json()) as Record<string, any> }
}

describe('tool loop over /v1/chat', () => {
  it('runs a single tool, sends its result and returns the final answer with every step', async () => {
    weatherCalls.length = 0
    const { app, simulator, config } = makeToolApp([weather])
    const { res, body } = await chat(app, ask('Weather in Paris? [sim tool=get_weather {"city":"Paris"}]'))
    expect(res.status).toBe(200)
    expect(weatherCalls).toEqual([{ city: 'Paris', unit: 'c' }])
    expect(simulator.requests).toHaveLength(2)

    const first = simulator.requests[0]!.body as any
    expect(first.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        input_schema: {
          type: 'object',
          properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'], default: 'c' } },
          required: ['city'],
        },
      },
    ])
    const second = sentMessages(simulator, 1)
    const toolUse = second[1].content.find((b: any) => b.type === 'tool_use')
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } })
    expect(resultsOf(second)).toEqual([
      { type: 'tool_result', tool_use_id: toolUse.id, content: '{"city":"Paris","unit":"c","temperature":5}' },
    ])

    expect(body.stop_reason).toBe('end_turn')
    expect(body.text.length).toBeGreaterThan(0)
    expect(body.steps.map((s: any) => `${s.type}:${s.stop_reason ?? s.name}`)).toEqual([
      'model:tool_use',
      'tool:get_weather',
      'model:end_turn',
    ])
    expect(body.steps[1]).toMatchObject({
      id: toolUse.id,
      executed_by: 'server',
      status: 'ok',
      input: { city: 'Paris' },
      output: '{"city":"Paris","unit":"c","temperature":5}',
    })
    // Usage and cost add up over both model calls.
    const [a, b] = [body.steps[0], body.steps[2]]
    expect(body.usage.input_tokens).toBe(a.usage.input_tokens + b.usage.input_tokens)
    expect(body.usage.output_tokens).toBe(a.usage.output_tokens + b.usage.output_tokens)
    expect(body.cost_usd).toBeCloseTo(a.cost_usd + b.cost_usd, 9)
    const price = config.catalogue.get('balanced')!.pricing
    expect(body.cost_usd).toBeCloseTo((body.usage.input_tokens * price.input + body.usage.output_tokens * price.output) / 1e6, 9)
  })

  it('runs the calls of one reply in parallel', async () => {
    const started: string[] = []
    const release = deferred()
    const slow = (name: string) =>
      defineTool({
        name,
        description: name,
        input: z.object({}),
        execute: async () => {
          started.push(name)
          await release.promise
          return `${name} done`
        },
      })
    const { app, simulator } = makeToolApp([slow('left'), slow('right')])
    const pending = chat(app, ask('Both [sim tool=left tool=right]'))
    // Both tools start before either may finish: they cannot have run one after the other.
    while (started.length < 2) await new Promise((r) => setTimeout(r, 1))
    expect(started.sort()).toEqual(['left', 'right'])
    release.resolve()
    const { body } = await pending
    expect(resultsOf(sentMessages(simulator, 1)).map((r: any) => r.content)).toEqual(['left done', 'right done'])
    expect(body.steps.filter((s: any) => s.type === 'tool').map((s: any) => s.name)).toEqual(['left', 'right'])
  })

  it('chains tools over several steps, each step seeing the previous results', async () => {
    const { app, simulator } = makeToolApp([weather, calculator])
    const { body } = await chat(
      app,
      ask(
        '[sim step=1 tool=get_weather {"city":"Oslo"}] [sim step=2 tool=calculator {"expression":"4 * 1.8 + 32"}] [sim step=3 text="It is 39.2 F in Oslo."]',
      ),
    )
    expect(simulator.requests).toHaveLength(3)
    expect(resultsOf(sentMessages(simulator, 1))[0].content).toBe('{"city":"Oslo","unit":"c","temperature":4}')
    expect(resultsOf(sentMessages(simulator, 2))[0].content).toBe('{"expression":"4 * 1.8 + 32","result":39.2}')
    expect(sentMessages(simulator, 2)).toHaveLength(5)
    expect(body.text).toBe('It is 39.2 F in Oslo.')
    expect(body.steps.map((s: any) => s.type)).toEqual(['model', 'tool', 'model', 'tool', 'model'])
  })

  it('answers invalid input with an is_error result naming path, expected and got; the model corrects itself', async () => {
    weatherCalls.length = 0
    const { app, simulator } = makeToolApp([weather])
    const { res, body } = await chat(
      app,
      ask('[sim step=1 tool=get_weather {"city":42,"unit":"k"}] [sim step=2 tool=get_weather {"city":"Rome","unit":"f"}]'),
    )
    expect(res.status).toBe(200)
    const [error] = resultsOf(sentMessages(simulator, 1))
    expect(error.is_error).toBe(true)
    expect(error.content).toBe(
      [
        'Invalid input for tool "get_weather":',
        '- city: expected string, got 42',
        '- unit: expected one of "c"|"f", got "k"',
        'Call the tool again with input that matches its schema.',
      ].join('\n'),
    )
    expect(weatherCalls).toEqual([{ city: 'Rome', unit: 'f' }])
    expect(resultsOf(sentMessages(simulator, 2))[0].is_error).toBeUndefined()
    expect(body.steps.filter((s: any) => s.type === 'tool').map((s: any) => s.status)).toEqual(['error', 'ok'])
    expect(body.stop_reason).toBe('end_turn')
  })

  it('a tool that throws gives a safe is_error result (details only in the log); a ToolError shows its message', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'fails',
      input: z.object({}),
      execute: () => {
        throw new Error('db password=hunter2 refused')
      },
    })
    const picky = defineTool({
      name: 'picky',
      description: 'fails politely',
      input: z.object({}),
      execute: () => {
        throw new ToolError('no data for that day; ask for a date in 2026')
      },
    })
    const { app, simulator } = makeToolApp([broken, picky])
    const logged: string[] = []
    const original = console.error
    console.error = (line: string) => logged.push(line)
    try {
      const { res, body } = await chat(app, ask('[sim tool=broken tool=picky]'))
      expect(res.status).toBe(200)
      expect(JSON.stringify(body)).not.toContain('hunter2')
    } finally {
      console.error = original
    }
    const [b, p] = resultsOf(sentMessages(simulator, 1))
    expect(b).toMatchObject({ is_error: true, content: 'Tool "broken" failed with an internal error. Try again, or answer without it.' })
    expect(p).toMatchObject({ is_error: true, content: 'Tool "picky" failed: no data for that day; ask for a date in 2026' })
    expect(JSON.stringify(sentMessages(simulator, 1))).not.toContain('hunter2')
    expect(logged.some((line) => line.includes('"tool":"broken"') && line.includes('hunter2'))).toBe(true)
  })

  it('a tool over its timeout is stopped (its signal aborts) and the model gets a timeout error', async () => {
    let sawAbort = false
    const stuck = defineTool({
      name: 'stuck',
      description: 'never returns',
      input: z.object({}),
      timeoutMs: 30,
      execute: (_input, { signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            sawAbort = true
            resolve('too late')
          }),
        ),
    })
    const { app, simulator } = makeToolApp([stuck])
    const { res, body } = await chat(app, ask('[sim tool=stuck]'))
    expect(res.status).toBe(200)
    expect(sawAbort).toBe(true)
    expect(resultsOf(sentMessages(simulator, 1))[0]).toMatchObject({
      is_error: true,
      content: 'Tool "stuck" timed out after 30 ms and was stopped. Try again with a simpler request, or answer without it.',
    })
    expect(body.stop_reason).toBe('end_turn')
  })

  it('stops at MAX_STEPS with stop_reason max_steps and does not run the last calls', async () => {
    weatherCalls.length = 0
    const { app, simulator } = makeToolApp([weather], { MAX_STEPS: '2' })
    const { res, body } = await chat(
      app,
      ask(
        '[sim step=1 tool=get_weather {"city":"A"}] [sim step=2 tool=get_weather {"city":"B"}] [sim step=3 tool=get_weather {"city":"C"}]',
      ),
    )
    expect(res.status).toBe(200)
    expect(simulator.requests).toHaveLength(2)
    expect(weatherCalls).toEqual([{ city: 'A', unit: 'c' }])
    expect(body.stop_reason).toBe('max_steps')
    expect(body.steps.map((s: any) => s.type)).toEqual(['model', 'tool', 'model'])
    expect(body.content.some((b: any) => b.type === 'tool_use' && b.input.city === 'B')).toBe(true)
  })

  it('cuts a huge tool output for the model, with a note', async () => {
    const { MAX_TOOL_OUTPUT_CHARS } = await import('../../src/tools/run-tool-call.ts')
    const big = defineTool({ name: 'big', description: 'big', input: z.object({}), execute: () => 'x'.repeat(MAX_TOOL_OUTPUT_CHARS + 5) })
    const { app, simulator } = makeToolApp([big])
    await chat(app, ask('[sim tool=big]'))
    const sent = resultsOf(sentMessages(simulator, 1))[0].content as string
    expect(sent).toBe(`${'x'.repeat(MAX_TOOL_OUTPUT_CHARS)}\n[output truncated: 5 more characters]`)
  })

  it('an unknown tool name from the model is an is_error result listing the available tools', async () => {
    const { app, simulator } = makeToolApp([weather, calculator])
    const { res } = await chat(app, ask('[sim tool=get_wether {"city":"Paris"}]'))
    expect(res.status).toBe(200)
    expect(resultsOf(sentMessages(simulator, 1))[0]).toMatchObject({
      is_error: true,
      content: 'Unknown tool "get_wether". Available tools: get_weather, calculator.',
    })
  })

  it('the demo tools run: current_time in an IANA zone, and a clear error for an unknown zone', async () => {
    const { app, simulator } = makeToolApp([currentTime])
    await chat(
      app,
      ask('[sim step=1 tool=current_time {"time_zone":"Asia/Tokyo"}] [sim step=2 tool=current_time {"time_zone":"Mars/Olympus"}]'),
    )
    const ok = JSON.parse(resultsOf(sentMessages(simulator, 1))[0].content)
    expect(ok.time_zone).toBe('Asia/Tokyo')
    expect(Math.abs(Date.parse(ok.iso_utc) - Date.now())).toBeLessThan(60_000)
    expect(ok.local).toMatch(/Japan Standard Time|GMT\+9/)
    expect(resultsOf(sentMessages(simulator, 2))[0]).toMatchObject({
      is_error: true,
      content: expect.stringContaining('- time_zone: expected an IANA time zone such as "Europe/Paris" or "UTC", got "Mars/Olympus"'),
    })
  })
})

describe('which tools a request may use', () => {
  it('the request tools list narrows the configured set', async () => {
    const { app, simulator } = makeToolApp([weather, calculator])
    await chat(app, ask('Hi', { tools: ['calculator'] }))
    expect((simulator.requests[0]!.body as any).tools.map((t: any) => t.name)).toEqual(['calculator'])
    await chat(app, ask('Hi', { tools: [] }))
    expect((simulator.requests[1]!.body as any).tools).toBeUndefined()
  })

  it('an unknown name in tools is a 400 listing the available ones', async () => {
    const { app, simulator } = makeToolApp([weather, calculator])
    const { res, body } = await chat(app, ask('Hi', { tools: ['calculator', 'search'] }))
    expect(res.status).toBe(400)
    expect(body.error).toEqual({
      type: 'invalid_request_error',
      message: 'Invalid request: tools: unknown tool(s) "search". Available: get_weather, calculator',
    })
    expect(simulator.requests).toHaveLength(0)
  })

  it('a client tool may not reuse a server tool name', async () => {
    const { app } = makeToolApp([weather])
    const { res, body } = await chat(app, ask('Hi', { client_tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] }))
    expect(res.status).toBe(400)
    expect(body.error.message).toContain('client_tools.0.name: "get_weather" is already a server tool of this request')
  })

  it('tool_choice passes through on models that accept it, for the first call only', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { res } = await chat(
      app,
      ask('[sim tool=get_weather {"city":"Lima"}]', { model: 'fast', tool_choice: { type: 'tool', name: 'get_weather' } }),
    )
    expect(res.status).toBe(200)
    expect((simulator.requests[0]!.body as any).tool_choice).toEqual({ type: 'tool', name: 'get_weather' })
    expect((simulator.requests[1]!.body as any).tool_choice).toEqual({ type: 'auto' })
  })

  it('forced tool use on a model that rejects it is sent as auto, with a warning', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { res, body } = await chat(app, ask('Hi', { model: 'balanced', tool_choice: { type: 'any' } }))
    expect(res.status).toBe(200)
    expect((simulator.requests[0]!.body as any).tool_choice).toEqual({ type: 'auto' })
    expect(body.warnings).toEqual(['tool_choice "any" (forced tool use) is not supported by claude-sonnet-5-5; it was sent as "auto"'])
  })

  it('tool_choice naming a tool the request does not have is a 400', async () => {
    const { app } = makeToolApp([weather])
    const { res, body } = await chat(app, ask('Hi', { model: 'fast', tool_choice: { type: 'tool', name: 'calculator' } }))
    expect(res.status).toBe(400)
    expect(body.error.message).toBe('Invalid request: tool_choice.name: "calculator" is not a tool of this request. Tools: get_weather')
  })
})

describe('client tools, abort, deadline and history', () => {
  const confirm = {
    name: 'confirm_booking',
    description: 'Ask the user to confirm',
    input_schema: { type: 'object', properties: { hotel: { type: 'string' } } },
  }

  it('hands client calls over (stop_reason tool_use) after running the server calls of the same reply; the next request completes it', async () => {
    weatherCalls.length = 0
    const { app, simulator } = makeToolApp([weather])
    const question = 'Book it [sim tool=get_weather {"city":"Nice"} tool=confirm_booking {"hotel":"Negresco"}]'
    const first = await chat(app, ask(question, { client_tools: [confirm] }))
    expect(first.res.status).toBe(200)
    expect(simulator.requests).toHaveLength(1)
    expect(weatherCalls).toEqual([{ city: 'Nice', unit: 'c' }])
    expect(first.body.stop_reason).toBe('tool_use')
    expect((simulator.requests[0]!.body as any).tools.map((t: any) => t.name)).toEqual(['get_weather', 'confirm_booking'])
    expect(first.body.pending_tool_calls).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'confirm_booking', input: { hotel: 'Negresco' } }),
    ])
    expect(first.body.tool_results).toEqual([
      expect.objectContaining({ type: 'tool_result', content: '{"city":"Nice","unit":"c","temperature":4}' }),
    ])
    expect(first.body.steps.filter((s: any) => s.type === 'tool').map((s: any) => `${s.name}:${s.executed_by}:${s.status}`)).toEqual([
      'get_weather:server:ok',
      'confirm_booking:client:pending',
    ])

    const call = first.body.pending_tool_calls[0]
    const second = await chat(app, {
      messages: [
        { role: 'user', content: question },
        { role: 'assistant', content: first.body.content },
        { role: 'user', content: [...first.body.tool_results, { type: 'tool_result', tool_use_id: call.id, content: 'confirmed' }] },
      ],
      client_tools: [confirm],
    })
    expect(second.res.status).toBe(200)
    expect(second.body.stop_reason).toBe('end_turn')
    expect(resultsOf(sentMessages(simulator, 1)).map((r: any) => r.content)).toEqual([
      '{"city":"Nice","unit":"c","temperature":4}',
      'confirmed',
    ])
  })

  it('a client call after server steps: turns carries the earlier tool exchanges, so the next request keeps them', async () => {
    const { app, simulator } = makeToolApp([weather])
    const question = 'Plan [sim step=1 tool=get_weather {"city":"Nice"}] [sim step=2 tool=confirm_booking {"hotel":"Negresco"}]'
    const first = await chat(app, ask(question, { client_tools: [confirm] }))
    expect(first.body.stop_reason).toBe('tool_use')
    expect(first.body.tool_results).toEqual([])
    expect(first.body.turns).toHaveLength(2)
    expect(first.body.turns[0].content.find((b: any) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather' })
    expect(first.body.turns[1].content[0]).toMatchObject({ type: 'tool_result', content: '{"city":"Nice","unit":"c","temperature":4}' })

    const call = first.body.pending_tool_calls[0]
    const second = await chat(app, {
      messages: [
        { role: 'user', content: question },
        ...first.body.turns,
        { role: 'assistant', content: first.body.content },
        { role: 'user', content: [...first.body.tool_results, { type: 'tool_result', tool_use_id: call.id, content: 'confirmed' }] },
      ],
      client_tools: [confirm],
    })
    expect(second.res.status).toBe(200)
    expect(second.body.stop_reason).toBe('end_turn')
    expect(sentMessages(simulator, -1)).toHaveLength(5)
  })

  it('a history with an orphaned tool_use is repaired, not a 400 (the simulator rejects orphans like the API)', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { res, body } = await chat(app, {
      messages: [
        { role: 'user', content: 'Weather in Bern?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_lost', name: 'get_weather', input: { city: 'Bern' } }] },
        { role: 'user', content: 'Forget it, just say hi' },
      ],
    })
    expect(res.status).toBe(200)
    expect(sentMessages(simulator, 0)[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_lost', content: INTERRUPTED, is_error: true },
        { type: 'text', text: 'Forget it, just say hi' },
      ],
    })
    expect(body.warnings[0]).toContain('1 tool call(s) in the history had no result (interrupted)')
  })

  it('useChat history with a tool part that never got its output (page reloaded mid-tool) is repaired', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { res } = await chat(app, {
      id: 'chat-1',
      trigger: 'submit-message',
      messages: [
        { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Bern?' }] },
        {
          id: 'a1',
          role: 'assistant',
          parts: [
            { type: 'step-start' },
            { type: 'tool-get_weather', toolCallId: 'toolu_cut', state: 'input-available', input: { city: 'Bern' } },
          ],
        },
        { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Hello again' }] },
      ],
    })
    expect(res.status).toBe(200)
    expect(sentMessages(simulator, 0).slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_cut', name: 'get_weather', input: { city: 'Bern' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_cut', content: INTERRUPTED, is_error: true },
          { type: 'text', text: 'Hello again' },
        ],
      },
    ])
  })

  it('a client that leaves during a tool run aborts the tool and makes no further model call', async () => {
    const { tool: waiting, started, aborted } = waitingTool()
    const { app, simulator } = makeToolApp([waiting])
    const controller = new AbortController()
    const res = app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ask('[sim tool=waiting]')),
      signal: controller.signal,
    })
    await started.promise
    controller.abort()
    await aborted.promise
    const settled = await Promise.resolve(res).then(
      (r) => r.status,
      () => 'rejected',
    )
    expect(settled === 'rejected' || settled === 500).toBe(true)
    expect(simulator.requests).toHaveLength(1)
  })

  it('the request deadline aborts a running tool and ends with a 504 timeout_error', async () => {
    let sawAbort = false
    const slow = defineTool({
      name: 'slow',
      description: 'slow',
      input: z.object({}),
      execute: (_input, { signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            sawAbort = true
            resolve('late')
          }),
        ),
    })
    const { app, simulator } = makeToolApp([slow], { UPSTREAM_DEADLINE_MS: '200' })
    const { res, body } = await chat(app, ask('[sim tool=slow]'))
    expect(sawAbort).toBe(true)
    expect(res.status).toBe(504)
    expect(body.error.type).toBe('timeout_error')
    expect(body.error.message).toContain('UPSTREAM_DEADLINE_MS=200')
    expect(simulator.requests).toHaveLength(1)
  })
})
