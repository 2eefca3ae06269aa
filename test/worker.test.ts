import { exports } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { TEST_CLIENT_KEY } from './support/credentials.ts'

// The deployable Worker, configured from wrangler.toml [vars] plus the test bindings in vitest.config.ts.
it('the deployed Worker serves /healthz and /v1/chat through its default export', async () => {
  const health = await exports.default.fetch('http://worker/healthz')
  expect(health.status).toBe(200)
  expect(await health.json()).toMatchObject({ status: 'ok', upstream: 'simulator' })

  const res = await exports.default.fetch('http://worker/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }),
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { text: string; cost_usd: number }
  expect(body.text.length).toBeGreaterThan(0)
  expect(body.cost_usd).toBeGreaterThan(0)
})
