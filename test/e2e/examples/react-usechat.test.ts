import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../browser/browser.ts'
import { startExample, type ExampleProcess } from './example-process.ts'

/** `npm run example:react` as a user runs it: esbuild bundle + Worker, useChat in Chromium. */
let example: ExampleProcess
let browser: Browser
let context: BrowserContext
let page: Page
const errors: string[] = []

beforeAll(async () => {
  example = await startExample('examples/react-usechat/serve.ts')
  browser = await launchChromium()
  // The client tool reads these from the browser.
  context = await browser.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' })
  page = await context.newPage()
  page.on('pageerror', (error) => errors.push(String(error)))
  await page.goto(`${example.url}/`)
  await page.getByLabel('Message').waitFor()
})

afterAll(async () => {
  await browser?.close()
  await example?.stop()
})

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 10 })
const status = () => page.locator('.status').getAttribute('data-status')
const lastAssistant = () => page.locator('.message.assistant').last()

async function send(text: string) {
  await page.getByLabel('Message').fill(text)
  await page.getByLabel('Message').press('Enter')
}

describe('examples/react-usechat (npm run example:react)', () => {
  it('useChat streams a reply from the Worker in visible steps', async () => {
    await send('Hello! [sim tokens=24 delay=40]')
    await poll(() => page.locator('.message.user .text').last().textContent()).toBe('Hello! [sim tokens=24 delay=40]')
    const states = new Set<string>()
    await poll(async () => {
      const text =
        (await lastAssistant()
          .locator('.text')
          .textContent()
          .catch(() => null)) ?? ''
      if (text) states.add(text)
      return status()
    }).toBe('ready')
    const final = (await lastAssistant().locator('.text').textContent()) ?? ''
    expect(final.split(/\s+/).length).toBeGreaterThanOrEqual(10)
    const intermediate = [...states].filter((s) => s !== final)
    expect(intermediate.length).toBeGreaterThanOrEqual(3)
    for (const state of intermediate) expect(final.startsWith(state.trimEnd())).toBe(true)
    await expect(page.getByRole('alert').count()).resolves.toBe(0)
  })

  it('a reload mid-answer resumes it (useChat resume: true): the question and the whole answer, once', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i + 1}`).join(' ')
    const prompt = `Count slowly [sim text="${words}" delay=100]`
    await send(prompt)
    await poll(
      async () =>
        (
          (await lastAssistant()
            .locator('.text')
            .textContent()
            .catch(() => '')) ?? ''
        ).split(' ').length,
    ).toBeGreaterThanOrEqual(5)
    await page.reload()
    await page.getByLabel('Message').waitFor()
    await poll(() =>
      lastAssistant()
        .locator('.text')
        .textContent()
        .catch(() => null),
    ).toBe(words)
    await poll(status).toBe('ready')
    const texts = await page.locator('.message .text').allTextContents()
    expect(texts.filter((t) => t === prompt)).toHaveLength(1)
    expect(texts.filter((t) => t === words)).toHaveLength(1)

    // Reloaded again after it ended: the stored answer is shown once, nothing is resumed.
    await page.reload()
    await page.getByLabel('Message').waitFor()
    await poll(() => page.locator('.message .text').allTextContents()).toEqual(texts)
  })

  it('a client tool round trip: the model calls it, the browser answers with addToolOutput, the reply continues', async () => {
    const requests: string[] = []
    page.on('request', (req) => req.url().endsWith('/v1/chat/stream') && req.method() === 'POST' && requests.push(req.postData() ?? ''))
    await send('What time is it for me? [sim tool=get_browser_context] [sim step=2 text="It is evening for you in Tokyo."]')

    await poll(() =>
      lastAssistant()
        .locator('.text')
        .last()
        .textContent()
        .catch(() => null),
    ).toBe('It is evening for you in Tokyo.')
    await poll(status).toBe('ready')
    const card = lastAssistant().locator('.tool[data-tool="get_browser_context"]')
    await expect(card.getAttribute('data-state')).resolves.toBe('output-available')
    await expect(card.locator('.tool-runs').textContent()).resolves.toBe('in your browser')
    const output = JSON.parse((await card.locator('.tool-output').textContent())!)
    expect(output).toMatchObject({ time_zone: 'Asia/Tokyo', language: 'en-GB' })

    // Two requests: the question (declaring the client tool), then the automatic resend with its output.
    expect(requests).toHaveLength(2)
    const [first, second] = requests.map((body) => JSON.parse(body))
    expect(first.client_tools.map((t: { name: string }) => t.name)).toEqual(['get_browser_context'])
    // Only the new message, in the stored conversation (the Worker prepends the earlier turns).
    expect(first.conversation_id).toMatch(/^conv_/)
    expect(first.messages).toHaveLength(1)
    const toolPart = second.messages.at(-1).parts.find((p: { type: string }) => p.type === 'tool-get_browser_context')
    expect(toolPart).toMatchObject({ state: 'output-available', output: { time_zone: 'Asia/Tokyo' } })
    expect(errors).toEqual([])
  })
})
