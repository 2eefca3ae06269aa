import { Hono } from 'hono'
import { PromptCache } from './cache.ts'
import { DirectiveError, parseDirectives, type Directive } from './directives.ts'
import { humanTurn } from './turn.ts'
import { errorResponse, SimError, statusForErrorType } from './errors.ts'
import { base62 } from './hash.ts'
import { DEFAULT_MODELS, modelSpec, type SimModel } from './models.ts'
import { createRateLimiter, type Admission } from './rate-limits.ts'
import { planReply } from './reply.ts'
import { resolveScript } from './script.ts'
import { abortableSleep } from '../abort/abort.ts'
import { messageJson, replyEvents, type MessageMeta } from './sse.ts'
import { streamReply } from './stream.ts'
import { outputSchema } from './structured.ts'
import { countTokens, promptSegments, sumTokens } from './tokens.ts'
import type { Simulator, SimulatorOptions, SimulatorRequestRecord } from './types.ts'
import { authKind, checkAuth, checkBody, checkModelRules, checkVersion } from './validate.ts'

const MAX_RECORDS = 1000
/** Request bodies kept in the records at most (older records lose their `body` first). */
const MAX_BODY_CHARS = 16 * 1024 * 1024
type Obj = Record<string, unknown>

/**
 * An in-process Anthropic Messages API for tests and local development: `POST /v1/messages`
 * (JSON and SSE), `POST /v1/messages/count_tokens`, `GET /v1/models[/:id]`, scripted by
 * `[sim …]` directives in the last human message (see docs/simulator.md#directives).
 *
 * @example
 * const sim = createSimulator()
 * const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: sim.fetch })
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const { apiKeys, sleep = abortableSleep, models = DEFAULT_MODELS, cacheMinTokens, rateLimits, now = Date.now } = options
  const limiter = rateLimits ? createRateLimiter(rateLimits, now) : undefined
  const accepts = apiKeys ? (key: string) => apiKeys.includes(key) : (key: string) => key.startsWith('sk-ant-')
  const served = new Set(models)
  const requests: SimulatorRequestRecord[] = []
  const bodySize = new WeakMap<SimulatorRequestRecord, number>()
  let bodyChars = 0
  const counters = new Map<string, number>()
  const cache = new PromptCache()
  let seq = 0

  function begin(req: Request): SimulatorRequestRecord {
    seq++
    const record: SimulatorRequestRecord = {
      id: `req_011C${base62(`req:${seq}`, 22)}`,
      path: new URL(req.url).pathname,
      stream: false,
      status: 0,
      headers: { auth: 'none' },
      eventsSent: 0,
      completed: false,
      cancelled: false,
    }
    const version = req.headers.get('anthropic-version')
    if (version) record.headers['anthropic-version'] = version
    const beta = req.headers.get('anthropic-beta')
    if (beta) record.headers['anthropic-beta'] = beta
    requests.push(record)
    if (requests.length > MAX_RECORDS) {
      for (const old of requests.splice(0, requests.length - MAX_RECORDS)) bodyChars -= bodySize.get(old) ?? 0
    }
    return record
  }

  /** Bounds the memory the records hold: the oldest bodies go first. */
  function keepBody(record: SimulatorRequestRecord, chars: number) {
    bodySize.set(record, chars)
    bodyChars += chars
    for (const old of requests) {
      if (bodyChars <= MAX_BODY_CHARS || old === record) break
      bodyChars -= bodySize.get(old) ?? 0
      bodySize.delete(old)
      delete old.body
    }
  }

  /** Auth and version, shared by every route. */
  function admit(req: Request, record: SimulatorRequestRecord) {
    record.headers.auth = authKind(req.headers)
    checkAuth(req.headers, accepts)
    return checkVersion(req.headers)
  }

  async function readBody(req: Request, record: SimulatorRequestRecord): Promise<unknown> {
    const text = await req.text()
    try {
      record.body = JSON.parse(text)
      keepBody(record, text.length)
    } catch {
      throw new SimError(400, 'There was an error parsing the body of your request: it is not valid JSON')
    }
    return record.body
  }

  function modelOf(body: Obj, record: SimulatorRequestRecord): SimModel {
    const id = body.model as string
    record.model = id
    if (!served.has(id)) throw new SimError(404, `model: ${id}`)
    return modelSpec(id)
  }

  const respond = (record: SimulatorRequestRecord, res: Response) => {
    record.status = res.status
    return res
  }
  const fail = (record: SimulatorRequestRecord, err: unknown, headers?: Record<string, string>) =>
    respond(record, errorResponse(err instanceof SimError ? err : new SimError(500, 'Internal server error'), record.id, headers))

  async function messages(req: Request): Promise<Response> {
    const record = begin(req)
    let admission: Admission | undefined
    try {
      const version = admit(req, record)
      const body = checkBody(await readBody(req, record), 'messages')
      record.stream = body.stream === true
      const model = modelOf(body, record)
      checkModelRules(body, model, version)
      const segments = promptSegments(body, model.id)
      const total = sumTokens(segments)
      if (total > model.context) throw new SimError(400, `prompt is too long: ${total} tokens > ${model.context} maximum`)

      const turn = humanTurn(body.messages as Obj[])
      let directives: Directive[]
      try {
        directives = parseDirectives(turn.text)
      } catch (err) {
        if (err instanceof DirectiveError) throw new SimError(400, err.message)
        throw err
      }
      const minCache = cacheMinTokens ?? model.minCacheTokens
      const cacheControl = body.cache_control as Obj | null | undefined
      if (limiter) {
        // Cache-aware ITPM: cache reads do not count, cache writes do (as Anthropic counts them).
        const read = cache.peek(model.id, segments, minCache, cacheControl).cache_read_input_tokens
        admission = limiter.admit(model.id, total - read, body.max_tokens as number)
      }
      const script = resolveScript(directives, { step: turn.step, model: model.id, structured: outputSchema(body) !== undefined }, counters)
      const signal = req.signal
      if (script.stallBefore !== undefined) {
        if (!(await pause(script.stallBefore, signal, record))) {
          admission?.settle(0)
          return respond(record, new Response(null, { status: 499 }))
        }
      }
      if (script.failure) {
        const { status, type, message, headers } = script.failure
        throw new SimError(status, message, type, headers)
      }

      const usage = cache.usage(model.id, segments, minCache, cacheControl)
      const meta: MessageMeta = { id: `msg_01${base62(`msg:${seq}`, 22)}`, model: model.id, usage }
      const lastContent = JSON.stringify((body.messages as Obj[]).at(-1)?.content ?? '')
      const reply = planReply({ body, model, script, seed: `${turn.step}:${lastContent}`, idSeed: `${seq}` })
      const headers = { 'request-id': record.id, ...admission?.headers }
      if (record.stream) {
        const events = replyEvents(meta, reply, script.chunk)
        const onEnd = () => admission?.settle(reply.outputTokens)
        return respond(record, streamReply({ events, script, signal, record, headers, sleep, onEnd }))
      }

      const events = replyEvents(meta, reply, script.chunk).length
      const delivered = await pause(script.delay * events + (script.stall?.ms ?? 0), signal, record)
      admission?.settle(reply.outputTokens)
      if (!delivered) return respond(record, new Response(null, { status: 499 }))
      if (script.error) throw new SimError(statusForErrorType(script.error.type), script.error.message, script.error.type)
      if (script.drop) {
        const broken = new ReadableStream({ start: (c) => c.error(new Error('simulated connection drop')) })
        return respond(record, new Response(broken, { headers: { 'content-type': 'application/json', ...headers } }))
      }
      record.completed = true
      return respond(record, Response.json(messageJson(meta, reply), { headers }))
    } catch (err) {
      admission?.settle(0)
      return fail(record, err, admission?.headers)
    }
  }

  /** Waits `ms` (abort-aware). False when the client went away meanwhile. */
  async function pause(ms: number, signal: AbortSignal, record: SimulatorRequestRecord): Promise<boolean> {
    if (ms <= 0) return !signal.aborted
    try {
      await sleep(ms, signal)
    } catch {
      // fall through: only an abort ends a sleep early
    }
    if (signal.aborted) record.cancelled = true
    return !signal.aborted
  }

  async function countTokensRoute(req: Request): Promise<Response> {
    const record = begin(req)
    try {
      admit(req, record)
      const body = checkBody(await readBody(req, record), 'count_tokens')
      const model = modelOf(body, record)
      record.completed = true
      return respond(record, Response.json({ input_tokens: countTokens(body, model.id) }, { headers: { 'request-id': record.id } }))
    } catch (err) {
      return fail(record, err)
    }
  }

  function modelInfo(id: string) {
    const m = modelSpec(id)
    return {
      type: 'model',
      id,
      display_name: m.display_name,
      created_at: m.created_at,
      line: m.line,
      max_input_tokens: m.context,
      max_tokens: m.maxOutput,
      lifecycle: 'active',
      deprecated_at: null,
      retires_at: null,
      capabilities: null,
    }
  }

  function listModels(req: Request): Response {
    const record = begin(req)
    try {
      admit(req, record)
      const url = new URL(req.url)
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20))
      let ids = [...served]
      const after = url.searchParams.get('after_id')
      const before = url.searchParams.get('before_id')
      if (after !== null) ids = ids.slice(ids.indexOf(after) + 1)
      if (before !== null) ids = ids.slice(0, Math.max(0, ids.indexOf(before)))
      const page = ids.slice(0, limit)
      record.completed = true
      return respond(
        record,
        Response.json(
          { data: page.map(modelInfo), has_more: ids.length > page.length, first_id: page[0] ?? null, last_id: page.at(-1) ?? null },
          { headers: { 'request-id': record.id } },
        ),
      )
    } catch (err) {
      return fail(record, err)
    }
  }

  function getModel(req: Request, id: string): Response {
    const record = begin(req)
    try {
      admit(req, record)
      if (!served.has(id)) throw new SimError(404, `model: ${id}`)
      record.model = id
      record.completed = true
      return respond(record, Response.json(modelInfo(id), { headers: { 'request-id': record.id } }))
    } catch (err) {
      return fail(record, err)
    }
  }

  const app = new Hono()
  app.post('/v1/messages', (c) => messages(c.req.raw))
  app.post('/v1/messages/count_tokens', (c) => countTokensRoute(c.req.raw))
  app.get('/v1/models', (c) => listModels(c.req.raw))
  app.get('/v1/models/:id', (c) => getModel(c.req.raw, c.req.param('id')))
  app.notFound((c) => {
    const record = begin(c.req.raw)
    return respond(record, errorResponse(new SimError(404, `Not found: ${c.req.method} ${record.path}`), record.id))
  })
  app.onError((_err, c) => {
    const record = begin(c.req.raw)
    return respond(record, errorResponse(new SimError(500, 'Internal server error'), record.id))
  })

  return {
    app,
    fetch: async (input, init) => untilAborted(new Request(input, init), (req) => app.fetch(req)),
    requests,
    reset() {
      requests.length = 0
      bodyChars = 0
      counters.clear()
      cache.clear()
      limiter?.reset()
      seq = 0
    },
  }
}

/**
 * Like a real fetch: once the request's signal aborts, the call rejects with its reason (the SDK
 * then sees a user abort, not an HTTP status). The simulator sees the same signal and stops,
 * recording the request as cancelled; an already aborted request is never sent.
 */
function untilAborted(req: Request, send: (req: Request) => Response | Promise<Response>): Promise<Response> {
  const { signal } = req
  if (signal.aborted) return Promise.reject(abortReason(signal))
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    Promise.resolve(send(req))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}

const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
