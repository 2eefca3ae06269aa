import type { Context } from 'hono'
import { GatewayError } from '../errors.ts'
import { fitContext } from '../context/fit-context.ts'
import { estimateInputTokens, toolTokens } from '../context/estimate-tokens.ts'
import { stepParams } from '../tools/tool-loop.ts'
import { loopRequest } from './params.ts'
import { parseChatRequest, type ChatRequest } from './request.ts'
import { readJsonBody } from './read-body.ts'
import { bindAssistant } from '../assistants/bind-assistant.ts'
import { prepareTools } from './prepare-tools.ts'
import { conversationRef, loadTurn, usableRef } from '../conversations/turn.ts'

/**
 * The steps every chat route shares before calling Claude: apply the assistant, parse, validate,
 * resolve tools, fit the context, admit the first model call exactly as the tool loop will send it.
 */
export async function prepareChat(c: Context): Promise<ChatRequest> {
  const raw = await readJsonBody(c)
  const bound = bindAssistant(c, raw, 'chat')
  c.set('assistant', bound?.assistant)
  const req = parseChatRequest(bound?.body ?? raw, c.get('config'), c.get('identity'))
  if (bound) req.warnings.push(...bound.warnings)
  // The assistant's own schema object, checked at start-up: its strict form and validator are made once, not per request.
  if (bound?.assistant.output_schema) req.outputSchema = bound.assistant.output_schema
  await continueConversation(c, req, raw)
  prepareTools(req, c.get('tools'))
  applyContextLimit(c, req)
  const params = stepParams(loopRequest(req), req.messages, 1)
  req.reservation = await c.get('admission')(c, { call: { params, betas: [] }, estimatedTokens: estimateInputTokens(params, req.model) })
  return req
}

/** MAX_INPUT_TOKENS / CONTEXT_OVERFLOW: trims `req.messages` in place (and says so) or throws 413. */
function applyContextLimit(c: Context, req: ChatRequest): void {
  const config = c.get('config')
  // Tool definitions go with every model call; they count toward the limit but are never trimmed.
  const definitions = req.tools?.definitions ?? req.clientTools
  const reservedTokens = definitions.reduce((n, tool) => n + toolTokens(tool, req.model.tokenizer), 0)
  const { messages, report } = fitContext(req, req.model, req.maxTokens, {
    maxInputTokens: config.maxInputTokens,
    overflow: config.contextOverflow,
    reservedTokens,
  })
  c.get('meter').context = report
  if (report.dropped_messages === 0) return
  req.messages = messages
  req.warnings.push(
    `context: dropped the ${report.dropped_messages} oldest message(s) after the first one to fit MAX_INPUT_TOKENS (about ${report.estimated_input_tokens} → ${report.sent_input_tokens} of ${report.max_input_tokens} input tokens)`,
  )
}

/**
 * A request that names a conversation continues it: the stored turns, then what this request
 * adds (docs/conversations.md). Without a store, an explicit `conversation_id` is a 400 that says
 * what to configure, and useChat's own `id` leaves the request stateless.
 */
async function continueConversation(c: Context, req: ChatRequest, raw: unknown): Promise<void> {
  const identity = c.get('identity')
  const ref = usableRef(conversationRef(raw), identity)
  if (!ref) return
  const store = c.get('conversations')
  if (!store) {
    if (ref.implicit) return
    throw new GatewayError(
      'invalid_request_error',
      `conversation_id: conversations need a store: configure Upstash (UPSTASH_REDIS_REST_URL/TOKEN) or bind the conversation Durable Object as ${c.get('config').conversationsBinding} (docs/conversations.md).`,
    )
  }
  const turn = await loadTurn(store, ref, identity, req.messages, Date.now())
  req.turn = turn
  req.messages = [...turn.conversation.messages, ...turn.added]
  c.get('generation')?.turn({ owner: identity.id, id: ref.id, base: turn.conversation.messages.length, added: turn.added })
}
