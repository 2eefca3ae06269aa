import type { Context, MiddlewareHandler } from 'hono'
import type { AdmissionRequest, Reservation, UpstreamCall } from '../admission/admission.ts'
import { boundCall } from '../admission/bound-call.ts'
import type { CountTokens } from '../admission/count-bound.ts'
import { checkPassthrough } from '../admission/passthrough.ts'
import type { Usage } from '../models/cost.ts'
import { createLimiter, type CreateLimiterOptions } from './create-limiter.ts'
import { rateLimitHeaders } from './headers.ts'
import { hasBudget, type Decision, type Limiter } from './limiter.ts'
import { policyFor, type Policy } from './policy.ts'
import { refusalError } from './refusal.ts'
import { waitUntil } from '../background/wait-until.ts'
import type { PaceAsk } from '../pace/pacer.ts'
import { outputByGroup } from '../pace/request-pace.ts'
import type { RequestMeter } from '../observability/meter.ts'
import type { LimitStore, PaceGiveBack } from './store.ts'

export interface LimitsOptions extends CreateLimiterOptions {
  /**
   * The limiter to count with. Default: the gateway's (`c.get('limiter')`), else one built from
   * `c.get('config')` and these options on first use.
   */
  limiter?: Limiter
}

/**
 * Request limit, token limit and daily budgets (docs/limits-and-budgets.md). Installs the admission hook every
 * spending route calls with its whole first upstream call: passthrough fields are checked, and,
 * when a budget applies, the call's upper bound (see src/admission) is reserved, in ONE store round
 * trip with the request and token limits. Each later model call of a tool loop re-reserves with
 * the grown context (`Reservation.extend`). The real usage is settled after the response (also for
 * streams and aborted requests), off the response path. Sets the `RateLimit-*` headers.
 *
 * @example
 * const app = new Hono()
 * app.use(gateway()) // sets config, identity, meter, admission, limiter
 * app.use('/v1/*', authenticate(), limits())
 * app.get('/v1/usage', usageHandler)
 */
export function limits(options: LimitsOptions = {}): MiddlewareHandler {
  const { limiter: given, ...create } = options
  let built = given
  return async function limits(c, next) {
    const limiter = built ?? c.get('limiter') ?? (built = createLimiter(c.get('config'), create))
    c.set('limiter', limiter)
    let decision: Decision | undefined
    const previous = c.get('admission')
    c.set('admission', async function limitsAdmission(c: Context, request: AdmissionRequest): Promise<Reservation> {
      const outer = await previous(c, request)
      const config = c.get('config')
      const identity = c.get('identity')
      const policy = policyFor(config, identity, c.get('assistant'))
      const price = pricer(c, policy)
      const ask = { who: identity.id, policy, tokens: request.estimatedTokens, reserveUsd: 0 }
      // A caller this isolate already knows is blocked costs no pricing (count_tokens) and no round trip.
      decision =
        limiter.refusalWithoutStore(ask) ?? (await limiter.admit({ ...ask, reserveUsd: await price(request.call), ...paceAsk(c, request) }))
      if (!decision.success) throw refusalError(decision, request.estimatedTokens)
      if (decision.pace) c.get('pace').reserved(paceGroup(c, request)!, decision.pace)
      const ticket = decision.ticket!
      const { store: _store, ...kept } = ticket
      c.get('generation')?.admitted({ ticket: kept, model: request.call.params.model, inputTokens: request.estimatedTokens })
      const assistant = c.get('assistant')
      const giveBack = paceGiveBack(c, request, ticket.store)
      waitUntil(
        c,
        c.get('meter').done.then((meter) =>
          limiter.settle(ticket, {
            tokens: inputTokens(meter.usage),
            costUsd: meter.costUsd,
            ...giveBack?.(meter),
            // Per assistant version, for an operator's view: folded into the settle, no extra round trip.
            ...(assistant && {
              stats: {
                assistant: assistant.id,
                version: assistant.version,
                errors: meter.outcome === 'ok' ? 0 : 1,
                latencyMs: (meter.finishedAt ?? Date.now()) - meter.startedAt,
                outputTokens: meter.usage.output_tokens,
              },
            }),
          }),
        ),
      )
      return {
        async extend(call, spentUsd) {
          const refused = await outer.extend(call, spentUsd)
          if (refused) return refused
          const next = await price(call)
          const held = await limiter.extend(ticket, spentUsd + next, policy)
          if (held.allowed) return undefined
          const which =
            held.refusedBy === 'global_budget'
              ? "the service's global daily budget"
              : held.refusedBy === 'budget'
                ? 'your daily budget'
                : 'the budget (the limits store did not answer)'
          return {
            reason: 'budget_exhausted',
            message: `budget: stopped before the next model call: its worst case ($${next.toFixed(4)}) does not fit what is left of ${which}.`,
          }
        },
      }
    })
    await next()
    if (decision) setHeaders(c, rateLimitHeaders(decision.rateLimit, decision.success ? undefined : decision.retryAfterSeconds))
  }
}

/** The rate-limit group of the request's first call (undefined for a model outside the catalogue). */
function paceGroup(c: Context, request: AdmissionRequest): string | undefined {
  return c.get('config').catalogue.get(request.call.params.model)?.rateLimitGroup
}

/**
 * The first call's upstream slot, asked in the admission's own round trip (docs/resilience.md#pacing):
 * a request whose turn would come past QUEUE_MAX_WAIT_MS is refused before anything is spent or streamed.
 */
function paceAsk(c: Context, request: AdmissionRequest): { pace: PaceAsk } | undefined {
  const pacer = c.get('upstream').pacer
  const group = paceGroup(c, request)
  if (!pacer || !group) return undefined
  const { params } = request.call
  const deadlineAt = pacer.now() + c.get('config').upstreamDeadlineMs
  const pace = pacer.ask({ group, who: c.get('pace').who, cost: [1, request.estimatedTokens, params.max_tokens], deadlineAt })
  return pace && { pace }
}

/**
 * When the limits store can also write to the pace (same Upstash), the output tokens the request's
 * calls in its first group reserved and did not generate go back in the settle's own write; the
 * pacer then leaves that group alone (`RequestPace.givenBackByLimits`). Undefined otherwise.
 */
function paceGiveBack(
  c: Context,
  request: AdmissionRequest,
  store: LimitStore,
): ((meter: RequestMeter) => { pace?: PaceGiveBack }) | undefined {
  const pacer = c.get('upstream').pacer
  const group = paceGroup(c, request)
  if (!pacer || !group || !store.foldsPace?.(pacer.store)) return undefined
  const pace = c.get('pace')
  const catalogue = c.get('config').catalogue
  pace.givenBackByLimits.add(group)
  return (meter) => {
    const back = pacer.giveBack(pace, group, outputByGroup(catalogue, meter.calls))
    return back ? { pace: back } : {}
  }
}

/**
 * What a call reserves: with a budget, its upper bound (count_tokens asked only for content the
 * gateway cannot measure, or large requests); without one, nothing, but passthrough fields are
 * still checked (refused unless the credential allows them).
 */
function pricer(c: Context, policy: Policy): (call: UpstreamCall) => Promise<number> {
  const config = c.get('config')
  const identity = c.get('identity')
  if (!hasBudget(policy)) {
    return async (call) => {
      checkPassthrough(call.params as unknown as Record<string, unknown>, call.betas, identity.allow)
      return 0
    }
  }
  return async (call) => (await boundCall(call, { config, identity, count: countTokens(c, call.betas) })).costUsd
}

/** Anthropic's count_tokens through the gateway's own client, with the call's betas. */
function countTokens(c: Context, betas: readonly string[]): CountTokens {
  return async ({ model, system, messages, tools }) => {
    const params = { model, messages, ...(system !== undefined && { system }), ...(tools?.length && { tools }) }
    const headers = betas.length ? { 'anthropic-beta': betas.join(',') } : undefined
    const counted = await c
      .get('upstream')
      .client.messages.countTokens(params as never, { signal: c.req.raw.signal, ...(headers && { headers }) })
    return counted.input_tokens
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
