import { canonicalModel } from './models.ts'
import { DEFAULT_RATE_LIMIT_GROUPS, defaultRateLimitGroup } from './rate-groups.ts'
import type { RateLimit, SimulatorRateLimits } from './types.ts'

/** The limits that apply to a model, and the name of the group whose buckets it draws from. */
export interface AppliedLimits {
  group: string
  limits: RateLimit
}

const DIMENSIONS = ['rpm', 'itpm', 'otpm'] as const

function checkLimits(limits: RateLimit, where: string): RateLimit {
  const out: RateLimit = {}
  const burst = limits.burstSeconds
  if (burst !== undefined) {
    if (typeof burst !== 'number' || !(burst > 0 && burst <= 60)) throw new TypeError(`${where}.burstSeconds: more than 0, at most 60`)
    out.burstSeconds = burst
  }
  for (const key of DIMENSIONS) {
    const value = limits[key]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`${where}.${key}: a positive number of ${key === 'rpm' ? 'requests' : 'tokens'} per minute`)
    }
    out[key] = value
  }
  return out
}

const hasLimit = (limits: RateLimit) => DIMENSIONS.some((key) => limits[key] !== undefined)

/**
 * Reads `rateLimits` once (a TypeError names the first bad field) and returns the lookup of a
 * model's group: a group listing the model in `models`, else its default group when `groups` names
 * it, else the top-level limits under its default group, else none (not limited).
 */
export function resolveRateLimits(config: SimulatorRateLimits): (model: string) => AppliedLimits | undefined {
  const top = checkLimits(config, 'rateLimits')
  const groups = new Map<string, RateLimit>()
  const listed = new Map<string, string>()
  for (const [name, group] of Object.entries(config.groups ?? {})) {
    const where = `rateLimits.groups.${name}`
    groups.set(name, checkLimits(group, where))
    if (group.models === undefined) {
      if (!(name in DEFAULT_RATE_LIMIT_GROUPS)) {
        throw new TypeError(`${where}.models: required (the default groups are ${Object.keys(DEFAULT_RATE_LIMIT_GROUPS).join(', ')})`)
      }
      continue
    }
    if (!Array.isArray(group.models) || group.models.some((m) => typeof m !== 'string')) {
      throw new TypeError(`${where}.models: a list of model ids`)
    }
    for (const model of group.models) {
      const id = canonicalModel(model)
      const other = listed.get(id)
      if (other !== undefined && other !== name) throw new TypeError(`${where}.models: ${model} is already in rateLimits.groups.${other}`)
      listed.set(id, name)
    }
  }
  const withBurst = (limits: RateLimit): RateLimit =>
    limits.burstSeconds === undefined && top.burstSeconds !== undefined ? { ...limits, burstSeconds: top.burstSeconds } : limits
  return (model) => {
    const own = listed.get(canonicalModel(model))
    if (own !== undefined) return { group: own, limits: withBurst(groups.get(own)!) }
    const group = defaultRateLimitGroup(model)
    const named = groups.get(group)
    if (named) return { group, limits: withBurst(named) }
    return hasLimit(top) ? { group, limits: top } : undefined
  }
}
