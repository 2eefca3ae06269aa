import type { Context, MiddlewareHandler } from 'hono'
import { rateLimitHeaders } from './headers.ts'
import type { Decision } from './limiter.ts'
import { policyFor } from './policy.ts'
import { refusalError } from './refusal.ts'

/**
 * Takes one request from the caller's request limit for a route that reads rather than spends
 * (`/v1/usage`, `count_tokens`: each costs a Redis script or an upstream call, docs/limits-and-budgets.md#the-guarantee). Throws
 * the refusal; returns the decision, with every counter as the store has it.
 */
export async function admitRead(c: Context): Promise<Decision> {
  const limiter = c.get('limiter')
  if (!limiter) throw new Error('admitRead needs the limits middleware in front of it')
  const identity = c.get('identity')
  const decision = await limiter.admit({
    who: identity.id,
    policy: policyFor(c.get('config'), identity),
    tokens: 0,
    reserveUsd: 0,
    read: true,
  })
  if (!decision.success) throw refusalError(decision, 0)
  return decision
}

/**
 * Route middleware counting a read route against the request limit, with `RateLimit-*` headers.
 *
 * @example app.post('/v1/messages/count_tokens', readLimit(), countTokensHandler)
 */
export function readLimit(): MiddlewareHandler {
  return async function readLimit(c, next) {
    const decision = await admitRead(c)
    await next()
    for (const [name, value] of Object.entries(rateLimitHeaders(decision.rateLimit))) c.res.headers.set(name, value)
  }
}
