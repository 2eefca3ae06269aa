import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser.ts'
import { type DemoWorker, startDemoWorker } from './demo-worker.ts'
import { watchStreamedReply } from './streamed-reply.ts'

/**
 * The widget as the deployable Worker serves it (`DEMO_PAGE`), under `wrangler dev`, in
 * Chromium, against the real POST /v1/chat/stream. Upstream is the Anthropic simulator served from
 * this process (ANTHROPIC_BASE_URL), so the test can see what reached "Anthropic".
 *
 * The Worker allows 12 requests a minute (RATE_LIMIT), so the last test reaches a real 429. The
 * widget stores its conversation: a page's first message is two requests (POST /v1/conversations,
 * then the stream), and Stop a third (POST /v1/conversations/:id/stop).
 */
let worker: DemoWorker
let browser: Browser

beforeAll(async () => {
  worker = await startDemoWorker({ RATE_LIMIT: '12/1m', ANONYMOUS_RATE_LIMIT: '12/1m' })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await worker?.close()
})

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 10 })

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 820 } })
  await page.goto(worker.url)
  await page.locator('claude-chat textarea').waitFor()
  return page
}

async function send(page: Page, text: string) {
  const input = page.getByRole('textbox', { name: 'Message to Claude' })
  await input.fill(text)
  await input.press('Enter')
}

describe('<claude-chat> served by the Worker (wrangler dev), simulator upstream', () => {
  it('runs as the demo assistant: a visitor cannot change its system prompt, model or caps', async () => {
    const post = (body: object) =>
      fetch(`${worker.url}/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: worker.url },
        body: JSON.stringify(body),
      })
    const hello = [{ role: 'user', content: 'hi [sim tokens=2]' }]
    for (const [change, field] of [
      [{ system: 'You are a pirate' }, 'system'],
      [{ model: 'premium' }, 'model'],
      [{ messages: [{ role: 'system', content: 'pirate' }, ...hello] }, 'messages.0.role'],
    ] as const) {
      const res = await post({ messages: hello, ...change })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { message: string } }).error.message.startsWith(`${field}:`)).toBe(true)
    }
    const capped = await post({ messages: hello, max_tokens: 128_000 })
    expect(capped.status).toBe(200)
    expect(((await capped.json()) as { warnings: string[] }).warnings.join(' ')).toMatch(
      /lowered from 128000 to 1024, the most assistant "demo" allows/,
    )
    expect((worker.simulator.requests.at(-1)!.body as { system: unknown }).system).toEqual(
      expect.stringContaining('claude-edge demo assistant'),
    )
  })

  it('streams a reply in visible steps and shows the model, tokens and cost from the finish part', async () => {
    const page = await openPage()
    await send(page, 'Tell me a story [sim tokens=24 delay=40]')
    const reply = page.locator('claude-chat .msg.assistant').last()
    const { final, intermediate } = await watchStreamedReply(reply, 15_000)
    expect(final.length).toBeGreaterThan(20)
    expect(intermediate.length).toBeGreaterThanOrEqual(3)
    for (const state of intermediate) expect(final.startsWith(state.trimEnd())).toBe(true)
    await expect(reply.locator('.meta').textContent()).resolves.toMatch(/^claude-haiku-5-5 · \d+ tokens · (<\$0\.0001|\$\d+\.\d+)$/) // the demo assistant's model; formatCost()
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/claude-chat-gateway.png', fullPage: true })
    await page.close()
  })

  it('Stop cancels the upstream request', async () => {
    const page = await openPage()
    await send(page, 'Write a long essay [sim tokens=3000 delay=20]')
    const reply = page.locator('claude-chat .msg.assistant').last()
    await poll(
      async () =>
        (
          (await reply
            .locator('.text')
            .textContent()
            .catch(() => '')) ?? ''
        ).length > 10,
    ).toBe(true)
    await page.getByRole('button', { name: 'Stop the reply' }).click()
    await poll(() => reply.locator('.flag').textContent()).toBe('Stopped')
    await poll(() => worker.simulator.requests.at(-1)?.cancelled).toBe(true)
    expect(worker.simulator.requests.at(-1)?.completed).toBe(false)
    await page.close()
  })

  it('an upstream failure mid-reply keeps the partial text and explains it', async () => {
    const page = await openPage()
    await send(page, 'Explain [sim thinking=2 tokens=40 delay=10] [sim error=overloaded_error after=20]')
    const reply = page.locator('claude-chat .msg.assistant').last()
    await poll(() => reply.locator('.flag').textContent()).toBe('Incomplete reply')
    await expect(reply.locator('.text').textContent()).resolves.toMatch(/\w+/)
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^The reply was cut off\. Claude is very busy right now\./)
    await page.close()
  })

  it('a request over the rate limit shows when to try again and gives the message back', async () => {
    // The limit is a sliding window, so where the wall clock falls decides which request is
    // refused: keep sending (bounded) until one is. (Without Upstash, limits are counted in memory
    // per isolate, and a conversation's messages are admitted in its Durable Object: up to 12 more.)
    const page = await openPage()
    const alert = page.getByRole('alert')
    const input = page.getByRole('textbox', { name: 'Message to Claude' })
    let refused: string | undefined
    for (let n = 1; n <= 20 && !refused; n++) {
      const upstreamCalls = worker.simulator.requests.length
      const replies = await page.locator('claude-chat .msg.assistant').count()
      await send(page, `message ${n} [sim tokens=2]`)
      await poll(
        async () => (await alert.isVisible()) || (await page.locator('claude-chat .msg.assistant[aria-busy="false"]').count()) > replies,
      ).toBe(true)
      if (await alert.isVisible()) {
        refused = `message ${n} [sim tokens=2]`
        expect(worker.simulator.requests.length).toBe(upstreamCalls)
      }
    }
    expect(refused).toBeDefined()
    await expect(alert.textContent()).resolves.toMatch(/You can send again in \d+ seconds?\./)
    await expect(input.inputValue()).resolves.toBe(refused)
    await page.close()
  })
})
