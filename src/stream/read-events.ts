import { raceAbort, timeoutSignal } from '../abort/abort.ts'
import { GatewayError } from '../errors.ts'
import { hasMarker } from '../marker.ts'

const ABORTED = Symbol.for('claude-edge.StreamAbortedError')

/** The client went away: nothing more is written and no error is reported to anyone. */
export class StreamAbortedError extends Error {
  override readonly name = 'StreamAbortedError'
  readonly [ABORTED] = true
  static isInstance(value: unknown): value is StreamAbortedError {
    return hasMarker(value, ABORTED)
  }
}

export interface ReadEventsOptions {
  /** Milliseconds without an event after which the upstream counts as dead. */
  idleTimeoutMs: number
  /** Aborted when the client leaves. */
  signal: AbortSignal
}

/**
 * Reads an upstream event stream, calling `onEvent` for each event as it arrives. Stops at once
 * when `signal` aborts (StreamAbortedError) or when nothing arrived for `idleTimeoutMs`
 * (GatewayError `timeout_error`); in both cases the upstream request is aborted, so no more
 * tokens are generated. Errors of the stream itself are rethrown as they are.
 */
export async function readEvents<T>(
  stream: AsyncIterable<T> & { controller?: AbortController },
  options: ReadEventsOptions,
  onEvent: (event: T) => void,
): Promise<void> {
  const { idleTimeoutMs, signal } = options
  const iterator = stream[Symbol.asyncIterator]()
  const idle = timeoutSignal(
    idleTimeoutMs,
    () =>
      new GatewayError(
        'timeout_error',
        `Claude sent nothing for ${idleTimeoutMs} ms (UPSTREAM_IDLE_TIMEOUT_MS); the reply was cut off. Retry.`,
      ),
  )
  const stop = AbortSignal.any([signal, idle.signal])
  let finished = false
  try {
    for (;;) {
      // Raced, because an upstream body that stalls may never settle a pending read.
      const next = await raceAbort(iterator.next(), stop)
      if (next.done) break
      idle.restart()
      onEvent(next.value)
    }
    finished = true
    // An abort can end the SDK's iterator quietly: tell it apart from a real end.
    if (signal.aborted) throw new StreamAbortedError('The client closed the stream.')
  } catch (err) {
    // The client left (whatever reason its signal carries): the read ends as StreamAbortedError.
    if (signal.aborted && err === signal.reason) throw new StreamAbortedError('The client closed the stream.')
    throw err
  } finally {
    idle.clear()
    if (!finished) {
      stream.controller?.abort()
      void iterator.return?.().catch(() => {})
    }
  }
}
