/** What the simulator knows about a model it serves. */
export interface SimModel {
  id: string
  display_name: string
  line: 'haiku' | 'sonnet' | 'opus' | 'fable'
  /** Context window in tokens. */
  context: number
  /** Largest accepted `max_tokens`. */
  maxOutput: number
  /** Claude 4.7 and later (all 5.x) use the newer tokenizer: about 30 % more tokens for the same text. */
  tokenizer: 'legacy' | 'v2'
  /** Sonnet 5+: 400 on non-default temperature / top_p / top_k under any API version. */
  defaultSamplingOnly: boolean
  /** Opus 5.5, Sonnet 5.5, Fable 5.1: thinking always on, 400 on forced tool use. */
  alwaysThinks: boolean
  /** Smallest cacheable prompt prefix, in tokens. */
  minCacheTokens: number
  created_at: string
}

type Spec = Omit<SimModel, 'id' | 'display_name' | 'defaultSamplingOnly' | 'alwaysThinks' | 'minCacheTokens'> &
  Partial<Pick<SimModel, 'defaultSamplingOnly' | 'alwaysThinks' | 'minCacheTokens'>>

const M = 1_000_000
const K = 1_000
const v5 = { context: M, maxOutput: 128 * K, tokenizer: 'v2' } as const

const SPECS: Record<string, Spec & { name: string }> = {
  'claude-haiku-5-5': { name: 'Claude Haiku 5.5', line: 'haiku', ...v5, minCacheTokens: 2048, created_at: '2026-09-15T00:00:00Z' },
  'claude-sonnet-5-5': {
    name: 'Claude Sonnet 5.5',
    line: 'sonnet',
    ...v5,
    defaultSamplingOnly: true,
    alwaysThinks: true,
    created_at: '2026-09-15T00:00:00Z',
  },
  'claude-opus-5-5': { name: 'Claude Opus 5.5', line: 'opus', ...v5, alwaysThinks: true, created_at: '2026-09-15T00:00:00Z' },
  'claude-fable-5-1': { name: 'Claude Fable 5.1', line: 'fable', ...v5, alwaysThinks: true, created_at: '2026-10-01T00:00:00Z' },
  'claude-opus-5': { name: 'Claude Opus 5', line: 'opus', ...v5, created_at: '2026-05-20T00:00:00Z' },
  'claude-sonnet-5': { name: 'Claude Sonnet 5', line: 'sonnet', ...v5, defaultSamplingOnly: true, created_at: '2026-05-20T00:00:00Z' },
  'claude-opus-4-8': {
    minCacheTokens: 4096,
    name: 'Claude Opus 4.8',
    line: 'opus',
    context: M,
    maxOutput: 128 * K,
    tokenizer: 'v2',
    created_at: '2026-03-10T00:00:00Z',
  },
  'claude-opus-4-7': {
    minCacheTokens: 4096,
    name: 'Claude Opus 4.7',
    line: 'opus',
    context: M,
    maxOutput: 128 * K,
    tokenizer: 'v2',
    created_at: '2026-02-01T00:00:00Z',
  },
  'claude-opus-4-6': {
    minCacheTokens: 4096,
    name: 'Claude Opus 4.6',
    line: 'opus',
    context: M,
    maxOutput: 128 * K,
    tokenizer: 'legacy',
    created_at: '2026-01-15T00:00:00Z',
  },
  'claude-sonnet-4-6': {
    name: 'Claude Sonnet 4.6',
    line: 'sonnet',
    context: M,
    maxOutput: 64 * K,
    tokenizer: 'legacy',
    created_at: '2026-01-15T00:00:00Z',
  },
  'claude-opus-4-5': {
    minCacheTokens: 4096,
    name: 'Claude Opus 4.5',
    line: 'opus',
    context: 200 * K,
    maxOutput: 64 * K,
    tokenizer: 'legacy',
    created_at: '2025-11-01T00:00:00Z',
  },
  'claude-sonnet-4-5': {
    name: 'Claude Sonnet 4.5',
    line: 'sonnet',
    context: 200 * K,
    maxOutput: 64 * K,
    tokenizer: 'legacy',
    created_at: '2025-09-29T00:00:00Z',
  },
  'claude-haiku-4-5': {
    minCacheTokens: 4096,
    name: 'Claude Haiku 4.5',
    line: 'haiku',
    context: 200 * K,
    maxOutput: 64 * K,
    tokenizer: 'legacy',
    created_at: '2025-10-01T00:00:00Z',
  },
}

/** Dated ids the SDK's `Model` type lists, served as the same model. */
const DATED: Record<string, string> = {
  'claude-haiku-4-5-20251001': 'claude-haiku-4-5',
  'claude-opus-4-5-20251101': 'claude-opus-4-5',
  'claude-sonnet-4-5-20250929': 'claude-sonnet-4-5',
}

/** The ids served by default, newest first (dated aliases included). */
export const DEFAULT_MODELS: readonly string[] = [...Object.keys(SPECS), ...Object.keys(DATED)]

/** The catalogue id a dated id stands for (`claude-haiku-4-5-20251001` → `claude-haiku-4-5`); other ids unchanged. */
export function canonicalModel(id: string): string {
  return DATED[id] ?? id
}

/**
 * The simulator's view of a model id. Ids outside the built-in table (allowed through
 * `SimulatorOptions.models`) get 5.x-like limits and the newer tokenizer.
 */
export function modelSpec(id: string): SimModel {
  const spec = SPECS[id] ?? SPECS[DATED[id] ?? '']
  if (!spec) {
    return {
      id,
      display_name: id,
      line: 'sonnet',
      ...v5,
      defaultSamplingOnly: false,
      alwaysThinks: false,
      minCacheTokens: 1024,
      created_at: '2026-01-01T00:00:00Z',
    }
  }
  const { name, ...rest } = spec
  return { defaultSamplingOnly: false, alwaysThinks: false, minCacheTokens: 1024, ...rest, id, display_name: name }
}
