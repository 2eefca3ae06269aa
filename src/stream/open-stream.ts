import type { Context } from 'hono'
import { waitUntil } from '../background/wait-until.ts'
import { loggerOf } from '../logger/logger.ts'
import { createSseChannel, type SseChannel } from './sse-channel.ts'

export interface OpenStreamOptions {
  /** First frame, written at once. */
  open: string
  /** Frame written after `HEARTBEAT_MS` of silence. */
  heartbeat: () => string
}

export interface OpenStream {
  channel: SseChannel
  /**
   * Runs the writer in the background. `body` resolves with the outcome for the log (`ok`,
   * `aborted` or an error type); the channel is then closed and the meter finished, also when
   * `body` throws.
   */
  run(body: (signal: AbortSignal) => Promise<string>): void
}

/**
 * The plumbing both stream formats share: the SSE channel (first byte, heartbeats), one abort
 * signal for the client leaving (body cancelled or request aborted), and the meter's
 * first byte / finish.
 */
export function openStream(c: Context, options: OpenStreamOptions): OpenStream {
  const meter = c.get('meter')
  const abort = new AbortController()
  const channel = createSseChannel({
    open: options.open,
    heartbeatMs: c.get('config').heartbeatMs,
    heartbeat: options.heartbeat,
    onFirstByte: () => meter.markFirstByte(),
    onCancel: () => abort.abort(),
  })
  const request = c.req.raw.signal
  if (request) {
    if (request.aborted) abort.abort()
    else request.addEventListener('abort', () => abort.abort(), { once: true })
  }
  return {
    channel,
    run(body) {
      const done = body(abort.signal)
        .then(
          (outcome) => outcome,
          (err) => {
            loggerOf(c)({
              level: 'error',
              msg: 'stream writer failed',
              request_id: c.get('requestId'),
              error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
            })
            return 'api_error'
          },
        )
        .then((outcome) => {
          channel.close()
          meter.finish(abort.signal.aborted ? 'aborted' : outcome)
        })
      waitUntil(c, done)
    },
  }
}
