import type { MiddlewareHandler } from 'hono'
import { admitAll } from '../admission/admission.ts'
import type { Assistant } from '../assistants/define-assistant.ts'
import { AssistantRegistry, checkAnonymousAccess, checkKeyAssistants } from '../assistants/registry.ts'
import { clientIp, cloudflareClientIp, type ClientIpSource } from '../auth/client-ip.ts'
import { ConfigError, parseConfig, type Config } from '../config.ts'
import { createLimiter, type CreateLimiterOptions } from '../limits/create-limiter.ts'
import type { Limiter } from '../limits/limiter.ts'
import { consoleLogger, type Logger } from '../logger/logger.ts'
import { RequestMeter } from '../observability/meter.ts'
import { conversationStore } from '../conversations/object-store.ts'
import type { Tool } from '../tools/define-tool.ts'
import { ToolRegistry } from '../tools/registry.ts'
import { createUpstreamClient } from '../upstream/client.ts'
import { createCircuitBreaker } from '../upstream/shared-breaker.ts'
import { Upstream, type UpstreamOptions } from '../upstream/upstream.ts'
import { answerDefaultHandledError } from './error-handler.ts'
import { waitUntil } from '../background/wait-until.ts'
import { ceilingsFromConfig } from '../pace/ceilings.ts'
import { MemoryPaceStore } from '../pace/memory-store.ts'
import { Pacer } from '../pace/pacer.ts'
import { RedisPaceStore } from '../pace/redis-store.ts'
import { outputByGroup, RequestPace } from '../pace/request-pace.ts'
import { upstashRedis } from '../upstash/redis.ts'
import type { GatewayEnv } from './variables.ts'

export interface GatewayOptions {
  /**
   * Validated configuration, from `parseConfig(env)`. Default: parsed from the Worker's bindings
   * (`c.env`) on the first request, and again only if the bindings object changes; a bad value
   * then throws a `ConfigError` naming the variable.
   */
  config?: Config
  /**
   * `fetch` for upstream requests. Default: the global fetch. With `UPSTREAM=simulator` it is
   * required: pass `createSimulator().fetch` from `claude-edge/testing` (the library leaves the
   * simulator out of its users' bundles).
   */
  fetch?: typeof fetch
  /** Limits options beyond the config: an injected clock, a Redis client, a key prefix (see `createLimiter`). */
  limits?: CreateLimiterOptions
  /**
   * Server tools Claude may call (`defineTool`); each request can narrow them with `tools`.
   * Checked when the gateway is built: a bad definition throws an Error naming the tool. Default: none.
   */
  tools?: readonly Tool[]
  /**
   * Assistants defined in code (`defineAssistant`), next to those of `ASSISTANTS`. Checked when
   * the gateway is built (model, tools, ids); with ALLOW_ANONYMOUS, at least one must be public.
   * Default: none.
   */
  assistants?: readonly Assistant[]
  /** Retry schedule, circuit breaker, clock and sleep of upstream calls. Default: see `UpstreamOptions`. */
  upstream?: UpstreamOptions
  /** Where anonymous callers' addresses come from. Default: `CF-Connecting-IP` (see `ClientIpSource`). */
  clientIp?: ClientIpSource
  /** Where log lines go. Default: one JSON object per line on the console (`consoleLogger`). */
  logger?: Logger
}

/** A Worker's bindings (environment variables and secrets), as `parseConfig` reads them. */
type Bindings = Record<string, unknown>

interface Built {
  parts: Parts
  logger: Logger
  clientIpSource: ClientIpSource
}

function build(options: GatewayOptions, config: Config): Built {
  return {
    parts: buildGateway(config, options),
    logger: options.logger ?? consoleLogger,
    clientIpSource: options.clientIp ?? cloudflareClientIp,
  }
}

/** What the gateway builds once per configuration and shares (read-only) with every request. */
interface Parts {
  config: Config
  upstream: Upstream
  limiter: Limiter
  tools: ToolRegistry
  assistants: AssistantRegistry
}

/**
 * Builds the gateway's parts (upstream client, limiter, tools, assistants) and checks them: a tool,
 * an assistant or an anonymous set-up that cannot work throws here, at start-up.
 */
export function buildGateway(config: Config, options: Omit<GatewayOptions, 'config'> = {}): Parts {
  const tools = new ToolRegistry(options.tools)
  const assistants = new AssistantRegistry([...config.assistants, ...(options.assistants ?? [])], config, tools)
  checkAnonymousAccess(config, assistants)
  checkKeyAssistants(config, assistants)
  if (config.upstream === 'simulator' && !options.fetch) {
    throw new ConfigError(
      "Invalid configuration:\n- UPSTREAM: simulator needs the simulator passed in: gateway({ fetch: createSimulator().fetch }) or createApp({ fetch: … }), with createSimulator from 'claude-edge/testing'",
    )
  }
  const upstreamOptions = { ...options.upstream }
  upstreamOptions.breaker ??= createCircuitBreaker(config, upstreamOptions.now ? { now: upstreamOptions.now } : {})
  // One Redis client for limits and pace, so the admission reserves the first call's slot in its own round trip.
  const redis = options.limits?.redis ?? upstashRedis(config)
  const prefix = options.limits?.prefix
  upstreamOptions.pacer ??= new Pacer({
    store: redis ? new RedisPaceStore(redis, prefix) : new MemoryPaceStore(),
    ceilings: ceilingsFromConfig(config),
    maxWaitMs: config.queueMaxWaitMs,
    timeoutMs: config.redisTimeoutMs,
    ...(upstreamOptions.now && { now: upstreamOptions.now }),
    ...(upstreamOptions.sleep && { sleep: upstreamOptions.sleep }),
    ...(options.logger && { log: options.logger }),
  })
  const client = createUpstreamClient(config, options.fetch ? { fetch: options.fetch } : {})
  const upstream = new Upstream(client, config, upstreamOptions)
  const limiter = createLimiter(config, { ...(options.logger && { log: options.logger }), ...options.limits, ...(redis && { redis }) })
  return { config, upstream, limiter, tools, assistants }
}

/**
 * The context every gateway route reads (`GatewayVariables`): configuration, upstream client,
 * limiter, tools, assistants, logger, the request's meter, and an anonymous identity by client
 * address until `authenticate` sets the caller. Mount it before `authenticate`, `limits` and the
 * routes; with `config` given, everything is built and checked right here, at start-up. The
 * options may also be a function of the Worker's bindings, called once per bindings object (e.g.
 * to pass the simulator's `fetch` when `UPSTREAM=simulator`).
 *
 * @example
 * const app = new Hono<GatewayEnv>()
 * app.use('/ai/*', gateway({ tools: [orderStatus] }))
 * app.use('/ai/v1/*', authenticate(), limits())
 * app.post('/ai/v1/chat', requestBodyLimit(), chatHandler)
 */
export function gateway(options: GatewayOptions | ((env: Bindings) => GatewayOptions) = {}): MiddlewareHandler<GatewayEnv> {
  // Built once: from the options at start-up when they hold a config, else on the first request
  // from the Worker's bindings (again only if the bindings object changes).
  const eager = typeof options === 'object' && options.config ? build(options, options.config) : undefined
  let fromEnv: { env: unknown; built: Built } | undefined
  const builtFor = (env: unknown): Built => {
    if (eager) return eager
    if (fromEnv && fromEnv.env === env) return fromEnv.built
    const bindings = (env ?? {}) as Bindings
    const resolved = typeof options === 'function' ? options(bindings) : options
    const built = build(resolved, resolved.config ?? parseConfig(bindings))
    fromEnv = { env, built }
    return built
  }

  return async function gateway(c, next) {
    const { parts, logger, clientIpSource } = builtFor(c.env)
    c.set('requestId', c.get('requestId') ?? crypto.randomUUID())
    c.set('config', parts.config)
    c.set('upstream', parts.upstream)
    c.set('limiter', parts.limiter)
    c.set('tools', parts.tools)
    c.set('assistants', parts.assistants)
    c.set('assistant', undefined)
    c.set('admission', admitAll)
    c.set('logger', logger)
    c.set('clientIp', clientIpSource)
    c.set('conversations', conversationStore(parts.config, c.env))
    // Public routes count against the client address; `authenticate` sets the caller on /v1/*.
    c.set('identity', { kind: 'anonymous', id: `ip:${clientIp(c, clientIpSource)}` })
    const meter = c.get('meter') ?? new RequestMeter()
    c.set('meter', meter)
    const pace = new RequestPace(() => c.get('identity').id)
    c.set('pace', pace)
    const pacer = parts.upstream.pacer
    // Output tokens reserved as max_tokens but not generated go back to the pace once the request is done.
    if (pacer)
      waitUntil(
        c,
        meter.done.then((done) =>
          pace.heldOutput.size ? pacer.settle(pace, outputByGroup(parts.config.catalogue, done.calls)) : undefined,
        ),
      )
    c.header('request-id', c.get('requestId'))
    try {
      await next()
      answerDefaultHandledError(c)
    } finally {
      // A stream finishes its meter when it closes; everything else is finished here.
      if (!c.res.headers.get('content-type')?.startsWith('text/event-stream')) meter.finish(c.res.ok ? 'ok' : 'error')
    }
  }
}
