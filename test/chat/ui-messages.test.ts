import { describe, expect, it } from 'vitest'
import { fromUIMessages } from '../../src/chat/ui-messages.ts'
import { GatewayError } from '../../src/errors.ts'

describe('fromUIMessages', () => {
  it('turns text parts into Anthropic messages and lifts system messages out', () => {
    const out = fromUIMessages([
      { id: 's', role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] },
      { id: '1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] },
      { id: '2', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'Hello!' }] },
      { id: '3', role: 'user', parts: [{ type: 'text', text: 'Time?' }] },
    ])
    expect(out.system).toEqual(['Be brief.'])
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
      { role: 'user', content: [{ type: 'text', text: 'Time?' }] },
    ])
  })

  it('splits a multi-step assistant message into tool_use / tool_result turns', () => {
    const out = fromUIMessages([
      { role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-weather', toolCallId: 't1', state: 'output-available', input: { city: 'Paris' }, output: { c: 21 } },
          { type: 'step-start' },
          { type: 'dynamic-tool', toolName: 'clock', toolCallId: 't2', state: 'output-error', input: {}, errorText: 'boom' },
          { type: 'step-start' },
          { type: 'reasoning', text: 'hmm' },
          { type: 'text', text: 'It is 21°C.' },
        ],
      },
    ])
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 't1', name: 'weather', input: { city: 'Paris' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '{"c":21}' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'clock', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'boom', is_error: true }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 21°C.' }] },
    ])
  })

  it('converts data-URL images and PDFs, and refuses other files with the part path', () => {
    const out = fromUIMessages([
      {
        role: 'user',
        parts: [
          { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'file', mediaType: 'application/pdf', url: 'data:application/pdf;base64,JVBERi0=' },
          { type: 'text', text: 'What is this?' },
        ],
      },
    ])
    expect(out.messages[0]!.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'text', text: 'What is this?' },
    ])
    const bad = () =>
      fromUIMessages([{ role: 'user', parts: [{ type: 'file', mediaType: 'video/mp4', url: 'data:video/mp4;base64,AA==' }] }])
    expect(bad).toThrowError(GatewayError)
    expect(bad).toThrowError(/messages\.0\.parts\.0: unsupported file/)
  })

  it('refuses a user message without content', () => {
    expect(() => fromUIMessages([{ role: 'user', parts: [{ type: 'text', text: '' }] }])).toThrowError(/messages\.0\.parts/)
  })
})
