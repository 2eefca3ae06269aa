import { GatewayError } from '../errors.ts'

/**
 * Betas that cost nothing beyond the tokens the gateway already bounds, allowed for everyone.
 * The SDKs send some on their own (the AI SDK: structured outputs, mid-conversation system
 * messages, PDFs, files); the files and batches betas are here for the routes that use them.
 */
export const FREE_BETAS: ReadonlySet<string> = new Set([
  'advanced-tool-use-2025-11-20',
  'context-management-2025-06-27',
  'extended-cache-ttl-2025-04-11', // the 1-hour TTL, priced by the bound from each cache_control
  'files-api-2025-04-14',
  'fine-grained-tool-streaming-2025-05-14',
  'inline-tools-2026-09-15',
  'interleaved-thinking-2025-05-14',
  'message-batches-2024-09-24',
  'mid-conversation-output-config-2026-07-01',
  'mid-conversation-system-2026-04-07',
  'mid-conversation-system-clear-at-2026-08-21',
  'mid-conversation-tool-changes-2026-07-01',
  'model-context-window-exceeded-2025-08-26',
  'pdfs-2024-09-25',
  'prompt-caching-2024-07-31',
  'structured-outputs-2025-11-13',
  'thinking-display-updates-2026-08-18',
  'token-counting-2024-11-01',
  'token-efficient-tools-2025-02-19',
])

/** Betas that raise the output ceiling: allowed, and `max_tokens` (which the reservation prices) may go up to this. */
export const OUTPUT_BETAS: ReadonlyMap<string, number> = new Map([
  ['output-128k-2025-02-19', 128_000],
  ['output-300k-2026-03-24', 300_000],
])

/** Anthropic-defined tools the caller runs itself: free beyond their definition's tokens (bounded as text). */
const CLIENT_RUN_TOOLS = new Set(['bash', 'text_editor', 'computer', 'memory', 'tool_search_tool_regex', 'tool_search_tool_bm25'])

/** Server tools with a fee per use, in USD (Anthropic's pricing: web search $10 per 1,000 searches). */
const FEE_PER_USE: Record<string, number> = { web_search: 0.01 }
/** Code execution: $0.05 per container-hour; one call reserves a whole hour. */
const CODE_EXECUTION_USD = 0.05

export interface PassthroughCost {
  /** Fees outside token prices (server tool uses), in USD, for one model call. */
  feesUsd: number
  /** Input tokens a server tool may add to the call (fetched pages). */
  extraInputTokens: number
  /** The output ceiling the betas allow, when one raises it. */
  outputCeiling?: number
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `web_search_20250305` → `web_search`. */
export const toolKind = (type: string) => type.replace(/_\d{8}$/, '')

/**
 * Refuses (400, naming each) what would spend outside the reservation unless the credential's
 * `allow` list names it: server tools (`web_search`, `web_fetch`, `code_execution`, …),
 * `mcp_servers`, `container`, and betas outside FREE_BETAS / OUTPUT_BETAS. What is allowed is
 * priced where it can be: web search by `max_uses` (required), web fetch by `max_uses` ×
 * `max_content_tokens` input tokens (both required), code execution at one container-hour.
 * `mcp_servers`, `container` and other allowed server tools are outside the budget guarantee.
 */
export function checkPassthrough(params: Obj, betas: readonly string[], allow: readonly string[] = []): PassthroughCost {
  const allowed = new Set(allow)
  const refused: string[] = []
  const cost: PassthroughCost = { feesUsd: 0, extraInputTokens: 0 }
  for (const field of ['mcp_servers', 'container'] as const) {
    if (params[field] != null && !allowed.has(field)) refused.push(`\`${field}\``)
  }
  const tools = Array.isArray(params.tools) ? params.tools : []
  tools.forEach((tool, i) => {
    if (!isObj(tool) || tool.type === undefined || tool.type === 'custom') return
    const kind = toolKind(String(tool.type))
    if (CLIENT_RUN_TOOLS.has(kind)) return
    if (!allowed.has(kind)) return void refused.push(`tools.${i} (server tool \`${String(tool.type)}\`)`)
    const uses = typeof tool.max_uses === 'number' ? tool.max_uses : undefined
    if (kind in FEE_PER_USE) {
      if (uses === undefined) throw needs(`tools.${i}.max_uses`, `\`${kind}\` is billed per use`)
      cost.feesUsd += uses * FEE_PER_USE[kind]!
    } else if (kind === 'web_fetch') {
      const pageTokens = typeof tool.max_content_tokens === 'number' ? tool.max_content_tokens : undefined
      if (uses === undefined || pageTokens === undefined)
        throw needs(`tools.${i}.max_uses and max_content_tokens`, 'fetched pages are billed as input')
      cost.extraInputTokens += uses * pageTokens
    } else if (kind === 'code_execution') {
      cost.feesUsd += CODE_EXECUTION_USD
    }
  })
  for (const beta of betas) {
    const ceiling = OUTPUT_BETAS.get(beta)
    if (ceiling !== undefined) cost.outputCeiling = Math.max(cost.outputCeiling ?? 0, ceiling)
    else if (!FREE_BETAS.has(beta) && !allowed.has(beta)) refused.push(`anthropic-beta \`${beta}\``)
  }
  if (refused.length) {
    throw new GatewayError(
      'invalid_request_error',
      `Invalid request: ${refused.join(', ')} would spend outside this gateway's budget reservation and ${refused.length > 1 ? 'are' : 'is'} not allowed for this credential. The operator can allow ${refused.length > 1 ? 'them' : 'it'} per client key or session token (\`allow\`).`,
    )
  }
  return cost
}

/** The `anthropic-beta` header as a list (comma-separated, as the SDKs send it). */
export function parseBetas(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean)
}

function needs(field: string, why: string): GatewayError {
  return new GatewayError(
    'invalid_request_error',
    `Invalid request: ${field} is required here: ${why}, and the gateway reserves the most it can cost.`,
  )
}
