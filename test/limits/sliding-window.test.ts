import { describe, expect, it } from 'vitest'
import { msUntilFits, usedIn, windowAt } from '../../src/limits/sliding-window.ts'

const W = 60_000
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % W)

/** Brute force: the first millisecond at which `need` more fits, scanning forward. */
function firstFit(need: number, limit: number, current: number, previous: number, now: number): number {
  for (let t = now; t < now + 2 * W; t++) {
    const sameWindow = Math.floor(t / W) === Math.floor(now / W)
    const [c, p] = sameWindow ? [current, previous] : Math.floor(t / W) === Math.floor(now / W) + 1 ? [0, current] : [0, 0]
    if (usedIn(c, p, windowAt(t, W).weight) + need <= limit) return t - now
  }
  return Infinity
}

describe('sliding window', () => {
  it('weights the previous window by what still overlaps', () => {
    expect(windowAt(T0, W)).toEqual({ index: T0 / W, weight: 1, msToEnd: W })
    expect(windowAt(T0 + W / 4, W)).toEqual({ index: T0 / W, weight: 0.75, msToEnd: 45_000 })
    expect(usedIn(2, 10, 0.75)).toBe(9)
  })

  it.each([
    [1, 3, 3, 0, 30_000],
    [1, 3, 0, 3, 0],
    [1, 3, 1, 3, 20_000],
    [1, 10, 4, 9, 7_123],
    [5, 10, 6, 2, 59_999],
    [120, 300, 270, 0, 1_000],
    [1, 1, 1, 0, 0],
  ])(
    'msUntilFits(need %i, limit %i, current %i, previous %i) at +%i ms is the first millisecond that fits',
    (need, limit, current, previous, offset) => {
      const now = T0 + offset
      expect(msUntilFits(need, limit, current, previous, now, W)).toBe(firstFit(need, limit, current, previous, now))
    },
  )

  it('is Infinity when the request alone is above the limit', () => {
    expect(msUntilFits(11, 10, 0, 0, T0, W)).toBe(Infinity)
  })
})
