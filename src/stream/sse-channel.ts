export interface SseChannelOptions {
  /** Written at once when the channel is created, before anything else (the "first byte"). */
  open: string
  /** Milliseconds without any write after which `heartbeat()` is written. */
  heartbeatMs: number
  /** The heartbeat frame; called each time, so it may depend on the stream's state. */
  heartbeat: () => string
  /** Called once, when the first bytes are handed to the response. */
  onFirstByte?: () => void
  /** Called once when the client went away (the response body was cancelled). */
  onCancel?: (reason: unknown) => void
}

/** The byte side of one SSE response: frames are enqueued as they are written, never batched. */
export interface SseChannel {
  readonly readable: ReadableStream<Uint8Array>
  /** Enqueues a frame now. False, and nothing written, once the channel is closed or cancelled. */
  write(frame: string): boolean
  /** Ends the response body; idempotent. */
  close(): void
  /** Closed by us or cancelled by the client. */
  readonly closed: boolean
}

/**
 * A push-based SSE body: writes go straight to the response (no buffering of ours), a heartbeat
 * frame is written whenever nothing was written for `heartbeatMs`, and a client that leaves
 * cancels the body, which stops the heartbeats and calls `onCancel` (to abort the upstream).
 */
export function createSseChannel(options: SseChannelOptions): SseChannel {
  const { open, heartbeatMs, heartbeat, onFirstByte, onCancel } = options
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  let timer: ReturnType<typeof setTimeout> | undefined

  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (closed) return
      enqueue(heartbeat())
    }, heartbeatMs)
  }
  const enqueue = (frame: string) => {
    controller.enqueue(encoder.encode(frame))
    arm()
  }
  const stop = () => {
    closed = true
    clearTimeout(timer)
  }

  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      enqueue(open)
      onFirstByte?.()
    },
    cancel(reason) {
      if (closed) return
      stop()
      onCancel?.(reason)
    },
  })

  return {
    readable,
    write(frame) {
      if (closed) return false
      enqueue(frame)
      return true
    },
    close() {
      if (closed) return
      stop()
      controller.close()
    },
    get closed() {
      return closed
    },
  }
}
