import type { ModelInfo } from '../models/catalogue.ts'
import { base64ImageSize } from './image-bound.ts'

/**
 * An UPPER bound on the input tokens Anthropic can bill for a Messages request, computed from
 * what is sent (budgets need a bound; src/context/estimate-tokens.ts is only an estimate).
 *
 * - Text (system, messages, tool definitions and schemas, tool inputs and results, document
 *   text): the UTF-8 bytes of its JSON. Anthropic's tokenizers are byte-level BPE, so a token
 *   covers at least one byte: no script, code, number or base64 can need more tokens than bytes.
 *   JSON escaping only adds bytes.
 * - Fixed overheads, above what Anthropic documents: per request, per message and per block, the
 *   tool-use system prompt Anthropic adds when tools are present (346 tokens documented; we take
 *   `toolUse`), and the definition prompt of each Anthropic-defined tool (bash, text editor,
 *   computer: up to ~700 documented).
 * - Images: Anthropic bills about width × height / 750 tokens after resizing to the model's cap
 *   (1,568 px / ~1,600 tokens up to Claude 4.6, 2,576 px / ~4,784 tokens from 4.7): the decoded
 *   size when the header can be read, else the cap. URL and file images are resized the same way,
 *   so the cap bounds them too.
 * - PDFs (base64, URL or file) and documents from URL or file: each page is billed as an image
 *   plus its text, and neither the page count nor the text can be bounded from the bytes we see
 *   (compressed object streams). These make the request `opaque`: the caller bounds it through
 *   Anthropic's own count_tokens (see `boundInputTokens`).
 */
export const BOUND_OVERHEAD = { request: 16, message: 8, block: 8, toolUse: 600, anthropicTool: 1_000 } as const

/** Most tokens one image can cost on a model, after Anthropic's resizing (with a little room). */
export function imageCapTokens(model: Pick<ModelInfo, 'tokenizer'>): number {
  return model.tokenizer === 'classic' ? 1_600 : 4_800
}

export interface LocalBound {
  /** Upper bound on the input tokens of everything the gateway can measure. */
  tokens: number
  /** Content whose size the gateway cannot see (PDFs, URL/file documents): needs count_tokens. */
  opaque: string[]
  /** A `cache_control` asks for the 1-hour TTL somewhere (billed at the 1-hour write price). */
  oneHourCache: boolean
  /** Any `cache_control` at all (a cache write may be billed). */
  cacheControl: boolean
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const encoder = new TextEncoder()
const bytes = (value: unknown) =>
  typeof value === 'string' ? encoder.encode(value).length : encoder.encode(JSON.stringify(value) ?? '').length

/** The parts of a Messages request that are billed as input. */
export interface BoundableParams {
  system?: unknown
  messages: readonly unknown[]
  tools?: readonly unknown[] | undefined
  cache_control?: unknown
}

/** The local upper bound of a request for `model` (no network). */
export function localInputBound(params: BoundableParams, model: Pick<ModelInfo, 'tokenizer'>): LocalBound {
  const bound: LocalBound = { tokens: BOUND_OVERHEAD.request, opaque: [], oneHourCache: false, cacheControl: false }
  noteCache(bound, params.cache_control)
  const tools = params.tools ?? []
  if (tools.length) bound.tokens += BOUND_OVERHEAD.toolUse
  for (const tool of tools) {
    bound.tokens += BOUND_OVERHEAD.block + bytes(tool)
    if (isObj(tool)) {
      noteCache(bound, tool.cache_control)
      if (tool.type !== undefined && tool.type !== 'custom') bound.tokens += BOUND_OVERHEAD.anthropicTool
    }
  }
  if (params.system !== undefined) bound.tokens += BOUND_OVERHEAD.message + contentBound(params.system, model, bound, 'system')
  params.messages.forEach((message, i) => {
    bound.tokens += BOUND_OVERHEAD.message + contentBound(isObj(message) ? message.content : message, model, bound, `messages.${i}`)
  })
  return bound
}

function contentBound(content: unknown, model: Pick<ModelInfo, 'tokenizer'>, bound: LocalBound, path: string): number {
  if (typeof content === 'string') return bytes(content)
  if (!Array.isArray(content)) return bytes(content ?? '')
  let tokens = 0
  content.forEach((block, i) => {
    tokens += BOUND_OVERHEAD.block + blockBound(block, model, bound, `${path}.content.${i}`)
  })
  return tokens
}

function blockBound(block: unknown, model: Pick<ModelInfo, 'tokenizer'>, bound: LocalBound, path: string): number {
  if (!isObj(block)) return bytes(block)
  noteCache(bound, block.cache_control)
  const source = isObj(block.source) ? block.source : undefined
  switch (block.type) {
    case 'image': {
      const cap = imageCapTokens(model)
      const size = source?.type === 'base64' && typeof source.data === 'string' ? base64ImageSize(source.data) : undefined
      return size ? Math.min(cap, Math.ceil((size.width * size.height) / 750)) : cap
    }
    case 'document': {
      const { source: _source, ...rest } = block
      if (source?.type === 'text') return bytes(rest) + bytes(source.data ?? '')
      if (source?.type === 'content') return bytes(rest) + contentBound(source.content, model, bound, `${path}.source`)
      bound.opaque.push(
        `${path} (${source?.type === 'base64' ? String(source.media_type ?? 'document') : `${String(source?.type ?? 'unknown')} source`})`,
      )
      return bytes(rest)
    }
    case 'tool_result': {
      const { content, ...rest } = block
      return bytes(rest) + contentBound(content ?? '', model, bound, path)
    }
    default:
      return bytes(block)
  }
}

function noteCache(bound: LocalBound, cacheControl: unknown): void {
  if (!isObj(cacheControl)) return
  bound.cacheControl = true
  if (cacheControl.ttl === '1h') bound.oneHourCache = true
}
