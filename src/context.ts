import type { Identity } from './auth/identity.ts'
import type { Config } from './config.ts'
import type { Upstream } from './upstream/upstream.ts'

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string
    config: Config
    identity: Identity
    upstream: Upstream
  }
}

export {}
