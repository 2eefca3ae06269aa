import type { Context } from 'hono'

/**
 * Keeps `promise` alive after the response (`executionCtx.waitUntil`). Without an execution
 * context (`app.request` in tests) the promise simply runs on; its errors are never unhandled.
 */
export function waitUntil(c: Context, promise: Promise<unknown>): void {
  const safe = promise.catch((error: unknown) =>
    console.error(JSON.stringify({ level: 'error', msg: 'limits: background task failed', error: String(error) })),
  )
  try {
    c.executionCtx.waitUntil(safe)
  } catch {
    // No ExecutionContext: nothing to extend.
  }
}
