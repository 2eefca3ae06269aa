import { Hono } from 'hono'
import { createApp } from './app.ts'
import { parseConfig, type Config } from './config.ts'
import { DONE_DATA, Generation, generationResponse, type RecordedPart } from './conversations/generation.ts'
import type { AdmittedRecord, TurnRecord } from './conversations/hooks.ts'
import { INTERNAL_ROUTE, type InternalRoute } from './conversations/internal.ts'
import { interruptedTurn, storeRequest } from './conversations/object-store.ts'
import { StorageConversationStore } from './conversations/store/durable-object-store.ts'
import { textTokens } from './context/estimate-tokens.ts'
import { errorBody } from './errors.ts'
import type { GatewayOptions } from './gateway/gateway.ts'
import type { GatewayEnv } from './gateway/variables.ts'
import { createLimiter } from './limits/create-limiter.ts'
import { costOf } from './models/cost.ts'
import { ZERO_USAGE } from './models/cost.ts'
import { UI_MESSAGE_STREAM_HEADERS } from './stream/headers.ts'

type Bindings = Record<string, unknown>

/** The Durable Object class `conversationObject()` makes: export it under the name wrangler.toml binds. */
export type ConversationObjectClass = new (
  ctx: DurableObjectState,
  env: Bindings,
) => DurableObject & { fetch(request: Request): Promise<Response>; alarm(): Promise<void> }

/** What the object keeps about its generation, next to the recorded parts. */
interface GenerationMeta {
  status: 'running' | 'ended'
  startedAt: number
  endedAt?: number
  admitted?: AdmittedRecord
  turn?: TurnRecord
}

const META = 'generation:meta'
const PART = 'generation:part:'
/** How long a finished generation can still be resumed (a reload right after the answer). */
export const RESUME_WINDOW_MS = 10 * 60_000
/** While a generation runs, an alarm this far ahead wakes the object if a restart cut it short. */
const WATCHDOG_MS = 30_000

const partKey = (index: number) => `${PART}${String(index).padStart(8, '0')}`

/**
 * The Durable Object class that owns resumable generations: one object per conversation (named
 * from the identity and the conversation id). It runs the same gateway as your Worker, so build it
 * from the same options, and export it under the class name your `wrangler.toml` binds:
 *
 * @example
 * const options = { tools: [orderStatus] }
 * export const ConversationObject = conversationObject(options)
 * export default { fetch: (req, env, ctx) => createApp({ config: parseConfig(env), ...options }).fetch(req, env, ctx) }
 *
 * The upstream call belongs to the object, not to the client's connection: a client that leaves
 * only stops reading, `POST /v1/conversations/:id/stop` stops it, and a restart (deploy, runtime
 * update) ends it with an explicit error part, billed for what it generated. Without Upstash, the
 * conversations themselves live in these objects' storage too (one object per owner holds them).
 */
export function conversationObject(
  options: Omit<GatewayOptions, 'config'> | ((env: Bindings) => Omit<GatewayOptions, 'config'>) = {},
): ConversationObjectClass {
  return class ConversationObject implements DurableObject {
    readonly #ctx: DurableObjectState
    readonly #env: Bindings
    #app: Hono<GatewayEnv> | undefined
    #config: Config | undefined
    #current: { generation: Generation; stop: AbortController } | undefined
    #meta: GenerationMeta | undefined

    constructor(ctx: DurableObjectState, env: Bindings) {
      this.#ctx = ctx
      this.#env = env
      // Woken after a restart with a generation marked running: nothing runs it any more.
      void ctx.blockConcurrencyWhile(() => this.#endInterrupted())
    }

    async fetch(request: Request): Promise<Response> {
      const route = request.headers.get(INTERNAL_ROUTE) as InternalRoute | null
      switch (route) {
        case 'run':
          return this.#run(request)
        case 'resume':
          return this.#resume(request)
        case 'stop':
          return this.#stop()
        case 'store':
          return storeRequest(
            new StorageConversationStore(this.#ctx.storage, { ttlMs: this.#configuration().conversations.ttlMs }),
            request,
          )
        default:
          return Response.json(errorBody('not_found_error', 'Unknown conversation route.', 'internal'), { status: 404 })
      }
    }

    async alarm(): Promise<void> {
      if (this.#current && !this.#current.generation.ended) {
        await this.#ctx.storage.setAlarm(Date.now() + WATCHDOG_MS)
        return
      }
      await this.#endInterrupted()
    }

    #configuration(): Config {
      this.#config ??= parseConfig(this.#env)
      return this.#config
    }

    /** The gateway, built once per object from the same options as the Worker's. */
    #gateway(): Hono<GatewayEnv> {
      if (this.#app) return this.#app
      const resolved = typeof options === 'function' ? options(this.#env) : options
      const host = new Hono<GatewayEnv>()
      // Only here: the admission and the chat route report what an interrupted generation needs.
      host.use(async (c, next) => {
        c.set('generation', {
          admitted: (record) => this.#updateMeta({ admitted: record }),
          turn: (record) => this.#updateMeta({ turn: record }),
          saved: () => this.#updateMeta({ turn: undefined }),
        })
        await next()
      })
      host.route('/', createApp({ ...resolved, config: this.#configuration(), conversationHost: true }))
      this.#app = host
      return host
    }

    async #run(request: Request): Promise<Response> {
      if (this.#current && !this.#current.generation.ended) {
        return Response.json(
          errorBody(
            'invalid_request_error',
            'This conversation is still answering: wait for the reply, resume it (GET …/stream), or stop it first (POST /v1/conversations/:id/stop).',
            request.headers.get('request-id') ?? 'unknown',
          ),
          { status: 409 },
        )
      }
      // The previous generation's parts (storage deletes at most 128 keys at a time).
      const previous = [...(await this.#ctx.storage.list({ prefix: PART })).keys()]
      for (let i = 0; i < previous.length; i += 128) await this.#ctx.storage.delete(previous.slice(i, i + 128))
      this.#meta = undefined
      await this.#updateMeta({ status: 'running', startedAt: Date.now() })
      await this.#ctx.storage.setAlarm(Date.now() + WATCHDOG_MS)

      const stop = new AbortController()
      const headers = new Headers(request.headers)
      headers.delete(INTERNAL_ROUTE)
      const inner = new Request(request.url, { method: request.method, headers, body: request.body, signal: stop.signal })
      const ctx = this.#ctx
      const executionContext = { waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p), passThroughOnException() {}, props: {} }
      const response = await this.#gateway().fetch(inner, this.#env, executionContext as unknown as ExecutionContext)
      if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await this.#updateMeta({ status: 'ended', endedAt: Date.now() })
        return response
      }
      const generation = new Generation({ save: (parts) => this.#saveParts(parts) })
      this.#current = { generation, stop }
      const recorded = generation.record(response.body).then(async () => {
        // Stopped (or failed) before the chat route stored the turn: keep what was written.
        const turn = this.#meta?.turn
        if (turn) await interruptedTurn(this.#configuration(), this.#env, turn, writtenText(generation.parts).answer)
        await this.#updateMeta({ status: 'ended', endedAt: Date.now(), turn: undefined })
      })
      // The generation outlives the client's connection: the object stays alive while it runs.
      ctx.waitUntil(recorded)
      const out = new Headers(response.headers)
      return generationResponse(generation, 0, this.#configuration().heartbeatMs, out)
    }

    /**
     * A running answer from its first part (or after `Last-Event-ID`). A finished one only after
     * `Last-Event-ID`: its turn is stored, and a client that reloads reads it from there (useChat
     * asks on every load, and would show it twice).
     */
    async #resume(request: Request): Promise<Response> {
      const last = Number.parseInt(request.headers.get('last-event-id') ?? '', 10)
      const from = Number.isFinite(last) ? last + 1 : 0
      let generation = this.#current?.generation
      if (!Number.isFinite(last) && (!generation || generation.ended)) return new Response(null, { status: 204 })
      if (!generation) {
        const meta = await this.#ctx.storage.get<GenerationMeta>(META)
        if (meta?.status !== 'ended' || Date.now() - (meta.endedAt ?? 0) > RESUME_WINDOW_MS) return new Response(null, { status: 204 })
        generation = new Generation({ save: async () => {} }, await this.#recordedParts(), true)
      } else if (generation.ended && this.#meta?.endedAt !== undefined && Date.now() - this.#meta.endedAt > RESUME_WINDOW_MS) {
        return new Response(null, { status: 204 })
      }
      return generationResponse(generation, from, this.#configuration().heartbeatMs, UI_MESSAGE_STREAM_HEADERS)
    }

    #stop(): Response {
      const current = this.#current
      const running = !!current && !current.generation.ended
      if (running) current.stop.abort(new Error('stopped'))
      return Response.json({ stopped: running })
    }

    async #saveParts(parts: RecordedPart[]): Promise<void> {
      // At most 128 keys per write.
      for (let i = 0; i < parts.length; i += 128) {
        const entries: Record<string, string> = {}
        for (const part of parts.slice(i, i + 128)) entries[partKey(part.index)] = part.data
        await this.#ctx.storage.put(entries)
      }
    }

    async #recordedParts(): Promise<string[]> {
      return [...(await this.#ctx.storage.list<string>({ prefix: PART })).values()]
    }

    /** Kept in memory and written whole, so reports arriving together never overwrite each other. */
    #updateMeta(change: Partial<GenerationMeta>): Promise<void> {
      this.#meta = { ...(this.#meta ?? { status: 'running', startedAt: Date.now() }), ...change }
      return this.#ctx.storage.put(META, this.#meta)
    }

    /**
     * A generation marked running that nothing runs (the object restarted): its recorded parts end
     * with an explicit error part; what it generated is billed and kept in the conversation.
     */
    async #endInterrupted(): Promise<void> {
      if (this.#current) return
      const meta = await this.#ctx.storage.get<GenerationMeta>(META)
      if (meta?.status !== 'running') return
      this.#meta = meta
      const parts = await this.#recordedParts()
      const generation = new Generation({ save: (saved) => this.#saveParts(saved) }, parts)
      generation.fail(
        'interrupted: the service restarted while this reply was being written (a deploy or an update). What was written is kept; send your message again to continue.',
      )
      await generation.flushed()
      await this.#updateMeta({ status: 'ended', endedAt: Date.now() })
      const written = writtenText(parts)
      const config = this.#configuration()
      if (meta.admitted) {
        const limiter = createLimiter(config)
        const model = config.catalogue.get(meta.admitted.model)
        // Everything the model wrote is output: the answer, its reasoning and its tool inputs.
        const outputTokens = model ? textTokens(written.all, model.tokenizer) : 0
        const usage = { ...ZERO_USAGE, input_tokens: meta.admitted.inputTokens, output_tokens: outputTokens }
        await limiter.settle(
          { ...meta.admitted.ticket, store: limiter.store },
          { tokens: meta.admitted.inputTokens, costUsd: model ? costOf(model, usage) : 0 },
        )
      }
      if (meta.turn) await interruptedTurn(config, this.#env, meta.turn, written.answer)
    }
  }
}

const WRITTEN = new Set(['text-delta', 'reasoning-delta', 'tool-input-delta'])

/** What the recorded parts wrote: the answer's text, and everything the model wrote (for billing). */
function writtenText(parts: string[]): { answer: string; all: string } {
  let answer = ''
  let all = ''
  for (const data of parts) {
    if (data === DONE_DATA) continue
    try {
      const part = JSON.parse(data) as { type?: string; delta?: string; inputTextDelta?: string }
      if (!part.type || !WRITTEN.has(part.type)) continue
      const delta = part.delta ?? part.inputTextDelta ?? ''
      all += delta
      if (part.type === 'text-delta') answer += delta
    } catch {
      // Not JSON: nothing written.
    }
  }
  return { answer, all }
}
