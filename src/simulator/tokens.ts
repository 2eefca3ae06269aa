import { blockTokens as estimateBlock, textTokens as estimateText, toolTokens as estimateTool, TOKEN_OVERHEAD, type Tokenizer as EstimatorTokenizer } from '../context/estimate-tokens.ts'
import { modelSpec, type SimModel } from './models.ts'

/**
 * The simulator's token count follows the same documented approximation as the gateway's
 * estimator (src/context/estimate-tokens.ts): one token per 4 characters on the classic
 * tokenizer, 30 % more on the newer one, plus fixed costs per request, message, tool, tool
 * block, image and document. Sharing it keeps the gateway's limits and the simulated usage in
 * step; what the simulator adds is the split of the prompt into cacheable segments.
 */
export const TOKEN_COSTS = TOKEN_OVERHEAD

type Tokenizer = SimModel['tokenizer']

/** The estimator's name for a simulator tokenizer. */
function family(tokenizer: Tokenizer): EstimatorTokenizer {
  return tokenizer === 'legacy' ? 'classic' : 'v2'
}

/** Tokens of a piece of text under the given tokenizer. */
export function textTokens(text: string, tokenizer: Tokenizer): number {
  return estimateText(text, family(tokenizer))
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
  return estimateBlock(block, family(tk))
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

  for (const tool of Array.isArray(b.tools) ? b.tools : []) push(tool, estimateTool(tool, family(tk)))
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
  return sumTokens(promptSegments(body, model))
}

/** The input tokens of a prompt already split into segments (request overhead included). */
export function sumTokens(segments: readonly PromptSegment[]): number {
  return segments.reduce<number>((n, s) => n + s.tokens, TOKEN_COSTS.request)
}
