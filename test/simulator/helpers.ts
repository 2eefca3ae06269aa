import Anthropic from '@anthropic-ai/sdk'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { createSimulator, type SimulatorOptions } from '../../src/simulator/index.ts'

export const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' }

export function setup(options: SimulatorOptions = {}) {
  const sim = createSimulator(options)
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: sim.fetch, maxRetries: 0 })
  return { sim, client }
}

/** A Messages request body with one user message. */
export function ask(content: string, extra: Record<string, unknown> = {}) {
  return { model: 'claude-haiku-5-5', max_tokens: 1000, messages: [{ role: 'user', content }], ...extra }
}

export function post(sim: { fetch: typeof fetch }, body: unknown, headers: Record<string, string> = HEADERS, path = '/v1/messages') {
  return sim.fetch(`http://sim.local${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

/** Parses an SSE body with a maintained parser; `error` is set when the body failed mid-way. */
export async function readSse(res: Response): Promise<{ frames: EventSourceMessage[]; text: string; error?: unknown }> {
  const frames: EventSourceMessage[] = []
  const parser = createParser({ onEvent: (e) => frames.push(e) })
  const decoder = new TextDecoder()
  let text = ''
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const s = decoder.decode(chunk, { stream: true })
      text += s
      parser.feed(s)
    }
    return { frames, text }
  } catch (error) {
    return { frames, text, error }
  }
}

export const dataOf = (frames: EventSourceMessage[]) => frames.map((f) => JSON.parse(f.data) as Record<string, any>)

/** A sleep that resolves at once and records what was asked (deterministic pacing tests). */
export function recordingSleep() {
  const calls: number[] = []
  const sleep = (ms: number, signal?: AbortSignal) => {
    calls.push(ms)
    return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()
  }
  return { calls, sleep }
}

/** A sleep that never ends by itself: only an abort ends it (stall and cancellation tests). */
export function hangingSleep() {
  const started: number[] = []
  let onStart: () => void = () => {}
  const sleep = (ms: number, signal?: AbortSignal) => {
    started.push(ms)
    onStart()
    return new Promise<void>((_, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
  }
  const nextStart = () =>
    new Promise<void>((resolve) => {
      onStart = resolve
    })
  return { started, sleep, nextStart }
}
