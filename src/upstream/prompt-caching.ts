import type Anthropic from '@anthropic-ai/sdk'
import { messageTokens, systemTokens, TOKEN_OVERHEAD, toolTokens } from '../context/estimate-tokens.ts'
import type { ModelInfo } from '../models/catalogue.ts'

/** The API accepts at most four `cache_control` breakpoints per request. */
export const MAX_CACHE_BREAKPOINTS = 4

const EPHEMERAL = { type: 'ephemeral' } as const

/** The parts of Messages API params that prompt caching touches. */
export interface CacheableParams {
  system?: string | Anthropic.TextBlockParam[] | undefined
  messages: Anthropic.MessageParam[]
  tools?: Anthropic.ToolUnion[] | undefined
  cache_control?: unknown
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const hasMark = (v: unknown) => isObj(v) && v.cache_control != null

/** Blocks that may carry `cache_control` (thinking blocks and empty text may not). */
function cacheable(block: unknown): boolean {
  if (!isObj(block)) return false
  if (block.type === 'text') return typeof block.text === 'string' && block.text.length > 0
  return block.type === 'image' || block.type === 'document' || block.type === 'tool_use' || block.type === 'tool_result'
}

function countBreakpoints(params: CacheableParams): number {
  let n = params.cache_control != null ? 1 : 0
  for (const tool of params.tools ?? []) if (hasMark(tool)) n++
  if (Array.isArray(params.system)) for (const b of params.system) if (hasMark(b)) n++
  for (const m of params.messages) {
    if (!Array.isArray(m.content)) continue
    for (const b of m.content) {
      if (hasMark(b)) n++
      if (isObj(b) && b.type === 'tool_result' && Array.isArray(b.content)) for (const inner of b.content) if (hasMark(inner)) n++
    }
  }
  return n
}

type Candidate = 'tools' | 'system' | 'messages'

/**
 * Adds `cache_control` breakpoints where caching pays: after the tool definitions, after the
 * system prompt and after the conversation so far (the last block of the last message, so the
 * next turn reads the whole prefix), each only when the prefix up to it reaches the model's
 * `minCacheTokens` (estimated) and the block does not carry one already. Breakpoints the caller
 * set are kept and counted: never more than four in all; when fewer are free, the later ones win
 * (a later breakpoint covers a longer prefix). Pure: returns new params, `params` is untouched.
 */
export function applyPromptCaching<P extends CacheableParams>(params: P, model: Pick<ModelInfo, 'tokenizer' | 'minCacheTokens'>): P {
  const free = MAX_CACHE_BREAKPOINTS - countBreakpoints(params)
  if (free <= 0) return params
  const tk = model.tokenizer
  const candidates: Candidate[] = []
  let prefix = TOKEN_OVERHEAD.request

  const tools = params.tools ?? []
  for (const tool of tools) prefix += toolTokens(tool, tk)
  if (tools.length && prefix >= model.minCacheTokens && !hasMark(tools.at(-1))) candidates.push('tools')

  prefix += systemTokens(params.system, tk)
  const system = params.system
  const lastSystem = typeof system === 'string' ? (system ? { type: 'text', text: system } : undefined) : system?.at(-1)
  if (lastSystem && prefix >= model.minCacheTokens && cacheable(lastSystem) && !hasMark(lastSystem)) candidates.push('system')

  for (const m of params.messages) prefix += messageTokens(m, tk)
  const last = params.messages.at(-1)
  const target = last ? lastCacheableIndex(last.content) : -1
  if (last && target >= 0 && prefix >= model.minCacheTokens && !(Array.isArray(last.content) && hasMark(last.content[target]))) {
    candidates.push('messages')
  }

  const chosen = new Set(candidates.slice(-free))
  if (!chosen.size) return params
  const out: P = { ...params }
  if (chosen.has('tools')) {
    out.tools = [...tools.slice(0, -1), { ...tools.at(-1)!, cache_control: EPHEMERAL } as Anthropic.ToolUnion]
  }
  if (chosen.has('system')) {
    const blocks: Anthropic.TextBlockParam[] = typeof system === 'string' ? [{ type: 'text', text: system }] : [...system!]
    blocks[blocks.length - 1] = { ...blocks.at(-1)!, cache_control: EPHEMERAL }
    out.system = blocks
  }
  if (chosen.has('messages')) {
    const blocks: Anthropic.ContentBlockParam[] =
      typeof last!.content === 'string' ? [{ type: 'text', text: last!.content }] : [...last!.content]
    blocks[target] = { ...blocks[target]!, cache_control: EPHEMERAL } as Anthropic.ContentBlockParam
    out.messages = [...params.messages.slice(0, -1), { ...last!, content: blocks } as Anthropic.MessageParam]
  }
  return out
}

function lastCacheableIndex(content: Anthropic.MessageParam['content']): number {
  if (typeof content === 'string') return content ? 0 : -1
  for (let i = content.length - 1; i >= 0; i--) if (cacheable(content[i])) return i
  return -1
}
