import type { Script } from './script.ts'
import { sseFrame, type StreamEvent } from './sse.ts'
import type { SimulatorRequestRecord } from './types.ts'

export interface StreamReplyInput {
  events: StreamEvent[]
  script: Script
  /** The request's signal: aborting it stops generation and fails the body, like fetch. */
  signal: AbortSignal
  record: SimulatorRequestRecord
  headers: Record<string, string>
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Called once when the stream ends, however it ends (completed, error frame, drop, abort, cancel). */
  onEnd?: () => void
}

/**
 * The SSE response of a reply, paced by the script (delay, stall) and cut by it (error, drop).
 * Abort-aware: a client abort or cancel marks the record cancelled and generates nothing more.
 */
export function streamReply({ events, script, signal: requestSignal, record, headers, sleep, onEnd }: StreamReplyInput): Response {
  const stop = new AbortController()
  let stream: ReadableStreamDefaultController<Uint8Array> | undefined
  let ended = false
  let reported = false
  const report = () => {
    if (reported) return
    reported = true
    onEnd?.()
  }
  const onAbort = () => {
    report()
    if (!record.completed) record.cancelled = true
    stop.abort()
    // Like a real fetch: once the request is aborted, reading the body fails.
    if (!ended) stream?.error(requestSignal.reason ?? new DOMException('The operation was aborted', 'AbortError'))
    ended = true
  }
  requestSignal.addEventListener('abort', onAbort, { once: true })
  if (requestSignal.aborted) onAbort()
  const last = events.length - 1
  const at = (after: number | undefined) => (after === undefined ? -1 : Math.min(after, last))
  const encoder = new TextEncoder()

  let i = 0
  const finish = () => {
    report()
    ended = true
    requestSignal.removeEventListener('abort', onAbort)
  }
  // Pull-based with no queue: an event is produced when the client reads, so `after=N` means
  // N events were delivered, and nothing is generated ahead of a slow or gone reader.
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream = controller
      },
      async pull(controller) {
        const write = (frame: string) => {
          controller.enqueue(encoder.encode(frame))
          record.eventsSent++
        }
        if (stop.signal.aborted) return controller.error(requestSignal.reason)
        try {
          if (i === at(script.drop?.after)) {
            finish()
            return controller.error(new Error('simulated connection drop'))
          }
          if (i === at(script.error?.after)) {
            const { type, message } = script.error!
            write(sseFrame({ type: 'error', error: { type, message }, request_id: record.id }))
            finish()
            return controller.close()
          }
          if (i === at(script.stall?.after)) await sleep(script.stall!.ms, stop.signal)
          if (i > 0 && script.delay > 0) await sleep(script.delay, stop.signal)
          if (stop.signal.aborted || ended) return
          write(sseFrame(events[i++]!))
          if (i > last) {
            record.completed = true
            finish()
            controller.close()
          }
        } catch (err) {
          // Aborted during a sleep: generate nothing more. Any other failure ends the stream.
          if (!stop.signal.aborted && !ended) {
            finish()
            controller.error(err)
          }
        }
      },
      cancel() {
        ended = true
        onAbort()
        finish()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
  })
}
