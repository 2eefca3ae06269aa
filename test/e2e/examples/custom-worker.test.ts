import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_CLIENT_KEY } from '../../support/credentials.ts'
import { startWranglerDev, type WranglerDev } from '../../support/wrangler-dev.ts'

// The README's one command: `npx wrangler dev -c examples/custom-worker/wrangler.toml` (on a free port).
describe('examples/custom-worker under wrangler dev', () => {
  let dev: WranglerDev
  beforeAll(async () => {
    dev = await startWranglerDev({ config: 'examples/custom-worker/wrangler.toml' })
  }, 120_000)
  afterAll(() => dev?.close())

  it('serves its own route and runs its own tool in the loop', async () => {
    expect(await (await fetch(`${dev.url}/hello`)).text()).toBe('Hello from Example Shop')
    const res = await fetch(`${dev.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
      body: JSON.stringify({
        model: 'fast',
        messages: [
          { role: 'user', content: 'Where is A-1002? [sim tool=order_status {"order_id":"A-1002"}] [sim step=2 text="Still processing."]' },
        ],
      }),
    })
    expect(res.status, dev.output()).toBe(200)
    const body = (await res.json()) as { text: string; steps: { type: string; name?: string; output?: string }[] }
    expect(body.text).toBe('Still processing.')
    const tool = body.steps.find((s) => s.type === 'tool')!
    expect(tool.name).toBe('order_status')
    expect(JSON.parse(tool.output!)).toMatchObject({ order_id: 'A-1002', status: 'processing', shop: 'Example Shop' })
  })
})
