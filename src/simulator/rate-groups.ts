import { canonicalModel } from './models.ts'

/** A set of models that share one set of rate limits (the SDK's `model_group`). */
export interface RateLimitGroupInfo {
  /** As Anthropic displays it, e.g. `Claude Opus 4.x`. */
  display_name: string
  /** Catalogue ids (dated ids belong to the group of the id they stand for). */
  models: readonly string[]
}

/**
 * How Anthropic pools the simulated models for rate limits: by model class, not by whole family.
 * Opus 4.5–4.8 share the "Opus 4.x" limit and Sonnet 4.5–4.6 the "Sonnet 4.x" one; each 5.x model
 * has its own, except Fable 5.x (Fable 5.1 shares with Fable 5). Pool differently (a whole family,
 * say) with `rateLimits.groups`.
 */
export const DEFAULT_RATE_LIMIT_GROUPS: Readonly<Record<string, RateLimitGroupInfo>> = {
  'opus-4.x': { display_name: 'Claude Opus 4.x', models: ['claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5'] },
  'sonnet-4.x': { display_name: 'Claude Sonnet 4.x', models: ['claude-sonnet-4-6', 'claude-sonnet-4-5'] },
  'haiku-4.5': { display_name: 'Claude Haiku 4.5', models: ['claude-haiku-4-5'] },
  'opus-5': { display_name: 'Claude Opus 5', models: ['claude-opus-5'] },
  'opus-5.5': { display_name: 'Claude Opus 5.5', models: ['claude-opus-5-5'] },
  'sonnet-5': { display_name: 'Claude Sonnet 5', models: ['claude-sonnet-5'] },
  'sonnet-5.5': { display_name: 'Claude Sonnet 5.5', models: ['claude-sonnet-5-5'] },
  'haiku-5.5': { display_name: 'Claude Haiku 5.5', models: ['claude-haiku-5-5'] },
  'fable-5.x': { display_name: 'Claude Fable 5.x', models: ['claude-fable-5-1'] },
}

const GROUP_OF = new Map(Object.entries(DEFAULT_RATE_LIMIT_GROUPS).flatMap(([name, g]) => g.models.map((m) => [m, name] as const)))

/** The default group of a model id; an id outside the catalogue is a group of its own, named after it. */
export function defaultRateLimitGroup(model: string): string {
  const id = canonicalModel(model)
  return GROUP_OF.get(id) ?? id
}
