import { admitCall } from '../admission/admit-call.ts'
import type { Context } from 'hono'
import { bindAssistant } from '../assistants/bind-assistant.ts'
import { readJsonBody } from '../chat/read-body.ts'
import { describeIssues } from '../chat/schema.ts'
import { GatewayError } from '../errors.ts'
import { adjustForAlias } from '../messages/alias-adjustments.ts'
import { WARNINGS_HEADER } from '../messages/prepare.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import type { MessageParams } from '../upstream/params.ts'
import { resolveModelOr404 } from '../models/routes.ts'
import { chatCompletionRequestSchema } from './schema.ts'
import { joinTurns } from './to-anthropic-messages.ts'
import { toDraft, type Draft } from './to-anthropic.ts'

export interface PreparedCompletion {
  model: ModelInfo
  /** The Messages API call, whole, as admitted and as it will be sent. */
  params: MessageParams
  stream: boolean
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request_error', `Invalid request: ${message}`)
}

/**
 * Reads a Chat Completions body and turns it into one Messages API call, through the same rules as
 * the other routes: the assistant binding (on the converted body, whose turns keep the caller's
 * message indexes), the caller's models, max_tokens caps, what the model supports, MAX_INPUT_TOKENS
 * (413), then admission with the whole call (limits, budgets: tools and system prompt priced).
 */
export async function prepareCompletion(c: Context): Promise<PreparedCompletion> {
  const raw = await readJsonBody(c)
  const parsed = chatCompletionRequestSchema.safeParse(raw)
  if (!parsed.success) throw invalid(describeIssues(parsed.error))
  const { draft, warnings } = toDraft(parsed.data)
  const bound = bindAssistant(c, draft, 'messages')
  c.set('assistant', bound?.assistant)
  if (bound) warnings.push(...bound.warnings)
  const body = (bound?.body ?? draft) as Draft & { system?: string }

  const config = c.get('config')
  const identity = c.get('identity')
  // An unknown model is a 404 (OpenAI's `model_not_found`); one the caller may not use, a 403.
  const model = resolveModelOr404(body.model, config, identity)
  const { system, messages } = joinTurns(body.messages)
  if (!messages.length) throw invalid('messages: expected at least one user message besides system messages')
  if (messages[0]!.role !== 'user') throw invalid('messages: the conversation must start with a user message (after any system messages)')
  if (body.system) system.unshift(body.system)

  const limit = Math.min(model.maxOutput, identity.maxTokens ?? Infinity)
  if (draft.max_tokens !== undefined && body.max_tokens! > limit) {
    throw invalid(`max_tokens: ${body.max_tokens} is above the ${limit} output tokens allowed for ${model.id}`)
  }
  const params: MessageParams = {
    model: model.id,
    max_tokens: Math.min(body.max_tokens ?? config.defaultMaxTokens, limit),
    messages,
    ...(system.length && { system: system.join('\n\n') }),
    ...(body.temperature !== undefined && { temperature: body.temperature }),
    ...(body.top_p !== undefined && { top_p: body.top_p }),
    ...(body.stop_sequences && { stop_sequences: body.stop_sequences }),
    ...(body.tools && { tools: body.tools }),
    ...(body.tool_choice && { tool_choice: body.tool_choice }),
  }
  // OpenAI clients know nothing of Claude's models: always make /v1/chat's per-model adjustments
  // (sampling parameters the model rejects dropped, forced tool use sent as `auto`).
  warnings.push(...adjustForAlias(params, model))
  // The body is OpenAI's, with no place for them.
  if (warnings.length) c.header(WARNINGS_HEADER, warnings.join('; '))

  await admitCall(c, { params, betas: [] }, model)
  return { model, params, stream: parsed.data.stream === true, includeUsage: parsed.data.stream_options?.include_usage === true }
}
