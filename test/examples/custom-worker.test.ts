import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../examples/custom-worker/src/worker.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEYS } from '../support/credentials.ts'

// The example as its README runs it: wrangler.toml [vars] (the simulator upstream, SHOP_NAME), plus a client key.
const env = { UPSTREAM: 'simulator', SHOP_NAME: 'Example Shop', CLIENT_KEYS: TEST_CLIENT_KEYS }

async function call(path: string, init?: RequestInit) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`http://example.local${path}`, init), env, ctx)
  const body = await res.text()
  await waitOnExecutionContext(ctx)
  return { status: res.status, body }
}

const chat = (content: string) =>
  call('/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content }] }),
  })

describe('examples/custom-worker', () => {
  it('serves its own route next to the claude-edge routes', async () => {
    expect(await call('/hello')).toEqual({ status: 200, body: 'Hello from Example Shop' })
  })

  it('runs its own tool (with env from the bindings) in the tool loop', async () => {
    const { status, body } = await chat(
      'Where is my order? [sim tool=order_status {"order_id":"A-1001"}] [sim step=2 text="Shipped, arriving Nov 27."]',
    )
    expect(status).toBe(200)
    const reply = JSON.parse(body)
    expect(reply.text).toBe('Shipped, arriving Nov 27.')
    const step = reply.steps.find((s: any) => s.type === 'tool')
    expect(step).toMatchObject({ name: 'order_status', status: 'ok' })
    expect(JSON.parse(step.output)).toMatchObject({ order_id: 'A-1001', status: 'shipped', eta: '2026-11-27', shop: 'Example Shop' })
  })

  it('its ToolError and schema messages reach the model', async () => {
    const { body } = await chat('[sim step=1 tool=order_status {"order_id":"A-9999"}] [sim step=2 tool=order_status {"order_id":"1001"}]')
    const outputs = JSON.parse(body)
      .steps.filter((s: any) => s.type === 'tool')
      .map((s: any) => s.output)
    expect(outputs[0]).toBe('Tool "order_status" failed: no order A-9999 at Example Shop; ask the user to check the id')
    expect(outputs[1]).toContain('- order_id: expected an order id like "A-1001", got "1001"')
  })

  it('keeps the demo tools of the deployable Worker', async () => {
    const { body } = await chat('[sim tool=calculator {"expression":"2 * (3 + 4)"}]')
    expect(JSON.parse(body).steps[1]).toMatchObject({ name: 'calculator', output: '{"expression":"2 * (3 + 4)","result":14}' })
  })
})
