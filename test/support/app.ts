import type { Hono } from 'hono'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator, type Simulator } from '../../src/simulator/index.ts'
import type { UpstreamOptions } from '../../src/upstream/upstream.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEYS } from './credentials.ts'

// Any Hono app: createApp's is typed with the gateway's variables (Hono<GatewayEnv>).
type AnyHono = Hono<any, any, any>

/** Upstream options for tests: retries wait for nothing (the schedule is tested in test/upstream). */
export const instantRetries: UpstreamOptions = { sleep: async () => {} }

/**
 * Upstream options on a clock that moves only when the upstream sleeps between retries (or a
 * test moves it): time is never read from the machine. Jitter fixed at 0.5. `sleeps` lists each wait.
 */
export function clockedUpstream() {
  const clock = { t: 1_000_000, sleeps: [] as number[] }
  const upstream: UpstreamOptions = {
    now: () => clock.t,
    sleep: async (ms) => {
      clock.sleeps.push(ms)
      clock.t += ms
    },
    retry: { random: () => 0.5 },
  }
  return { clock, upstream }
}

export interface MakeAppOptions {
  /**
   * `app.request()` adds `Authorization: Bearer <TEST_CLIENT_KEY>` to requests that carry no
   * credential of their own, as a server holding a client key would. Default: true when `env`
   * does not set its own CLIENT_KEYS. `app.fetch()` never adds it.
   */
  testKey?: boolean
}

/**
 * A gateway wired to a fresh in-process simulator, configured like the Worker from env strings.
 * Unless `env` sets its own CLIENT_KEYS, the test client key (id `test`) is configured and sent.
 */
export function makeApp(
  env: Record<string, string> = {},
  simulator: Simulator = createSimulator(),
  upstream?: UpstreamOptions,
  options: MakeAppOptions = {},
) {
  const config = parseConfig(testEnv(env))
  const app = createApp({ config, fetch: simulator.fetch, ...(upstream && { upstream }) })
  if (options.testKey ?? env.CLIENT_KEYS === undefined) withTestKey(app)
  return { app, config, simulator }
}

/** The env of a test gateway: the simulator upstream and the test client key, unless `env` overrides them. */
export function testEnv(env: Record<string, string> = {}): Record<string, string> {
  return { UPSTREAM: 'simulator', CLIENT_KEYS: TEST_CLIENT_KEYS, ...env }
}

/** Makes `app.request()` send the test client key when a request carries no credential of its own. */
export function withTestKey<T extends AnyHono>(app: T): T {
  const request = app.request.bind(app)
  app.request = (input, init, ...rest) => {
    const req = input instanceof Request ? new Request(input, init) : new Request(new URL(String(input), 'http://localhost'), init)
    if (!req.headers.has('authorization') && !req.headers.has('x-api-key')) req.headers.set('authorization', `Bearer ${TEST_CLIENT_KEY}`)
    return request(req, undefined, ...rest)
  }
  return app
}

export function postJson(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
