import { exports } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'

// The deployable Worker (src/worker.ts) offers its two demo tools without any code.
it('the deployed Worker offers current_time and calculator and runs them in the loop', async () => {
  const res = await exports.default.fetch('http://worker/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_CLIENT_KEY}` },
    body: JSON.stringify({
      model: 'fast',
      messages: [
        {
          role: 'user',
          content:
            'Time in Paris, and 15% of 80? [sim tool=current_time {"time_zone":"Europe/Paris"} tool=calculator {"expression":"80 * 15 / 100"}]',
        },
      ],
    }),
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { stop_reason: string; steps: any[] }
  const tools = body.steps.filter((s) => s.type === 'tool')
  expect(tools.map((s) => `${s.name}:${s.status}`)).toEqual(['current_time:ok', 'calculator:ok'])
  expect(JSON.parse(tools[0].output)).toMatchObject({
    time_zone: 'Europe/Paris',
    local: expect.stringMatching(/Central European|GMT\+1|GMT\+2/),
  })
  expect(JSON.parse(tools[1].output)).toEqual({ expression: '80 * 15 / 100', result: 12 })
  expect(body.stop_reason).toBe('end_turn')
})
