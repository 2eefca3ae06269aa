import type { TokenBucket } from './bucket.ts'

/** The buckets of one model group; a limit not configured has no bucket. */
export interface GroupBuckets {
  requests?: TokenBucket | undefined
  input?: TokenBucket | undefined
  output?: TokenBucket | undefined
}

/** RFC 3339, whole seconds rounded up (the bucket is full by then), as Anthropic writes it: `2026-11-02T10:15:31Z`. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function describe(bucket: TokenBucket, now: number, roundTo: number): [limit: string, remaining: string, reset: string] {
  const remaining = Math.max(0, Math.floor(bucket.level(now)))
  return [
    String(bucket.perMinute),
    String(roundTo > 1 ? Math.round(remaining / roundTo) * roundTo : remaining),
    rfc3339(now + bucket.untilFull(now)),
  ]
}

/** The fuller of the two buckets is the less restrictive: the tokens headers show the other one. */
function mostRestrictive(input: TokenBucket | undefined, output: TokenBucket | undefined, now: number): TokenBucket | undefined {
  if (!input || !output) return input ?? output
  return output.level(now) / output.capacity < input.level(now) / input.capacity ? output : input
}

/**
 * Anthropic's rate-limit headers for a group at `now`: `anthropic-ratelimit-{requests,input-tokens,
 * output-tokens}-{limit,remaining,reset}` for each configured limit, and `anthropic-ratelimit-tokens-*`
 * for the most restrictive token limit (the input or output bucket with the smaller share left).
 * `roundRemaining` rounds the token remainders to the nearest thousand.
 */
export function rateLimitHeaders(buckets: GroupBuckets, now: number, roundRemaining: boolean): Record<string, string> {
  const headers: Record<string, string> = {}
  const roundTo = roundRemaining ? 1000 : 1
  const put = (name: string, bucket: TokenBucket | undefined, round: number) => {
    if (!bucket) return
    const [limit, remaining, reset] = describe(bucket, now, round)
    headers[`anthropic-ratelimit-${name}-limit`] = limit
    headers[`anthropic-ratelimit-${name}-remaining`] = remaining
    headers[`anthropic-ratelimit-${name}-reset`] = reset
  }
  put('requests', buckets.requests, 1)
  put('input-tokens', buckets.input, roundTo)
  put('output-tokens', buckets.output, roundTo)
  put('tokens', mostRestrictive(buckets.input, buckets.output, now), roundTo)
  return headers
}
