import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator, type Simulator } from '../../src/simulator/index.ts'

/** A gateway wired to a fresh in-process simulator, configured like the Worker from env strings. */
export function makeApp(env: Record<string, string> = {}, simulator: Simulator = createSimulator()) {
  const config = parseConfig({ UPSTREAM: 'simulator', ...env })
  const app = createApp({ config, fetch: simulator.fetch })
  return { app, config, simulator }
}

export function postJson(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
