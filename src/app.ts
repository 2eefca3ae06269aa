import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import { corsPolicy, securityHeaders } from './auth/index.ts'
import { authenticate } from './auth/authenticate.ts'
import { chatHandler } from './chat/handler.ts'
import { chatStreamHandler } from './chat/stream-handler.ts'
import type { Config } from './config.ts'
import { gateway, type GatewayOptions } from './gateway/gateway.ts'
import { gatewayErrorHandler, gatewayNotFound } from './gateway/error-handler.ts'
import { requestBodyLimit } from './gateway/request-body-limit.ts'
import type { GatewayEnv } from './gateway/variables.ts'
import { healthHandler } from './health/handler.ts'
import { limits } from './limits/limits.ts'
import { readLimit } from './limits/read-limit.ts'
import { usageHandler } from './limits/usage-handler.ts'
import { resumeHandler, runInConversation, stopHandler } from './conversations/forward.ts'
import {
  createConversationHandler,
  deleteConversationHandler,
  getConversationHandler,
  listConversationsHandler,
} from './conversations/routes.ts'
import { countTokensHandler, messagesHandler } from './messages/index.ts'
import { modelHandler, modelsHandler } from './models/routes.ts'
import { requestLog } from './observability/request-log.ts'
import { chatCompletionsHandler, openAIErrors } from './openai/index.ts'

export interface AppOptions extends GatewayOptions {
  /** Validated configuration, from `parseConfig(env)`. */
  config: Config
  /**
   * The app runs inside the conversation's Durable Object (`conversationObject`), so its chat
   * routes run here instead of being handed to that object. Internal. Default: false.
   */
  conversationHost?: boolean
}

/**
 * The whole gateway as one Hono app, built only from exported parts: request id, request log,
 * security headers, CORS, `gateway()`, `authenticate()`, `limits()` and the routes of the HTTP
 * contract (docs/http.md). Mount it in your app with `app.route('/', createApp(…))`, or compose the
 * same parts yourself (README, "Your own Hono app").
 */
export function createApp(options: AppOptions): Hono<GatewayEnv> {
  const { config } = options
  // Built here, with the config: a bad key, tool or assistant throws now, not on the first request.
  const credentials = authenticate({ config })
  const context = gateway(options)
  const app = new Hono<GatewayEnv>()
  app.use(requestId({ limitLength: 128 }))
  app.use(requestLog({ logBodies: config.logBodies }))
  app.use(context)
  app.use(securityHeaders())
  app.use(corsPolicy({ allowedOrigins: config.allowedOrigins }))

  // Before authenticate: every error of the OpenAI-compatible route, a 401 included, in OpenAI's shape.
  app.use('/v1/chat/completions', openAIErrors())
  app.use('/v1/*', credentials, limits())

  const jsonBody = requestBodyLimit()
  // A request that continues a conversation runs in its Durable Object (resumable, stoppable).
  const conversation = options.conversationHost ? [] : [runInConversation()]
  app.post('/v1/chat', jsonBody, ...conversation, chatHandler)
  app.post('/v1/chat/stream', jsonBody, ...conversation, chatStreamHandler)
  app.get('/v1/chat/stream/:id/stream', readLimit(), resumeHandler)
  app.post('/v1/chat/completions', jsonBody, chatCompletionsHandler)
  app.post('/v1/messages', jsonBody, messagesHandler)
  app.post('/v1/messages/count_tokens', jsonBody, readLimit(), countTokensHandler)
  app.get('/v1/models', modelsHandler)
  app.get('/v1/models/:id', readLimit(), modelHandler)
  app.get('/v1/usage', usageHandler)
  app.post('/v1/conversations', readLimit(), createConversationHandler)
  app.get('/v1/conversations', readLimit(), listConversationsHandler)
  app.get('/v1/conversations/:id', readLimit(), getConversationHandler)
  app.delete('/v1/conversations/:id', readLimit(), deleteConversationHandler)
  app.post('/v1/conversations/:id/stop', readLimit(), stopHandler)
  app.get('/healthz', healthHandler)

  app.notFound(gatewayNotFound)
  app.onError(gatewayErrorHandler)
  return app
}
