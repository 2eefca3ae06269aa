// Vitest globalSetup for the workerd run (runs in Node, before the pool starts).
// `npm test` starts redis + the Upstash bridge itself and passes UPSTASH_REDIS_REST_URL/TOKEN in
// the environment; a bare `vitest run` gets its own pair here, so single suites run the same way.
// If redis-server is missing, nothing is provided and Redis-backed tests fail with instructions.
import { randomUUID } from 'node:crypto'
import type { TestProject } from 'vitest/node'
import { startBridge, startRedis } from '../../scripts/upstash-bridge.ts'

declare module 'vitest' {
  interface ProvidedContext {
    upstashUrl: string
    upstashToken: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = process.env
  if (url && token) {
    project.provide('upstashUrl', url)
    project.provide('upstashToken', token)
    return async () => {}
  }
  let redis: Awaited<ReturnType<typeof startRedis>>
  try {
    redis = await startRedis()
  } catch (error) {
    console.warn(`[global-setup] no local Upstash for this run: ${(error as Error).message}`)
    project.provide('upstashUrl', '')
    project.provide('upstashToken', '')
    return async () => {}
  }
  const bridge = await startBridge({ redisUrl: redis.url, token: randomUUID() })
  project.provide('upstashUrl', bridge.url)
  project.provide('upstashToken', bridge.token)
  return async () => {
    await bridge.close()
    await redis.close()
  }
}
