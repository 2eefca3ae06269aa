import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildClient } from '../../../scripts/build-client.ts'
import { launchChromium } from './browser.ts'
import { type ScriptedServer, startScriptedServer } from './scripted-server.ts'

/**
 * `<claude-chat>` replies in Chromium (issue 19): a long reply renders at most once per frame and
 * keeps finished blocks as they are (the work is counted, never timed: the timings are in
 * bench/results/widget.md), lazily loaded syntax highlighting, "Thinking" only with text, Copy of
 * a whole message, and costs that never read "$0.0000".
 */
let server: ScriptedServer
let bare: ScriptedServer
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]
let chunkName: string

beforeAll(async () => {
  const { widget, chunks } = await buildClient()
  chunkName = Object.keys(chunks)[0]!
  server = await startScriptedServer({ scripts: 'long-reply', page: 'bare', widgetJs: widget, chunks })
  bare = await startScriptedServer({ scripts: 'long-reply', page: 'bare', widgetJs: widget }) // the highlighter is not served
  browser = await launchChromium()
  mkdirSync('test-results', { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await bare?.close()
})

afterEach(async () => {
  await context?.close()
  expect(pageErrors.filter((e) => !/status of 404/.test(e))).toEqual([])
})

async function open(on: ScriptedServer = server) {
  context = await browser.newContext({ viewport: { width: 900, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  page = await context.newPage()
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()))
  await page.goto(on.url)
  await page.locator('claude-chat textarea').waitFor()
}

const poll = <T>(fn: () => Promise<T> | T, timeout = 5000) => expect.poll(fn, { timeout, interval: 20 })
const replies = () => page.locator('claude-chat .msg.assistant')

async function send(text: string, timeout = 5000) {
  const count = await replies().count()
  const input = page.locator('claude-chat textarea')
  await input.fill(text)
  await input.press('Enter')
  await poll(() => replies().count(), timeout).toBe(count + 1)
  const reply = replies().nth(count)
  await poll(() => reply.getAttribute('aria-busy'), timeout).toBe('false')
  return reply
}

describe('<claude-chat> replies in Chromium', () => {
  it('streams a long reply with at most one render per frame, keeps finished blocks, and ends as the whole text would render', async () => {
    await open()
    // Counts, in the page: animation frames, and renders of the reply (mutation batches inside its
    // body); marks the first blocks once a few more have arrived, to find them again at the end.
    await page.evaluate(() => {
      const w = window as unknown as { __counts: { frames: number; renders: number; marked: number } }
      const counts = { frames: 0, renders: 0, marked: 0 }
      w.__counts = counts
      const tick = () => {
        counts.frames++
        requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
      const root = document.querySelector('claude-chat')!.shadowRoot!
      new MutationObserver((records) => {
        if (
          records.some(
            (r) => (r.target as Element).closest?.('.msg.assistant .body') ?? r.target.parentElement?.closest('.msg.assistant .body'),
          )
        ) {
          counts.renders++
        }
        const text = root.querySelector('.msg.assistant .part.text')
        if (text && counts.marked === 0 && text.children.length > 6) {
          for (const child of [...text.children].slice(0, 3)) (child as Element & { __kept?: boolean }).__kept = true
          counts.marked = 3
        }
      }).observe(root, { childList: true, subtree: true, characterData: true })
    })
    const framesBefore = await page.evaluate(() => (window as unknown as { __counts: { frames: number } }).__counts.frames)
    const streamed = await send('long 1500', 60_000)
    const counts = await page.evaluate(
      () => (window as unknown as { __counts: { frames: number; renders: number; marked: number } }).__counts,
    )
    const frames = counts.frames - framesBefore
    console.log(`long reply: ${server.deltas} deltas, ${counts.renders} renders, ${frames} frames`)
    expect(server.deltas).toBe(1500)
    // Batched: never more renders than frames (+1 for the final one at the end of the reply), and
    // far fewer than deltas (4 arrive every 8 ms).
    expect(counts.renders).toBeLessThanOrEqual(frames + 1)
    expect(counts.renders).toBeLessThan(server.deltas / 2)
    // The blocks that were finished early are the same nodes at the end: never rebuilt.
    expect(counts.marked).toBe(3)
    const kept = await streamed
      .locator('.part.text')
      .evaluate((text) => [...text.children].slice(0, 3).map((child) => (child as Element & { __kept?: boolean }).__kept === true))
    expect(kept).toEqual([true, true, true])

    // The same reply as one delta renders the same DOM (once both have their code highlighted).
    const whole = await send('once 1500', 20_000)
    const html = async (reply: typeof whole) => {
      const codes = reply.locator('code[data-lang]')
      await poll(() => reply.locator('code[data-highlighted]').count(), 10_000).toBe(await codes.count())
      return reply.locator('.part.text').innerHTML()
    }
    expect(await html(streamed)).toBe(await html(whole))
  })

  it('grows a long paragraph and a long list in place, and ends as the whole text would render', async () => {
    await open()
    for (const shape of ['paragraph', 'list']) {
      const streamed = await send(`long 800 ${shape}`, 30_000)
      const whole = await send(`once 800 ${shape}`, 10_000)
      const html = await whole.locator('.part.text').innerHTML()
      expect(html.length).toBeGreaterThan(2000)
      await expect(streamed.locator('.part.text').innerHTML()).resolves.toBe(html)
    }
  })

  it('highlights finished code blocks with a chunk loaded on first use, labels the language, keeps markup as text', async () => {
    const mark = server.requested.length
    await open()
    expect(server.requested.slice(mark)).not.toContain(`/${chunkName}`) // not on page load
    const reply = await send('code')
    await poll(() => reply.locator('code[data-highlighted]').count()).toBe(2)
    expect(server.requested.slice(mark)).toContain(`/${chunkName}`)
    await expect(reply.locator('.code-lang').allTextContents()).resolves.toEqual(['ts', 'html', ''])
    const ts = reply.locator('code').nth(0)
    await expect(ts.textContent()).resolves.toBe(
      'const answer: number = 42 // the answer\nexport function twice(x: number) { return x * 2 }',
    )
    await expect(ts.locator('.tk-kwd').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['const', 'export', 'function', 'return']),
    )
    await expect(ts.locator('.tk-cmnt').textContent()).resolves.toContain('// the answer')
    await expect(ts.locator('.tk-num').first().textContent()).resolves.toBe('42')
    // HTML in a code block is highlighted as text: no element, nothing run.
    await expect(reply.locator('img, script').count()).resolves.toBe(0)
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBeUndefined()
    await expect(reply.locator('code').nth(1).textContent()).resolves.toBe(
      '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>',
    )
    await expect(reply.locator('code').nth(2).locator('span').count()).resolves.toBe(0)
    // Copy takes the code's text, not its markup.
    const copy = reply.getByRole('button', { name: 'Copy code' }).first()
    await copy.click()
    await poll(() => copy.textContent()).toBe('Copied')
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(
      'const answer: number = 42 // the answer\nexport function twice(x: number) { return x * 2 }',
    )
    const chat = page.locator('claude-chat')
    await chat.screenshot({ path: 'test-results/claude-chat-code.png' })
    await page.emulateMedia({ colorScheme: 'dark' })
    await chat.screenshot({ path: 'test-results/claude-chat-code-dark.png' })
  })

  it('keeps code plain when the highlighter cannot be loaded', async () => {
    await open(bare)
    const reply = await send('code')
    await expect(reply.locator('.code-lang').allTextContents()).resolves.toEqual(['ts', 'html', ''])
    await page.waitForTimeout(300)
    await expect(reply.locator('code span').count()).resolves.toBe(0)
    await expect(reply.locator('code').nth(0).textContent()).resolves.toContain('const answer')
  })

  it('shows "Thinking" only when the reasoning has text', async () => {
    await open()
    const empty = await send('think-empty')
    await expect(empty.locator('details.reasoning').count()).resolves.toBe(0)
    await expect(empty.locator('.part.text').textContent()).resolves.toBe('The answer.')
    const thought = await send('think')
    await expect(thought.locator('details.reasoning').count()).resolves.toBe(1)
    await expect(thought.locator('details.reasoning summary').textContent()).resolves.toBe('Thinking')
    await expect(thought.locator('.reasoning-text').textContent()).resolves.toBe('Let me think about it.')
  })

  it('copies a whole reply as Markdown, and shows a tiny cost as <$0.0001', async () => {
    await open()
    const reply = await send('cheap')
    await expect(reply.locator('.meta').textContent()).resolves.toBe('claude-sonnet-5-5 · 32 tokens · <$0.0001')
    const copy = reply.getByRole('button', { name: 'Copy message' })
    await copy.click()
    await poll(() => copy.textContent()).toBe('Copied')
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe('Cheap **answer**.')
  })
})
