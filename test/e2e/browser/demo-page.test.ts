import { mkdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { anonymousVars } from '../../../scripts/lib/demo-assistant.ts'
import { launchChromium } from './browser.ts'
import { serveFetch } from './serve-fetch.ts'

/**
 * The demo page as `npm start` serves it (`DEMO_PAGE=true`, `UPSTREAM=simulator`, anonymous
 * visitors, the demo tools): the deployable Worker's app in this process, in Chromium. The page
 * explains itself (banner, suggestions that script the simulator), loads without a failed request,
 * and is photographed at desktop and phone sizes, light and dark, under test/e2e/artifacts/.
 * With Upstash (as `npm test` provides) conversations are stored, so regenerate runs against the
 * gateway's own handling of `trigger: "regenerate-message"`.
 */
/** The Worker's app, loaded at run time: its sources are typed for workerd, not for this Node test. */
interface WorkerModules {
  createWorkerApp(config: unknown): { fetch(request: Request, env: unknown, ctx: unknown): Response | Promise<Response> }
  parseConfig(env: Record<string, string>): unknown
}
const load = async (path: string) => (await import(new URL(path, import.meta.url).href)) as Partial<WorkerModules>

const ARTIFACTS = join(import.meta.dirname, '../artifacts')
const upstash = process.env.UPSTASH_REDIS_REST_URL
  ? { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? '' }
  : {}

let worker: { url: string; close(): Promise<void> }
let browser: Browser
let context: BrowserContext
let page: Page
let problems: string[]
const quiet: (() => void)[] = []

beforeAll(async () => {
  // The Worker logs a JSON line per request: kept out of the test output.
  for (const level of ['log', 'warn', 'error'] as const) {
    const write = console[level]
    quiet.push(() => (console[level] = write))
    console[level] = (...args: unknown[]) => {
      if (!(typeof args[0] === 'string' && (args[0].startsWith('{"level"') || args[0].startsWith('claude-edge:')))) write(...args)
    }
  }
  const { createWorkerApp } = await load('../../../src/worker-app.ts')
  const { parseConfig } = await load('../../../src/config.ts')
  let app: ReturnType<WorkerModules['createWorkerApp']> | undefined
  const env: Record<string, string> = {}
  worker = await serveFetch((request, _env, ctx) => {
    // As Cloudflare would: the visitor's address, for the anonymous identity.
    request.headers.set('cf-connecting-ip', '127.0.0.1')
    return app!.fetch(request, env, ctx)
  })
  Object.assign(env, {
    UPSTREAM: 'simulator',
    DEMO_PAGE: 'true',
    ...anonymousVars(worker.url),
    ANONYMOUS_RATE_LIMIT: '300/1m',
    ...upstash,
  })
  app = createWorkerApp!(parseConfig!(env))
  browser = await launchChromium()
  mkdirSync(ARTIFACTS, { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await worker?.close()
  for (const restore of quiet) restore()
})

afterEach(async () => {
  await context?.close()
})

const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 20 })

/** Opens the demo page as a new visitor; `problems` collects failed requests and console errors. */
async function open(options: BrowserContextOptions = {}) {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })
  page = await context.newPage()
  problems = []
  page.on('pageerror', (error) => problems.push(String(error)))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`))
  page.on('requestfailed', (request) => problems.push(`failed ${request.url()}`))
  await page.goto(worker.url)
  await suggestions().first().waitFor()
}

const chat = () => page.locator('claude-chat')
const suggestions = () => chat().getByRole('list', { name: 'Suggestions' }).getByRole('button')
const lastReply = () => chat().locator('.msg.assistant').last()
const idle = () => poll(() => chat().getAttribute('busy')).toBeNull()

async function pick(label: string) {
  await chat().getByRole('button', { name: 'New chat' }).click()
  await suggestions().filter({ hasText: label }).click()
  await idle()
}

async function screenshot(name: string) {
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path })
  console.log(`screenshot: ${relative(process.cwd(), path)}`)
}

describe('the demo page (DEMO_PAGE, simulator upstream)', () => {
  it('explains itself: a "simulated" banner, suggestions, a favicon, links that work, and no failed request', async () => {
    await open()
    const banner = page.getByRole('note')
    await expect(banner.isVisible()).resolves.toBe(true)
    await expect(banner.textContent()).resolves.toContain('Replies are simulated')
    await expect(banner.textContent()).resolves.toContain('[sim')
    await expect(suggestions().allTextContents()).resolves.toEqual([
      'What time is it in Tokyo?',
      'What is (17.5 × 3) / 4?',
      'Show me some Markdown',
      'Write a long reply',
      'Fail midway (overloaded)',
    ])
    await expect(page.locator('link[rel="icon"]').getAttribute('href')).resolves.toMatch(/^data:image\/svg\+xml,/)
    for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
      const response = await page.request.get(href)
      expect([href, response.status()]).toEqual([href, 200])
    }
    await expect(page.request.get(`${worker.url}/favicon.ico`).then((r) => r.headers()['content-type'])).resolves.toBe('image/svg+xml')
    await page.waitForLoadState('networkidle')
    expect(problems).toEqual([])
  })

  it('its suggestions call the demo tools, render Markdown, stream a long reply and show an error', async () => {
    await open()
    await pick('What time is it in Tokyo?')
    const time = lastReply().locator('.tool')
    await expect(time.locator('.tool-name').textContent()).resolves.toBe('current_time')
    await expect(time.getAttribute('data-state')).resolves.toBe('output-available')
    await expect(time.locator('.tool-io').textContent()).resolves.toContain('"time_zone": "Asia/Tokyo"')

    await pick('What is (17.5 × 3) / 4?')
    const sum = lastReply().locator('.tool')
    await expect(sum.locator('.tool-name').textContent()).resolves.toBe('calculator')
    await expect(sum.locator('.tool-io').textContent()).resolves.toContain('13.125')

    await pick('Show me some Markdown')
    await expect(lastReply().locator('table tr').count()).resolves.toBe(3)
    await expect(lastReply().locator('li').count()).resolves.toBe(2)
    await expect(lastReply().locator('pre code').textContent()).resolves.toBe("const reply = chat.send('Hello')")
    await expect(lastReply().locator('a').getAttribute('href')).resolves.toBe('https://developers.cloudflare.com/workers/')

    await pick('Write a long reply')
    expect(((await lastReply().locator('.text').textContent()) ?? '').length).toBeGreaterThan(3000)

    await pick('Fail midway (overloaded)')
    await poll(() => chat().getByRole('alert').textContent()).toContain('The reply was cut off. Claude is very busy right now.')
    await expect(lastReply().locator('.flag').textContent()).resolves.toBe('Incomplete reply')
    await expect(lastReply().locator('.text').textContent()).resolves.not.toBe('')
    // The client stops reading a stream at its error part (Chromium calls that a failed request).
    // Without Upstash there is no conversation store: POST /v1/conversations is a 400 and the widget sends the whole history.
    expect(problems.filter((p) => !/^failed .*\/v1\/chat\/stream$|\/v1\/conversations|status of 400/.test(p))).toEqual([])
  })

  it.skipIf(!upstash.UPSTASH_REDIS_REST_URL)(
    'regenerates against the gateway: the stored answer is replaced, the question kept once',
    async () => {
      await open()
      await chat().locator('textarea').fill('Hello there [sim tokens=8]')
      await chat().locator('textarea').press('Enter')
      await idle()
      const id = await chat().evaluate((el) => (el as HTMLElement & { conversationId?: string }).conversationId)
      expect(id).toMatch(/^conv_/)
      const first = await lastReply().locator('.text').textContent()
      await chat().getByRole('button', { name: 'Regenerate' }).click()
      await idle()
      await expect(chat().locator('.msg.assistant').count()).resolves.toBe(1)
      await expect(lastReply().locator('.text').textContent()).resolves.toBe(first) // the simulator answers a question the same way
      const stored = await page.evaluate(async (conversation) => (await fetch(`/v1/conversations/${conversation}`)).json(), id)
      expect((stored as { messages: { role: string }[] }).messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    },
  )

  for (const [device, options] of [
    ['desktop', { viewport: { width: 1280, height: 800 } }],
    ['phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
  ] as const) {
    it(`screenshots at ${device} size, light and dark, under test/e2e/artifacts/`, async () => {
      for (const colorScheme of ['light', 'dark'] as const) {
        await open({ ...options, colorScheme })
        await screenshot(`demo-${device}-${colorScheme}-empty`)
        await pick('What time is it in Tokyo?')
        await chat()
          .locator('textarea')
          .fill('Show me some Markdown [sim text="Some **bold** text, a list:\\n\\n- one\\n- two\\n\\n`code` too."]')
        await chat().getByRole('button', { name: 'Send message' }).click()
        await idle()
        await chat().locator('textarea').fill('Fail midway [sim tokens=30] [sim error=overloaded_error after=20]')
        await chat().getByRole('button', { name: 'Send message' }).click()
        await poll(() => chat().getByRole('alert').isVisible()).toBe(true)
        await screenshot(`demo-${device}-${colorScheme}`)
        if (device === 'phone') {
          // The transcript keeps most of the screen, even with the error notice and a message in the input.
          const log = await chat()
            .locator('.log')
            .evaluate((el) => el.getBoundingClientRect().height)
          expect(log / 844).toBeGreaterThan(0.55)
        }
      }
    })
  }
})
