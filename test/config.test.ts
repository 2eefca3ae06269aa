import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig, parseRate } from '../src/config.ts'

const sim = { UPSTREAM: 'simulator' }

describe('parseConfig', () => {
  it('fills safe defaults', () => {
    const config = parseConfig(sim)
    expect(config.defaultModel).toBe('claude-sonnet-5-5')
    expect(config.maxBodyBytes).toBe(1_048_576)
    expect(config.heartbeatMs).toBe(15_000)
    expect(config.rateLimit).toEqual({ limit: 60, windowMs: 60_000, window: '1 m' })
    expect(config.allowAnonymous).toBe(false)
    expect(config.limitsOnRedisError).toBe('open')
    expect(config.promptCaching).toBe(true)
    expect(config.allowedModels).toContain('claude-haiku-5-5')
  })

  it('resolves aliases in DEFAULT_MODEL, ALLOWED_MODELS and FALLBACK_MODELS', () => {
    const config = parseConfig({ ...sim, DEFAULT_MODEL: 'fast', ALLOWED_MODELS: 'fast, smart', FALLBACK_MODELS: 'smart,fast' })
    expect(config.defaultModel).toBe('claude-haiku-5-5')
    expect(config.allowedModels).toEqual(['claude-haiku-5-5', 'claude-opus-5-5'])
    expect(config.fallbackModels).toEqual(['claude-opus-5-5', 'claude-haiku-5-5'])
  })

  it.each([
    [{ RATE_LIMIT: 'lots' }, 'RATE_LIMIT'],
    [{ MAX_BODY_BYTES: '-3' }, 'MAX_BODY_BYTES'],
    [{ HEARTBEAT_MS: 'soon' }, 'HEARTBEAT_MS'],
    [{ CONTEXT_OVERFLOW: 'drop' }, 'CONTEXT_OVERFLOW'],
    [{ DEFAULT_MODEL: 'gpt-5' }, 'DEFAULT_MODEL'],
    [{ ALLOWED_MODELS: 'fast', DEFAULT_MODEL: 'smart' }, 'DEFAULT_MODEL'],
    [{ DAILY_BUDGET_USD: 'ten' }, 'DAILY_BUDGET_USD'],
    [{ ALLOW_ANONYMOUS: 'true' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://example.com/' }, 'ALLOWED_ORIGINS'],
    [{ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }, 'UPSTASH_REDIS_REST_TOKEN'],
    [{ CLIENT_KEYS: '{not json' }, 'CLIENT_KEYS'],
    [{ CLIENT_KEYS: '[{"id":"a","sha256":"abc"}]' }, 'CLIENT_KEYS'],
    [{ MODEL_PRICES: '{"gpt-5":{"input":1}}' }, 'MODEL_PRICES'],
    [{ LOG_BODIES: 'maybe' }, 'LOG_BODIES'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(() => parseConfig({ ...sim, ...env })).toThrowError(ConfigError)
    expect(() => parseConfig({ ...sim, ...env })).toThrowError(new RegExp(variable))
  })

  it('requires ANTHROPIC_API_KEY unless the simulator is asked for, without echoing secrets', () => {
    expect(() => parseConfig({})).toThrowError(/ANTHROPIC_API_KEY: not set/)
    const secret = 'sk-ant-api03-secret-value'
    const config = parseConfig({ ANTHROPIC_API_KEY: secret })
    expect(config.upstream).toBe('anthropic')
    const error = catching(() => parseConfig({ ANTHROPIC_API_KEY: secret, RATE_LIMIT: 'x' }))
    expect(error).toBeInstanceOf(ConfigError)
    expect(String(error)).toMatch(/RATE_LIMIT/)
    expect(String(error)).not.toContain(secret)
  })

  it('UPSTREAM=auto picks the simulator only when no key is set', () => {
    expect(parseConfig({ UPSTREAM: 'auto' }).upstream).toBe('simulator')
    expect(parseConfig({ UPSTREAM: 'auto', ANTHROPIC_API_KEY: 'sk-ant-x' }).upstream).toBe('anthropic')
  })

  it('applies MODEL_PRICES overrides by id or alias', () => {
    const config = parseConfig({ ...sim, MODEL_PRICES: '{"fast":{"input":0.2},"claude-opus-5-5":{"output":30}}' })
    expect(config.catalogue.get('fast')!.pricing.input).toBe(0.2)
    expect(config.catalogue.get('fast')!.pricing.output).toBe(0.5)
    expect(config.catalogue.get('smart')!.pricing.output).toBe(30)
  })
})

describe('parseRate', () => {
  it.each([
    ['60/1m', { limit: 60, windowMs: 60_000, window: '1 m' }],
    ['100000/m', { limit: 100_000, windowMs: 60_000, window: '1 m' }],
    ['5 / 10s', { limit: 5, windowMs: 10_000, window: '10 s' }],
    ['1000/1d', { limit: 1000, windowMs: 86_400_000, window: '1 d' }],
  ])('parses %s', (input, expected) => expect(parseRate(input)).toEqual(expected))

  it.each(['', '60', '0/1m', '60/0m', '60/1w', 'a/1m'])('rejects %j', (input) => expect(parseRate(input)).toBeNull())
})

/** The error `run` throws (the test fails if it throws nothing). */
function catching(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected an error, but nothing was thrown')
}
