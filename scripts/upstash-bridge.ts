// Local Upstash: a throwaway redis-server behind an Upstash-REST-compatible HTTP bridge.
//
//   node scripts/upstash-bridge.ts [--port 8079] [--token local-dev-token] [--redis-url redis://…]
//
// Without --redis-url it starts its own redis-server (persistence off) and stops it on exit.
// Programmatic use (tests, benches): import { startRedis, startBridge } from this file.
import { parseArgs } from 'node:util'
import { startBridge } from './lib/bridge-server.ts'
import { startRedis } from './lib/redis-server.ts'

export { startBridge, type Bridge, type BridgeOptions } from './lib/bridge-server.ts'
export { startRedis, type RedisServer, type StartRedisOptions } from './lib/redis-server.ts'
export { faultSpec, type FaultMode, type Faults } from './lib/faults.ts'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.UPSTASH_BRIDGE_PORT ?? '8079' },
      token: { type: 'string', default: process.env.UPSTASH_REDIS_REST_TOKEN ?? 'local-dev-token' },
      'redis-url': { type: 'string' },
    },
  })
  const redis = values['redis-url'] ? undefined : await startRedis()
  const redisUrl = values['redis-url'] ?? redis!.url
  const bridge = await startBridge({ redisUrl, token: values.token, port: Number(values.port) })

  console.log(`Upstash bridge on ${bridge.url} → ${redisUrl}${redis ? ' (own redis-server, in-memory)' : ''}`)
  console.log('For .dev.vars:')
  console.log(`UPSTASH_REDIS_REST_URL=${bridge.url}`)
  console.log(`UPSTASH_REDIS_REST_TOKEN=${bridge.token}`)
  console.log('Ctrl-C stops it.')

  const stop = async () => {
    await bridge.close()
    await redis?.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
