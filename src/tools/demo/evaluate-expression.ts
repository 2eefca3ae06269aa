/**
 * A small arithmetic evaluator (no `eval`, no `Function`): numbers, + - * / % ^, parentheses,
 * unary minus, the constants pi and e, and a few functions. Throws `ExpressionError` with the
 * position of the problem.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError'
}

// Own properties only (Object.hasOwn below): names like "constructor" must not reach the prototype.
const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  abs: { arity: [1, 1], fn: Math.abs },
  round: { arity: [1, 1], fn: Math.round },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  ln: { arity: [1, 1], fn: Math.log },
  log10: { arity: [1, 1], fn: Math.log10 },
  exp: { arity: [1, 1], fn: Math.exp },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  min: { arity: [1, 20], fn: Math.min },
  max: { arity: [1, 20], fn: Math.max },
}
const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E }

export function evaluateExpression(source: string): number {
  let i = 0
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} at position ${i + 1} of "${source}"`)
  }
  const space = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++
  }
  const eat = (ch: string) => {
    space()
    if (source[i] === ch) {
      i++
      return true
    }
    return false
  }

  // expression := term (('+' | '-') term)*
  const expression = (): number => {
    let value = term()
    for (;;) {
      if (eat('+')) value += term()
      else if (eat('-')) value -= term()
      else return value
    }
  }
  // term := power (('*' | '/' | '%') power)*
  const term = (): number => {
    let value = unary()
    for (;;) {
      if (eat('*')) value *= unary()
      else if (eat('/')) {
        const divisor = unary()
        if (divisor === 0) fail('division by zero')
        value /= divisor
      } else if (eat('%')) {
        const divisor = unary()
        if (divisor === 0) fail('modulo by zero')
        value %= divisor
      } else return value
    }
  }
  // unary := ('-' | '+') unary | power
  const unary = (): number => (eat('-') ? -unary() : eat('+') ? unary() : power())
  // power := primary ('^' unary)?   (right-associative: 2^3^2 = 2^9)
  const power = (): number => {
    const base = primary()
    return eat('^') ? base ** unary() : base
  }
  const primary = (): number => {
    space()
    if (eat('(')) {
      const value = expression()
      if (!eat(')')) fail('expected ")"')
      return value
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i))
    if (number) {
      i += number[0].length
      return Number(number[0])
    }
    const name = /^[a-z][a-z0-9]*/i.exec(source.slice(i))?.[0].toLowerCase()
    if (!name) return i >= source.length ? fail('unexpected end') : fail(`unexpected "${source[i]}"`)
    i += name.length
    if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name]!
    const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined
    if (!fn) return fail(`unknown name "${name}" (functions: ${Object.keys(FUNCTIONS).join(', ')}; constants: pi, e)`)
    if (!eat('(')) fail(`expected "(" after ${name}`)
    const args = [expression()]
    while (eat(',')) args.push(expression())
    if (!eat(')')) fail('expected ")"')
    if (args.length < fn.arity[0] || args.length > fn.arity[1])
      fail(`${name} takes ${fn.arity[0] === fn.arity[1] ? fn.arity[0] : `${fn.arity[0]}-${fn.arity[1]}`} argument(s)`)
    return fn.fn(...args)
  }

  const value = expression()
  space()
  if (i < source.length) fail(`unexpected "${source[i]}"`)
  if (!Number.isFinite(value)) throw new ExpressionError(`the result of "${source}" is not a finite number`)
  return value
}
