import type { Context } from 'hono'
import type { Identity } from '../auth/identity.ts'
import { GatewayError } from '../errors.ts'
import type { Assistant } from './define-assistant.ts'
import type { AssistantRegistry } from './registry.ts'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface BoundRequest {
  /** The body with the assistant's system prompt, model, caps and tools applied. */
  body: Obj
  assistant: Assistant
  /** What was changed that the caller should know (a clamped max_tokens). */
  warnings: string[]
}

/**
 * The assistant a request runs as: the one it names, or the caller's only one. Anonymous callers
 * may use public assistants only; a key or session token that lists `assistants` only those; other
 * keys may name any assistant or none (a raw request). Unknown: 400; not the caller's: 403.
 */
export function resolveAssistant(requested: unknown, identity: Identity, registry: AssistantRegistry): Assistant | undefined {
  const allowed = identity.kind === 'anonymous' ? registry.publicIds : identity.assistants
  if (requested === undefined || requested === null) {
    if (!allowed) return undefined
    if (allowed.length === 1) {
      const only = registry.get(allowed[0]!)
      if (!only)
        throw new GatewayError('permission_error', `assistants: "${allowed[0]}" in this credential is not an assistant of this app.`)
      return only
    }
    throw new GatewayError('invalid_request_error', `Invalid request: assistant: required for this caller; one of ${list(allowed)}`)
  }
  if (typeof requested !== 'string' || !registry.get(requested) || (identity.kind === 'anonymous' && !allowed!.includes(requested))) {
    throw new GatewayError(
      'invalid_request_error',
      `Invalid request: assistant: unknown assistant ${JSON.stringify(requested)}${allowed ? `; one of ${list(allowed)}` : ''}`,
    )
  }
  if (allowed && !allowed.includes(requested)) {
    throw new GatewayError('permission_error', `assistant: "${requested}" is not available to this caller; allowed: ${list(allowed)}.`)
  }
  return registry.get(requested)
}

/**
 * Applies the request's assistant (if any) to a raw JSON body, before it is parsed, so every
 * route enforces the same rules (docs/assistants.md). What the assistant fixes cannot be changed by the
 * caller: its own `system` (the field, a UI `system` message or a `role: "system"` message),
 * another `model` or `temperature`, a tool the assistant does not list, `output_schema` or `cache`
 * are each a 403 `permission_error` naming the field. `max_tokens` above the assistant's is
 * clamped on `/v1/chat` (a warning says so) and refused on `/v1/messages` (no place for one).
 */
export function bindAssistant(c: Context, raw: unknown, route: 'chat' | 'messages'): BoundRequest | undefined {
  const body = isObj(raw) ? raw : {}
  const registry = c.get('assistants')
  const assistant = resolveAssistant(body.assistant, c.get('identity'), registry)
  if (!assistant) {
    if (body.assistant !== undefined) delete body.assistant
    return undefined
  }
  const config = c.get('config')
  const refuse = (field: string, why: string) =>
    new GatewayError('permission_error', `${field}: ${why} (assistant "${assistant.id}" sets it; this caller may not change it).`)

  if (body.system !== undefined && body.system !== '' && !(Array.isArray(body.system) && !body.system.length))
    throw refuse('system', 'a system prompt of your own is not allowed')
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      if (isObj(m) && m.role === 'system') throw refuse(`messages.${i}.role`, 'system messages are not allowed')
    })
  }
  if (body.model !== undefined && config.catalogue.get(String(body.model))?.id !== assistant.model)
    throw refuse('model', `"${String(body.model)}" is not this assistant's model`)
  if (body.temperature !== undefined && body.temperature !== assistant.temperature)
    throw refuse('temperature', 'a temperature of your own is not allowed')
  for (const field of ['output_schema', 'cache'] as const) if (body[field] !== undefined) throw refuse(field, 'not allowed')

  const warnings: string[] = []
  const requested = body.max_tokens
  if (typeof requested === 'number' && requested > assistant.max_tokens) {
    if (route === 'messages')
      throw new GatewayError(
        'invalid_request_error',
        `Invalid request: max_tokens: ${requested} is above the ${assistant.max_tokens} allowed for assistant "${assistant.id}"`,
      )
    warnings.push(`max_tokens was lowered from ${requested} to ${assistant.max_tokens}, the most assistant "${assistant.id}" allows`)
  }
  const maxTokens = typeof requested === 'number' ? Math.min(requested, assistant.max_tokens) : assistant.max_tokens
  const { assistant: _named, ...rest } = body
  const bound: Obj = {
    ...rest,
    system: assistant.system,
    model: assistant.model,
    max_tokens: maxTokens,
    ...(assistant.temperature !== undefined && { temperature: assistant.temperature }),
  }

  if (route === 'chat') {
    const tools = Array.isArray(body.tools) ? body.tools : undefined
    tools?.forEach((name, i) => {
      if (!assistant.tools.includes(String(name)))
        throw refuse(`tools.${i}`, `"${String(name)}" is not one of this assistant's tools (${list(assistant.tools)})`)
    })
    bound.tools = tools ?? assistant.tools
    const clientTools = Array.isArray(body.client_tools) ? body.client_tools : []
    bound.client_tools = clientTools.map((tool, i) => {
      const name = isObj(tool) ? tool.name : undefined
      const own = assistant.client_tools.find((t) => t.name === name)
      if (!own)
        throw refuse(
          `client_tools.${i}`,
          `"${String(name)}" is not one of this assistant's client tools (${list(assistant.client_tools.map((t) => t.name))})`,
        )
      return own // the assistant's definition, not the page's
    })
  } else {
    const allowed = [...assistant.tools, ...assistant.client_tools.map((t) => t.name)]
    const tools = Array.isArray(body.tools) ? body.tools : []
    tools.forEach((tool, i) => {
      const name = isObj(tool) ? String(tool.name) : String(tool)
      if (!allowed.includes(name)) throw refuse(`tools.${i}`, `"${name}" is not one of this assistant's tools (${list(allowed)})`)
    })
  }
  return { body: bound, assistant, warnings }
}

const list = (names: readonly string[]) => (names.length ? names.map((n) => `"${n}"`).join(', ') : 'none')
