/**
 * Proxy-proof SSE shared by `POST /v1/chat/stream` (AI SDK UI message stream v1) and
 * `POST /v1/messages` with `stream: true` (Anthropic events). Stable API for the handlers and
 * the tool loop:
 *
 * - `streamUIMessages(c, run, { warnings })` → Response. `run(writer, signal)` writes the message
 *   with a `UIStreamWriter` and returns `{ model, stopReason }`; throw a GatewayError to fail.
 *   The helper writes the opening comment, heartbeats (`HEARTBEAT_MS`), an `error` part
 *   (`"<type>: <message>"`) when `run` throws, then always `finish` with `messageMetadata:
 *   { model, stop_reason, usage, cost_usd, request_id, models_tried, warnings?, error? }` (usage
 *   and cost are the meter's totals) and `[DONE]`; it finishes the meter when the stream closes.
 *   `signal` aborts when the client leaves: pass it to `upstream.stream()`.
 * - `UIStreamWriter`: `start`, `startStep`/`finishStep`, `textStart`/`textDelta`/`textEnd`,
 *   `reasoningStart`/`reasoningDelta`/`reasoningEnd`, `toolInputStart`/`toolInputDelta`/
 *   `toolInputAvailable`/`toolInputError`, `toolOutput`/`toolError`, `metadata`, `error(type,
 *   message)`, `finish(reason, metadata)`.
 * - `pipeModelStream(stream, writer, { model, meter, signal, idleTimeoutMs })`: pipes ONE model
 *   call (`(await upstream.stream(params, { signal, meter, pace })).value`) into the writer and
 *   returns `{ message, usage, costUsd }` (usage recorded in the meter, partially when cut
 *   short). Throws StreamAbortedError (client left) or a GatewayError (upstream error event,
 *   dropped connection, `UPSTREAM_IDLE_TIMEOUT_MS` of silence, stream ended early).
 * - `streamAnthropicEvents(c, run)` and `relayModelStream(stream, send, options)`: the same for
 *   the Anthropic format (`ping` heartbeats, `event: error` on failure).
 */
export {
  streamUIMessages,
  type UIStreamRun,
  type UIStreamOutcome,
  type StreamUIMessagesOptions,
} from './stream-ui-messages.ts'
export { UIStreamWriter, type ToolPartOptions } from './ui-stream-writer.ts'
export { pipeModelStream } from './pipe-model-stream.ts'
export { consumeModelStream, type ModelStreamEvents, type ModelStreamOptions, type ModelStreamResult } from './model-stream.ts'
export { streamAnthropicEvents, relayModelStream, type AnthropicStreamRun, type SendEvent } from './stream-anthropic-events.ts'
export { MessageAccumulator, parseToolInput } from './message-accumulator.ts'
export { readEvents, StreamAbortedError, type ReadEventsOptions } from './read-events.ts'
export { createSseChannel, type SseChannel, type SseChannelOptions } from './sse-channel.ts'
export { openStream, type OpenStream, type OpenStreamOptions } from './open-stream.ts'
export { streamFailure, type StreamFailure } from './stream-failure.ts'
export { SSE_HEADERS, UI_MESSAGE_STREAM_HEADERS } from './headers.ts'
export { anthropicFrame, uiFrame, OPEN_COMMENT, KEEP_ALIVE_COMMENT, PING_EVENT, UI_DONE } from './frames.ts'
export type { ChatStreamMetadata, UIMessageChunk, UIFinishReason } from '../wire/index.ts'
