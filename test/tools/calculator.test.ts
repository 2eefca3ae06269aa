import { describe, expect, it } from 'vitest'
import { evaluateExpression } from '../../src/tools/demo/evaluate-expression.ts'

describe('evaluateExpression (calculator demo tool, no eval)', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['2 ^ -1', 0.5],
    ['10 % 4 - 7 / 2', -1.5],
    ['sqrt(16) + abs(-3) + max(1, 9, 4)', 16],
    ['round(pi * 100) / 100', 3.14],
    ['1.5e3 + .5', 1500.5],
    ['LOG10(1000)', 3],
  ])('%s = %d', (expression, value) => {
    expect(evaluateExpression(expression)).toBeCloseTo(value, 12)
  })

  it.each([
    ['1 / 0', 'division by zero'],
    ['2 +', 'unexpected end at position 4'],
    ['(1 + 2', 'expected ")"'],
    ['alert(1)', 'unknown name "alert"'],
    ['constructor', 'unknown name "constructor"'],
    ['1; 2', 'unexpected ";" at position 2'],
    ['sqrt(1, 2)', 'sqrt takes 1 argument(s)'],
    ['10 ^ 400', 'is not a finite number'],
  ])('%s fails with "%s"', (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrow(message)
  })
})
