import type { Context } from 'hono'

/**
 * Keeps `promise` alive after the response (`executionCtx.waitUntil`); without an execution
 * context (`app.request` in tests, some adapters) it simply runs on. A failure is never an
 * unhandled rejection: it goes to the request's logger (`c.get('logger')`) as
 * `{ level: 'error', msg: 'background task failed', request_id, error }`.
 *
 * @example waitUntil(c, limiter.settle(ticket, usage))
 */
export function waitUntil(c: Context, promise: Promise<unknown>): void {
  const safe = promise.catch((error: unknown) => {
    const line = { level: 'error' as const, msg: 'background task failed', request_id: c.get('requestId'), error: describe(error) }
    try {
      // A leaf cannot import the default logger: without one on the context, the same JSON line to the console.
      const logger = c.get('logger')
      if (logger) logger(line)
      else console.error(JSON.stringify(line))
    } catch {
      // A logger that throws loses the line, never the isolate.
    }
  })
  let ctx: Context['executionCtx']
  try {
    ctx = c.executionCtx
  } catch {
    return // No execution context: nothing keeps the isolate alive, and nothing needs to.
  }
  ctx.waitUntil(safe)
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
