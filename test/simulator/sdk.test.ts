import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'

function setup() {
  const sim = createSimulator()
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: sim.fetch, maxRetries: 0 })
  return { sim, client }
}

describe('official SDK against the simulator', () => {
  it('messages.create (JSON)', async () => {
    const { sim, client } = setup()
    const msg = await client.messages.create({
      model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello [sim text="Hi there friend"]' }],
    })
    expect(msg.content).toEqual([{ type: 'text', text: 'Hi there friend' }])
    expect(msg.usage.output_tokens).toBe(3)
    expect(msg.stop_reason).toBe('end_turn')
    expect(sim.requests[0]).toMatchObject({ path: '/v1/messages', status: 200, completed: true, stream: false })
  })

  it('messages.stream', async () => {
    const { sim, client } = setup()
    const texts: string[] = []
    const stream = client.messages.stream({
      model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello [sim tokens=7]' }],
    })
    stream.on('text', (t) => texts.push(t))
    const msg = await stream.finalMessage()
    expect(texts).toHaveLength(7)
    expect(msg.usage.output_tokens).toBe(7)
    expect(sim.requests[0]).toMatchObject({ completed: true, stream: true })
  })
})
