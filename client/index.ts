export { createChatClient } from './create-chat-client.ts'
export type { ChatCallbacks, ChatClient, ChatClientOptions, ChatRequestFields, SendOptions } from './create-chat-client.ts'
export { ChatReply } from './chat-reply.ts'
export { withToolResults } from './with-tool-results.ts'
export type { ToolOutcome } from './with-tool-results.ts'
export { ChatError } from './chat-error.ts'
export type { ChatErrorInit, ChatErrorType } from './chat-error.ts'
export type { RetryOptions } from './retry.ts'
export type {
  ChatEvent,
  ChatMessage,
  ChatMetadata,
  ChatResult,
  ChatUsage,
  FinishReason,
  ReplyPart,
  ToolCall,
  ToolCallState,
} from './types.ts'
export { decodeUIMessageStream } from './decode-ui-message-stream.ts'
export { ReplyAccumulator } from './reply-accumulator.ts'
export type { UIMessageChunk } from './ui-message-chunk.ts'
