import { base62 } from './hash.ts'
import type { SimModel } from './models.ts'
import type { Script } from './script.ts'
import { outputSchema, structuredPieces } from './structured.ts'
import { generatePieces, splitJson, splitText } from './text.ts'

export type PlannedBlock =
  | { type: 'thinking'; pieces: string[]; tokens: number; signature: string }
  | { type: 'text'; pieces: string[] }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; pieces: string[] }

export interface Reply {
  blocks: PlannedBlock[]
  stopReason: string
  stopSequence: string | null
  stopDetails: Record<string, unknown> | null
  /** Text + thinking (shown or not) + tool-input tokens: exactly what was generated. */
  outputTokens: number
  thinkingTokens: number
}

export interface ReplyInput {
  body: Record<string, unknown>
  model: SimModel
  script: Script
  /** Seed for the words (derived from the last message and the step). */
  seed: string
  /** Seed for ids (per simulator instance and request). */
  idSeed: string
}

interface Thinking {
  display: 'summarized' | 'omitted'
}

/**
 * Thinking as requested. Models that always think (Opus 5.5, Sonnet 5.5, Fable 5.1) default to
 * `display: "omitted"` and, without a `thinking` request, show it only where it bites: the text
 * before a tool call arrives as an (empty) thinking block.
 */
function thinkingOf(body: Record<string, unknown>, model: SimModel, hasTools: boolean): Thinking | null {
  const t = body.thinking as { type?: string; display?: string | null } | undefined
  const on = t?.type === 'enabled' || t?.type === 'adaptive'
  if (on) return { display: t?.display === 'omitted' ? 'omitted' : model.alwaysThinks && !t?.display ? 'omitted' : 'summarized' }
  return model.alwaysThinks && hasTools ? { display: 'omitted' } : null
}

/**
 * Plans the content of a reply. Order: thinking, text, tool calls. With `output_config.format`, the
 * text of a step without tool calls is a JSON document generated from the schema (`text=` still wins). `max_tokens` is enforced:
 * thinking and text are cut at the limit, tool calls that do not fit entirely are left out, and
 * the stop reason becomes `max_tokens`. On models that always think (Opus 5.5, Sonnet 5.5,
 * Fable 5.1), text before a tool call goes into the thinking block instead of a text block.
 */
export function planReply({ body, model, script, seed, idSeed }: ReplyInput): Reply {
  let budget = typeof body.max_tokens === 'number' ? body.max_tokens : 0
  let truncated = false
  const take = (pieces: string[]) => {
    if (pieces.length > budget) {
      truncated = true
      pieces = pieces.slice(0, budget)
    }
    budget -= pieces.length
    return pieces
  }
  const tools = script.tools
  const thinking = thinkingOf(body, model, tools.length > 0)
  const schema = outputSchema(body)
  let textPieces: string[] =
    script.text !== undefined
      ? splitText(script.text)
      : schema && tools.length === 0
        ? structuredPieces(schema, `${seed}:json`, script.json)
        : script.tokens !== undefined
          ? generatePieces(seed, script.tokens)
          : tools.length > 0
            ? []
            : generatePieces(seed, 12 + (hashLen(seed) % 29))
  const blocks: PlannedBlock[] = []
  let thinkingTokens = 0

  if (thinking && budget > 0) {
    let pieces =
      script.thinking !== undefined
        ? generatePieces(`${seed}:thinking`, script.thinking)
        : model.alwaysThinks && !(body.thinking as { type?: string } | undefined)?.type
          ? []
          : generatePieces(`${seed}:thinking`, 8 + (hashLen(seed) % 13))
    if (model.alwaysThinks && tools.length > 0 && textPieces.length > 0) {
      pieces = [...pieces, ...textPieces]
      textPieces = []
    }
    pieces = take(pieces)
    thinkingTokens = pieces.length
    const signature = btoa(`sim-signature:${base62(`${idSeed}:sig`, 24)}`)
    blocks.push({ type: 'thinking', pieces: thinking.display === 'omitted' ? [] : pieces, tokens: pieces.length, signature })
  }
  if (textPieces.length > 0 && budget > 0) blocks.push({ type: 'text', pieces: take(textPieces) })
  else if (textPieces.length > 0) truncated = true
  tools.forEach((tool, i) => {
    const pieces = splitJson(JSON.stringify(tool.input))
    if (truncated || pieces.length > budget) {
      truncated = true
      return
    }
    budget -= pieces.length
    blocks.push({ type: 'tool_use', id: `toolu_01${base62(`${idSeed}:tool:${i}`, 22)}`, name: tool.name, input: tool.input, pieces })
  })

  const outputTokens = blocks.reduce((n, b) => n + (b.type === 'thinking' ? b.tokens : b.pieces.length), 0)
  const hasTool = blocks.some((b) => b.type === 'tool_use')
  const stopReason = truncated ? 'max_tokens' : (script.stop ?? (hasTool ? 'tool_use' : 'end_turn'))
  const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences : []
  return {
    blocks,
    stopReason,
    stopSequence: stopReason === 'stop_sequence' ? (typeof stops[0] === 'string' ? stops[0] : null) : null,
    stopDetails: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
    outputTokens,
    thinkingTokens,
  }
}

function hashLen(seed: string): number {
  let h = 0
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0
  return h
}
