// Smoke test of the bench's building blocks (no timings): the hand-written and AI SDK contenders
// answer through the simulator, and the bench recognizes their complete and broken streams.
import { describe, expect, it } from 'vitest'
import { createAiSdkApp } from '../../bench/contenders/ai-sdk.ts'
import { createHandWrittenApp } from '../../bench/contenders/hand-written.ts'
import { callFor, hasTextDelta, streamCompleted } from '../../bench/lib/contenders.ts'
import { createSimulator } from '../../src/simulator/index.ts'

const contenders = [
  ['hand-written', createHandWrittenApp],
  ['ai-sdk', createAiSdkApp],
] as const

for (const [name, create] of contenders) {
  describe(`bench contender ${name}`, () => {
    const setUp = () => {
      const sim = createSimulator()
      const app = create({ baseURL: 'http://sim.local', apiKey: 'sk-ant-test', fetch: sim.fetch as typeof fetch })
      const send = (directives: string, stream: boolean) => {
        const call = callFor(name, directives, stream)
        return app.request(call.path, { method: 'POST', headers: call.headers, body: call.body })
      }
      return { sim, send }
    }

    it('answers JSON with the reply text', async () => {
      const { send } = setUp()
      const response = await send('[sim text="calm blue sea"]', false)
      expect(response.status).toBe(200)
      expect(((await response.json()) as { text: string }).text).toBe('calm blue sea')
    })

    it('streams text deltas to a complete end', async () => {
      const { sim, send } = setUp()
      const text = await (await send('[sim tokens=5]', true)).text()
      expect(hasTextDelta(name, text)).toBe(true)
      expect(streamCompleted(name, text)).toBe(true)
      expect(sim.requests.at(-1)?.completed).toBe(true)
    })

    it('a stream that dies mid-way does not count as completed', async () => {
      const { send } = setUp()
      const response = await send('[sim tokens=20] [sim error=overloaded_error after=6]', true)
      expect(streamCompleted(name, await response.text())).toBe(false)
    })
  })
}

it('the direct contender: a simulator stream ends with message_stop', async () => {
  const sim = createSimulator()
  const call = callFor('direct', '[sim tokens=3]', true)
  const text = await (
    await sim.fetch(new Request(`http://sim.local${call.path}`, { method: 'POST', headers: call.headers, body: call.body }))
  ).text()
  expect(hasTextDelta('direct', text)).toBe(true)
  expect(streamCompleted('direct', text)).toBe(true)
})
