import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeInputIssues } from '../../src/tools/describe-input-issues.ts'

describe('describeInputIssues', () => {
  const schema = z.strictObject({
    city: z.string(),
    unit: z.enum(['c', 'f']),
    days: z.number().int().min(1),
    where: z.object({ lat: z.number() }),
  })
  it('names each failing path, what was expected and what came', () => {
    const input = { city: 42, unit: 'k', days: 0, where: { lat: 'north' }, extra: true }
    const result = schema.safeParse(input)
    expect(result.success).toBe(false)
    expect(describeInputIssues('get_weather', result.error!, input)).toBe(
      [
        'Invalid input for tool "get_weather":',
        '- city: expected string, got 42',
        '- unit: expected one of "c"|"f", got "k"',
        '- days: expected number to be >=1, got 0',
        '- where.lat: expected number, got "north"',
        '- (input): expected no other fields than the schema\'s (unknown: "extra"), got those fields',
        'Call the tool again with input that matches its schema.',
      ].join('\n'),
    )
  })

  it('says when a field is missing and shortens long values', () => {
    const input = { unit: 'x'.repeat(200), days: 1, where: { lat: 1 } }
    const result = schema.safeParse(input)
    const text = describeInputIssues('t', result.error!, input)
    expect(text).toContain('- city: expected string, got nothing (missing)')
    expect(text).toContain(`- unit: expected one of "c"|"f", got "${'x'.repeat(79)}…`)
  })
})
