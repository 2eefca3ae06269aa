import type { Hono } from 'hono'

export interface SimulatorOptions {
  /**
   * API keys accepted, as `x-api-key: <key>` or `Authorization: Bearer <key>`.
   * @default any key that starts with `sk-ant-`
   */
  apiKeys?: string[]
  /**
   * Sleep used for `delay`, `stall` and JSON-mode pacing; must reject when `signal` aborts.
   * @default a setTimeout-based, abort-aware sleep
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /**
   * Model ids served (others answer 404 `not_found_error`). Ids outside the built-in table get
   * 5.x limits (1M context, 128K output, newer tokenizer).
   * @default every model of November 2026 (`DEFAULT_MODELS`)
   */
  models?: string[]
  /**
   * Smallest prefix, in tokens, that a `cache_control` breakpoint caches, for every model (shorter
   * prefixes are silently not cached, like the real API).
   * @default per model: 4096 for Opus 4.5–4.8 and Haiku 4.5, 2048 for Haiku 5.5, 1024 otherwise
   */
  cacheMinTokens?: number
  /**
   * Anthropic's rate limits, per model group (docs/simulator.md#rate-limits): token buckets for
   * requests, input and output tokens, a 429 `rate_limit_error` with `retry-after` when a request
   * does not fit, and `anthropic-ratelimit-*` headers on every Messages response of a limited model.
   * @default none: every request is served, no rate-limit headers
   */
  rateLimits?: SimulatorRateLimits
  /**
   * The clock of the rate limits (milliseconds since the epoch): inject one to test refills
   * without waiting. The reset headers are times on this clock.
   * @default Date.now
   */
  now?: () => number
}

/** Per-minute limits; a limit left out is not enforced (and its headers are not sent). */
export interface RateLimit {
  /** Requests per minute. */
  rpm?: number
  /** Input tokens per minute (uncached: cache reads do not count, cache writes do). */
  itpm?: number
  /** Output tokens per minute. */
  otpm?: number
  /**
   * Seconds' worth of each limit a bucket holds: the largest burst. At `rpm: 120, burstSeconds: 1`
   * two requests pass at once, then one every 0.5 s (Anthropic: "60 RPM might be enforced as 1
   * request per second"). At least one request or token. At the top level: for every group that
   * does not set its own.
   * @default 60 (a whole minute's worth)
   */
  burstSeconds?: number
}

/** A model group's limits and, for a group not named after a default group, its models. */
export interface RateLimitGroup extends RateLimit {
  /** Model ids pooled in this group (dated ids and their alias count as one). Required unless the group's name is a default group's. */
  models?: string[]
}

/**
 * `rpm`, `itpm` and `otpm` at the top level limit every default group not named in `groups`, each
 * group with buckets of its own (`{ rpm: 120 }`: 120 requests a minute for Opus 4.x, as many for
 * Sonnet 5, …).
 */
export interface SimulatorRateLimits extends RateLimit {
  /**
   * Limits per group. A group named after a default group (`DEFAULT_RATE_LIMIT_GROUPS`: `opus-4.x`,
   * `sonnet-5`, …) covers that group's models plus any in `models`; another name covers its `models`
   * only. A model listed in a group's `models` leaves its default group.
   */
  groups?: Record<string, RateLimitGroup>
  /**
   * How output tokens are counted. `reserve`: `max_tokens` is taken when the request is admitted (a
   * request whose `max_tokens` does not fit is a 429) and the unused part given back when the reply
   * ends. `generated`: admitted while the output bucket holds at least one token, the reply's output
   * taken when it ends (the bucket may go below zero).
   * @default 'reserve'
   */
  outputTokens?: 'reserve' | 'generated'
  /** Round the token `-remaining` headers to the nearest thousand, as Anthropic does. @default false (exact, floored) */
  roundRemaining?: boolean
}

export interface Simulator {
  /** The Hono app: mount it (`app.route('/', sim.app)`) or serve it. */
  app: Hono
  /** A drop-in `fetch` for `new Anthropic({ fetch })`: every URL goes to `app`, whatever its host. */
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** What the simulator saw, newest last: the last 1000 requests, with at most 16 M characters of bodies (oldest dropped first). */
  requests: SimulatorRequestRecord[]
  /** Clears the records, the per-directive `times` counters, the prompt cache and the id sequence, and fills the rate-limit buckets. */
  reset(): void
}

export interface SimulatorRequestRecord {
  /** The `request-id` the simulator answered with. */
  id: string
  path: string
  model?: string
  stream: boolean
  status: number
  /** `anthropic-version`, `anthropic-beta` when sent, and `auth`: `x-api-key` | `bearer` | `none` (never the key). */
  headers: Record<string, string>
  /** The JSON body as received. */
  body?: unknown
  /** SSE events written (pings and a mid-stream `error` included). */
  eventsSent: number
  /** The whole reply was delivered (JSON sent, or `message_stop` written). */
  completed: boolean
  /** The client aborted the request or cancelled the stream before the end. */
  cancelled: boolean
}
