import { admitCall } from '../admission/admit-call.ts'
import type Anthropic from '@anthropic-ai/sdk'
import type { Context } from 'hono'
import { readJsonBody } from '../chat/read-body.ts'
import { bindAssistant } from '../assistants/bind-assistant.ts'
import { describeIssues } from '../chat/schema.ts'
import { OUTPUT_BETAS, parseBetas } from '../admission/passthrough.ts'
import { adjustForAlias } from './alias-adjustments.ts'
import { GatewayError } from '../errors.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { resolveModelOr404 } from '../models/routes.ts'
import { headersFor, type MessageParams } from '../upstream/params.ts'
import { countTokensBodySchema, messagesBodySchema } from './schema.ts'

/** What the gateway changed in a request that used a model alias (see `adjustForAlias`). */
export const WARNINGS_HEADER = 'x-claude-edge-warnings'

export interface PreparedMessages {
  model: ModelInfo
  /** The caller's body with the model resolved to its id, without `stream`. */
  params: MessageParams
  stream: boolean
  /** Headers forwarded upstream: the caller's `anthropic-version` and `anthropic-beta`. */
  headers: Record<string, string>
}

/** The caller's API version and betas win; without them, the version the parameters need. */
function forwardedHeaders(c: Context, body: Record<string, unknown>): Record<string, string> {
  const headers = headersFor(body as Parameters<typeof headersFor>[0])
  const version = c.req.header('anthropic-version')
  const beta = c.req.header('anthropic-beta')
  if (version) headers['anthropic-version'] = version
  if (beta) headers['anthropic-beta'] = beta
  return headers
}

/**
 * Validates what the gateway reads (model, max_tokens, the input size against MAX_INPUT_TOKENS),
 * then runs admission with the whole request as it will be sent, betas included (limits, budgets,
 * passthrough fields).
 */
export async function prepareMessages(c: Context): Promise<PreparedMessages> {
  const raw = await readJsonBody(c)
  const bound = bindAssistant(c, raw, 'messages')
  c.set('assistant', bound?.assistant)
  const parsed = messagesBodySchema.safeParse(bound?.body ?? raw)
  if (!parsed.success) throw new GatewayError('invalid_request_error', `Invalid request: ${describeIssues(parsed.error)}`)
  const { stream = false, ...body } = parsed.data
  const config = c.get('config')
  const identity = c.get('identity')
  const model = resolveModelOr404(body.model, config, identity)
  const betas = parseBetas(c.req.header('anthropic-beta'))
  // A beta such as output-300k raises the model's output ceiling; the reservation prices max_tokens either way.
  const ceiling = Math.max(model.maxOutput, ...betas.map((b) => OUTPUT_BETAS.get(b) ?? 0))
  const limit = Math.min(ceiling, identity.maxTokens ?? Infinity)
  if (body.max_tokens > limit) {
    throw new GatewayError(
      'invalid_request_error',
      `Invalid request: max_tokens: ${body.max_tokens} is above the ${limit} output tokens allowed for ${model.id}`,
    )
  }
  const params = { ...body, model: model.id } as unknown as MessageParams
  if (body.model !== model.id) {
    const warnings = adjustForAlias(params, model)
    // Response header: the body is Anthropic's message, which has no place for them.
    if (warnings.length) c.header(WARNINGS_HEADER, warnings.join('; '))
  }
  await admitCall(c, { params, betas }, model)
  return { model, params, stream, headers: forwardedHeaders(c, params as unknown as Record<string, unknown>) }
}

/** Validates a `count_tokens` body (the model must be allowed); no admission: it is free. */
export async function prepareCountTokens(
  c: Context,
): Promise<{ params: Anthropic.MessageCountTokensParams; headers: Record<string, string> }> {
  const parsed = countTokensBodySchema.safeParse(await readJsonBody(c))
  if (!parsed.success) throw new GatewayError('invalid_request_error', `Invalid request: ${describeIssues(parsed.error)}`)
  const model = resolveModelOr404(parsed.data.model, c.get('config'), c.get('identity'))
  const params = { ...parsed.data, model: model.id } as unknown as Anthropic.MessageCountTokensParams
  return { params, headers: forwardedHeaders(c, parsed.data) }
}
