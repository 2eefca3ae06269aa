// The e2e harness itself: the Worker under wrangler dev on a free port, configured with --var
// (simulated upstream, local Upstash), reachable, and stopped again by close().
import { afterAll, beforeAll, expect, it } from 'vitest'
import { upstashEnv } from '../support/e2e-upstash.ts'
import { startWranglerDev, type WranglerDev } from '../support/wrangler-dev.ts'

let dev: WranglerDev

beforeAll(async () => {
  const { url, token } = upstashEnv()
  dev = await startWranglerDev({
    vars: { UPSTREAM: 'simulator', UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token },
  })
})

afterAll(async () => {
  await dev?.close()
})

it('serves the Worker with the given vars', async () => {
  const res = await fetch(`${dev.url}/healthz`)
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ upstream: 'simulator', limits: 'upstash' })
})

it('stops wrangler dev on close', async () => {
  await dev.close()
  await expect(fetch(dev.url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow()
})
