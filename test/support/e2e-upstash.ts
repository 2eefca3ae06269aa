// Local Upstash for e2e suites (Node side): the bridge started by `npm test` or by
// test/support/global-setup.ts, and fault-scoped URLs on it (see test/support/upstash.ts).
import { inject } from 'vitest'
import { faultSpec, type Faults } from '../../scripts/lib/faults.ts'

export type UpstashEnv = { url: string; token: string }

/** The bridge's URL and token; throws when this run has no local Upstash. */
export function upstashEnv(): UpstashEnv {
  const url = inject('upstashUrl')
  const token = inject('upstashToken')
  if (!url || !token) {
    throw new Error('No local Upstash in this run: run `npm test`, or install redis-server (`apt-get install -y redis-server`).')
  }
  return { url, token }
}

/** A base URL on the bridge that injects the given faults (latency, error/reset/hang). */
export function faultyUrl(faults: Partial<Faults>): string {
  return `${upstashEnv().url}/__fault/${faultSpec(faults)}`
}
