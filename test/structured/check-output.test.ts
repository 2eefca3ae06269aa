import { describe, expect, it } from 'vitest'
import { checkOutput, repairPrompt } from '../../src/structured/check-output.ts'

const order = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    items: {
      type: 'array',
      items: { type: 'object', properties: { sku: { type: 'string' }, price: { type: 'number', minimum: 0 } }, required: ['sku', 'price'] },
    },
    status: { enum: ['open', 'shipped'] },
  },
  required: ['id', 'items'],
  additionalProperties: false,
}

describe('checkOutput', () => {
  it('a matching answer is parsed', () => {
    const text = '{"id":"o1","items":[{"sku":"a","price":2.5}],"status":"open"}'
    expect(checkOutput(text, order)).toEqual({ ok: true, value: { id: 'o1', items: [{ sku: 'a', price: 2.5 }], status: 'open' } })
  })

  it('names each failing path, the deepest first', () => {
    const result = checkOutput('{"items":[{"sku":"a","price":-1},{"price":"3"}],"status":"lost","extra":1}', order)
    expect(result.ok).toBe(false)
    const problems = (result as { problems: string[] }).problems
    expect(problems.length).toBeLessThanOrEqual(5)
    expect(problems.some((p) => p.startsWith('/items/0/price:'))).toBe(true)
    expect(problems.some((p) => p.startsWith('/items/1'))).toBe(true)
    expect(problems.some((p) => p.startsWith('/status:'))).toBe(true)
    // A missing property is reported where it is missing, next to the deeper failures.
    expect(checkOutput('{"items":[{"sku":"a"}]}', order)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^\/items\/0: .*price/), expect.stringMatching(/^\(root\): .*id/)],
    })
    // The deepest first: an item's field before the array, the array before the root.
    expect(problems[0]!.split(':')[0]!.split('/').length).toBeGreaterThanOrEqual(problems.at(-1)!.split(':')[0]!.split('/').length)
  })

  it('an answer that is not JSON is one problem at the root', () => {
    const result = checkOutput('{"id":"o1","items":[', order)
    expect(result).toMatchObject({ ok: false, problems: [expect.stringMatching(/^\(root\): not valid JSON/)] })
  })

  it('$defs and $ref are followed (draft 2020-12)', () => {
    const schema = { $defs: { money: { type: 'integer', minimum: 1 } }, type: 'object', properties: { cents: { $ref: '#/$defs/money' } } }
    expect(checkOutput('{"cents":5}', schema).ok).toBe(true)
    expect(checkOutput('{"cents":0}', schema)).toMatchObject({ ok: false, problems: [expect.stringMatching(/^\/cents:/)] })
  })

  it('the repair prompt lists the problems and asks for JSON only', () => {
    expect(repairPrompt(['/a: wrong', '/b: missing'])).toBe(
      'Your previous answer does not match the required JSON schema: /a: wrong; /b: missing. Answer again with only the corrected JSON document.',
    )
  })
})
