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
}

export interface Simulator {
  /** The Hono app: mount it (`app.route('/', sim.app)`) or serve it. */
  app: Hono
  /** A drop-in `fetch` for `new Anthropic({ fetch })`: every URL goes to `app`, whatever its host. */
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** What the simulator saw, newest last: the last 1000 requests, with at most 16 M characters of bodies (oldest dropped first). */
  requests: SimulatorRequestRecord[]
  /** Clears the records, the per-directive `times` counters, the prompt cache and the id sequence. */
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
