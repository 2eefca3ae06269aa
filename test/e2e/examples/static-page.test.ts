import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../browser/browser.ts'
import { watchStreamedReply } from '../browser/streamed-reply.ts'
import { startExample, type ExampleProcess } from './example-process.ts'

/** `npm run example:static` as a user runs it: Worker + page on another origin, in Chromium. */
let example: ExampleProcess
let browser: Browser
let page: Page

beforeAll(async () => {
  example = await startExample('examples/static-page/serve.ts')
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await example?.stop()
})

describe('examples/static-page (npm run example:static)', () => {
  it('the page loads the widget from its own origin and a reply streams in from the Worker, cross-origin', async () => {
    page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    const workerOrigin = `http://127.0.0.1:${example.workerPort}`
    const chatResponse = page.waitForResponse((res) => res.url() === `${workerOrigin}/v1/chat/stream` && res.request().method() === 'POST')

    await page.goto(`${example.url}/`)
    await page.locator('claude-chat textarea').waitFor()
    await expect(page.title()).resolves.toBe('Acme Hardware · Ask our assistant')
    await expect(page.getByRole('heading', { name: 'Ask Acme' }).isVisible()).resolves.toBe(true)

    const input = page.getByRole('textbox', { name: 'Message to Claude' })
    await input.fill('Where is my order? [sim tokens=24 delay=40]')
    await input.press('Enter')

    const reply = page.locator('claude-chat .msg.assistant').last()
    const { final, intermediate } = await watchStreamedReply(reply, 20_000)
    expect(final.split(/\s+/).length).toBeGreaterThanOrEqual(10)
    expect(intermediate.length).toBeGreaterThanOrEqual(3)
    for (const state of intermediate) expect(final.startsWith(state.trimEnd())).toBe(true)
    // show-usage and model="fast": the finish part's metadata, rendered.
    await expect(reply.locator('.meta').textContent()).resolves.toMatch(/^claude-haiku-5-5 · \d+ tokens · \$\d+\.\d{4}$/)

    // A real cross-origin call: the browser sent the page's Origin, the Worker allowed exactly it.
    const res = await chatResponse
    expect(example.url).not.toBe(workerOrigin)
    expect(await res.request().headerValue('origin')).toBe(example.url)
    expect(res.status()).toBe(200)
    expect(await res.headerValue('access-control-allow-origin')).toBe(example.url)
    expect(errors).toEqual([])
    await page.close()
  })

  it('the Worker refuses the same call from an origin that is not allowed', async () => {
    const res = await fetch(`http://127.0.0.1:${example.workerPort}/v1/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(res.status).toBe(403)
    expect((await res.json()).error.type).toBe('permission_error')
  })
})
