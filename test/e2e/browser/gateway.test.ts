import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/app.ts'
import { parseConfig } from '../../../src/config.ts'
import { createSimulator, type Simulator } from '../../../src/simulator/index.ts'
import { launchChromium } from './browser.ts'
import { serveFetch } from './serve-fetch.ts'

/**
 * The widget as the Worker serves it (DEMO_PAGE), against the real gateway and its
 * POST /v1/chat/stream, with the in-process Anthropic simulator upstream.
 */
let browser: Browser
const servers: { close(): Promise<void> }[] = []

async function openGateway(env: Record<string, string>, simulator: Simulator): Promise<Page> {
  const app = createApp({ config: parseConfig({ UPSTREAM: 'simulator', DEMO_PAGE: 'true', HEARTBEAT_MS: '200', ...env }), fetch: simulator.fetch })
  const server = await serveFetch((request, env, ctx) => app.fetch(request, env, ctx as never))
  servers.push(server)
  const page = await browser.newPage({ viewport: { width: 900, height: 820 } })
  await page.goto(server.url)
  await page.locator('claude-chat textarea').waitFor()
  return page
}

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.all(servers.map((s) => s.close()))
})

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000, interval: 10 })

async function send(page: Page, text: string) {
  const input = page.getByRole('textbox', { name: 'Message to Claude' })
  await input.fill(text)
  await input.press('Enter')
}

describe('<claude-chat> against the gateway (simulator upstream)', () => {
  it('streams a reply in visible steps and shows the model, tokens and cost from the finish part', async () => {
    const simulator = createSimulator()
    const page = await openGateway({}, simulator)
    await send(page, 'Tell me a story [sim tokens=24 delay=40]')
    const reply = page.locator('claude-chat .msg.assistant').last()
    const states = new Set<string>()
    await poll(async () => {
      const text = (await reply.locator('.text').textContent().catch(() => null)) ?? ''
      if (text) states.add(text)
      return reply.getAttribute('aria-busy')
    }).toBe('false')
    const final = (await reply.locator('.text').textContent()) ?? ''
    expect(final.length).toBeGreaterThan(20)
    const intermediate = [...states].filter((s) => s !== final)
    expect(intermediate.length).toBeGreaterThanOrEqual(3)
    for (const state of intermediate) expect(final.startsWith(state.trimEnd())).toBe(true)
    await expect(reply.locator('.meta').textContent()).resolves.toMatch(/^claude-sonnet-5-5 · \d+ tokens · \$\d+\.\d{4}$/)
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/claude-chat-gateway.png', fullPage: true })
    await page.close()
  })

  it('Stop cancels the upstream request', async () => {
    const simulator = createSimulator()
    const page = await openGateway({}, simulator)
    await send(page, 'Write a long essay [sim tokens=3000 delay=20]')
    const reply = page.locator('claude-chat .msg.assistant').last()
    await poll(async () => ((await reply.locator('.text').textContent().catch(() => '')) ?? '').length > 10).toBe(true)
    await page.getByRole('button', { name: 'Stop the reply' }).click()
    await poll(() => reply.locator('.flag').textContent()).toBe('Stopped')
    await poll(() => simulator.requests.at(-1)?.cancelled).toBe(true)
    expect(simulator.requests.at(-1)?.completed).toBe(false)
    await page.close()
  })

  it('a request over the rate limit shows when to try again', async () => {
    const simulator = createSimulator()
    const page = await openGateway({ RATE_LIMIT: '1/1m', ANONYMOUS_RATE_LIMIT: '1/1m' }, simulator)
    await send(page, 'first [sim tokens=3]')
    await poll(() => page.locator('claude-chat .msg.assistant').last().getAttribute('aria-busy')).toBe('false')
    await send(page, 'second')
    await poll(() => page.getByRole('alert').textContent()).toMatch(/You can send again in \d+ seconds\./)
    await expect(page.getByRole('textbox', { name: 'Message to Claude' }).inputValue()).resolves.toBe('second')
    expect(simulator.requests).toHaveLength(1)
    await page.close()
  })
})
