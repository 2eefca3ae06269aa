import * as z from 'zod/mini'
import { defineTool, ToolError } from '../define-tool.ts'
import { evaluateExpression, ExpressionError } from './evaluate-expression.ts'

/** Demo tool: arithmetic on an expression, parsed and evaluated without `eval`. */
export const calculator = defineTool({
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly, e.g. "(17.5 * 3) / 4" or "sqrt(2) ^ 2". Supports + - * / % ^, parentheses, pi, e and sqrt, abs, round, floor, ceil, ln, log10, exp, sin, cos, tan, min, max. Use it instead of doing arithmetic in your head.',
  input: z.object({ expression: z.string().check(z.minLength(1), z.maxLength(500), z.describe('The expression to evaluate')) }),
  timeoutMs: 1000,
  execute({ expression }) {
    try {
      return { expression, result: evaluateExpression(expression) }
    } catch (err) {
      if (err instanceof ExpressionError) throw new ToolError(err.message)
      throw err
    }
  },
})
