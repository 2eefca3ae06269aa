// claude-edge as the bench runs it: the deployable Worker's app (demo tools registered, as in
// src/worker.ts), a client key, and limits generous enough that they are checked but never refuse.
import { createHash } from 'node:crypto'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { demoTools } from '../../src/tools/demo/index.ts'
import { BENCH_KEY } from '../lib/contenders.ts'

export interface ClaudeEdgeBenchOptions {
  /** Messages API base URL (the simulator). */
  baseURL: string
  /** Limits on Redis through the Upstash bridge; default: in-memory limits. */
  upstash?: { url: string; token: string }
}

/** Environment variables (strings, as `wrangler dev --var` passes them) for the bench's claude-edge. */
export function claudeEdgeEnv({ baseURL, upstash }: ClaudeEdgeBenchOptions): Record<string, string> {
  const sha256 = createHash('sha256').update(BENCH_KEY).digest('hex')
  return {
    UPSTREAM: 'anthropic',
    ANTHROPIC_API_KEY: 'sk-ant-bench',
    ANTHROPIC_BASE_URL: baseURL,
    CLIENT_KEYS: JSON.stringify([{ id: 'bench', sha256 }]),
    RATE_LIMIT: '100000000/1m',
    ANONYMOUS_RATE_LIMIT: '100000000/1m',
    TOKEN_LIMIT: '1000000000000/1m',
    DAILY_BUDGET_USD: '1000000',
    GLOBAL_DAILY_BUDGET_USD: '1000000',
    ...(upstash && { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token }),
  }
}

/** The same app `src/worker.ts` builds, with an injected upstream fetch (in-process runs). */
export function createClaudeEdgeApp(options: ClaudeEdgeBenchOptions & { fetch?: typeof fetch }) {
  const config = parseConfig(claudeEdgeEnv(options))
  return createApp({ config, tools: demoTools, ...(options.fetch && { fetch: options.fetch }) })
}
