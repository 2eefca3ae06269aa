/**
 * `claude-edge`: what an app composes. `createApp` is the whole gateway; `gateway`, `authenticate`,
 * `limits` and the route handlers are the parts it is made of, for your own Hono app. Building
 * blocks live under subpaths: `claude-edge/limits`, `claude-edge/stream`, `claude-edge/models`,
 * `claude-edge/admission`; the simulator under `claude-edge/testing`; the browser client under
 * `claude-edge/client`.
 */
export { createApp, type AppOptions } from './app.ts'
export { conversationObject, type ConversationObjectClass } from './conversation-object.ts'
export type { Conversation, ConversationStore, ConversationSummary } from './conversations/types.ts'
export {
  gateway,
  gatewayErrorHandler,
  gatewayNotFound,
  requestBodyLimit,
  type GatewayEnv,
  type GatewayOptions,
  type GatewayVariables,
} from './gateway/index.ts'
export { parseConfig, ConfigError, type Config, type ClientKey, type Rate } from './config.ts'
export { GatewayError, type GatewayErrorOptions, type ErrorType, type ErrorBody } from './errors.ts'
export { consoleLogger, type Logger, type LogLine } from './logger/logger.ts'
export type { Usage } from './wire/usage.ts'

// Middleware
export {
  authenticate,
  corsPolicy,
  securityHeaders,
  mintSessionToken,
  cloudflareClientIp,
  SCOPES,
  type AuthenticateOptions,
  type CorsPolicyOptions,
  type SecurityHeadersOptions,
  type SessionTokenOptions,
  type SessionLimits,
  type Scope,
  type ClientIpSource,
  type Identity,
  type IdentityLimits,
} from './auth/index.ts'
export { limits, readLimit, type LimitsOptions } from './limits/index.ts'
export { requestLog, type RequestLogOptions, type RequestLogLine } from './observability/request-log.ts'

// Routes
export { chatHandler } from './chat/handler.ts'
export { chatStreamHandler } from './chat/stream-handler.ts'
export { messagesHandler, countTokensHandler } from './messages/index.ts'
export { chatCompletionsHandler, openAIErrors } from './openai/index.ts'
export { modelsHandler, modelHandler } from './models/routes.ts'
export { usageHandler } from './limits/usage-handler.ts'
export { healthHandler } from './health/handler.ts'

// Tools and assistants
export {
  defineTool,
  ToolError,
  ToolDefinitionError,
  calculator,
  currentTime,
  demoTools,
  type Tool,
  type ToolOptions,
  type ToolContext,
  type ToolStep,
  type LoopStep,
  type LoopStopReason,
} from './tools/index.ts'
export { defineAssistant, type Assistant, type AssistantConfig } from './assistants/define-assistant.ts'
