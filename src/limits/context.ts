import type { Limiter } from './limiter.ts'

declare module 'hono' {
  interface ContextVariableMap {
    /** The app's limiter, set by the `limits` middleware; `GET /v1/usage` reads it. */
    limiter: Limiter
  }
}
