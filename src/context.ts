import type { Identity } from './auth/identity.ts'
import type { Admission } from './admission/admission.ts'
import type { Assistant } from './assistants/define-assistant.ts'
import type { AssistantRegistry } from './assistants/registry.ts'
import type { Config } from './config.ts'
import type { RequestMeter } from './observability/meter.ts'
import type { Upstream } from './upstream/upstream.ts'
import type { ToolRegistry } from './tools/registry.ts'

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string
    config: Config
    identity: Identity
    upstream: Upstream
    /** Usage and cost of this request, settled by limits and logged when `done`. */
    meter: RequestMeter
    admission: Admission
    /** The app's server tools, checked at `createApp` time. */
    tools: ToolRegistry
    /** The app's assistants, checked at `createApp` time. */
    assistants: AssistantRegistry
    /** The assistant this request runs as, once its body is bound (SPEC §13). */
    assistant: Assistant | undefined
  }
}
