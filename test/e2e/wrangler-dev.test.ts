// The e2e harness itself: wrangler dev with --vars on a free port, reachable and stopped again.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { upstashEnv } from '../support/e2e-upstash.ts'
import { startWranglerDev, type WranglerDev } from '../support/wrangler-dev.ts'

let dev: WranglerDev

beforeAll(async () => {
  const { url, token } = upstashEnv()
  dev = await startWranglerDev({ vars: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } })
})

afterAll(async () => {
  await dev?.close()
})

it('serves the Worker under wrangler dev', async () => {
  const res = await fetch(dev.url)
  expect(res.status).toBeLessThan(500)
})

it('stops wrangler dev on close', async () => {
  await dev.close()
  await expect(fetch(dev.url, { signal: AbortSignal.timeout(2000) })).rejects.toThrow()
})
