import type { Config, UpstreamLimit } from '../config.ts'
import { familyOf } from '../models/catalogue.ts'
import { DEFAULT_BURST_MS, type Ceiling } from './pacer.ts'

/**
 * `UPSTREAM_LIMITS` as ceilings per rate-limit group. A key names every group it touches: `*` all,
 * a family (`sonnet`) each of its groups, a group (`sonnet-4.x`) itself, a model or alias the group
 * it belongs to (Anthropic pools the whole group). A more specific key wins, field by field.
 */
export function ceilingsFromConfig(config: Pick<Config, 'upstreamLimits' | 'catalogue'>): Map<string, Ceiling> {
  const byGroup = new Map<string, UpstreamLimit>()
  const specificity = (key: string) => {
    if (key === '*') return 0
    const model = config.catalogue.get(key)
    if (model) return key === model.id ? 4 : 3
    return config.catalogue.models.some((m) => m.rateLimitGroup === key) ? 2 : 1
  }
  const keys = Object.keys(config.upstreamLimits).sort((a, b) => specificity(a) - specificity(b))
  for (const key of keys) {
    const named = config.catalogue.get(key)
    for (const model of config.catalogue.models) {
      const group = model.rateLimitGroup
      const touches = key === '*' || key === familyOf(model) || key === group || named?.rateLimitGroup === group
      if (touches) byGroup.set(group, { ...byGroup.get(group), ...config.upstreamLimits[key] })
    }
  }
  const ceilings = new Map<string, Ceiling>()
  for (const [group, l] of byGroup) {
    const burst = l.burstSeconds === undefined ? DEFAULT_BURST_MS : ([l.burstSeconds * 1000, l.burstSeconds * 1000] as [number, number])
    ceilings.set(group, { configured: [l.rpm ?? 0, l.itpm ?? 0, l.otpm ?? 0], burstMs: burst })
  }
  return ceilings
}
