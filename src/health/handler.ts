import type { Handler } from 'hono'

/**
 * `GET /healthz`: what the gateway runs on (upstream, limits store), what happens when Redis fails,
 * the pace of each model group with known limits, and warnings about a set-up that is not meant
 * for production. Needs no credential.
 */
export const healthHandler: Handler = async (c) => {
  const config = c.get('config')
  const pacer = c.get('upstream').pacer
  // Every group of the catalogue: those without configured or learned limits are left out.
  const groups = [...new Set(config.catalogue.models.map((m) => m.rateLimitGroup))]
  const pace = pacer
    ? await pacer.snapshot(groups).then(
        (all) => all.filter((g) => Object.values(g.configured).some(Boolean) || Object.values(g.learned).some(Boolean)),
        () => null,
      )
    : null
  return c.json({
    status: 'ok',
    upstream: config.upstream === 'simulator' ? 'simulator' : 'anthropic',
    limits: config.upstash ? 'upstash' : 'memory',
    // What happens when Redis fails: request and token limits follow LIMITS_ON_REDIS_ERROR,
    // budgets always refuse (a spend that cannot be counted is never admitted).
    on_redis_error: config.upstash ? { limits: config.limitsOnRedisError, budgets: 'closed' } : null,
    // Claude's rate limits per model group as the gateway paces them (null: the store did not answer).
    pace: pace && {
      store: pacer!.store.kind,
      queue_max_wait_ms: pacer!.maxWaitMs,
      groups: pace.map((g) => ({
        ...g,
        models: config.catalogue.models.filter((m) => m.rateLimitGroup === g.group).map((m) => m.id),
      })),
    },
    warnings: [
      ...(config.upstream === 'simulator' ? ['UPSTREAM=simulator: replies are simulated, not from Claude'] : []),
      ...(config.upstash ? [] : ['Upstash is not configured: limits and budgets are in memory, per isolate']),
      ...(config.clientKeys.length || config.sessionSecret || config.allowAnonymous
        ? []
        : ['No credential is configured (CLIENT_KEYS, SESSION_SECRET or ALLOW_ANONYMOUS): every /v1 route answers 401']),
    ],
  })
}
