import type { Context } from 'hono'

/** `executionCtx.waitUntil(promise)` when there is an execution context (not in `app.request` tests). */
export function waitUntil(c: Context, promise: Promise<unknown>): void {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined
  try {
    ctx = c.executionCtx
  } catch {
    return
  }
  ctx.waitUntil(promise)
}
