import * as z from 'zod/mini'
import './zod.ts'

/** A count per time window, e.g. `60/1m`. */
export interface Rate {
  limit: number
  windowMs: number
  /** The window in `@upstash/ratelimit`'s Duration syntax, e.g. `1 m`. */
  window: `${number} ${'ms' | 's' | 'm' | 'h' | 'd'}`
}

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `<count>/<window>` like `60/1m` or `10/30s` (units ms, s, m, h, d), or null when it is not one. */
export function parseRate(value: string): Rate | null {
  const match = /^\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|m|h|d)\s*$/.exec(value)
  if (!match) return null
  const count = Number(match[2] || '1')
  const unit = match[3] as keyof typeof UNITS
  const limit = Number(match[1])
  if (limit < 1 || count < 1) return null
  return { limit, windowMs: count * UNITS[unit], window: `${count} ${unit}` }
}

/**
 * A rate field of an assistant or a session token's claims: `<count>/<window>` like `"20/1m"`, or
 * `"off"`, parsed where it is read (once): a Rate, or null for `off`.
 */
export const rateOrOff = z.pipe(
  z.string(),
  z.transform((value, ctx): Rate | null => {
    if (value === 'off') return null
    const rate = parseRate(value)
    if (!rate)
      ctx.issues.push({
        code: 'custom',
        message: 'expected "<count>/<window>" like "20/1m" (units ms, s, m, h, d), or "off"',
        input: value,
      })
    return rate
  }),
)
