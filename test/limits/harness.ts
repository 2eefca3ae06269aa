import { expect } from 'vitest'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import type { ScriptRedis } from '../../src/limits/redis-store.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import type { Tool } from '../../src/tools/define-tool.ts'
import { mintSessionToken } from '../../src/auth/mint-session-token.ts'
import { TEST_SESSION_SECRET } from '../support/credentials.ts'
import { executionContext } from '../support/execution-context.ts'

/**
 * Noon UTC tomorrow (by the real clock), at the start of a minute: windows begin exactly here.
 * Relative to the real time, not a fixed date, so nothing here can meet a real service (Redis
 * TTLs, token expiry) with a clock years apart; test/limits/redis.test.ts also runs the limits
 * a year ahead of and behind the real clock to prove the outcome does not depend on it.
 */
export const NOON = noonUtc(1)

/** Noon UTC `days` days from today (real clock). */
export function noonUtc(days: number, from = Date.now()): number {
  const today = new Date(from)
  return Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, 12)
}

/** `YYYY-MM-DD` of an instant, UTC. */
export const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10)
export const ORIGIN = 'https://app.example'

export interface HarnessOptions {
  env?: Record<string, string>
  /** Where the injected clock starts. Default: NOON. */
  start?: number
  redis?: ScriptRedis
  prefix?: string
  now?: () => number
  tools?: readonly Tool[]
}

/**
 * A gateway on the simulator with limits on an injected clock. Requests get an ExecutionContext
 * whose `waitUntil` promises `settled()` awaits, so tests know when usage has been settled.
 */
export function limitedApp(options: HarnessOptions = {}) {
  const clock = { now: options.start ?? NOON }
  const simulator = createSimulator()
  const config = parseConfig({ UPSTREAM: 'simulator', SESSION_SECRET: TEST_SESSION_SECRET, ALLOWED_ORIGINS: ORIGIN, ...options.env })
  const logs: Record<string, unknown>[] = []
  const app = createApp({
    config,
    fetch: simulator.fetch,
    ...(options.tools && { tools: options.tools }),
    limits: {
      now: options.now ?? (() => clock.now),
      log: (line) => logs.push(line),
      ...(options.redis && { redis: options.redis }),
      ...(options.prefix && { prefix: options.prefix }),
    },
  })
  const { ctx, settled } = executionContext()
  // Each address is one end user (a session token with `sub` = the address), unless a request
  // brings its own credential: identities are `user:<ip>`, limited by RATE_LIMIT.
  const request = async (path: string, init: RequestInit = {}, ip = '203.0.113.1') => {
    const headers: Record<string, string> = { origin: ORIGIN, 'cf-connecting-ip': ip, ...(init.headers as Record<string, string>) }
    if (!headers.authorization && !headers['x-api-key'])
      headers.authorization = `Bearer ${await mintSessionToken({ sub: ip }, TEST_SESSION_SECRET)}`
    return app.request(path, { ...init, headers }, {}, ctx)
  }
  return {
    app,
    config,
    simulator,
    clock,
    logs,
    chat: (body: Record<string, unknown>, ip?: string, init: RequestInit = {}) =>
      request(
        '/v1/chat',
        {
          method: 'POST',
          body: JSON.stringify(body),
          ...init,
          headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
        },
        ip,
      ),
    usage: async (ip?: string) => (await request('/v1/usage', {}, ip)).json() as Promise<UsageBody>,
    request,
    /** Waits for every settle scheduled so far (they run off the response path). */
    settled,
  }
}

export interface UsageBody {
  identity: string
  day: string
  resets_at: string
  backend: 'upstash' | 'memory'
  usage: { requests: number; tokens: number; cost_usd: number; held_usd: number }
  limits: {
    requests: { limit: number; used: number; remaining: number; reset_seconds: number } | null
    tokens: { limit: number; used: number; remaining: number; reset_seconds: number } | null
    daily_budget: { limit_usd: number; spent_usd: number; held_usd: number; remaining_usd: number; reset_seconds: number } | null
    global_daily_budget: { limit_usd: number; spent_usd: number; held_usd: number; remaining_usd: number; reset_seconds: number } | null
  }
}

export const say = (text: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content: text }], ...extra })

/** The error body of the HTTP contract (docs/http.md#errors), checked for shape. */
export async function errorOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string }
  expect(body.type).toBe('error')
  expect(body.request_id).toBe(res.headers.get('x-request-id'))
  return body.error
}

export function rateHeaders(res: Response) {
  return {
    limit: res.headers.get('ratelimit-limit'),
    remaining: res.headers.get('ratelimit-remaining'),
    reset: res.headers.get('ratelimit-reset'),
    retryAfter: res.headers.get('retry-after'),
  }
}
