import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator, type Simulator } from '../../src/simulator/index.ts'
import type { UpstreamOptions } from '../../src/upstream/upstream.ts'

/** Upstream options for tests: retries wait for nothing (the schedule is tested in test/upstream). */
export const instantRetries: UpstreamOptions = { sleep: async () => {} }

/** A gateway wired to a fresh in-process simulator, configured like the Worker from env strings. */
export function makeApp(env: Record<string, string> = {}, simulator: Simulator = createSimulator(), upstream?: UpstreamOptions) {
  const config = parseConfig({ UPSTREAM: 'simulator', ...env })
  const app = createApp({ config, fetch: simulator.fetch, ...(upstream && { upstream }) })
  return { app, config, simulator }
}

export function postJson(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
