import * as z from 'zod/mini'
import './validation/zod.ts'
import { assistantSchema, type Assistant } from './assistants/define-assistant.ts'
import { Catalogue, familyOf, type PriceOverrides } from './models/catalogue.ts'
import { parseRate, type Rate } from './validation/rate.ts'

export { parseRate, type Rate }

export interface ClientKey {
  id: string
  /** Lower-case hex SHA-256 of the key; the key itself is never configured. */
  sha256: string
  scopes?: string[]
  models?: string[]
  maxTokens?: number
  /** Assistants this key is bound to (see `Identity.assistants`). */
  assistants?: string[]
  /** Passthrough allowed for this key (see `Identity.allow`). */
  allow?: string[]
  rateLimit?: Rate
  tokenLimit?: Rate
  dailyBudgetUsd?: number
}

/**
 * Ceilings of Anthropic's rate limits for one key of `UPSTREAM_LIMITS` (a model, alias, rate-limit
 * group, family or `*`): per minute, as the Console shows them.
 */
export interface UpstreamLimit {
  rpm?: number
  itpm?: number
  otpm?: number
  /** Bucket size in seconds of refill, for all three. Default: 1 s of requests, 60 s of tokens. */
  burstSeconds?: number
}

/** Everything the gateway reads from its environment, validated once. */
export interface Config {
  upstream: 'anthropic' | 'simulator'
  anthropicApiKey?: string
  anthropicBaseUrl?: string
  upstash?: { url: string; token: string }
  clientKeys: ClientKey[]
  /** From `ASSISTANTS` (JSON); `createApp({ assistants })` adds those defined in code. */
  assistants: Assistant[]
  sessionSecret?: string
  /** `SESSION_SECRET_PREVIOUS`: the secret before a rotation, still accepted. */
  sessionSecretPrevious?: string
  allowAnonymous: boolean
  allowedOrigins: string[]
  catalogue: Catalogue
  defaultModel: string
  allowedModels: string[]
  fallbackModels: string[]
  defaultMaxTokens: number
  rateLimit: Rate | null
  anonymousRateLimit: Rate | null
  tokenLimit: Rate | null
  dailyBudgetUsd: number | null
  globalDailyBudgetUsd: number | null
  maxInputTokens: number
  contextOverflow: 'trim' | 'reject'
  maxBodyBytes: number
  heartbeatMs: number
  upstreamIdleTimeoutMs: number
  upstreamDeadlineMs: number
  redisTimeoutMs: number
  limitsOnRedisError: 'open' | 'closed'
  promptCaching: boolean
  maxSteps: number
  logBodies: boolean
  demoPage: boolean
  /** Bounds of a stored conversation: `CONVERSATION_MAX_MESSAGES`, `CONVERSATION_MAX_TOKENS`, `CONVERSATION_TTL` (idle, ms). */
  conversations: { maxMessages: number; maxTokens: number; ttlMs: number }
  /** Name of the Durable Object binding that runs resumable generations (`CONVERSATIONS_BINDING`). */
  conversationsBinding: string
  /** `UPSTREAM_LIMITS`, by key as configured (model, alias, group, family or `*`). */
  upstreamLimits: Record<string, UpstreamLimit>
  /** Longest a model call waits for its turn under the upstream pace (`QUEUE_MAX_WAIT_MS`). */
  queueMaxWaitMs: number
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const optionalString = z.optional(z.string())

const flag = (fallback: boolean) =>
  z.pipe(
    z.optional(z.enum(['true', 'false', '1', '0', 'yes', 'no'])),
    z.transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v))),
  )

const int = (fallback: number, min = 0) =>
  z.pipe(
    optionalString,
    z.transform((v, ctx) => {
      if (v === undefined) return fallback
      if (!/^\d+$/.test(v) || Number(v) < min)
        ctx.issues.push({ code: 'custom', message: `expected a whole number ≥ ${min}, got "${v}"`, input: v })
      return Number(v)
    }),
  )

const DURATION_UNITS_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration like `7d`, `12h`, `30m` or `90s` (or whole seconds), in ms. */
const duration = (fallback: string) =>
  z.pipe(
    optionalString,
    z.transform((v, ctx) => {
      const match = /^(\d+)\s*([smhd]?)$/.exec(v ?? fallback)
      if (!match || Number(match[1]) === 0) {
        ctx.issues.push({ code: 'custom', message: `expected a duration like "7d", "12h", "30m" or "90s", got "${v}"`, input: v })
        return 0
      }
      return Number(match[1]) * DURATION_UNITS_MS[match[2] || 's']!
    }),
  )

const usd = z.pipe(
  optionalString,
  z.transform((v, ctx) => {
    if (v === undefined) return null
    if (!/^\d+(\.\d+)?$/.test(v))
      ctx.issues.push({ code: 'custom', message: `expected an amount in USD like "5" or "0.50", got "${v}"`, input: v })
    return Number(v)
  }),
)

const rate = (fallback: string | null) =>
  z.pipe(
    optionalString,
    z.transform((v, ctx) => {
      if (v === undefined || v === '') return fallback === null ? null : parseRate(fallback)
      if (v === 'off') return null
      const parsed = parseRate(v)
      if (!parsed)
        ctx.issues.push({
          code: 'custom',
          message: `expected "<count>/<window>" like "60/1m" (units ms, s, m, h, d) or "off", got "${v}"`,
          input: v,
        })
      return parsed
    }),
  )

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z._default(z.optional(z.enum(values)), fallback)

const list = z.pipe(
  optionalString,
  z.transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
)

const json = <T extends z.ZodMiniType>(schema: T, what: string) =>
  z.pipe(
    optionalString,
    z.transform((v, ctx): z.output<T> | undefined => {
      if (v === undefined || v.trim() === '') return undefined
      let parsed: unknown
      try {
        parsed = JSON.parse(v)
      } catch {
        ctx.issues.push({ code: 'custom', message: `expected JSON (${what})`, input: '' })
        return undefined
      }
      const result = z.safeParse(schema, parsed)
      if (!result.success) {
        for (const issue of result.error.issues) {
          ctx.issues.push({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}`, input: '' })
        }
        return undefined
      }
      return result.data
    }),
  )

const price = z.optional(z.number().check(z.nonnegative()))

const clientKeySchema = z.strictObject({
  id: z.string().check(z.regex(/^[\w.-]{1,64}$/, 'id: letters, digits, _ . - (1-64)')),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/i, 'sha256: 64 hex characters (the SHA-256 of the key, never the key)')),
  scopes: z.optional(z.array(z.string())),
  models: z.optional(z.array(z.string())),
  assistants: z.optional(z.array(z.string())),
  max_tokens: z.optional(z.int().check(z.positive())),
  allow: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64)))),
  rate_limit: optionalString,
  token_limit: optionalString,
  daily_budget_usd: price,
})

const priceSchema = z.record(
  z.string(),
  z.strictObject({ input: price, output: price, cacheWrite: price, cacheWrite1h: price, cacheRead: price }),
)

const perMinute = z.optional(z.int().check(z.positive()))
const upstreamLimitSchema = z.strictObject({
  rpm: perMinute,
  itpm: perMinute,
  otpm: perMinute,
  burst_seconds: z.optional(z.number().check(z.positive(), z.lte(60))),
})

const envSchema = z.object({
  UPSTREAM: oneOf(['anthropic', 'simulator', 'auto'], 'anthropic'),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: z.optional(z.url()),
  UPSTASH_REDIS_REST_URL: z.optional(z.url()),
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  ASSISTANTS: json(
    z.array(assistantSchema),
    'an array of {id, system, model, max_tokens, version?, tools?, client_tools?, temperature?, output_schema?, public?, rate_limit?, daily_budget_usd?}',
  ),
  CLIENT_KEYS: json(
    z.array(clientKeySchema),
    'an array of {id, sha256, scopes?, models?, assistants?, max_tokens?, allow?, rate_limit?, token_limit?, daily_budget_usd?}',
  ),
  SESSION_SECRET: z.optional(z.string().check(z.minLength(32, 'expected at least 32 characters'))),
  SESSION_SECRET_PREVIOUS: z.optional(z.string().check(z.minLength(32, 'expected at least 32 characters'))),
  ALLOW_ANONYMOUS: flag(false),
  ALLOWED_ORIGINS: list,
  DEFAULT_MODEL: z._default(optionalString, 'balanced'),
  ALLOWED_MODELS: list,
  FALLBACK_MODELS: list,
  DEFAULT_MAX_TOKENS: int(1024, 1),
  MODEL_PRICES: json(priceSchema, 'model id or alias → {input, output, cacheWrite, cacheWrite1h, cacheRead} in USD per million tokens'),
  RATE_LIMIT: rate('60/1m'),
  ANONYMOUS_RATE_LIMIT: rate('10/1m'),
  TOKEN_LIMIT: rate('100000/1m'),
  DAILY_BUDGET_USD: usd,
  GLOBAL_DAILY_BUDGET_USD: usd,
  MAX_INPUT_TOKENS: int(100_000, 1),
  CONTEXT_OVERFLOW: oneOf(['trim', 'reject'], 'trim'),
  MAX_BODY_BYTES: int(1_048_576, 1),
  HEARTBEAT_MS: int(15_000, 100),
  UPSTREAM_IDLE_TIMEOUT_MS: int(60_000, 100),
  UPSTREAM_DEADLINE_MS: int(120_000, 100),
  REDIS_TIMEOUT_MS: int(1_000, 1),
  LIMITS_ON_REDIS_ERROR: oneOf(['open', 'closed'], 'open'),
  PROMPT_CACHING: flag(true),
  MAX_STEPS: int(5, 1),
  LOG_BODIES: flag(false),
  DEMO_PAGE: flag(false),
  CONVERSATION_MAX_MESSAGES: int(100, 2),
  CONVERSATION_MAX_TOKENS: int(50_000, 100),
  CONVERSATION_TTL: duration('7d'),
  CONVERSATIONS_BINDING: z._default(optionalString, 'CONVERSATIONS'),
  UPSTREAM_LIMITS: json(
    z.record(z.string(), upstreamLimitSchema),
    'model, alias, rate-limit group, family or "*" → {rpm?, itpm?, otpm?, burst_seconds?}',
  ),
  QUEUE_MAX_WAIT_MS: int(20_000, 0),
})

/**
 * Parses and validates the Worker's environment. Throws a ConfigError naming every bad
 * variable and what it expects; never echoes a secret's value.
 */
export function parseConfig(env: Record<string, unknown>): Config {
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' && value !== '') strings[name] = value
    else if (typeof value === 'number' || typeof value === 'boolean') strings[name] = String(value)
  }
  const result = z.safeParse(envSchema, strings)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${String(issue.path[0] ?? '(env)')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n- ${lines.join('\n- ')}`)
  }
  const e = result.data
  const problems: string[] = []

  const catalogue = new Catalogue((e.MODEL_PRICES ?? {}) as PriceOverrides)
  for (const name of Object.keys(e.MODEL_PRICES ?? {})) {
    if (!catalogue.get(name)) problems.push(`MODEL_PRICES: unknown model "${name}"`)
  }
  const resolve = (variable: string, name: string): string | undefined => {
    const model = catalogue.get(name)
    if (!model) problems.push(`${variable}: unknown model "${name}"; known: ${catalogue.names().join(', ')}`)
    return model?.id
  }
  const allowedModels = e.ALLOWED_MODELS.length
    ? e.ALLOWED_MODELS.map((n) => resolve('ALLOWED_MODELS', n)).filter((id): id is string => !!id)
    : catalogue.models.map((m) => m.id)
  const defaultModel = resolve('DEFAULT_MODEL', e.DEFAULT_MODEL) ?? ''
  if (defaultModel && !allowedModels.includes(defaultModel)) {
    problems.push(`DEFAULT_MODEL: "${e.DEFAULT_MODEL}" is not in ALLOWED_MODELS`)
  }
  const fallbackModels = e.FALLBACK_MODELS.map((n) => resolve('FALLBACK_MODELS', n)).filter((id): id is string => !!id)

  // `auto` (what `npm start` sets) uses the simulator only when no key is configured.
  const upstream = e.UPSTREAM === 'auto' ? (e.ANTHROPIC_API_KEY ? 'anthropic' : 'simulator') : e.UPSTREAM
  if (upstream === 'anthropic' && !e.ANTHROPIC_API_KEY) {
    problems.push(
      'ANTHROPIC_API_KEY: not set. Set it with `wrangler secret put ANTHROPIC_API_KEY`, or set UPSTREAM=simulator for local development',
    )
  }
  if (!!e.UPSTASH_REDIS_REST_URL !== !!e.UPSTASH_REDIS_REST_TOKEN) {
    problems.push('UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN: set both or neither')
  }
  if (e.ALLOW_ANONYMOUS && e.ALLOWED_ORIGINS.length === 0) {
    problems.push('ALLOWED_ORIGINS: required when ALLOW_ANONYMOUS=true (anonymous access is only for listed origins)')
  }
  for (const origin of e.ALLOWED_ORIGINS) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://example.com (no path, no trailing slash)`)
  }

  const clientKeys: ClientKey[] = []
  for (const [i, k] of (e.CLIENT_KEYS ?? []).entries()) {
    const rateOf = (field: string, v?: string) => {
      if (v === undefined) return undefined
      const parsed = parseRate(v)
      if (!parsed) problems.push(`CLIENT_KEYS[${i}].${field}: expected "<count>/<window>" like "60/1m", got "${v}"`)
      return parsed ?? undefined
    }
    clientKeys.push({
      id: k.id,
      sha256: k.sha256.toLowerCase(),
      ...(k.scopes && { scopes: k.scopes }),
      ...(k.models && { models: k.models.map((n) => resolve(`CLIENT_KEYS[${i}].models`, n)).filter((id): id is string => !!id) }),
      ...(k.max_tokens !== undefined && { maxTokens: k.max_tokens }),
      ...(k.allow && { allow: k.allow }),
      ...(k.assistants && { assistants: k.assistants }),
      ...(k.rate_limit !== undefined && { rateLimit: rateOf('rate_limit', k.rate_limit) }),
      ...(k.token_limit !== undefined && { tokenLimit: rateOf('token_limit', k.token_limit) }),
      ...(k.daily_budget_usd !== undefined && { dailyBudgetUsd: k.daily_budget_usd }),
    })
  }
  const upstreamLimits: Record<string, UpstreamLimit> = {}
  const limitKeys = new Set(['*', ...catalogue.names(), ...catalogue.models.flatMap((m) => [m.rateLimitGroup, familyOf(m)])])
  for (const [key, l] of Object.entries(e.UPSTREAM_LIMITS ?? {})) {
    if (!limitKeys.has(key))
      problems.push(`UPSTREAM_LIMITS: unknown key "${key}"; use a model, alias, group, family or "*": ${[...limitKeys].join(', ')}`)
    upstreamLimits[key] = {
      ...(l.rpm !== undefined && { rpm: l.rpm }),
      ...(l.itpm !== undefined && { itpm: l.itpm }),
      ...(l.otpm !== undefined && { otpm: l.otpm }),
      ...(l.burst_seconds !== undefined && { burstSeconds: l.burst_seconds }),
    }
  }

  const ids = clientKeys.map((k) => k.id)
  for (const id of new Set(ids)) if (ids.indexOf(id) !== ids.lastIndexOf(id)) problems.push(`CLIENT_KEYS: duplicate id "${id}"`)

  if (problems.length) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`)

  return {
    upstream,
    ...(e.ANTHROPIC_API_KEY && { anthropicApiKey: e.ANTHROPIC_API_KEY }),
    ...(e.ANTHROPIC_BASE_URL && { anthropicBaseUrl: e.ANTHROPIC_BASE_URL }),
    ...(e.UPSTASH_REDIS_REST_URL &&
      e.UPSTASH_REDIS_REST_TOKEN && { upstash: { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN } }),
    clientKeys,
    assistants: (e.ASSISTANTS ?? []) as Assistant[],
    ...(e.SESSION_SECRET && { sessionSecret: e.SESSION_SECRET }),
    ...(e.SESSION_SECRET_PREVIOUS && { sessionSecretPrevious: e.SESSION_SECRET_PREVIOUS }),
    allowAnonymous: e.ALLOW_ANONYMOUS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    catalogue,
    defaultModel,
    allowedModels,
    fallbackModels,
    defaultMaxTokens: e.DEFAULT_MAX_TOKENS,
    rateLimit: e.RATE_LIMIT,
    anonymousRateLimit: e.ANONYMOUS_RATE_LIMIT,
    tokenLimit: e.TOKEN_LIMIT,
    dailyBudgetUsd: e.DAILY_BUDGET_USD,
    globalDailyBudgetUsd: e.GLOBAL_DAILY_BUDGET_USD,
    maxInputTokens: e.MAX_INPUT_TOKENS,
    contextOverflow: e.CONTEXT_OVERFLOW,
    maxBodyBytes: e.MAX_BODY_BYTES,
    heartbeatMs: e.HEARTBEAT_MS,
    upstreamIdleTimeoutMs: e.UPSTREAM_IDLE_TIMEOUT_MS,
    upstreamDeadlineMs: e.UPSTREAM_DEADLINE_MS,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    limitsOnRedisError: e.LIMITS_ON_REDIS_ERROR,
    promptCaching: e.PROMPT_CACHING,
    maxSteps: e.MAX_STEPS,
    logBodies: e.LOG_BODIES,
    demoPage: e.DEMO_PAGE,
    conversations: { maxMessages: e.CONVERSATION_MAX_MESSAGES, maxTokens: e.CONVERSATION_MAX_TOKENS, ttlMs: e.CONVERSATION_TTL },
    conversationsBinding: e.CONVERSATIONS_BINDING,
    upstreamLimits,
    queueMaxWaitMs: e.QUEUE_MAX_WAIT_MS,
  }
}
