/**
 * An ExecutionContext that keeps every `waitUntil` promise, so a test can await the work a
 * handler scheduled after its response (settles, log lines) instead of sleeping and hoping.
 */
export function executionContext() {
  const pending: Promise<unknown>[] = []
  const ctx = {
    waitUntil: (p: Promise<unknown>) => void pending.push(p),
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext
  /** Awaits everything scheduled so far, including what those promises schedule in turn. */
  const settled = async () => {
    while (pending.length) await Promise.all(pending.splice(0))
  }
  return { ctx, settled }
}
