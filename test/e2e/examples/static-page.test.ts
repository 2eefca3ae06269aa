import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../browser/browser.ts'
import { watchStreamedReply } from '../browser/streamed-reply.ts'
import { serveStaticPage } from '../../../examples/static-page/serve.ts'
import { freePort } from '../../support/ports.ts'
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
    await expect(reply.locator('.meta').textContent()).resolves.toMatch(/^claude-haiku-5-5 · \d+ tokens · (<\$0\.0001|\$\d+\.\d{2,4})$/)

    // A real cross-origin call: the browser sent the page's Origin, the Worker allowed exactly it.
    const res = await chatResponse
    expect(example.url).not.toBe(workerOrigin)
    expect(await res.request().headerValue('origin')).toBe(example.url)
    expect(res.status()).toBe(200)
    expect(await res.headerValue('access-control-allow-origin')).toBe(example.url)
    expect(errors).toEqual([])
    await page.close()
  })

  it('from an origin that is not allowed, the page says why instead of "could not reach" (Chromium)', async () => {
    // The same page, served from an origin the Worker does not list.
    const stranger = await serveStaticPage({ workerUrl: `http://127.0.0.1:${example.workerPort}`, port: await freePort() })
    try {
      const other = await browser.newPage()
      await other.goto(`${stranger.url}/index.html`)
      await other.locator('claude-chat textarea').waitFor()
      const input = other.getByRole('textbox', { name: 'Message to Claude' })
      await input.fill('Hello?')
      await input.press('Enter')
      const notice = other.locator('claude-chat .notice p')
      await notice.waitFor({ state: 'visible', timeout: 15_000 })
      // The widget read the 403 (with its request id), not a failed fetch ("Couldn't reach the chat service").
      await expect(notice.textContent()).resolves.toMatch(
        /^This chat can't be used from this page or with this account\.Reference: [0-9a-f-]{36}$/,
      )
      // The page's own script can read the reason, as a JSON error with the request id.
      const seen = await other.evaluate(async (url) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"messages":[{"role":"user","content":"hi"}]}',
        })
        return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') }
      }, `http://127.0.0.1:${example.workerPort}/v1/chat`)
      expect(seen.status).toBe(403)
      expect(seen.body.error).toMatchObject({ type: 'permission_error', message: expect.stringMatching(/^Origin not allowed/) })
      expect(seen.requestId).toBe(seen.body.request_id)
      await other.close()
    } finally {
      await stranger.close()
    }
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
