import type { Context, MiddlewareHandler } from 'hono'
import './context.ts'
import type { ChatRequest } from '../chat/request.ts'
import type { ModelInfo } from '../upstream/catalogue.ts'
import type { Usage } from '../upstream/cost.ts'
import { createLimiter, type CreateLimiterOptions } from './create-limiter.ts'
import { estimateInputTokens, worstCaseCostUsd } from './estimate.ts'
import { rateLimitHeaders } from './headers.ts'
import type { Decision, Limiter } from './limiter.ts'
import { policyFor } from './policy.ts'
import { refusalError } from './refusal.ts'
import { waitUntil } from './wait-until.ts'

export interface LimitsOptions extends CreateLimiterOptions {
  /** The limiter to count with, shared with anything else that reads it. Default: one built from `c.get('config')` on first use. */
  limiter?: Limiter
  /** Input tokens of a request, estimated before the call. Default: `estimateInputTokens` (characters per token of the model's tokenizer). */
  estimate?: (req: ChatRequest, model: ModelInfo) => number
}

/**
 * Request limit, token limit and daily budgets (SPEC §4). Installs the admission hook that runs
 * once the chat body is parsed: one store round trip checks every limit and reserves the call's
 * worst-case cost; the real usage is settled after the response (also for streams and aborted
 * streams) off the response path. Sets the `RateLimit-*` headers on every limited response.
 *
 * @example
 * const app = new Hono()
 * app.use(context) // sets config, identity, meter, admission
 * app.use('/v1/*', limits())
 * app.get('/v1/usage', usageHandler)
 */
export function limits(options: LimitsOptions = {}): MiddlewareHandler {
  const { limiter: given, estimate = estimateInputTokens, ...create } = options
  let built = given
  return async function limits(c, next) {
    const limiter = (built ??= createLimiter(c.get('config'), create))
    c.set('limiter', limiter)
    let decision: Decision | undefined
    const previous = c.get('admission')
    c.set('admission', async function limitsAdmission(c: Context, req: ChatRequest) {
      await previous(c, req)
      const config = c.get('config')
      const tokens = estimate(req, req.model)
      decision = await limiter.admit({
        who: c.get('identity').id,
        policy: policyFor(config, c.get('identity')),
        tokens,
        // A tool loop may call the model up to MAX_STEPS times: reserve every step it may take.
        // The requested model's estimate is reused, not recomputed, for the worst case.
        reserveUsd: worstCaseCostUsd(req, config, (r, m) => (m === req.model ? tokens : estimate(r, m))) * (req.tools?.server.length ? config.maxSteps : 1),
      })
      if (!decision.success) throw refusalError(decision, tokens)
      const ticket = decision.ticket!
      waitUntil(c, c.get('meter').done.then((meter) => limiter.settle(ticket, { tokens: inputTokens(meter.usage), costUsd: meter.costUsd })))
    })
    await next()
    if (decision) setHeaders(c, rateLimitHeaders(decision.rateLimit, decision.success ? undefined : decision.retryAfterSeconds))
  }
}

/** What TOKEN_LIMIT counts: every prompt token the calls sent (plain input, cache writes and reads). */
function inputTokens(usage: Usage): number {
  return usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens
}

function setHeaders(c: Context, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
  } catch {
    // Immutable headers (a Response passed through from fetch): copy it once.
    c.res = new Response(c.res.body, c.res)
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
  }
}
