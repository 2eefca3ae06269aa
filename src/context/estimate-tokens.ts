import type { ModelInfo } from '../models/catalogue.ts'

/**
 * Input-token estimates, without Anthropic's tokenizer (not published, and too big for a Worker).
 *
 * The approximation, per tokenizer family of the catalogue:
 * - `classic` (Haiku 4.5, Sonnet 4.5/4.6, Opus 4.5/4.6): one token per 4 characters of text,
 *   rounded up per text piece.
 * - `v2` (Opus 4.7 and later, every 5.x model): 30 % more, ceil(characters × 13 / 40).
 * - Fixed overheads: 3 per request, 3 per message (and for the system prompt), 8 per tool
 *   definition (plus its name, description and schema as JSON text), 5 per tool_use /
 *   tool_result block (plus their name + input JSON / content), 1600 per image (the most an
 *   image costs after the API's own resizing), 1500 per PDF or other non-text document,
 *   thinking blocks 0 (the API strips earlier turns' thinking).
 *
 * English prose is close to 4 characters per classic token; code, JSON and non-Latin scripts use
 * more tokens per character, so treat the result as an estimate for limits (TOKEN_LIMIT,
 * MAX_INPUT_TOKENS), never for budgets: those reserve an upper bound (src/admission/). Billing
 * uses the usage Anthropic reports. `test/chat/context-estimate.test.ts` compares it with the
 * simulator's independent count and says where it falls short.
 */
export const TOKEN_OVERHEAD = { request: 3, message: 3, tool: 8, toolBlock: 5, image: 1600, document: 1500 } as const

export type Tokenizer = ModelInfo['tokenizer']

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Estimated tokens of a piece of text. */
export function textTokens(text: string, tokenizer: Tokenizer): number {
  if (!text) return 0
  let chars = 0
  // Code points, not UTF-16 units: an emoji is one character.
  for (const _ of text) chars++
  return tokenizer === 'classic' ? Math.ceil(chars / 4) : Math.ceil((chars * 13) / 40)
}

/** Estimated tokens of one content block (or a string content). */
export function blockTokens(block: unknown, tokenizer: Tokenizer): number {
  if (typeof block === 'string') return textTokens(block, tokenizer)
  if (!isObj(block)) return 0
  switch (block.type) {
    case 'text':
      return textTokens(String(block.text ?? ''), tokenizer)
    case 'image':
      return TOKEN_OVERHEAD.image
    case 'document': {
      const source = isObj(block.source) ? block.source : {}
      return source.type === 'text' ? textTokens(String(source.data ?? ''), tokenizer) : TOKEN_OVERHEAD.document
    }
    case 'tool_use':
      return TOKEN_OVERHEAD.toolBlock + textTokens(String(block.name ?? '') + JSON.stringify(block.input ?? {}), tokenizer)
    case 'tool_result': {
      const content = block.content
      const inner = Array.isArray(content)
        ? content.reduce((n: number, b) => n + blockTokens(b, tokenizer), 0)
        : typeof content === 'string'
          ? textTokens(content, tokenizer)
          : 0
      return TOKEN_OVERHEAD.toolBlock + inner
    }
    case 'thinking':
    case 'redacted_thinking':
      return 0
    default:
      return textTokens(JSON.stringify(block), tokenizer)
  }
}

function blocksOf(content: unknown): unknown[] {
  if (typeof content === 'string') return [content]
  return Array.isArray(content) ? content : []
}

/** Estimated tokens of one message (role overhead included). */
export function messageTokens(message: { content: unknown }, tokenizer: Tokenizer): number {
  return blocksOf(message.content).reduce<number>((n, b) => n + blockTokens(b, tokenizer), TOKEN_OVERHEAD.message)
}

/** Estimated tokens of the system prompt (0 when absent). */
export function systemTokens(system: unknown, tokenizer: Tokenizer): number {
  const blocks = blocksOf(system)
  return blocks.length ? blocks.reduce<number>((n, b) => n + blockTokens(b, tokenizer), TOKEN_OVERHEAD.message) : 0
}

/** Estimated tokens of one tool definition. */
export function toolTokens(tool: unknown, tokenizer: Tokenizer): number {
  const t = isObj(tool) ? tool : {}
  const custom = t.type === undefined || t.type === 'custom'
  const { cache_control: _ignored, ...rest } = t
  const text = custom ? JSON.stringify({ name: t.name, description: t.description, input_schema: t.input_schema }) : JSON.stringify(rest)
  return TOKEN_OVERHEAD.tool + textTokens(text, tokenizer)
}

/** The parts of a Messages request that count as input. */
export interface PromptParts {
  system?: unknown
  messages: readonly { content: unknown }[]
  tools?: readonly unknown[] | undefined
}

/** Estimated input tokens of a whole Messages request for `model`. */
export function estimateInputTokens(params: PromptParts, model: Pick<ModelInfo, 'tokenizer'>): number {
  const tk = model.tokenizer
  let total = TOKEN_OVERHEAD.request + systemTokens(params.system, tk)
  for (const tool of params.tools ?? []) total += toolTokens(tool, tk)
  for (const message of params.messages) total += messageTokens(message, tk)
  return total
}
