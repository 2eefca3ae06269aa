import type { UIMessageChunk as GatewayChunk } from '../src/wire/ui-message-chunk.ts'

/**
 * The parts of the AI SDK UI message stream (protocol v1) the client acts on: those the gateway
 * writes, plus `abort`; `data-*` parts become `data` events. Other valid parts (`source-*`, `file`,
 * approvals, …) are passed over; fields not listed here are ignored.
 */
export type UIMessageChunk = GatewayChunk | { type: 'abort'; reason?: string } | { type: string & {}; [field: string]: unknown }

/** Emitted for the `data: [DONE]` frame that closes a stream. */
export const DONE = Object.freeze({ type: '[DONE]' as const })
export type Done = typeof DONE
