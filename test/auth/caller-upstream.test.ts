import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import '../../src/context.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { callerUpstream } from '../../src/upstream/caller-upstream.ts'
import { createUpstreamClient } from '../../src/upstream/client.ts'
import { Upstream } from '../../src/upstream/upstream.ts'
import { instantRetries } from '../support/app.ts'

describe('callerUpstream', () => {
  it('narrows the fallback chain to the models of the identity (every route, the passthrough included)', async () => {
    const simulator = createSimulator()
    const config = parseConfig({ UPSTREAM: 'simulator', FALLBACK_MODELS: 'smart,balanced,fast' })
    const upstream = new Upstream(createUpstreamClient(config, { fetch: simulator.fetch }), config, instantRetries)
    const app = new Hono()
    app.use(async (c, next) => {
      c.set('config', config)
      c.set('upstream', upstream)
      c.set('identity', { kind: 'key', id: 'key:narrow', models: ['claude-opus-5-5', 'claude-haiku-5-5'] })
      await next()
    })
    app.use(callerUpstream())
    app.get('/', async (c) => {
      const result = await c.get('upstream').message({
        model: 'claude-opus-5-5',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'hi [sim status=529 model=claude-opus-5-5]' }],
      })
      return c.json(result.modelsTried)
    })
    expect(await (await app.request('/')).json()).toEqual(['claude-opus-5-5', 'claude-haiku-5-5'])
    expect(new Set(simulator.requests.map((r) => r.model))).toEqual(new Set(['claude-opus-5-5', 'claude-haiku-5-5']))
  })
})
