import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../src/tools/define-tool.ts'
import { clockedUpstream, postJson } from '../support/app.ts'
import { makeToolApp } from './support.ts'

const SONNET = 'claude-sonnet-5-5'
const ask = (text: string) => ({ messages: [{ role: 'user', content: text }] })

/**
 * A tool gateway whose clock (the upstream's, which the loop shares) moves only when the upstream
 * sleeps between retries or a tool says so: time is never read from the machine. Jitter fixed at 0.5.
 */
function clocked(env: Record<string, string>) {
  const { clock, upstream } = clockedUpstream()
  const lookup = defineTool({
    name: 'lookup',
    description: 'looks up',
    input: z.object({ ms: z.number().default(0) }),
    execute: ({ ms }) => {
      clock.t += ms
      return 'found'
    },
  })
  const { app, simulator } = makeToolApp([lookup], env, undefined, upstream)
  const chat = async (text: string) => {
    const res = await postJson(app, '/v1/chat', ask(text))
    return { res, body: (await res.json()) as Record<string, any> }
  }
  return { app, simulator, clock, chat }
}

describe('the request deadline bounds the model calls of the tool loop', () => {
  it('a call started late gets only what is left: 504 at the request deadline, the upstream request cancelled', async () => {
    const h = clocked({ UPSTREAM_DEADLINE_MS: '1000' })
    // Step 1 spends 980 ms of the 1000 waiting out a 429, then calls the tool; step 2 never answers.
    // With a full deadline of its own, step 2 would be cut at 1980 ms, and as a plain upstream timeout.
    const { res, body } = await h.chat(
      '[sim step=1 status=429 retry_after_ms=980 times=1] [sim step=1 tool=lookup {}] [sim step=2 stall=60000]',
    )
    expect(res.status).toBe(504)
    expect(body.error).toEqual({
      type: 'timeout_error',
      message: `The request deadline (UPSTREAM_DEADLINE_MS=1000) passed while waiting for Claude (tried: ${SONNET}). Retry, or ask for less.`,
    })
    expect(h.clock.sleeps).toEqual([980])
    expect(h.clock.t).toBe(1_000_980)
    expect(h.simulator.requests.map((r) => r.status)).toEqual([429, 200, expect.any(Number)])
    await vi.waitFor(() => expect(h.simulator.requests[2]).toMatchObject({ cancelled: true, completed: false }))
  })

  it('no retry wait past the request deadline in a later step: 503 with the Retry-After, no sleep', async () => {
    const h = clocked({ UPSTREAM_DEADLINE_MS: '1000' })
    // The tool takes 700 ms; step 2's 529 asks for 500 ms, which would end after the request's deadline.
    const { res, body } = await h.chat('[sim step=1 tool=lookup {"ms":700}] [sim step=2 status=529 retry_after_ms=500]')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(body.error.type).toBe('overloaded_error')
    expect(h.clock.sleeps).toEqual([])
    expect(h.simulator.requests.map((r) => r.status)).toEqual([200, 529])
  })

  it('no time left at all: the loop stops before the next model call, with the same 504', async () => {
    const h = clocked({ UPSTREAM_DEADLINE_MS: '1000' })
    const { res, body } = await h.chat('[sim step=1 tool=lookup {"ms":1000}] [sim step=2 text="too late"]')
    expect(res.status).toBe(504)
    expect(body.error).toEqual({
      type: 'timeout_error',
      message: 'The request deadline (UPSTREAM_DEADLINE_MS=1000) passed during the tool loop, before model call 2. Retry, or ask for less.',
    })
    expect(h.simulator.requests).toHaveLength(1)
  })

  it('within the deadline a late step still answers (the loop deadline only shortens, never adds)', async () => {
    const h = clocked({ UPSTREAM_DEADLINE_MS: '1000' })
    const { res, body } = await h.chat('[sim step=1 tool=lookup {"ms":900}] [sim step=2 text="in time"]')
    expect(res.status).toBe(200)
    expect(body.text).toBe('in time')
  })

  it('the streaming path: a late step ends the stream with the request-deadline error part', async () => {
    const h = clocked({ UPSTREAM_DEADLINE_MS: '1000' })
    const res = await postJson(
      h.app,
      '/v1/chat/stream',
      ask('[sim step=1 status=429 retry_after_ms=980 times=1] [sim step=1 tool=lookup {}] [sim step=2 stall=60000]'),
    )
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain(
      JSON.stringify({
        type: 'error',
        errorText: `timeout_error: The request deadline (UPSTREAM_DEADLINE_MS=1000) passed while waiting for Claude (tried: ${SONNET}). Retry, or ask for less.`,
      }),
    )
    expect(h.clock.sleeps).toEqual([980])
    await vi.waitFor(() => expect(h.simulator.requests[2]).toMatchObject({ cancelled: true, completed: false }))
  })
})
