import type { Context, MiddlewareHandler } from 'hono'
import { waitUntil } from '../background/wait-until.ts'
import { loggerOf, type LogLine, type Logger } from '../logger/logger.ts'
import { RequestMeter } from './meter.ts'

/** Outcomes that are not failures although the request did not end with `ok` here. */
const HANDED_OVER = new Set(['aborted', 'forwarded', 'resumed'])

export interface RequestLogOptions {
  /**
   * Add the body a route read (truncated to `maxBodyChars`) to the line (`LOG_BODIES`). The log
   * never reads a body itself: nothing for a request refused before its route parsed it (401,
   * 404, 413, a refused origin). Default: false.
   */
  logBodies?: boolean
  /** Longest body logged, in characters. Default: 8192. */
  maxBodyChars?: number
  /** Where each line goes. Default: the request's logger (`c.get('logger')`). */
  logger?: Logger
}

/** The fields of one log line (docs/resilience.md#request-log); no secret, no header, no body unless asked. */
export interface RequestLogLine extends LogLine {
  msg: 'request'
  request_id: string
  identity: string | undefined
  identity_kind: string | undefined
  /** The assistant the request ran as, and its version (docs/assistants.md): usage and cost per prompt version. */
  assistant?: string
  assistant_version?: string
  method: string
  route: string
  status: number
  outcome: string
  latency_ms: number
  ttfb_ms: number | undefined
  model: string | undefined
  models_tried: string[]
  retries: number
  /** Milliseconds the model calls waited for their turn under Claude's rate limits (0: none). */
  queued_ms: number
  fallbacks: number
  calls: number
  tokens: { input: number; output: number; cache_creation: number; cache_read: number }
  cost_usd: number
  context?: RequestMeter['context']
  body?: string
}

/**
 * One structured JSON line per request, written when the request's meter is done (for a stream:
 * when it closes), through `executionCtx.waitUntil`, so logging never delays the response. Also
 * keeps the meter's background work (e.g. breaker sharing) alive. Mount it early: it reads the
 * meter, identity and final status after everything else ran.
 *
 * @example app.use(requestLog({ logBodies: config.logBodies }))
 */
export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler {
  const { logBodies = false, maxBodyChars = 8192 } = options
  return async function requestLog(c, next) {
    await next()
    // A request refused before the gateway's context was set up (e.g. a disallowed Origin) has no
    // meter yet: it is logged all the same, with nothing consumed.
    const meter = c.get('meter') ?? finishedMeter(c.res.ok)
    const stream = c.res.headers.get('content-type')?.startsWith('text/event-stream') ?? false
    // A JSON response is complete when the handler returns; a stream marks its own first byte.
    if (!stream) meter.markFirstByte()
    const status = c.res.status
    const body = logBodies ? truncate(c.get('requestBody'), maxBodyChars) : undefined
    const logger = options.logger ?? loggerOf(c)
    const task = meter.done.then(async (done) => {
      logger(lineOf(c, done, status, body))
      await Promise.allSettled(done.pending)
    })
    waitUntil(c, task)
  }
}

function finishedMeter(ok: boolean): RequestMeter {
  const meter = new RequestMeter()
  meter.finish(ok ? 'ok' : 'error')
  return meter
}

function lineOf(c: Context, meter: RequestMeter, status: number, body: string | undefined): RequestLogLine {
  const identity = c.get('identity')
  const assistant = c.get('assistant')
  const outcome = meter.outcome
  return {
    // `forwarded` / `resumed`: the conversation's Durable Object ran it and logs its own line.
    level: HANDED_OVER.has(outcome)
      ? 'info'
      : status >= 500 || (outcome !== 'ok' && status < 400)
        ? 'error'
        : status >= 400
          ? 'warn'
          : 'info',
    msg: 'request',
    request_id: c.get('requestId'),
    identity: identity?.id,
    identity_kind: identity?.kind,
    ...(assistant && { assistant: assistant.id, assistant_version: assistant.version }),
    method: c.req.method,
    // The path only: a query string may carry a token.
    route: new URL(c.req.url).pathname,
    status,
    outcome,
    latency_ms: (meter.finishedAt ?? Date.now()) - meter.startedAt,
    ttfb_ms: meter.ttfbMs,
    model: meter.calls.at(-1)?.model ?? (outcome === 'ok' ? meter.modelsTried.at(-1) : undefined),
    models_tried: meter.modelsTried,
    retries: meter.retries,
    queued_ms: meter.queuedMs,
    fallbacks: meter.fallbacks,
    calls: meter.calls.length,
    tokens: {
      input: meter.usage.input_tokens,
      output: meter.usage.output_tokens,
      cache_creation: meter.usage.cache_creation_input_tokens,
      cache_read: meter.usage.cache_read_input_tokens,
    },
    cost_usd: meter.costUsd,
    ...(meter.context && { context: meter.context }),
    ...(body !== undefined && { body }),
  }
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined
  return text.length > max ? `${text.slice(0, max)}…[${text.length - max} more characters]` : text
}
