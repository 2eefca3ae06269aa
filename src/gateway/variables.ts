import type { Admission } from '../admission/admission.ts'
import type { Assistant } from '../assistants/define-assistant.ts'
import type { AssistantRegistry } from '../assistants/registry.ts'
import type { ClientIpSource } from '../auth/client-ip.ts'
import type { Identity } from '../auth/identity.ts'
import type { Config } from '../config.ts'
import type { GenerationHooks } from '../conversations/hooks.ts'
import type { ConversationStore } from '../conversations/types.ts'
import type { Limiter } from '../limits/limiter.ts'
import type { Logger } from '../logger/logger.ts'
import type { RequestMeter } from '../observability/meter.ts'
import type { ToolRegistry } from '../tools/registry.ts'
import type { Upstream } from '../upstream/upstream.ts'
import type { RequestPace } from '../pace/request-pace.ts'

/**
 * What `gateway()` puts on the context for the middleware and routes after it (`c.get(…)`). Type
 * your app with it: `new Hono<{ Bindings: Env; Variables: GatewayVariables }>()` (or `GatewayEnv`).
 */
export interface GatewayVariables {
  /** Hono's `requestId` middleware sets it; the gateway makes one when it is not mounted. */
  requestId: string
  config: Config
  /** The caller: anonymous by client address until `authenticate` sets who it is. */
  identity: Identity
  /** Calls Claude (retries, breaker, fallbacks); `authenticate` narrows its fallbacks to the caller's models. */
  upstream: Upstream
  /** Usage and cost of this request, settled by limits and logged when `done`. */
  meter: RequestMeter
  /** Admits each spending request's first model call; `limits` installs the real one, the default admits all. */
  admission: Admission
  /** The app's limiter (request, token and budget counters); `limits` and `GET /v1/usage` read it. */
  limiter: Limiter
  /** The app's server tools, checked when the gateway is built. */
  tools: ToolRegistry
  /** The app's assistants, checked when the gateway is built. */
  assistants: AssistantRegistry
  /** The assistant this request runs as, once its body is bound (docs/assistants.md). */
  assistant: Assistant | undefined
  /** Where anonymous callers' addresses come from (`authenticate` reads it). */
  clientIp: ClientIpSource
  /** Where log lines go. */
  logger: Logger
  /**
   * The request body as a route read it (`readJsonBody` sets it). The log line shows it when
   * `logBodies` is on; a request refused before its route read the body has none.
   */
  requestBody: string | undefined
  /** Where conversations are stored: Upstash, or the Durable Object's storage without it; none when neither is set up. */
  conversations: ConversationStore | undefined
  /** Only inside the conversation's Durable Object: what it keeps to end a generation a restart cut short. */
  generation: GenerationHooks | undefined
  /** This request's share of the upstream pace: pass it to `upstream.message/stream` as `pace`. */
  pace: RequestPace
}

/** The Hono `Env` of the gateway's routes: `new Hono<{ Bindings: MyBindings } & GatewayEnv>()`. */
export interface GatewayEnv {
  Variables: GatewayVariables
}

// Like Hono's own middleware (requestId, jwt), the variables are also declared on Hono's
// ContextVariableMap, so middleware and handlers read them typed in any app that mounts them.
declare module 'hono' {
  interface ContextVariableMap extends GatewayVariables {}
}
