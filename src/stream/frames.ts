import type { UIMessageChunk } from '../wire/ui-message-chunk.ts'

/** The first bytes of every stream: an SSE comment, written before the upstream answers. */
export const OPEN_COMMENT = ': stream-open\n\n'

/** The UI stream's heartbeat: an SSE comment, ignored by every SSE parser. */
export const KEEP_ALIVE_COMMENT = ': keep-alive\n\n'

/** The Anthropic format's heartbeat, byte for byte as the real API writes it. */
export const PING_EVENT = 'event: ping\ndata: {"type": "ping"}\n\n'

/** The last frame of a UI message stream. */
export const UI_DONE = 'data: [DONE]\n\n'

/** One UI message stream part: a `data:` line with the JSON part, no `event:` line. */
export function uiFrame(part: UIMessageChunk): string {
  return `data: ${JSON.stringify(part)}\n\n`
}

/** One Anthropic stream event: `event:` equal to `data.type`, then the JSON data. */
export function anthropicFrame(event: { type: string }): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}
