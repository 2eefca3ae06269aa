export { createApp, type AppOptions } from './app.ts'
export { parseConfig, parseRate, ConfigError, type Config, type ClientKey, type Rate } from './config.ts'
export { GatewayError, errorBody, type ErrorType, type ErrorBody } from './errors.ts'
export type { Identity, IdentityLimits } from './auth/identity.ts'
export {
  authenticate,
  corsPolicy,
  securityHeaders,
  mintSessionToken,
  capMaxTokens,
  cloudflareClientIp,
  SCOPES,
  type AuthenticateOptions,
  type CorsPolicyOptions,
  type SecurityHeadersOptions,
  type SessionTokenOptions,
  type SessionLimits,
  type Scope,
  type ClientIpSource,
} from './auth/index.ts'
export { defineAssistant, type Assistant, type AssistantConfig } from './assistants/define-assistant.ts'
export { Catalogue, PRICES_CHECKED_AT, type ModelInfo, type Pricing, type PriceTier, type Alias } from './upstream/catalogue.ts'
export { costOf, type Usage } from './upstream/cost.ts'
export {
  streamUIMessages,
  streamAnthropicEvents,
  pipeModelStream,
  relayModelStream,
  UIStreamWriter,
  StreamAbortedError,
  type UIStreamRun,
  type UIStreamOutcome,
  type ChatStreamMetadata,
  type AnthropicStreamRun,
  type ModelStreamOptions,
  type ModelStreamResult,
} from './stream/index.ts'
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
export { limits, usageHandler, readLimit, Limiter, createLimiter, RedisStore, MemoryStore, policyFor } from './limits/index.ts'
export { boundCall, checkPassthrough, localInputBound, type UpstreamCall, type Reservation, type CallBound } from './admission/index.ts'
export type {
  LimitsOptions,
  LimiterOptions,
  CreateLimiterOptions,
  Decision,
  RateLimitState,
  LimitStore,
  ScriptRedis,
  Policy,
} from './limits/index.ts'
export { demoPage, widgetScript, type DemoPageOptions, type WidgetScriptOptions } from './demo/index.ts'
