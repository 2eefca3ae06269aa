import type { Context } from 'hono'

/**
 * Hands `task` to `executionCtx.waitUntil`, so it outlives the response. `c.executionCtx` throws
 * when there is none (`app.request` in tests, some Node adapters): then the task just runs on.
 */
export function waitUntil(c: Context, task: Promise<unknown>): void {
  const safe = task.catch(() => {})
  try {
    c.executionCtx.waitUntil(safe)
  } catch {
    // No execution context: nothing keeps the isolate alive, and nothing needs to.
  }
}
