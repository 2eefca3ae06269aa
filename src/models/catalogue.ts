/**
 * The model catalogue: every fact about a model the gateway needs, in one place.
 * Prices are USD per million tokens, as published on Anthropic's pricing page.
 */
export const PRICES_CHECKED_AT = '2026-11-01'

export type Alias = 'fast' | 'balanced' | 'smart' | 'premium'

/** Prices per million tokens. `cacheWrite` is the 5-minute write, `cacheWrite1h` the 1-hour one. */
export interface PriceTier {
  input: number
  output: number
  cacheWrite: number
  cacheWrite1h: number
  cacheRead: number
}

export interface Pricing extends PriceTier {
  /** Higher prices that apply to the whole call once its prompt exceeds `aboveInputTokens`. */
  long?: PriceTier & { aboveInputTokens: number }
}

export interface ModelInfo {
  id: string
  alias?: Alias
  displayName: string
  contextWindow: number
  maxOutput: number
  pricing: Pricing
  /** Tokenizer generation: 4.7 and later count ~30 % more tokens for the same text. */
  tokenizer: 'classic' | 'v2'
  /** Models that answer 400 to non-default temperature / top_p / top_k. */
  samplingFixed: boolean
  /** Models that answer an error to forced tool use (`tool_choice` any / tool). */
  rejectsForcedToolUse: boolean
  /** Shortest prompt prefix (tokens) that prompt caching accepts. */
  minCacheTokens: number
  /**
   * The pool of Anthropic's rate limits this model shares (the API's `model_group`): by model
   * class, e.g. every Opus 4.x shares `opus-4.x`; each 5.x model has its own but Fable 5.x.
   */
  rateLimitGroup: string
}

/** Model family: the word after `claude-` (`opus`, `sonnet`, `haiku`, `fable`). */
export function familyOf(model: Pick<ModelInfo, 'id'>): string {
  return model.id.split('-')[1] ?? model.id
}

/** Standard cache multipliers: write 1.25×, 1-hour write 2×, read 0.1× input. */
function standard(input: number, output: number): PriceTier {
  return { input, output, cacheWrite: input * 1.25, cacheWrite1h: input * 2, cacheRead: input * 0.1 }
}

const MODELS: ModelInfo[] = [
  {
    id: 'claude-haiku-5-5',
    rateLimitGroup: 'haiku-5.5',
    alias: 'fast',
    displayName: 'Claude Haiku 5.5',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: false,
    rejectsForcedToolUse: false,
    minCacheTokens: 2048,
    pricing: {
      input: 0.1,
      cacheWrite: 0.125,
      cacheWrite1h: 0.2,
      cacheRead: 0.01,
      output: 0.5,
      long: { aboveInputTokens: 100_000, input: 0.5, cacheWrite: 0.625, cacheWrite1h: 1, cacheRead: 0.05, output: 2.5 },
    },
  },
  {
    id: 'claude-sonnet-5-5',
    rateLimitGroup: 'sonnet-5.5',
    alias: 'balanced',
    displayName: 'Claude Sonnet 5.5',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: true,
    rejectsForcedToolUse: true,
    minCacheTokens: 1024,
    pricing: { input: 2, cacheWrite: 2.5, cacheWrite1h: 4, cacheRead: 0.2, output: 10 },
  },
  {
    id: 'claude-opus-5-5',
    rateLimitGroup: 'opus-5.5',
    alias: 'smart',
    displayName: 'Claude Opus 5.5',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: false,
    rejectsForcedToolUse: true,
    minCacheTokens: 1024,
    pricing: { input: 4, cacheWrite: 5, cacheWrite1h: 8, cacheRead: 0.2, output: 20 },
  },
  {
    id: 'claude-fable-5-1',
    rateLimitGroup: 'fable-5.x',
    alias: 'premium',
    displayName: 'Claude Fable 5.1',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: false,
    rejectsForcedToolUse: true,
    minCacheTokens: 1024,
    // Only input and output are published; cache prices follow the standard multipliers.
    pricing: standard(10, 50),
  },
  {
    id: 'claude-opus-5',
    rateLimitGroup: 'opus-5',
    displayName: 'Claude Opus 5',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: false,
    rejectsForcedToolUse: false,
    minCacheTokens: 1024,
    pricing: { input: 5, cacheWrite: 6.25, cacheWrite1h: 10, cacheRead: 0.5, output: 25 },
  },
  {
    id: 'claude-sonnet-5',
    rateLimitGroup: 'sonnet-5',
    displayName: 'Claude Sonnet 5',
    contextWindow: 1_000_000,
    maxOutput: 128_000,
    tokenizer: 'v2',
    samplingFixed: true,
    rejectsForcedToolUse: false,
    minCacheTokens: 1024,
    pricing: { input: 2, cacheWrite: 2.5, cacheWrite1h: 4, cacheRead: 0.2, output: 10 },
  },
  ...(['4-8', '4-7', '4-6', '4-5'] as const).map(
    (v): ModelInfo => ({
      id: `claude-opus-${v}`,
      rateLimitGroup: 'opus-4.x',
      displayName: `Claude Opus ${v.replace('-', '.')}`,
      contextWindow: v === '4-5' ? 200_000 : 1_000_000,
      maxOutput: v === '4-5' ? 64_000 : 128_000,
      tokenizer: v === '4-5' || v === '4-6' ? 'classic' : 'v2',
      samplingFixed: false,
      rejectsForcedToolUse: false,
      minCacheTokens: 4096,
      pricing: standard(5, 25),
    }),
  ),
  ...(['4-6', '4-5'] as const).map(
    (v): ModelInfo => ({
      id: `claude-sonnet-${v}`,
      rateLimitGroup: 'sonnet-4.x',
      displayName: `Claude Sonnet ${v.replace('-', '.')}`,
      contextWindow: v === '4-6' ? 1_000_000 : 200_000,
      maxOutput: 64_000,
      tokenizer: 'classic',
      samplingFixed: false,
      rejectsForcedToolUse: false,
      minCacheTokens: 1024,
      pricing: standard(3, 15),
    }),
  ),
  {
    id: 'claude-haiku-4-5',
    rateLimitGroup: 'haiku-4.5',
    displayName: 'Claude Haiku 4.5',
    contextWindow: 200_000,
    maxOutput: 64_000,
    tokenizer: 'classic',
    samplingFixed: false,
    rejectsForcedToolUse: false,
    minCacheTokens: 4096,
    pricing: { input: 1, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
  },
]

export type PriceOverrides = Record<string, Partial<Pricing>>

/** A catalogue with price overrides applied; lookups by id or alias. */
export class Catalogue {
  readonly models: readonly ModelInfo[]
  readonly #byName = new Map<string, ModelInfo>()

  constructor(overrides: PriceOverrides = {}, models: readonly ModelInfo[] = MODELS) {
    this.models = models.map((m) => {
      const override = overrides[m.id] ?? (m.alias ? overrides[m.alias] : undefined)
      return override ? { ...m, pricing: { ...m.pricing, ...override } } : m
    })
    for (const m of this.models) {
      this.#byName.set(m.id, m)
      if (m.alias) this.#byName.set(m.alias, m)
    }
  }

  /** The model for an id or alias, or undefined. */
  get(nameOrAlias: string): ModelInfo | undefined {
    return this.#byName.get(nameOrAlias)
  }

  /** Every accepted name (ids and aliases), for error messages. */
  names(): string[] {
    return [...this.#byName.keys()]
  }
}
