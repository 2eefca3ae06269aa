import { describe, expect, it } from 'vitest'
import { Catalogue } from '../../src/models/catalogue.ts'
import { addUsage, costOf, toUsage } from '../../src/models/cost.ts'

const catalogue = new Catalogue()
const model = (name: string) => catalogue.get(name)!
const usage = (input: number, output: number, write = 0, read = 0) =>
  toUsage({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: write, cache_read_input_tokens: read })

describe('costOf', () => {
  it('prices a plain call: Sonnet 5.5 at $2 in / $10 out per MTok', () => {
    // 1000 × 2 + 500 × 10 = 7000 micro-dollars
    expect(costOf(model('balanced'), usage(1000, 500))).toBe(0.007)
  })

  it('prices cache writes and reads: Opus 5.5 reads at 0.05× input', () => {
    // 100×4 + 2000×5 + 10000×0.20 + 300×20 = 400 + 10000 + 2000 + 6000 = 18400 µ$
    expect(costOf(model('smart'), usage(100, 300, 2000, 10_000))).toBe(0.0184)
  })

  it('prices 1-hour cache writes at their own rate', () => {
    const u = { ...usage(0, 0, 1000), cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 } }
    expect(costOf(model('claude-haiku-4-5'), u)).toBe(0.002)
  })

  it('switches Haiku 5.5 to long-context prices above 100K prompt tokens', () => {
    expect(costOf(model('fast'), usage(100_000, 1000))).toBe(0.0105) // 100000×0.1 + 1000×0.5
    expect(costOf(model('fast'), usage(100_001, 1000))).toBe(0.0525005) // 100001×0.5 + 1000×2.5
    // cache reads count toward the prompt length that selects the tier
    expect(costOf(model('fast'), usage(1, 0, 0, 100_000))).toBeCloseTo(0.0050005, 9)
  })

  it('does not round short cheap calls to zero: Haiku 5.5 input is $0.0000001 per token', () => {
    expect(costOf(model('fast'), usage(3, 0))).toBe(0.0000003)
    expect(costOf(model('fast'), usage(0, 0, 0, 7))).toBe(0.00000007) // cache reads at $0.01/MTok
  })

  it('adds usage over steps', () => {
    expect(addUsage(usage(1, 2, 3, 4), usage(10, 20, 30, 40))).toEqual(usage(11, 22, 33, 44))
  })

  it('normalises missing and null usage fields to 0', () => {
    expect(toUsage({ input_tokens: 5, cache_read_input_tokens: null } as never)).toEqual(usage(5, 0))
  })
})

describe('Catalogue', () => {
  it('maps the aliases to the November 2026 lineup', () => {
    expect(model('fast').id).toBe('claude-haiku-5-5')
    expect(model('balanced').id).toBe('claude-sonnet-5-5')
    expect(model('smart').id).toBe('claude-opus-5-5')
    expect(model('claude-haiku-4-5').contextWindow).toBe(200_000)
    expect(model('claude-opus-5').maxOutput).toBe(128_000)
  })
})
