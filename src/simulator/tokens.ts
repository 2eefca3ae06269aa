import { modelSpec, type SimModel } from './models.ts'

/**
 * The simulator's token count: a documented, deterministic approximation (not Anthropic's
 * tokenizer). Legacy tokenizer (Haiku 4.5, Sonnet 4.5/4.6, Opus 4.5/4.6): one token per 4
 * characters of text, rounded up per block. Newer tokenizer (Opus 4.7+, all 5.x): 30 % more,
 * i.e. ceil(chars × 13 / 40). Fixed costs: 3 per request, 3 per message and per system prompt,
 * 8 per tool definition, 5 per tool_use / tool_result block, 1600 per image, 1500 per
 * non-text document. Thinking blocks in the history count 0 (the API strips them).
 */
export const TOKEN_COSTS = {
  request: 3,
  message: 3,
  tool: 8,
  toolBlock: 5,
  image: 1600,
  document: 1500,
} as const

type Tokenizer = SimModel['tokenizer']

/** Tokens of a piece of text under the given tokenizer. */
export function textTokens(text: string, tokenizer: Tokenizer): number {
  let chars = 0
  for (const _ of text) chars++
  if (chars === 0) return 0
  return tokenizer === 'legacy' ? Math.ceil(chars / 4) : Math.ceil((chars * 13) / 40)
}

/** One cacheable unit of the prompt, in the order the API builds it: tools, system, messages. */
export interface PromptSegment {
  tokens: number
  /** Stable identity of the block (its JSON without cache_control), for prefix hashing. */
  key: string
  cacheControl?: { type?: string; ttl?: string } | undefined
}

type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function keyOf(block: unknown): string {
  if (!isObj(block)) return JSON.stringify(block) ?? ''
  const { cache_control: _ignored, ...rest } = block
  return JSON.stringify(rest)
}

function blockTokens(block: unknown, tk: Tokenizer): number {
  if (typeof block === 'string') return textTokens(block, tk)
  if (!isObj(block)) return 0
  switch (block.type) {
    case 'text':
      return textTokens(String(block.text ?? ''), tk)
    case 'image':
      return TOKEN_COSTS.image
    case 'document': {
      const source = isObj(block.source) ? block.source : {}
      return source.type === 'text' ? textTokens(String(source.data ?? ''), tk) : TOKEN_COSTS.document
    }
    case 'tool_use':
      return TOKEN_COSTS.toolBlock + textTokens(String(block.name ?? '') + JSON.stringify(block.input ?? {}), tk)
    case 'tool_result': {
      const content = block.content
      const inner = Array.isArray(content)
        ? content.reduce((n: number, b) => n + blockTokens(b, tk), 0)
        : typeof content === 'string' ? textTokens(content, tk) : 0
      return TOKEN_COSTS.toolBlock + inner
    }
    case 'thinking':
    case 'redacted_thinking':
      return 0
    default:
      return textTokens(JSON.stringify(block), tk)
  }
}

function contentBlocks(content: unknown): unknown[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  return Array.isArray(content) ? content : []
}

/** The request's prompt as cacheable segments (tools, then system, then message blocks). */
export function promptSegments(body: unknown, model: string): PromptSegment[] {
  const tk = modelSpec(model).tokenizer
  const b = isObj(body) ? body : {}
  const segments: PromptSegment[] = []
  const push = (block: unknown, tokens: number, role = '') => segments.push({
    tokens,
    key: `${role}:${keyOf(block)}`,
    cacheControl: isObj(block) && isObj(block.cache_control) ? block.cache_control : undefined,
  })

  for (const tool of Array.isArray(b.tools) ? b.tools : []) {
    const t = isObj(tool) ? tool : {}
    const schemaText = t.type === undefined || t.type === 'custom'
      ? JSON.stringify({ name: t.name, description: t.description, input_schema: t.input_schema })
      : keyOf(t)
    push(tool, TOKEN_COSTS.tool + textTokens(schemaText, tk))
  }
  const system = contentBlocks(b.system)
  system.forEach((block, i) => push(block, (i === 0 ? TOKEN_COSTS.message : 0) + blockTokens(block, tk), 'system'))
  for (const message of Array.isArray(b.messages) ? b.messages : []) {
    const m = isObj(message) ? message : {}
    const role = String(m.role)
    const blocks = contentBlocks(m.content)
    if (blocks.length === 0) segments.push({ tokens: TOKEN_COSTS.message, key: `${role}:` })
    blocks.forEach((block, i) => push(block, (i === 0 ? TOKEN_COSTS.message : 0) + blockTokens(block, tk), role))
  }
  return segments
}

/**
 * The simulator's input-token count of a Messages request body for `model` (the same number
 * `count_tokens` returns and `usage` reports, cache reads and writes included).
 */
export function countTokens(body: unknown, model: string): number {
  return promptSegments(body, model).reduce<number>((n, s) => n + s.tokens, TOKEN_COSTS.request)
}
