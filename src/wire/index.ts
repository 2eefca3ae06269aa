/**
 * The wire contract shared by the Worker and the browser client (`claude-edge/client`): error
 * types and body, the UI message stream parts, the finish metadata and token usage. Types only,
 * with no import from the rest of src/, so the browser bundle can import it.
 */
export type { ErrorBody, ErrorType } from './error.ts'
export type { ChatStreamMetadata } from './metadata.ts'
export type { UIFinishReason, UIMessageChunk } from './ui-message-chunk.ts'
export type { Usage } from './usage.ts'
