import type Anthropic from '@anthropic-ai/sdk'
import { capMaxTokens } from './cap-max-tokens.ts'
import type { Identity } from '../auth/identity.ts'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import { strictSchema } from '../structured/strict-schema.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { allowedModels, resolveModel } from '../models/resolve-model.ts'
import * as z from 'zod/mini'
import '../validation/zod.ts'
import type { ActiveTools } from '../tools/active-tools.ts'
import type { Reservation } from '../admission/admission.ts'
import type { ConversationTurn } from '../conversations/turn.ts'
import { anthropicMessages, chatRequestSchema, describeIssues, uiMessages, type ChatRequestBody } from './schema.ts'
import { fromUIMessages } from './ui-messages.ts'

export type ClientTool = NonNullable<ChatRequestBody['client_tools']>[number]

/** A validated chat request, normalised to what the upstream call needs. */
export interface ChatRequest {
  model: ModelInfo
  messages: Anthropic.MessageParam[]
  system?: string | Anthropic.TextBlockParam[]
  maxTokens: number
  temperature?: number
  /** Names of server tools the caller asked for; undefined means all allowed. */
  toolNames?: string[]
  clientTools: ClientTool[]
  toolChoice?: Anthropic.ToolChoice
  /** Tools this request may use, resolved by `prepareTools` (server + client). */
  tools?: ActiveTools
  /** The admission of its first model call; the tool loop extends it before each later call. */
  reservation?: Reservation
  thinking?: Anthropic.ThinkingConfigParam
  /** The JSON Schema the answer must follow (the request's, or its assistant's). */
  outputSchema?: Record<string, unknown>
  /** The stored conversation this request continues, and what it adds (see `continueConversation`). */
  turn?: ConversationTurn
  /** The body came from `useChat` (UI messages). */
  uiMessages: boolean
  /** Things we changed about the request, reported back to the caller. */
  warnings: string[]
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request_error', message)
}

export function parseChatRequest(body: unknown, config: Config, identity: Identity): ChatRequest {
  const parsed = z.safeParse(chatRequestSchema, body)
  if (!parsed.success) throw invalid(`Invalid request: ${describeIssues(parsed.error)}`)
  const b = parsed.data
  const warnings: string[] = []

  const isUI = b.messages.some((m) => typeof m === 'object' && m !== null && 'parts' in m)
  let messages: Anthropic.MessageParam[]
  let system = b.system
  if (isUI) {
    const ui = z.safeParse(uiMessages, b.messages)
    if (!ui.success) throw invalid(`Invalid request: ${describeIssues(prefix(ui.error, 'messages'))}`)
    const converted = fromUIMessages(ui.data)
    messages = converted.messages
    if (converted.system.length) {
      const joined = converted.system.join('\n\n')
      system = typeof system === 'string' ? `${system}\n\n${joined}` : system ? [...system, { type: 'text', text: joined }] : joined
    }
  } else {
    const plain = z.safeParse(anthropicMessages, b.messages)
    if (!plain.success) throw invalid(`Invalid request: ${describeIssues(prefix(plain.error, 'messages'))}`)
    messages = plain.data as Anthropic.MessageParam[]
  }
  if (!messages.length) throw invalid('Invalid request: messages: expected at least one message with content')
  if (messages[0]!.role !== 'user') throw invalid('Invalid request: messages.0.role: the conversation must start with a user message')

  const model = resolveModel(b.model ?? defaultModelFor(config, identity), config, identity)
  const capped = capMaxTokens(b.max_tokens ?? Math.min(config.defaultMaxTokens, model.maxOutput), identity, b.max_tokens !== undefined)
  const maxTokens = capped.maxTokens
  if (capped.warning) warnings.push(capped.warning)
  if (maxTokens > model.maxOutput) {
    throw invalid(`Invalid request: max_tokens: ${maxTokens} is above the ${model.maxOutput} output tokens ${model.id} allows`)
  }

  let temperature = b.temperature
  if (temperature !== undefined && model.samplingFixed) {
    warnings.push(`temperature is not supported by ${model.id} and was ignored`)
    temperature = undefined
  }

  return {
    model,
    messages,
    ...(system !== undefined && { system: system as string | Anthropic.TextBlockParam[] }),
    maxTokens,
    ...(temperature !== undefined && { temperature }),
    ...(b.tools && { toolNames: b.tools }),
    clientTools: b.client_tools ?? [],
    ...(b.tool_choice && { toolChoice: b.tool_choice as Anthropic.ToolChoice }),
    ...(b.thinking && { thinking: b.thinking as Anthropic.ThinkingConfigParam }),
    ...(b.output_schema && { outputSchema: checkedSchema(b.output_schema) }),
    uiMessages: isUI,
    warnings,
  }
}

/** An `output_schema` Anthropic can take (see `strictSchema`), or a 400 saying what is wrong with it. */
function checkedSchema(schema: Record<string, unknown>): Record<string, unknown> {
  try {
    strictSchema(schema)
  } catch (error) {
    throw invalid(`Invalid request: output_schema: ${error instanceof Error ? error.message : String(error)}`)
  }
  return schema
}

/** DEFAULT_MODEL, or the caller's first allowed model when its own list leaves the default out. */
function defaultModelFor(config: Config, identity: Identity): string {
  const allowed = allowedModels(config, identity)
  return allowed.includes(config.defaultModel) ? config.defaultModel : (allowed[0] ?? config.defaultModel)
}

function prefix<E extends { issues: { path: PropertyKey[] }[] }>(error: E, key: string): E {
  for (const issue of error.issues) issue.path.unshift(key)
  return error
}
