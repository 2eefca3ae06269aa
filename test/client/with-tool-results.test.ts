import { describe, expect, it } from 'vitest'
import { ReplyAccumulator } from '../../client/reply-accumulator.ts'
import { withToolResults } from '../../client/with-tool-results.ts'

describe('withToolResults', () => {
  it('appends the reply as text + tool_use and the outcomes as tool_result blocks', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'text-delta', id: 't', delta: 'Let me look.' })
    reply.apply({ type: 'tool-input-available', toolCallId: 'toolu_1', toolName: 'get_location', input: {} })
    reply.apply({ type: 'tool-input-available', toolCallId: 'toolu_2', toolName: 'get_time', input: { tz: 'UTC' } })
    reply.apply({ type: 'finish', finishReason: 'tool-calls' })
    const history = [{ role: 'user' as const, content: 'Where am I and what time is it?' }]
    const next = withToolResults(history, reply.end(), [
      { toolCallId: 'toolu_1', output: { city: 'Lyon' } },
      { toolCallId: 'toolu_2', error: 'Clock unavailable' },
    ])
    expect(next).toEqual([
      history[0],
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_location', input: {} },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: { tz: 'UTC' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"city":"Lyon"}' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'Clock unavailable', is_error: true },
        ],
      },
    ])
    expect(history).toHaveLength(1)
  })
})
