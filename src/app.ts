import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import './context.ts'
import { authenticate, clientIp, corsPolicy, securityHeaders, type ClientIpSource } from './auth/index.ts'
import { chatHandler } from './chat/handler.ts'
import { chatStreamHandler } from './chat/stream-handler.ts'
import { countTokensHandler, messagesHandler } from './messages/index.ts'
import { chatCompletionsHandler, openAIErrors } from './openai/index.ts'
import { ConfigError, type Config } from './config.ts'
import { admitAll } from './admission/admission.ts'
import { GatewayError, describeError, errorResponse } from './errors.ts'
import { RequestMeter } from './observability/meter.ts'
import { requestLog } from './observability/request-log.ts'
import { createUpstreamClient } from './upstream/client.ts'
import { modelHandler, modelsHandler } from './upstream/routes.ts'
import { callerUpstream } from './upstream/caller-upstream.ts'
import { createCircuitBreaker } from './upstream/shared-breaker.ts'
import { Upstream, type UpstreamOptions } from './upstream/upstream.ts'
import { createLimiter, type CreateLimiterOptions } from './limits/create-limiter.ts'
import { limits } from './limits/limits.ts'
import { readLimit } from './limits/read-limit.ts'
import { usageHandler } from './limits/usage-handler.ts'
import type { Tool } from './tools/define-tool.ts'
import { ToolRegistry } from './tools/registry.ts'
import type { Assistant } from './assistants/define-assistant.ts'
import { AssistantRegistry, checkAnonymousAccess, checkKeyAssistants } from './assistants/registry.ts'

export interface AppOptions {
  /** Validated configuration, from `parseConfig(env)`. */
  config: Config
  /**
   * `fetch` for upstream requests. Default: the global fetch. With `UPSTREAM=simulator` it is
   * required: pass `createSimulator().fetch` from `claude-edge/testing` (the library leaves the
   * simulator out of its users' bundles; the deployable Worker passes it, see src/worker-app.ts).
   */
  fetch?: typeof fetch
  /** Limits options beyond the config: an injected clock, a Redis client, a key prefix (see `limits`). */
  limits?: CreateLimiterOptions
  /**
   * Server tools Claude may call (`defineTool`); each request can narrow them with `tools`.
   * Checked here: a bad definition throws an Error naming the tool. Default: none.
   */
  tools?: readonly Tool[]
  /**
   * Assistants defined in code (`defineAssistant`), next to those of `ASSISTANTS`. Checked here
   * (model, tools, ids); with ALLOW_ANONYMOUS, at least one must be public. Default: none.
   */
  assistants?: readonly Assistant[]
  /** Retry schedule, circuit breaker, clock and sleep of upstream calls. Default: see `UpstreamOptions`. */
  upstream?: UpstreamOptions
  /** Where anonymous callers' addresses come from. Default: `CF-Connecting-IP` (see `ClientIpSource`). */
  clientIp?: ClientIpSource
}

/** Builds the gateway: middleware order and routes of SPEC §1. */
export function createApp(options: AppOptions): Hono {
  const { config } = options
  const tools = new ToolRegistry(options.tools)
  const assistants = new AssistantRegistry([...config.assistants, ...(options.assistants ?? [])], config, tools)
  checkAnonymousAccess(config, assistants)
  checkKeyAssistants(config, assistants)
  const upstreamFetch = options.fetch
  const upstreamOptions = { ...options.upstream }
  upstreamOptions.breaker ??= createCircuitBreaker(config, upstreamOptions.now ? { now: upstreamOptions.now } : {})
  const upstream = new Upstream(createUpstreamClient(config, upstreamFetch ? { fetch: upstreamFetch } : {}), config, upstreamOptions)

  const limiter = createLimiter(config, options.limits)

  const app = new Hono()
  app.use(requestId({ limitLength: 128 }))
  // The Anthropic SDKs read `request-id` (message._request_id, error.request_id, requestID).
  app.use(async function anthropicRequestId(c, next) {
    c.header('request-id', c.get('requestId'))
    await next()
  })
  app.use(requestLog({ logBodies: config.logBodies }))
  app.use(securityHeaders())
  app.use(corsPolicy({ allowedOrigins: config.allowedOrigins }))
  app.use(async function context(c, next) {
    c.set('config', config)
    c.set('upstream', upstream)
    // Public routes count against the client IP; `authenticate` sets the caller on /v1/*.
    c.set('identity', { kind: 'anonymous', id: `ip:${clientIp(c, options.clientIp)}` })
    c.set('admission', admitAll)
    c.set('tools', tools)
    c.set('assistants', assistants)
    c.set('assistant', undefined)
    const meter = new RequestMeter()
    c.set('meter', meter)
    try {
      await next()
    } finally {
      // A stream finishes its meter when it closes; everything else is finished here.
      if (!c.res.headers.get('content-type')?.startsWith('text/event-stream')) meter.finish(c.res.ok ? 'ok' : 'error')
    }
  })

  // Before authenticate: every error of the OpenAI-compatible route, a 401 included, in OpenAI's shape.
  app.use('/v1/chat/completions', openAIErrors())
  app.use('/v1/*', authenticate({ config, ...(options.clientIp && { clientIp: options.clientIp }) }))
  app.use('/v1/*', limits({ limiter }))
  // After the identity is known: fallbacks stay within the models this caller may use.
  app.use('/v1/*', callerUpstream())

  const jsonBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw new GatewayError(
        'request_too_large',
        `The request body is larger than MAX_BODY_BYTES (${config.maxBodyBytes} bytes). Send less text, or shorten the conversation.`,
      )
    },
  })

  app.post('/v1/chat', jsonBody, chatHandler)
  app.post('/v1/chat/stream', jsonBody, chatStreamHandler)
  app.post('/v1/chat/completions', jsonBody, chatCompletionsHandler)
  app.post('/v1/messages', jsonBody, messagesHandler)
  app.post('/v1/messages/count_tokens', jsonBody, readLimit(), countTokensHandler)
  app.get('/v1/models', modelsHandler)
  app.get('/v1/models/:id', readLimit(), modelHandler)
  app.get('/v1/usage', usageHandler)
  app.get('/healthz', (c) =>
    c.json({
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
    }),
  )

  app.notFound((c) => errorResponse(c, new GatewayError('not_found_error', notFoundMessage(c.req.method, new URL(c.req.url).pathname))))
  app.onError((err, c) => {
    const meter = c.get('meter')
    // A client that left is not our failure: no error log, and the log line says `aborted`.
    const aborted = c.req.raw.signal.aborted
    if (meter && !meter.finished) meter.outcome = aborted ? 'aborted' : GatewayError.isInstance(err) ? err.type : 'api_error'
    if (!aborted && (!GatewayError.isInstance(err) || err.status >= 500)) {
      console.error(JSON.stringify({ level: 'error', request_id: c.get('requestId'), error: describeError(err) }))
    }
    return errorResponse(c, err)
  })
  if (config.upstream === 'simulator' && !options.fetch) {
    throw new ConfigError(
      "Invalid configuration:\n- UPSTREAM: simulator needs the simulator passed in: createApp({ fetch: createSimulator().fetch }), with createSimulator from 'claude-edge/testing'",
    )
  }
  return app
}

/** Paths under /v1 (an SDK's baseURL without or with one /v1 too many lands next to them). */
const V1_ROUTE = /^\/v1\/(chat|chat\/stream|chat\/completions|messages|messages\/count_tokens|models|models\/[^/]+|usage)$/

/** A 404 that says which path to use when a client's base URL is off by `/v1`. */
function notFoundMessage(method: string, path: string): string {
  const base = `No route for ${method} ${path}.`
  if (V1_ROUTE.test(`/v1${path}`)) {
    return `${base} Did you mean /v1${path}? Anthropic SDKs take the Worker's origin as baseURL (they add /v1); the AI SDK's Anthropic provider and OpenAI clients take '<worker>/v1'.`
  }
  if (path.startsWith('/v1/v1/') && V1_ROUTE.test(path.slice(3))) {
    return `${base} Did you mean ${path.slice(3)}? This client's baseURL ends in /v1 and it adds /v1 itself: use the Worker's origin.`
  }
  return `${base} See GET /v1/models and the README for the routes.`
}
