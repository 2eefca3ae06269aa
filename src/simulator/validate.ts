import { SimError } from './errors.ts'
import type { SimModel } from './models.ts'
import { schemaProblem } from './structured.ts'

/** API versions the simulator accepts in `anthropic-version`. */
export const API_VERSIONS = ['2023-01-01', '2023-06-01', '2026-10-21'] as const

/** How the caller authenticated, recorded without the key. */
export type AuthKind = 'x-api-key' | 'bearer'

/** Which credential header the caller used, if any. */
export function authKind(headers: Headers): AuthKind | 'none' {
  return headers.has('x-api-key') ? 'x-api-key' : headers.has('authorization') ? 'bearer' : 'none'
}

/** Checks the credential: `x-api-key: <key>` or `Authorization: Bearer <key>`. */
export function checkAuth(headers: Headers, accepts: (key: string) => boolean): AuthKind {
  const apiKey = headers.get('x-api-key')
  const authorization = headers.get('authorization')
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim()
  const [kind, key]: [AuthKind, string | undefined] = apiKey !== null ? ['x-api-key', apiKey] : ['bearer', bearer]
  if (apiKey === null && authorization === null) {
    throw new SimError(401, 'x-api-key header is required (or Authorization: Bearer)')
  }
  if (!key || !accepts(key)) throw new SimError(401, kind === 'x-api-key' ? 'invalid x-api-key' : 'invalid bearer token')
  return kind
}

export function checkVersion(headers: Headers): string {
  const version = headers.get('anthropic-version')
  if (!version) throw new SimError(400, 'anthropic-version: header is required')
  if (!(API_VERSIONS as readonly string[]).includes(version)) {
    throw new SimError(400, `anthropic-version: ${JSON.stringify(version)} is not a valid version`)
  }
  return version
}

const KNOWN_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'output_config',
  'output_format',
  'context_management',
  'inference_geo',
  'speed',
  'cache_control',
  'diagnostics',
  'user_profile_id',
  'workspace_id',
])

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const bad = (message: string): never => {
  throw new SimError(400, message)
}

/** Shape checks that do not depend on the model. Returns the body typed as an object. */
export function checkBody(body: unknown, kind: 'messages' | 'count_tokens'): Obj {
  if (!isObj(body)) return bad('body: Input should be a valid JSON object')
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) bad(`${key}: Extra inputs are not permitted`)
  if (typeof body.model !== 'string' || !body.model) bad('model: Field required')
  if (kind === 'messages') {
    if (body.max_tokens === undefined) bad('max_tokens: Field required')
  }
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 0)) {
    bad('max_tokens: Input should be a non-negative integer')
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') bad('stream: Input should be a valid boolean')
  checkSystem(body.system)
  checkMessages(body.messages)
  checkTools(body.tools, body.tool_choice)
  checkCacheControlCount(body)
  checkOutputConfig(body)
  return body
}

/** `output_config.format` (and the beta's top-level `output_format`): null, or `{ type: "json_schema", schema }`. */
function checkOutputConfig(body: Obj) {
  const config = body.output_config
  if (config !== undefined && config !== null) {
    if (!isObj(config)) bad('output_config: Input should be a valid object')
    checkOutputFormat((config as Obj).format, 'output_config.format')
  }
  checkOutputFormat(body.output_format, 'output_format')
}

function checkOutputFormat(format: unknown, at: string) {
  if (format === undefined || format === null) return
  if (!isObj(format)) return bad(`${at}: Input should be a valid object`)
  if (format.type !== 'json_schema') bad(`${at}.type: Input should be 'json_schema'`)
  if (format.schema === undefined) bad(`${at}.schema: Field required`)
  if (!isObj(format.schema)) bad(`${at}.schema: Input should be a valid object`)
  for (const key of Object.keys(format)) if (key !== 'type' && key !== 'schema') bad(`${at}.${key}: Extra inputs are not permitted`)
  const problem = schemaProblem(format.schema as Obj)
  if (problem) bad(`${at}.schema: ${problem}`)
}

function checkSystem(system: unknown) {
  if (system === undefined || typeof system === 'string') return
  if (!Array.isArray(system)) bad('system: Input should be a valid string or list of text blocks')
  ;(system as unknown[]).forEach((b, i) => {
    if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string') bad(`system.${i}: Input should be a text block`)
  })
}

function checkMessages(messages: unknown) {
  if (!Array.isArray(messages)) return bad('messages: Field required')
  if (messages.length === 0) bad('messages: at least one message is required')
  messages.forEach((m, i) => {
    if (!isObj(m)) return bad(`messages.${i}: Input should be a valid object`)
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
      bad(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`)
    }
    if (typeof m.content === 'string') return
    if (!Array.isArray(m.content)) return bad(`messages.${i}.content: Field required`)
    m.content.forEach((b, j) => {
      if (!isObj(b) || typeof b.type !== 'string') bad(`messages.${i}.content.${j}.type: Field required`)
      const block = b as Obj
      if (block.type === 'text' && typeof block.text !== 'string') bad(`messages.${i}.content.${j}.text: Field required`)
      if (block.type === 'tool_use' && (typeof block.id !== 'string' || typeof block.name !== 'string' || !isObj(block.input))) {
        bad(`messages.${i}.content.${j}: tool_use needs id, name and an input object`)
      }
      if (block.type === 'tool_result' && typeof block.tool_use_id !== 'string') {
        bad(`messages.${i}.content.${j}.tool_use_id: Field required`)
      }
    })
  })
  const first = (messages as Obj[]).find((m) => m.role !== 'system')
  if (first && first.role !== 'user') bad('messages: first message must use the "user" role')
  checkToolPairs(messages as Obj[])
}

const blocksOf = (m: Obj | undefined): Obj[] => (Array.isArray(m?.content) ? (m.content as unknown[]).filter(isObj) : [])

/** Every tool_use must be answered by a tool_result in the very next message, and vice versa. */
function checkToolPairs(messages: Obj[]) {
  messages.forEach((m, i) => {
    if (m.role === 'user') {
      const prev = messages[i - 1]
      const asked = new Set(
        prev?.role === 'assistant'
          ? blocksOf(prev)
              .filter((b) => b.type === 'tool_use')
              .map((b) => b.id)
          : [],
      )
      blocksOf(m).forEach((b, j) => {
        if (b.type === 'tool_result' && !asked.has(b.tool_use_id)) {
          bad(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. ` +
              'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
          )
        }
      })
    }
    if (m.role !== 'assistant') return
    const ids = blocksOf(m)
      .filter((b) => b.type === 'tool_use')
      .map((b) => String(b.id))
    if (ids.length === 0) return
    const next = messages[i + 1]
    const answered = new Set(
      next?.role === 'user'
        ? blocksOf(next)
            .filter((b) => b.type === 'tool_result')
            .map((b) => b.tool_use_id)
        : [],
    )
    const missing = ids.filter((id) => !answered.has(id))
    if (missing.length > 0) {
      bad(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. ` +
          'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      )
    }
  })
}

function checkTools(tools: unknown, toolChoice: unknown) {
  const names = new Set<string>()
  if (tools !== undefined) {
    if (!Array.isArray(tools)) bad('tools: Input should be a valid list')
    ;(tools as unknown[]).forEach((t, i) => {
      if (!isObj(t)) return bad(`tools.${i}: Input should be a valid object`)
      if (typeof t.name !== 'string' || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name)) {
        bad(`tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`)
      }
      if (names.has(t.name as string)) bad('tools: Tool names must be unique.')
      names.add(t.name as string)
      const custom = t.type === undefined || t.type === 'custom'
      if (custom && (!isObj(t.input_schema) || t.input_schema.type !== 'object')) {
        bad(`tools.${i}.custom.input_schema: Input should be a JSON schema object with "type": "object"`)
      }
    })
  }
  if (toolChoice === undefined) return
  if (!isObj(toolChoice) || !['auto', 'any', 'tool', 'none'].includes(String(toolChoice.type))) {
    bad(`tool_choice: Input should be an object with type 'auto', 'any', 'tool' or 'none'`)
  }
  const tc = toolChoice as Obj
  if (tc.type === 'tool' && !names.has(String(tc.name))) bad(`tool_choice.name: tool ${JSON.stringify(tc.name)} is not in tools`)
}

function checkCacheControlCount(body: Obj) {
  let found = 0
  const visit = (b: unknown) => {
    if (isObj(b) && b.cache_control != null) found++
  }
  for (const t of Array.isArray(body.tools) ? body.tools : []) visit(t)
  if (Array.isArray(body.system)) body.system.forEach(visit)
  for (const m of Array.isArray(body.messages) ? body.messages : []) blocksOf(m as Obj).forEach(visit)
  if (found > 4) bad(`A maximum of 4 blocks with cache_control may be provided. Found ${found}.`)
}

/** The rules that depend on the model and the API version (docs/simulator.md#model-and-version-rules). */
export function checkModelRules(body: Obj, model: SimModel, version: string) {
  if (typeof body.max_tokens === 'number' && body.max_tokens > model.maxOutput) {
    bad(`max_tokens: ${body.max_tokens} > ${model.maxOutput}, which is the maximum allowed number of output tokens for ${model.id}`)
  }
  for (const key of ['temperature', 'top_p', 'top_k'] as const) {
    const value = body[key]
    if (value === undefined) continue
    if (version === '2026-10-21') bad(`${key}: not supported with anthropic-version 2026-10-21; remove it`)
    if (typeof value !== 'number') bad(`${key}: Input should be a valid number`)
    if (key === 'temperature' && ((value as number) < 0 || (value as number) > 1)) bad('temperature: Input should be between 0 and 1')
    const isDefault = key !== 'top_k' && value === 1
    if (model.defaultSamplingOnly && !isDefault) bad(`${key}: ${model.id} does not support a non-default ${key}; remove it`)
  }
  const tc = body.tool_choice as Obj | undefined
  const forced = tc?.type === 'any' || tc?.type === 'tool'
  if (forced && model.alwaysThinks) {
    bad(`tool_choice: forced tool use (type "any" or "tool") is not supported by ${model.id}; use {"type": "auto"}`)
  }
  const thinking = body.thinking as Obj | undefined
  if (thinking !== undefined) {
    if (!isObj(thinking) || !['enabled', 'disabled', 'adaptive', 'between_tools'].includes(String(thinking.type))) {
      bad(`thinking.type: Input should be 'enabled', 'disabled', 'adaptive' or 'between_tools'`)
    }
    if (forced && (thinking.type === 'enabled' || thinking.type === 'adaptive')) {
      bad('Thinking may not be enabled when tool_choice forces tool use.')
    }
    if (thinking.type === 'enabled') {
      const budget = thinking.budget_tokens
      if (!Number.isInteger(budget) || (budget as number) < 1024)
        bad('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024')
      if (typeof body.max_tokens === 'number' && body.max_tokens <= (budget as number)) {
        bad('`max_tokens` must be greater than `thinking.budget_tokens`.')
      }
    }
  }
}
