import { describe, expect, it } from 'vitest'
import { DirectiveError, parseDirectives } from '../../src/simulator/directives.ts'
import { resolveScript } from '../../src/simulator/script.ts'

describe('parseDirectives', () => {
  it('reads key=value groups anywhere in the text', () => {
    const [d, e] = parseDirectives('Hello [sim tokens=40 delay=25] and\n[sim status=429 retry_after=2 retry_after_ms=1500 times=1]')
    expect(d).toEqual({ raw: '[sim tokens=40 delay=25]', tokens: 40, delay: 25 })
    expect(e).toEqual({
      raw: '[sim status=429 retry_after=2 retry_after_ms=1500 times=1]',
      status: 429,
      retryAfter: 2,
      retryAfterMs: 1500,
      times: 1,
    })
  })

  it('reads tool calls with JSON input containing spaces, brackets and quotes', () => {
    const [d] = parseDirectives('[sim step=2 tool=get_weather {"city": "Paris [FR]", "q": "a \\"b\\"", "n": [1, {"x": 2}]}]')
    expect(d!.step).toBe(2)
    expect(d!.tools).toEqual([{ name: 'get_weather', input: { city: 'Paris [FR]', q: 'a "b"', n: [1, { x: 2 }] } }])
  })

  it('defaults tool input to {} and accumulates several tools in one group', () => {
    const [d] = parseDirectives('[sim tool=a tool=b {"k":1}]')
    expect(d!.tools).toEqual([
      { name: 'a', input: {} },
      { name: 'b', input: { k: 1 } },
    ])
  })

  it('reads quoted text, flags, model, error and stop', () => {
    const [d] = parseDirectives('[sim text="Hi, there ] friend" drop after=3 model=claude-opus-5-5 stop=refusal message="x y"]')
    expect(d).toMatchObject({ text: 'Hi, there ] friend', drop: true, after: 3, model: 'claude-opus-5-5', stop: 'refusal', message: 'x y' })
    expect(parseDirectives('[sim error=overloaded_error after=5]')[0]).toMatchObject({ error: 'overloaded_error', after: 5 })
  })

  it('ignores words that only start like a directive, and text without directives', () => {
    expect(parseDirectives('a [simple] text [similar tokens=3]')).toEqual([])
    expect(parseDirectives('')).toEqual([])
  })

  it.each([
    ['[sim tokens=abc]', /tokens must be a non-negative integer/],
    ['[sim frobnicate=1]', /unknown key "frobnicate"/],
    ['[sim tokens=3', /missing closing/],
    ['[sim tool=x {"a":}]', /not valid JSON/],
    ['[sim tool=x [1,2]]', /must be a JSON object/],
    ['[sim error=nope]', /unknown error type/],
    ['[sim stop=later]', /stop must be one of/],
    ['[sim status=200]', /400–599/],
    ['[sim after=3]', /after=N needs/],
    ['[sim step=0]', /steps count from 1/],
    ['[sim times=0]', /at least 1/],
    ['[sim chunk=0]', /chunk must be at least 1/],
    ['[sim tokens]', /needs a value/],
    ['[sim text="open]', /unterminated string/],
  ])('rejects %s', (text, message) => {
    expect(() => parseDirectives(text)).toThrow(DirectiveError)
    expect(() => parseDirectives(text)).toThrow(message)
  })
})

describe('resolveScript', () => {
  const ctx = { step: 1, model: 'claude-haiku-5-5' }

  it('applies times=K to the first K matching requests, per group text', () => {
    const counters = new Map<string, number>()
    const ds = parseDirectives('[sim status=529 times=2]')
    const statuses = [1, 2, 3].map(() => resolveScript(ds, ctx, counters).failure?.status)
    expect(statuses).toEqual([529, 529, undefined])
  })

  it('counts only requests for the named model', () => {
    const counters = new Map<string, number>()
    const ds = parseDirectives('[sim status=429 times=1 model=claude-opus-5-5]')
    expect(resolveScript(ds, ctx, counters).failure).toBeUndefined()
    expect(resolveScript(ds, { ...ctx, model: 'claude-opus-5-5' }, counters).failure?.status).toBe(429)
    expect(resolveScript(ds, { ...ctx, model: 'claude-opus-5-5' }, counters).failure).toBeUndefined()
  })

  it('makes tool calls without step= at step 1 only, other groups at every step', () => {
    const ds = parseDirectives('[sim tokens=5] [sim tool=a {}] [sim step=2 tool=b {}]')
    const s1 = resolveScript(ds, ctx, new Map())
    const s2 = resolveScript(ds, { ...ctx, step: 2 }, new Map())
    const s3 = resolveScript(ds, { ...ctx, step: 3 }, new Map())
    expect([s1.tools.map((t) => t.name), s2.tools.map((t) => t.name), s3.tools]).toEqual([['a'], ['b'], []])
    expect([s1.tokens, s2.tokens, s3.tokens]).toEqual([5, 5, 5])
  })

  it('builds failure headers and defaults', () => {
    const s = resolveScript(parseDirectives('[sim status=429 retry_after=3 retry_after_ms=2500 should_retry=false]'), ctx, new Map())
    expect(s.failure).toEqual({
      status: 429,
      type: 'rate_limit_error',
      message: expect.any(String),
      headers: { 'retry-after': '3', 'retry-after-ms': '2500', 'x-should-retry': 'false' },
    })
    expect(resolveScript(parseDirectives('[sim status=529]'), ctx, new Map()).failure?.type).toBe('overloaded_error')
    expect(resolveScript(parseDirectives('[sim stall=100]'), ctx, new Map()).stallBefore).toBe(100)
    expect(resolveScript(parseDirectives('[sim stall=100 after=2]'), ctx, new Map()).stall).toEqual({ ms: 100, after: 2 })
  })
})
