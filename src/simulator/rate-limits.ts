import { TokenBucket } from './bucket.ts'
import { SimError } from './errors.ts'
import { resolveRateLimits } from './rate-config.ts'
import { type GroupBuckets, rateLimitHeaders } from './rate-headers.ts'
import type { SimulatorRateLimits } from './types.ts'

/** An admitted request: the headers to answer with, and the output adjustment once its reply ends. */
export interface Admission {
  headers: Record<string, string>
  /** Counts the reply's output tokens against the group (once; later calls do nothing). */
  settle(outputTokens: number): void
}

export interface RateLimiter {
  /**
   * Takes one request, `inputTokens` (uncached) and the output estimate from the model's group, or
   * throws a 429 `SimError` (with `retry-after` and the headers) and takes nothing. `undefined`
   * when the model is not limited.
   */
  admit(model: string, inputTokens: number, maxTokens: number): Admission | undefined
  /** Every bucket full again. */
  reset(): void
}

type Dimension = keyof GroupBuckets
const UNIT: Record<Dimension, string> = { requests: 'requests', input: 'input tokens', output: 'output tokens' }
const fmt = (n: number) => n.toLocaleString('en-US')

function refusal(model: string, dimension: Dimension, bucket: TokenBucket, need: number): string {
  const limit = `${fmt(bucket.perMinute)} ${UNIT[dimension]} per minute (model: ${model})`
  const what =
    need > bucket.capacity
      ? `This request's ${fmt(need)} ${UNIT[dimension]} exceed your organization's rate limit of ${limit}.`
      : `This request would exceed your organization's rate limit of ${limit}.`
  return (
    `${what} For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current ` +
    'usage. Please reduce the prompt length or the maximum tokens requested, or try again later.'
  )
}

/** Anthropic's limiter: per model group, a token bucket for requests, input tokens and output tokens. */
export function createRateLimiter(config: SimulatorRateLimits, now: () => number): RateLimiter {
  const limitsOf = resolveRateLimits(config)
  const reserve = (config.outputTokens ?? 'reserve') === 'reserve'
  const round = config.roundRemaining === true
  const groups = new Map<string, GroupBuckets>()

  function bucketsOf(model: string, t: number): GroupBuckets | undefined {
    const applied = limitsOf(model)
    if (!applied) return undefined
    let buckets = groups.get(applied.group)
    if (!buckets) {
      const { rpm, itpm, otpm, burstSeconds = 60 } = applied.limits
      const bucket = (perMinute: number | undefined) =>
        perMinute === undefined ? undefined : new TokenBucket(perMinute, t, Math.max(1, (perMinute * burstSeconds) / 60))
      buckets = { requests: bucket(rpm), input: bucket(itpm), output: bucket(otpm) }
      groups.set(applied.group, buckets)
    }
    return buckets.requests || buckets.input || buckets.output ? buckets : undefined
  }

  return {
    admit(model, inputTokens, maxTokens) {
      const t = now()
      const buckets = bucketsOf(model, t)
      if (!buckets) return undefined
      const output = reserve ? maxTokens : 0
      // What must be in each bucket, and what is taken from it.
      const asks: [Dimension, need: number, take: number][] = [
        ['requests', 1, 1],
        ['input', inputTokens, inputTokens],
        ['output', reserve ? maxTokens : 1, output],
      ]
      let binding: { dimension: Dimension; bucket: TokenBucket; need: number; wait: number } | undefined
      for (const [dimension, need] of asks) {
        const bucket = buckets[dimension]
        if (!bucket) continue
        const fits = bucket.waitFor(need, t)
        // A request larger than the bucket never fits: the soonest honest retry is when the bucket is full.
        const wait = Number.isFinite(fits) ? fits : bucket.untilFull(t)
        if (fits > 0) {
          if (!binding || wait > binding.wait) binding = { dimension, bucket, need, wait }
        }
      }
      if (binding) {
        const headers = rateLimitHeaders(buckets, t, round)
        headers['retry-after'] = String(Math.max(1, Math.ceil(binding.wait / 1000)))
        throw new SimError(429, refusal(model, binding.dimension, binding.bucket, binding.need), 'rate_limit_error', headers)
      }
      for (const [dimension, , take] of asks) buckets[dimension]?.take(take, t)
      let settled = false
      return {
        headers: rateLimitHeaders(buckets, t, round),
        settle(outputTokens) {
          if (settled) return
          settled = true
          buckets.output?.take(outputTokens - output, now())
        },
      }
    },
    reset() {
      groups.clear()
    },
  }
}
