import { decodeBase64, imageSize } from '../media/image-size.ts'
import { pdfPageCount } from '../media/pdf-pages.ts'
import { SimError } from './errors.ts'
import { modelSpec, type SimModel } from './models.ts'
import { tokenizeCount } from './tokenizer.ts'

/**
 * The simulator's input-token count: what `count_tokens` returns and what `usage` bills. It is
 * independent of the gateway's estimator (src/context/estimate-tokens.ts) on purpose, so tests
 * can catch the gateway underestimating:
 * - Text (text blocks, system, tool definitions as JSON, tool_use name + input JSON, tool_result
 *   content, text documents): the run-based count of ./tokenizer.ts, never more than the text's
 *   UTF-8 bytes (byte-level BPE cannot produce more tokens than bytes).
 * - Fixed costs: 3 per request, 3 per message (and for the system prompt), 8 per tool
 *   definition, 5 per tool_use / tool_result block, and, when `tools` is not empty, the tool-use
 *   system prompt Anthropic documents: 346 tokens (tool_choice auto or none) or 313 (any, tool).
 * - Images: ceil(width × height / 750) after Anthropic's resizing to the model's cap (see
 *   `IMAGE_LIMITS`), dimensions read from the base64 header (an unreadable image is a 400 "Could
 *   not process image", as the API answers). URL and file images cannot be fetched here: they
 *   cost the cap.
 * - PDFs (base64): each page is billed as a full-page image at the model's cap plus its text,
 *   which the simulator cannot extract: a flat 500 per page. Pages from `pdfPageCount` (none
 *   readable: a 400 like the API's). URL and file documents: 20 pages at that price. Text
 *   documents: their text (plus title and context); content documents: their blocks.
 * - Thinking blocks: 0 (the API strips earlier turns' thinking).
 */
export const TOKEN_COSTS = {
  request: 3,
  message: 3,
  tool: 8,
  toolBlock: 5,
  /** Tool-use system prompt, tool_choice auto or none. */
  toolUseAuto: 346,
  /** Tool-use system prompt, tool_choice any or tool. */
  toolUseForced: 313,
  /** Text of one PDF page, on top of its image. */
  pdfPageText: 500,
  /** Pages a URL or file document is billed as (the simulator cannot fetch it). */
  remoteDocumentPages: 20,
} as const

type Tokenizer = SimModel['tokenizer']

/**
 * Anthropic's image resizing per tokenizer generation: the long edge and the token cost are
 * capped (Claude 4.6 and earlier: 1,568 px and ~1,600 tokens, about 1.2 megapixels; Claude 4.7
 * and later: 2,576 px and ~4,784 tokens).
 */
export const IMAGE_LIMITS: Readonly<Record<Tokenizer, { maxEdge: number; maxTokens: number }>> = {
  legacy: { maxEdge: 1568, maxTokens: 1600 },
  v2: { maxEdge: 2576, maxTokens: 4784 },
}

/** Bytes decoded from a base64 image to read its dimensions (a JPEG's frame header may follow a large EXIF). */
const IMAGE_HEADER_BYTES = 64 * 1024

/** Tokens of a piece of text under the given tokenizer (0 for ''; never more than its UTF-8 bytes). */
export function textTokens(text: string, tokenizer: Tokenizer): number {
  return tokenizeCount(text, tokenizer)
}

/** Tokens of a `width × height` image once resized to the model's cap. */
export function imageTokens(width: number, height: number, tokenizer: Tokenizer): number {
  const { maxEdge, maxTokens } = IMAGE_LIMITS[tokenizer]
  const scale = Math.min(1, maxEdge / Math.max(width, height), Math.sqrt((maxTokens * 750) / (width * height)))
  const w = Math.max(1, Math.floor(width * scale))
  const h = Math.max(1, Math.floor(height * scale))
  return Math.min(maxTokens, Math.ceil((w * h) / 750))
}

/** Tokens of one PDF page (a full-page image at the cap plus its text). */
export function pdfPageTokens(tokenizer: Tokenizer): number {
  return IMAGE_LIMITS[tokenizer].maxTokens + TOKEN_COSTS.pdfPageText
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

function withoutCacheControl(block: Json): Json {
  const { cache_control: _ignored, ...rest } = block
  return rest
}

function keyOf(block: unknown): string {
  return (isObj(block) ? JSON.stringify(withoutCacheControl(block)) : JSON.stringify(block)) ?? ''
}

function imageBlockTokens(source: Json | undefined, tk: Tokenizer): number {
  if (source?.type !== 'base64') return IMAGE_LIMITS[tk].maxTokens
  let size: ReturnType<typeof imageSize>
  try {
    size = imageSize(decodeBase64(String(source.data ?? ''), IMAGE_HEADER_BYTES))
  } catch {
    size = undefined
  }
  if (!size) throw new SimError(400, 'Could not process image')
  return imageTokens(size.width, size.height, tk)
}

function documentTokens(block: Json, source: Json | undefined, tk: Tokenizer, path: string): number {
  const meta =
    textTokens(typeof block.title === 'string' ? block.title : '', tk) +
    textTokens(typeof block.context === 'string' ? block.context : '', tk)
  switch (source?.type) {
    case 'text':
      return meta + textTokens(String(source.data ?? ''), tk)
    case 'content': {
      const content = source.content
      const inner =
        typeof content === 'string'
          ? textTokens(content, tk)
          : Array.isArray(content)
            ? content.reduce<number>((n, b, k) => n + blockTokens(b, tk, `${path}.source.content.${k}`), 0)
            : 0
      return meta + inner
    }
    case 'base64': {
      if (source.media_type !== 'application/pdf') throw new SimError(400, `${path}.source.media_type: Input should be 'application/pdf'`)
      let pages: number | undefined
      try {
        pages = pdfPageCount(decodeBase64(String(source.data ?? '')))
      } catch {
        pages = undefined
      }
      if (pages === undefined) throw new SimError(400, `${path}.pdf.source.base64.data: The PDF specified was not valid.`)
      return meta + pages * pdfPageTokens(tk)
    }
    default:
      return meta + TOKEN_COSTS.remoteDocumentPages * pdfPageTokens(tk)
  }
}

/** Tokens of one content block (or a string content); `path` names it in a 400. */
function blockTokens(block: unknown, tk: Tokenizer, path: string): number {
  if (typeof block === 'string') return textTokens(block, tk)
  if (!isObj(block)) return 0
  const source = isObj(block.source) ? block.source : undefined
  switch (block.type) {
    case 'text':
      return textTokens(String(block.text ?? ''), tk)
    case 'image':
      return imageBlockTokens(source, tk)
    case 'document':
      return documentTokens(block, source, tk, path)
    case 'tool_use':
      return TOKEN_COSTS.toolBlock + textTokens(String(block.name ?? '') + JSON.stringify(block.input ?? {}), tk)
    case 'tool_result': {
      const content = block.content
      const inner = Array.isArray(content)
        ? content.reduce<number>((n, b, k) => n + blockTokens(b, tk, `${path}.content.${k}`), 0)
        : typeof content === 'string'
          ? textTokens(content, tk)
          : 0
      return TOKEN_COSTS.toolBlock + inner
    }
    case 'thinking':
    case 'redacted_thinking':
      return 0
    default:
      return textTokens(JSON.stringify(withoutCacheControl(block)), tk)
  }
}

function toolTokens(tool: unknown, tk: Tokenizer): number {
  const t = isObj(tool) ? tool : {}
  const custom = t.type === undefined || t.type === 'custom'
  const text = custom
    ? JSON.stringify({ name: t.name, description: t.description, input_schema: t.input_schema })
    : JSON.stringify(withoutCacheControl(t))
  return TOKEN_COSTS.tool + textTokens(text, tk)
}

function contentBlocks(content: unknown): unknown[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  return Array.isArray(content) ? content : []
}

/**
 * The request's prompt as cacheable segments: tools, system, the tool-use system prompt (after
 * the system prompt, so that changing tool_choice invalidates the cached messages but not the
 * cached tools and system prompt, as Anthropic documents), then message blocks.
 * Throws a 400 `SimError` for an image or PDF the API could not process.
 */
export function promptSegments(body: unknown, model: string): PromptSegment[] {
  const tk = modelSpec(model).tokenizer
  const b = isObj(body) ? body : {}
  const segments: PromptSegment[] = []
  const push = (block: unknown, tokens: number, role = '') =>
    segments.push({
      tokens,
      key: `${role}:${keyOf(block)}`,
      cacheControl: isObj(block) && isObj(block.cache_control) ? block.cache_control : undefined,
    })

  const tools = Array.isArray(b.tools) ? b.tools : []
  for (const tool of tools) push(tool, toolTokens(tool, tk))
  const system = contentBlocks(b.system)
  system.forEach((block, i) => push(block, (i === 0 ? TOKEN_COSTS.message : 0) + blockTokens(block, tk, `system.${i}`), 'system'))
  if (tools.length > 0) {
    const choice = isObj(b.tool_choice) ? String(b.tool_choice.type) : 'auto'
    const forced = choice === 'any' || choice === 'tool'
    segments.push({ tokens: forced ? TOKEN_COSTS.toolUseForced : TOKEN_COSTS.toolUseAuto, key: `tool-use:${choice}` })
  }
  const messages = Array.isArray(b.messages) ? b.messages : []
  messages.forEach((message, i) => {
    const m = isObj(message) ? message : {}
    const role = String(m.role)
    const blocks = contentBlocks(m.content)
    if (blocks.length === 0) segments.push({ tokens: TOKEN_COSTS.message, key: `${role}:` })
    blocks.forEach((block, j) =>
      push(block, (j === 0 ? TOKEN_COSTS.message : 0) + blockTokens(block, tk, `messages.${i}.content.${j}`), role),
    )
  })
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
