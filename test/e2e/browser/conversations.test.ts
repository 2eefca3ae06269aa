import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchChromium } from './browser.ts'
import { type DemoWorker, startDemoWorker } from './demo-worker.ts'
import { watchStreamedReply } from './streamed-reply.ts'

/**
 * `<claude-chat>` with stored conversations and resumable answers: the demo page the Worker
 * serves (`DEMO_PAGE`) under `wrangler dev`, whose CONVERSATIONS Durable Object owns each
 * generation, in Chromium, as an anonymous visitor. Upstream is the simulator served from this
 * process, so the test sees how many generations reached "Anthropic".
 */
let worker: DemoWorker
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  worker = await startDemoWorker({ ANONYMOUS_RATE_LIMIT: '200/1m' })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await worker?.close()
})

beforeEach(async () => {
  // A fresh visitor per test: own localStorage (and the same anonymous identity, 127.0.0.1).
  context = await browser.newContext({ viewport: { width: 900, height: 820 } })
  page = await context.newPage()
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  await open()
})

afterEach(async () => {
  await context?.close()
  expect(pageErrors).toEqual([])
})

const poll = <T>(fn: () => Promise<T> | T, timeout = 20_000) => expect.poll(fn, { timeout, interval: 20 })
const STORAGE_KEY = () => `claude-chat:${worker.url}/v1/chat/stream`
const replies = () => page.locator('claude-chat .msg.assistant')
const userTexts = () => page.locator('claude-chat .msg.user > div').allTextContents()
const replyText = async (index: number) =>
  (
    await replies()
      .nth(index)
      .locator('.text')
      .allTextContents()
      .catch(() => [])
  ).join('\n\n')

async function open() {
  await page.goto(worker.url)
  await page.locator('claude-chat textarea').waitFor()
}

/** Reloads and waits until the widget has shown the stored conversation (or said why it could not). */
async function reload() {
  await page.reload()
  await page.locator('claude-chat textarea').waitFor()
  const alert = page.getByRole('alert')
  await poll(async () => (await alert.isVisible()) || (await page.locator('claude-chat .msg').count()) > 0).toBe(true)
  // e.g. a 401 on GET /v1/conversations/:id: browsers send no Origin on same-origin GETs.
  if (await alert.isVisible()) expect.fail(`the conversation was not restored: ${await alert.textContent()}`)
}

async function send(text: string) {
  const input = page.getByRole('textbox', { name: 'Message to Claude' })
  await input.fill(text)
  await input.press('Enter')
}

const saved = () =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as { id?: string; pending?: string } | null, STORAGE_KEY())

/** A reply whose exact text the test knows: one simulator token per word, `delay` ms apart. */
function scripted(tag: string, words: number, delay: number) {
  const text = Array.from({ length: words }, (_, i) => `${tag}${i + 1}`).join(' ')
  return { prompt: `Tell me about ${tag} [sim text="${text}" delay=${delay}]`, text }
}

/** Upstream requests whose last user message is `prompt`: each is one generation. */
const generationsOf = (prompt: string) =>
  worker.simulator.requests.filter((record) => {
    const messages = (record.body as { messages?: { role: string; content: unknown }[] } | undefined)?.messages ?? []
    const last = messages.at(-1)
    return JSON.stringify(last?.content ?? '').includes(prompt.slice(0, prompt.indexOf(' [sim')))
  })

describe('<claude-chat> conversations under wrangler dev (Durable Object, simulator upstream)', () => {
  it('a reload mid-answer shows the earlier messages and the answer completing, generated once', async () => {
    const first = scripted('alpha', 3, 0)
    await send(first.prompt)
    await poll(() => replies().first().getAttribute('aria-busy')).toBe('false')
    await expect(replyText(0)).resolves.toBe(first.text)
    const id = (await saved())?.id
    expect(id).toMatch(/^conv_[A-Za-z0-9_-]{22}$/)

    // Slow enough (60 words, 100 ms apart) that the reload lands mid-answer.
    const story = scripted('story', 60, 100)
    await send(story.prompt)
    await poll(async () => (await replyText(1)).split(' ').length).toBeGreaterThanOrEqual(8)
    const beforeReload = await replyText(1)
    expect(await saved()).toEqual({ id, pending: story.prompt })

    await reload()

    // The stored turn and the question being answered are back; the answer streams on.
    await poll(userTexts).toEqual([first.prompt, story.prompt])
    await expect(replyText(0)).resolves.toBe(first.text)
    const { final, intermediate } = await watchStreamedReply(replies().nth(1), 30_000)
    expect(intermediate.length, 'the answer was still being written after the reload').toBeGreaterThan(0)
    expect(final).toBe(story.text) // nothing lost, nothing twice
    expect(final.startsWith(beforeReload)).toBe(true)
    await expect(replies().nth(1).locator('.flag').count()).resolves.toBe(0)
    await expect(page.getByRole('alert').isVisible()).resolves.toBe(false)
    await expect(replies().count()).resolves.toBe(2)

    // One generation upstream, completed even though its first reader left.
    expect(generationsOf(story.prompt)).toHaveLength(1)
    expect(generationsOf(story.prompt)[0]!.completed).toBe(true)
    expect(await saved()).toEqual({ id })

    // The next turn continues the stored conversation: the widget sends only the new message.
    const bodies: string[] = []
    page.on('request', (req) => req.method() === 'POST' && req.url().endsWith('/v1/chat/stream') && bodies.push(req.postData() ?? ''))
    const next = scripted('next', 3, 0)
    await send(next.prompt)
    await poll(() => replyText(2)).toBe(next.text)
    expect(JSON.parse(bodies[0]!)).toMatchObject({ conversation_id: id, messages: [{ role: 'user', content: next.prompt }] })
    const upstreamMessages = (generationsOf(next.prompt)[0]!.body as { messages: unknown[] }).messages
    expect(upstreamMessages).toHaveLength(5) // the stored history went upstream

    // A reload after the answer finished shows it once (no replay appended).
    await reload()
    await poll(userTexts).toEqual([first.prompt, story.prompt, next.prompt])
    await expect(replies().count()).resolves.toBe(3)
    await expect(replyText(1)).resolves.toBe(story.text)
    await expect(page.locator('claude-chat').getAttribute('busy')).resolves.toBeNull()
  })

  it('Stop stops the generation on the server; what was written is kept in the conversation', async () => {
    const slow = scripted('slow', 200, 100)
    await send(slow.prompt)
    await poll(async () => (await replyText(0)).split(' ').length).toBeGreaterThanOrEqual(3)
    const stopCall = page.waitForResponse((res) => /\/v1\/conversations\/conv_[^/]+\/stop$/.test(res.url()))
    await page.getByRole('button', { name: 'Stop the reply' }).click()
    const response = await stopCall
    expect(response.request().method()).toBe('POST')
    await expect(response.json()).resolves.toEqual({ stopped: true })
    await poll(() => replies().first().locator('.flag').textContent()).toBe('Stopped')
    await poll(() => generationsOf(slow.prompt)[0]?.cancelled).toBe(true)
    expect(generationsOf(slow.prompt)[0]!.completed).toBe(false)
    const shown = await replyText(0)

    await reload()
    await poll(userTexts).toEqual([slow.prompt])
    const kept = await replyText(0)
    expect(kept.startsWith(shown) || shown.startsWith(kept)).toBe(true)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.split(' ').length).toBeLessThan(200)
    expect(generationsOf(slow.prompt)).toHaveLength(1)
  })

  it('New chat forgets the conversation: the next message starts a new one', async () => {
    const first = scripted('one', 2, 0)
    await send(first.prompt)
    await poll(() => replyText(0)).toBe(first.text)
    const before = (await saved())?.id
    expect(before).toMatch(/^conv_/)

    await page.getByRole('button', { name: 'New chat' }).click()
    await expect(page.locator('claude-chat .msg').count()).resolves.toBe(0)
    await expect(saved()).resolves.toBeNull()

    const second = scripted('two', 2, 0)
    await send(second.prompt)
    await poll(() => replyText(0)).toBe(second.text)
    const after = (await saved())?.id
    expect(after).toMatch(/^conv_/)
    expect(after).not.toBe(before)
    const upstreamMessages = (generationsOf(second.prompt)[0]!.body as { messages: unknown[] }).messages
    expect(upstreamMessages).toHaveLength(1) // nothing of the old conversation

    await reload()
    await poll(userTexts).toEqual([second.prompt])
  })

  it('persist="none" keeps nothing in localStorage (a reload starts afresh)', async () => {
    await page.evaluate(() => {
      document.querySelector('claude-chat')!.remove()
      const chat = document.createElement('claude-chat')
      chat.setAttribute('persist', 'none')
      document.querySelector('main')!.append(chat)
    })
    const only = scripted('private', 2, 0)
    await send(only.prompt)
    await poll(() => replyText(0)).toBe(only.text)
    await expect(
      page.locator('claude-chat').evaluate((el) => (el as HTMLElement & { conversationId?: string }).conversationId),
    ).resolves.toMatch(/^conv_/)
    await expect(page.evaluate(() => localStorage.length)).resolves.toBe(0)
  })
})
