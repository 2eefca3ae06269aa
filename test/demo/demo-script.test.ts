import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { demoPage } from '../../src/demo/index.ts'
import { DEMO_JS, DEMO_SUGGESTIONS } from '../../src/demo/demo-script.ts'
import { parseDirectives } from '../../src/simulator/directives.ts'

describe('the demo page explains itself', () => {
  const app = new Hono().route('/', demoPage())

  it('serves its script from /demo.js (the CSP allows scripts from the page origin only)', async () => {
    const res = await app.request('/demo.js')
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await res.text()).toBe(DEMO_JS)
    const html = await (await app.request('/')).text()
    expect(html).toContain('<script type="module" src="/demo.js"></script>')
  })

  it('has an icon inline and at /favicon.ico, and no link to a route that needs a key', async () => {
    const html = await (await app.request('/')).text()
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/)
    expect(html).not.toContain('/v1/models')
    const icon = await app.request('/favicon.ico')
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml'])
  })

  it("gives suggestions whose simulator directives parse (a bad one would be a 400 on the visitor's first click)", () => {
    for (const { prompt } of DEMO_SUGGESTIONS.simulator) expect(parseDirectives(prompt).length).toBeGreaterThan(0)
    for (const { prompt } of DEMO_SUGGESTIONS.claude) expect(parseDirectives(prompt)).toEqual([])
    expect(DEMO_SUGGESTIONS.simulator.map((s) => s.label)).toEqual([
      'What time is it in Tokyo?',
      'What is (17.5 × 3) / 4?',
      'Show me some Markdown',
      'Write a long reply',
      'Fail midway (overloaded)',
    ])
  })
})
