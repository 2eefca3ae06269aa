import type { ChatError } from './chat-error.ts'
import type { ChatEvent, ChatResult } from './types.ts'

/**
 * One reply in flight. Iterate it for events (every iteration replays from the first event,
 * and throws the `ChatError` the reply failed with), await `result`, or `abort()` it.
 */
export class ChatReply implements AsyncIterable<ChatEvent> {
  /** The completed reply; rejects with a `ChatError` (`type: 'aborted'` after `abort()`). */
  readonly result: Promise<ChatResult>
  /**
   * The SSE `id` of the last part received, when the server numbers them (a conversation's
   * resumable stream does): `resume(conversationId, { lastEventId })` continues after it.
   */
  lastEventId: string | undefined
  private readonly events: ChatEvent[] = []
  private error: ChatError | undefined
  private closed = false
  private wake: () => void = () => {}
  private changed = this.nextChange()
  private readonly controller: AbortController

  /** @internal Created by `ChatClient.send` and `ChatClient.resume`. */
  constructor(controller: AbortController, run: (emit: (event: ChatEvent) => void, reply: ChatReply) => Promise<ChatResult>) {
    this.controller = controller
    this.result = run((event) => {
      this.events.push(event)
      this.wake()
    }, this).then(
      (result) => {
        this.close()
        return result
      },
      (error: ChatError) => {
        this.error = error
        this.close()
        throw error
      },
    )
    // Awaiting `result` is optional (callbacks or iteration may be used instead): never unhandled.
    this.result.catch(() => {})
  }

  /**
   * Stops reading the reply: cancels the request, so the server stops generating. In a
   * conversation the generation outlives the connection: stop it with `ChatClient.stop(id)`.
   * Idempotent.
   */
  abort(reason?: string): void {
    this.controller.abort(reason)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ChatEvent> {
    let index = 0
    for (;;) {
      while (index < this.events.length) yield this.events[index++]!
      if (this.closed) break
      await this.changed
    }
    if (this.error) throw this.error
  }

  private close() {
    this.closed = true
    this.wake()
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.changed = this.nextChange()
        resolve()
      }
    })
  }
}
