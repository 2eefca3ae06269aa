import type { Reply } from './reply.ts'
import type { InputUsage } from './usage.ts'

export interface MessageMeta {
  id: string
  model: string
  usage: InputUsage
}

/** The body of a non-streaming reply. */
export function messageJson(meta: MessageMeta, reply: Reply) {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: reply.blocks.map((b) => {
      switch (b.type) {
        case 'thinking':
          return { type: 'thinking', thinking: b.pieces.join(''), signature: b.signature }
        case 'text':
          return { type: 'text', text: b.pieces.join('') }
        case 'tool_use':
          return { type: 'tool_use', id: b.id, name: b.name, input: b.input, caller: { type: 'direct' } }
      }
    }),
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    stop_details: reply.stopDetails,
    usage: {
      ...meta.usage,
      output_tokens: reply.outputTokens,
      output_tokens_details: { thinking_tokens: reply.thinkingTokens },
      service_tier: 'standard',
      inference_geo: 'global',
    },
  }
}

/** A stream event: its `type` is also the SSE `event:` name. */
export type StreamEvent = { type: string } & Record<string, unknown>

/**
 * Every event of a streamed reply, in the order the real API sends them: message_start,
 * each block (start, a ping after the first start, deltas, stop), message_delta with the
 * cumulative usage, message_stop.
 */
export function replyEvents(meta: MessageMeta, reply: Reply, chunk = 1): StreamEvent[] {
  const events: StreamEvent[] = [
    {
      type: 'message_start',
      message: {
        id: meta.id,
        type: 'message',
        role: 'assistant',
        model: meta.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: { ...meta.usage, output_tokens: Math.min(1, reply.outputTokens), service_tier: 'standard', inference_geo: 'global' },
      },
    },
  ]
  const delta = (index: number, d: Record<string, unknown>) => events.push({ type: 'content_block_delta', index, delta: d })
  reply.blocks.forEach((b, index) => {
    switch (b.type) {
      case 'thinking':
        events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } })
        break
      case 'text':
        events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
        break
      case 'tool_use':
        events.push({
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: b.id, name: b.name, input: {}, caller: { type: 'direct' } },
        })
        break
    }
    if (index === 0) events.push(PING)
    switch (b.type) {
      case 'thinking':
        for (const thinking of group(b.pieces, chunk)) delta(index, { type: 'thinking_delta', thinking })
        delta(index, { type: 'signature_delta', signature: b.signature })
        break
      case 'text':
        for (const text of group(b.pieces, chunk)) delta(index, { type: 'text_delta', text })
        break
      case 'tool_use':
        delta(index, { type: 'input_json_delta', partial_json: '' })
        for (const partial_json of b.pieces) delta(index, { type: 'input_json_delta', partial_json })
        break
    }
    events.push({ type: 'content_block_stop', index })
  })
  if (reply.blocks.length === 0) events.push(PING)
  events.push({
    type: 'message_delta',
    delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence, stop_details: reply.stopDetails },
    usage: {
      input_tokens: meta.usage.input_tokens,
      cache_creation_input_tokens: meta.usage.cache_creation_input_tokens,
      cache_read_input_tokens: meta.usage.cache_read_input_tokens,
      output_tokens: reply.outputTokens,
      output_tokens_details: { thinking_tokens: reply.thinkingTokens },
    },
  })
  events.push({ type: 'message_stop' })
  return events
}

const PING: StreamEvent = { type: 'ping' }

/** Joins every `size` pieces into one delta. */
function group(pieces: string[], size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < pieces.length; i += size) out.push(pieces.slice(i, i + size).join(''))
  return out
}

/** One SSE frame: `event:` equal to `data.type`, then the JSON data, then a blank line. */
export function sseFrame(event: StreamEvent): string {
  // The real API writes ping data with a space after the colon; keep the wire identical.
  const data = event.type === 'ping' ? '{"type": "ping"}' : JSON.stringify(event)
  return `event: ${event.type}\ndata: ${data}\n\n`
}
