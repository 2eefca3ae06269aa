import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeApp } from '../support/app.ts'
import { executionContext } from '../support/execution-context.ts'
import { openai, user } from './support.ts'

/** Everything written to the console during a test (the default logger writes by level: log, warn, error). */
let output: string[] = []
beforeEach(() => {
  output = []
  for (const level of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')))
  }
})
afterEach(() => vi.restoreAllMocks())

/** The SDK on a gateway whose requests run with an execution context, so the log lines can be awaited. */
function gateway(env: Record<string, string> = {}) {
  const { app } = makeApp(env)
  const { ctx, settled } = executionContext()
  const client = openai({ request: (input: string, init?: RequestInit) => app.request(input, init, {}, ctx) } as Parameters<
    typeof openai
  >[0])
  const lines = async () => {
    await settled()
    return output.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, any>)
  }
  return { client, lines }
}

describe('POST /v1/chat/completions: the request log line', () => {
  it('has the route, the model, tokens and cost, for a completion and for a stream', async () => {
    const g = gateway()
    const completion = await g.client.chat.completions.create({ model: 'fast', messages: user('Hi [sim tokens=6]') })
    const stream = await g.client.chat.completions.create({ model: 'fast', stream: true, messages: user('Hi [sim tokens=4]') })
    for await (const _ of stream) {
      // read to the end
    }
    const [json, streamed] = await g.lines()
    expect(json).toMatchObject({
      method: 'POST',
      route: '/v1/chat/completions',
      status: 200,
      outcome: 'ok',
      model: 'claude-haiku-5-5',
      calls: 1,
    })
    expect(json!.tokens.output).toBe(6)
    expect(json!.tokens.input + json!.tokens.cache_creation + json!.tokens.cache_read).toBe(completion.usage!.prompt_tokens)
    expect(json!.cost_usd).toBeGreaterThan(0)
    expect(streamed).toMatchObject({ route: '/v1/chat/completions', status: 200, outcome: 'ok', model: 'claude-haiku-5-5' })
    expect(streamed!.tokens.output).toBe(4)
    expect(streamed!.cost_usd).toBeGreaterThan(0)
  })

  it('an error keeps its type as the outcome', async () => {
    const g = gateway()
    await g.client.chat.completions.create({ model: 'gpt-4o', messages: user('hi') }).catch(() => {})
    expect((await g.lines())[0]).toMatchObject({ route: '/v1/chat/completions', status: 404, outcome: 'not_found_error', level: 'warn' })
  })
})
