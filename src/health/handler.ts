import type { Handler } from 'hono'

/**
 * `GET /healthz`: what the gateway runs on (upstream, limits store), what happens when Redis fails,
 * and warnings about a set-up that is not meant for production. Needs no credential.
 */
export const healthHandler: Handler = (c) => {
  const config = c.get('config')
  return c.json({
    status: 'ok',
    upstream: config.upstream === 'simulator' ? 'simulator' : 'anthropic',
    limits: config.upstash ? 'upstash' : 'memory',
    // What happens when Redis fails: request and token limits follow LIMITS_ON_REDIS_ERROR,
    // budgets always refuse (a spend that cannot be counted is never admitted).
    on_redis_error: config.upstash ? { limits: config.limitsOnRedisError, budgets: 'closed' } : null,
    warnings: [
      ...(config.upstream === 'simulator' ? ['UPSTREAM=simulator: replies are simulated, not from Claude'] : []),
      ...(config.upstash ? [] : ['Upstash is not configured: limits and budgets are in memory, per isolate']),
      ...(config.clientKeys.length || config.sessionSecret || config.allowAnonymous
        ? []
        : ['No credential is configured (CLIENT_KEYS, SESSION_SECRET or ALLOW_ANONYMOUS): every /v1 route answers 401']),
    ],
  })
}
