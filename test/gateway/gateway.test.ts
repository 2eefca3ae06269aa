import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import { GatewayError } from '../../src/errors.ts'
import { gateway } from '../../src/gateway/gateway.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { defineTool } from '../../src/tools/define-tool.ts'
import * as z from 'zod/mini'

const simulator = createSimulator()

describe('gateway()', () => {
  it('builds from the bindings once per bindings object, calling an options function once each time', async () => {
    let calls = 0
    const app = new Hono()
    app.use(
      gateway(() => {
        calls++
        return { fetch: simulator.fetch }
      }),
    )
    app.get('/', (c) => c.json({ upstream: c.get('config').upstream, tools: c.get('tools').names, identity: c.get('identity').id }))
    const env = { UPSTREAM: 'simulator' }
    const first = await app.request('/', { headers: { 'cf-connecting-ip': '203.0.113.9' } }, env)
    expect(await first.json()).toEqual({ upstream: 'simulator', tools: [], identity: 'ip:203.0.113.9' })
    await app.request('/', {}, env)
    expect(calls).toBe(1)
    await app.request('/', {}, { UPSTREAM: 'simulator' })
    expect(calls).toBe(2)
  })

  it('checks tools when it is built with a config, not on the first request', () => {
    const config = parseConfig({ UPSTREAM: 'simulator' })
    const tool = defineTool({ name: 'twice', description: 'x', input: z.object({}), execute: () => 1 })
    expect(() => gateway({ config, fetch: simulator.fetch, tools: [tool, tool] })).toThrow(/twice/)
  })

  it('refuses UPSTREAM=simulator without the simulator passed in, saying how to pass it', () => {
    expect(() => gateway({ config: parseConfig({ UPSTREAM: 'simulator' }) })).toThrow(/createSimulator\(\)\.fetch/)
  })

  it('sets the request-id header, and answers a GatewayError handled by Hono’s default handler with that id', async () => {
    const app = new Hono()
    app.use(gateway({ config: parseConfig({ UPSTREAM: 'simulator' }), fetch: simulator.fetch }))
    app.get('/', () => {
      throw new GatewayError('rate_limit_error', 'Too many requests: retry in 3 s.', { headers: { 'retry-after': '3' } })
    })
    const res = await app.request('/')
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('3')
    const body = (await res.json()) as { request_id: string; error: { type: string; message: string } }
    expect(body.error).toEqual({ type: 'rate_limit_error', message: 'Too many requests: retry in 3 s.' })
    expect(body.request_id).toBe(res.headers.get('request-id'))
    expect(body.request_id).not.toBe('unknown')
  })

  it('leaves an app’s own onError alone', async () => {
    const app = new Hono()
    app.use(gateway({ config: parseConfig({ UPSTREAM: 'simulator' }), fetch: simulator.fetch }))
    app.get('/', () => {
      throw new GatewayError('permission_error', 'no')
    })
    app.onError((err, c) => c.text(`mine: ${(err as GatewayError).type}`, 418))
    const res = await app.request('/')
    expect(res.status).toBe(418)
    expect(await res.text()).toBe('mine: permission_error')
  })
})

describe('GatewayError#getResponse', () => {
  it('is the contract’s JSON error with the status and headers of the error', async () => {
    const res = new GatewayError('budget_exceeded_error', 'Daily budget spent.', { headers: { 'retry-after': '60' } }).getResponse()
    expect(res.status).toBe(402)
    expect(res.headers.get('retry-after')).toBe('60')
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'budget_exceeded_error', message: 'Daily budget spent.' } })
  })
})
