import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { authenticate } from '../../src/auth/authenticate.ts'
import { parseConfig } from '../../src/config.ts'
import { gateway } from '../../src/gateway/gateway.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { instantRetries } from '../support/app.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEY_SHA256 } from '../support/credentials.ts'

describe('authenticate narrows the upstream to the caller', () => {
  it('keeps the fallback chain within the models of the identity (every route, the passthrough included)', async () => {
    const simulator = createSimulator()
    const keys = [{ id: 'narrow', sha256: TEST_CLIENT_KEY_SHA256, models: ['claude-opus-5-5', 'claude-haiku-5-5'] }]
    const config = parseConfig({ UPSTREAM: 'simulator', FALLBACK_MODELS: 'smart,balanced,fast', CLIENT_KEYS: JSON.stringify(keys) })
    const app = new Hono()
    app.use(gateway({ config, fetch: simulator.fetch, upstream: instantRetries }), authenticate())
    app.get('/', async (c) => {
      const result = await c.get('upstream').message({
        model: 'claude-opus-5-5',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'hi [sim status=529 model=claude-opus-5-5]' }],
      })
      return c.json(result.modelsTried)
    })
    const res = await app.request('/', { headers: { authorization: `Bearer ${TEST_CLIENT_KEY}` } })
    expect(await res.json()).toEqual(['claude-opus-5-5', 'claude-haiku-5-5'])
    expect(new Set(simulator.requests.map((r) => r.model))).toEqual(new Set(['claude-opus-5-5', 'claude-haiku-5-5']))
  })
})
