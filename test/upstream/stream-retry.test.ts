import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { parseConfig } from '../../src/config.ts'
import { RequestMeter } from '../../src/observability/meter.ts'
import { createUpstreamClient } from '../../src/upstream/client.ts'
import { Upstream } from '../../src/upstream/upstream.ts'
import { instantRetries, makeApp, postJson } from '../support/app.ts'

describe('streams share the retry loop', () => {
  it('Upstream.stream resolves only after a success status: failures before the first event are retried', async () => {
    const simulator = createSimulator()
    const config = parseConfig({ UPSTREAM: 'simulator' })
    const upstream = new Upstream(createUpstreamClient(config, { fetch: simulator.fetch }), config, instantRetries)
    const meter = new RequestMeter()
    const result = await upstream.stream(
      { model: 'claude-sonnet-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi [sim status=529 times=2] [sim tokens=4]' }] },
      { meter },
    )
    const types: string[] = []
    for await (const event of result.value) types.push(event.type)
    expect(types.at(-1)).toBe('message_stop')
    expect(simulator.requests.map((r) => [r.stream, r.status])).toEqual([
      [true, 529],
      [true, 529],
      [true, 200],
    ])
    expect(result.retries).toBe(2)
    expect(meter.retries).toBe(2)
    expect(meter.modelsTried).toEqual(['claude-sonnet-5-5'])
  })

  it('POST /v1/chat/stream falls back before the first byte and names the models in the finish metadata', async () => {
    const { app, simulator } = makeApp({ FALLBACK_MODELS: 'smart,balanced' }, createSimulator(), instantRetries)
    const res = await postJson(app, '/v1/chat/stream', {
      model: 'smart',
      messages: [{ role: 'user', content: 'hi [sim status=529 model=claude-opus-5-5] [sim tokens=3]' }],
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('"models_tried":["claude-opus-5-5","claude-sonnet-5-5"]')
    expect(text).not.toContain('"type":"error"')
    expect(simulator.requests.map((r) => r.model)).toEqual(['claude-opus-5-5', 'claude-opus-5-5', 'claude-opus-5-5', 'claude-sonnet-5-5'])
  })
})
