import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import { createApp } from '../../src/app.ts'
import { createSimulator, type Simulator } from '../../src/simulator/index.ts'
import { makeApp, postJson, testEnv } from '../support/app.ts'

const city = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
}

const lastUserText = (body: any) => {
  const last = body.messages.at(-1)
  return typeof last.content === 'string' ? last.content : last.content.map((b: any) => b.text ?? '').join('')
}

/** A simulator whose repair calls are scripted too: `[sim …]` appended to the gateway's repair turn. */
function scriptedRepairs(simulator: Simulator, directive: string): Simulator {
  const fetch: typeof simulator.fetch = async (input, init) => {
    const request = new Request(input, init)
    if (request.method !== 'POST') return simulator.fetch(request)
    const body = (await request.json()) as any
    const last = body.messages.at(-1)
    if (typeof last?.content === 'string' && last.content.startsWith('Your previous answer does not match')) last.content += ` ${directive}`
    return simulator.fetch(new Request(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(body) }))
  }
  return { ...simulator, fetch }
}

const ask = (app: any, content: string, extra: Record<string, unknown> = {}) =>
  postJson(app, '/v1/chat', { messages: [{ role: 'user', content }], output_schema: city, ...extra })

describe('structured output on /v1/chat', () => {
  it('sends the schema as output_config.format (made strict) and returns the answer as object', async () => {
    const { app, simulator } = makeApp()
    const res = await ask(app, 'Biggest city of Norway?')
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    expect(body.object).toEqual(JSON.parse(body.text))
    expect(body.object).toMatchObject({ city: expect.any(String), population: expect.any(Number) })
    const sent = simulator.requests[0]!.body as any
    // The SDK's transformJSONSchema: every object closed, as Anthropic requires.
    expect(sent.output_config.format).toEqual({ type: 'json_schema', schema: { ...city, additionalProperties: false } })
  })

  it('an answer that does not match gets one repair call naming the failing paths, then the repaired object', async () => {
    const { app, simulator } = makeApp()
    const res = await ask(app, 'Biggest city? [sim json=invalid times=1]')
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    expect(body.object).toMatchObject({ city: expect.any(String), population: expect.any(Number) })
    expect(simulator.requests).toHaveLength(2)
    const repair = lastUserText(simulator.requests[1]!.body)
    expect(repair).toMatch(/^Your previous answer does not match the required JSON schema: .*(city|population)/)
    // The invalid answer is in the repair call's history, right before it.
    expect((simulator.requests[1]!.body as any).messages.at(-2).role).toBe('assistant')
    expect(body.steps.filter((s: any) => s.type === 'model')).toHaveLength(2)
    expect(body.usage.output_tokens).toBe(body.steps.reduce((n: number, s: any) => n + s.usage.output_tokens, 0))
  })

  it('an answer that is not JSON at all is repaired too', async () => {
    const { app, simulator } = makeApp()
    const res = await ask(app, 'Biggest city? [sim json=broken times=1]')
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).object).toBeDefined()
    expect(lastUserText(simulator.requests[1]!.body)).toMatch(/\(root\): not valid JSON/)
  })

  it('still wrong after the repair: 502 upstream_error naming the failing paths', async () => {
    const simulator = scriptedRepairs(createSimulator(), '[sim json=invalid]')
    const { app } = makeApp({}, simulator)
    const res = await ask(app, 'Biggest city? [sim json=invalid]')
    expect(res.status).toBe(502)
    const error = ((await res.json()) as any).error
    expect(error.type).toBe('upstream_error')
    expect(error.message).toMatch(/does not match output_schema, also after one repair attempt: .*\/|\(root\)/)
    expect(simulator.requests).toHaveLength(2)
  })

  it('constraints Anthropic does not enforce (minimum) are still checked on the Worker', async () => {
    const { app, simulator } = makeApp()
    const schema = { type: 'object', properties: { rating: { type: 'integer', minimum: 7, maximum: 10 } }, required: ['rating'] }
    const res = await ask(app, 'Rate it.', { output_schema: schema })
    // Sent without them (moved into the description, as the SDK does), so the answer ignores them twice.
    const sent = (simulator.requests[0]!.body as any).output_config.format.schema
    expect(sent.properties.rating.minimum).toBeUndefined()
    expect(sent.properties.rating.description).toMatch(/minimum/)
    expect(res.status).toBe(502)
    expect(((await res.json()) as any).error.message).toMatch(/\/rating: .*7/)
  })

  it('a schema Anthropic cannot take is a 400 naming output_schema, before any model call', async () => {
    const { app, simulator } = makeApp()
    const res = await ask(app, 'hi', { output_schema: { type: 'array', items: { type: 'string' } } })
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error.message).toMatch(/output_schema: the root must be an object schema/)
    expect(simulator.requests).toHaveLength(0)
  })

  it("a stream ends with the object in finish's metadata; a repair is one more step", async () => {
    const { app } = makeApp()
    const res = await postJson(app, '/v1/chat/stream', {
      messages: [{ role: 'user', content: 'Biggest city? [sim json=invalid times=1]' }],
      output_schema: city,
    })
    const parts = (await res.text())
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)))
    expect(parts.filter((p) => p.type === 'start-step')).toHaveLength(2)
    const finish = parts.find((p) => p.type === 'finish')
    expect(finish.finishReason).toBe('stop')
    expect(finish.messageMetadata.object).toMatchObject({ city: expect.any(String), population: expect.any(Number) })
  })
})

describe("an assistant's output_schema", () => {
  const assistant = { id: 'extract', system: 'Extract the city.', model: 'fast', max_tokens: 300, output_schema: city }

  it('applies to every request bound to it; a bound caller may not send its own', async () => {
    const { app, simulator } = makeApp({ ASSISTANTS: JSON.stringify([assistant]) })
    const res = await postJson(app, '/v1/chat', { assistant: 'extract', messages: [{ role: 'user', content: 'I live in Oslo.' }] })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).object).toMatchObject({ city: expect.any(String) })
    expect((simulator.requests[0]!.body as any).output_config.format.schema.required).toEqual(['city', 'population'])
    const own = await postJson(app, '/v1/chat', { assistant: 'extract', messages: [{ role: 'user', content: 'x' }], output_schema: city })
    expect(own.status).toBe(403)
  })

  it('a schema that cannot work stops the gateway at start-up, naming the assistant', () => {
    const config = parseConfig(testEnv({ ASSISTANTS: JSON.stringify([{ ...assistant, output_schema: { type: 'string' } }]) }))
    expect(() => createApp({ config, fetch: createSimulator().fetch })).toThrowError(ConfigError)
    expect(() => createApp({ config, fetch: createSimulator().fetch })).toThrowError(
      /assistant "extract".output_schema: the root must be an object/,
    )
  })
})
