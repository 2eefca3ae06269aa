import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildClient } from '../../../scripts/build-client.ts'
import { launchChromium } from './browser.ts'
import { HELLO_DELTAS, startScriptedServer, type ScriptedServer } from './scripted-server.ts'

let server: ScriptedServer
let browser: Browser
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  const { widget } = await buildClient()
  server = await startScriptedServer({ scripts: 'chat', widgetJs: widget, token: 'test-token' })
  browser = await launchChromium()
  mkdirSync('test-results', { recursive: true })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 900, height: 820 } })
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()))
  await page.goto(server.url)
  await page.locator('claude-chat textarea').waitFor()
})

afterEach(async () => {
  await page.close()
  expect(pageErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([])
})

const input = () => page.getByRole('textbox', { name: 'Message to Claude' })
const lastReply = () => page.locator('claude-chat .msg.assistant').last()
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000, interval: 20 })

/** The focused element, looking inside shadow roots. */
const focused = () =>
  page.evaluate(() => {
    let active = document.activeElement
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement
    return active ? `${active.tagName.toLowerCase()}${active.className ? `.${active.className}` : ''}` : null
  })

async function send(text: string) {
  await input().fill(text)
  await input().press('Enter')
}

describe('<claude-chat> in Chromium', () => {
  it('loads with an accessible shell: labelled input, polite live log, heading', async () => {
    await expect(page.title()).resolves.toBe('claude-edge · demo chat')
    await expect(page.getByRole('heading', { name: 'Chat with Claude' }).isVisible()).resolves.toBe(true)
    await expect(input().getAttribute('placeholder')).resolves.toBe('Ask Claude anything…')
    const log = page.getByRole('log', { name: 'Chat with Claude' })
    await expect(log.getAttribute('aria-live')).resolves.toBe('polite')
    await expect(page.getByRole('button', { name: 'Send message' }).isVisible()).resolves.toBe(true)
    await expect(page.getByRole('button', { name: 'New chat' }).isVisible()).resolves.toBe(true)
    expect(await page.locator('claude-chat').ariaSnapshot()).toBe(
      [
        '- region "Chat with Claude":',
        '  - heading "Chat with Claude" [level=2]',
        '  - button "New chat"',
        '  - log "Chat with Claude":',
        '    - paragraph: Ask anything. Replies stream in as they are written.',
        '  - status',
        '  - text: Message to Claude',
        '  - textbox "Message to Claude":',
        '    - /placeholder: Ask Claude anything…',
        '  - button "Send message"',
        '  - paragraph: Enter to send · Shift+Enter for a new line',
      ].join('\n'),
    )
  })

  it('is styled from its shadow root, themeable with custom properties, and isolated from the page', async () => {
    const sendButton = page.getByRole('button', { name: 'Send message' })
    const style = (locator: ReturnType<Page['locator']>, property: string) =>
      locator.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property)
    await expect(style(sendButton, 'background-color')).resolves.toBe('rgb(174, 86, 48)')
    await expect(style(page.locator('claude-chat .chat'), 'border-top-color')).resolves.toBe('rgb(228, 225, 220)')
    await expect(style(page.locator('claude-chat .chat'), 'border-top-left-radius')).resolves.toBe('14px')

    await page.locator('claude-chat').evaluate((el) => {
      ;(el as HTMLElement).style.setProperty('--claude-chat-accent', '#0f766e')
      ;(el as HTMLElement).style.setProperty('--claude-chat-radius', '4px')
    })
    await expect(style(sendButton, 'background-color')).resolves.toBe('rgb(15, 118, 110)')
    await expect(style(page.locator('claude-chat .chat'), 'border-top-left-radius')).resolves.toBe('4px')

    // Page CSS does not reach into the widget, and the widget's CSS does not reach the page.
    await page.evaluate(() => {
      const css = document.createElement('style')
      css.textContent = 'button { background: rgb(255, 0, 0) } .chat { border-radius: 0 }'
      document.head.append(css)
      const own = document.createElement('button')
      own.id = 'page-button'
      own.textContent = 'page'
      document.body.append(own)
    })
    await expect(style(sendButton, 'background-color')).resolves.toBe('rgb(15, 118, 110)')
    await expect(style(page.locator('claude-chat .chat'), 'border-top-left-radius')).resolves.toBe('4px')
    await expect(style(page.locator('#page-button'), 'border-top-left-radius')).resolves.not.toBe('10px')
    await expect(style(page.locator('#page-button'), 'background-color')).resolves.toBe('rgb(255, 0, 0)')
  })

  it('streams a reply visibly in several steps, then shows usage and returns focus', async () => {
    await send('hello')
    const user = page.locator('claude-chat .msg.user').last()
    await poll(() => user.textContent()).toContain('hello')
    await poll(() => lastReply().getAttribute('aria-busy')).toBe('true')

    const seen: string[] = []
    let expected = ''
    for (const delta of HELLO_DELTAS) {
      server.release()
      expected += delta
      await poll(() => lastReply().locator('.text').textContent()).toBe(expected)
      seen.push((await lastReply().locator('.text').textContent()) ?? '')
    }
    expect(seen).toEqual(['Hello', 'Hello from', 'Hello from the', 'Hello from the scripted', 'Hello from the scripted stream.'])

    await poll(() => lastReply().getAttribute('aria-busy')).toBe('false')
    await poll(() => lastReply().locator('.meta').textContent()).toBe('claude-sonnet-5-5 · 32 tokens · $0.0002')
    await poll(focused).toBe('textarea')
    const request = server.requests.at(-1)!
    expect(request.authorization).toBe('Bearer test-token')
    expect(request.body.messages).toEqual([{ role: 'user', content: 'hello' }])

    await send('and then?')
    await poll(() => lastReply().locator('.text').textContent()).toBe('You said: and then?')
    expect(server.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'Hello from the scripted stream.' },
      { role: 'user', content: 'and then?' },
    ])
  })

  it('stops a slow reply: the request is cancelled server-side and the partial text stays', async () => {
    const abortsBefore = server.aborts
    await send('slow')
    await poll(() => lastReply().locator('.text').textContent()).toBe('This answer is long and slow')
    const stop = page.getByRole('button', { name: 'Stop the reply' })
    await expect(stop.isVisible()).resolves.toBe(true)
    await expect(page.getByRole('button', { name: 'Send message' }).isVisible()).resolves.toBe(false)
    await stop.click()
    await poll(() => server.aborts).toBe(abortsBefore + 1)
    await poll(() => lastReply().locator('.flag').textContent()).toBe('Stopped')
    await expect(lastReply().getAttribute('aria-busy')).resolves.toBe('false')
    await poll(() => page.getByRole('button', { name: 'Send message' }).isVisible()).toBe(true)
    await poll(focused).toBe('textarea')
  })

  it('explains a 429 in plain words with the time to wait, and gives the message back', async () => {
    await send('rate')
    const alert = page.getByRole('alert')
    await poll(() => alert.textContent()).toContain('You can send again in 30 seconds.')
    await expect(alert.textContent()).resolves.toContain('Reference: req_refused')
    await expect(alert.textContent()).resolves.not.toContain('Rate limit: 60 requests')
    await expect(input().inputValue()).resolves.toBe('rate')
    await expect(page.locator('claude-chat .msg').count()).resolves.toBe(0)
    await expect(page.getByRole('button', { name: 'Try again' }).isDisabled()).resolves.toBe(true)
    await poll(focused).toBe('textarea')
  })

  it('explains a spent budget (402) with when it resets', async () => {
    await send('budget')
    await poll(() => page.getByRole('alert').textContent()).toMatch(
      /This chat has used up its budget for today\. It will be available again in 2 hours \(at \d{1,2}:\d{2}( [AP]M)?\)\./,
    )
  })

  it('renders a tool call with its name, status and result, between the text parts', async () => {
    await send('tool')
    const tool = lastReply().locator('.tool')
    await poll(() => tool.getAttribute('data-state')).toBe('output-available')
    await expect(tool.locator('.tool-name').textContent()).resolves.toBe('get_weather')
    await expect(tool.locator('.tool-status').textContent()).resolves.toBe('Done')
    await expect(tool.getAttribute('aria-label')).resolves.toBe('Tool get_weather: Done')
    await poll(() => lastReply().getAttribute('aria-busy')).toBe('false')
    // What a screen reader gets: labelled turns, the tool as a named group, then the answer.
    expect(await lastReply().ariaSnapshot()).toBe(
      [
        '- article:',
        '  - heading "Claude said:" [level=3]',
        '  - paragraph: Let me check the weather.',
        '  - \'group "Tool get_weather: Done"\':',
        '    - text: Tool get_weather Done',
        '    - group: Details',
        '  - paragraph:',
        '    - text: It is',
        '    - strong: 21 °C',
        '    - text: and clear in Paris.',
        '  - button "Copy message": Copy',
        '  - paragraph: claude-sonnet-5-5 · 32 tokens · $0.0002',
      ].join('\n'),
    )
    await tool.locator('summary').click()
    await poll(() => tool.locator('.tool-io').textContent()).toContain('"temperature_c": 21')
    await expect(tool.locator('.tool-io').textContent()).resolves.toContain('"city": "Paris"')
    const parts = await lastReply()
      .locator('.part')
      .evaluateAll((nodes) => nodes.map((n) => n.className))
    expect(parts).toEqual(['part text', 'part tool', 'part text'])
    await expect(lastReply().locator('strong').textContent()).resolves.toBe('21 °C')
  })

  it('renders Markdown safely: no HTML from the model, no javascript: links', async () => {
    await send('markdown')
    const reply = lastReply()
    await poll(() => reply.getAttribute('aria-busy')).toBe('false')
    await expect(reply.locator('img, script').count()).resolves.toBe(0)
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBeUndefined()
    await expect(reply.locator('strong').textContent()).resolves.toBe('bold')
    await expect(reply.locator('em').textContent()).resolves.toBe('italic')
    const links = await reply
      .locator('a')
      .evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]))
    expect(links).toEqual([['good link', 'https://example.com/docs', 'noopener noreferrer nofollow']])
    await expect(reply.textContent()).resolves.toContain('bad link')
    await expect(reply.locator('pre code').textContent()).resolves.toBe('const x = "<b>not bold</b>"')
    await expect(reply.locator('.text').textContent()).resolves.toContain('<img src=x onerror="window.__pwned=1">')
    const table = await reply.locator('table tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)))
    expect(table).toEqual([
      ['Alias', 'Model'],
      ['fast', 'claude-haiku-5-5'],
      ['smart', '<i>claude-opus-5-5</i>'],
    ])
    await expect(reply.locator('table i').count()).resolves.toBe(0)
  })

  it('copies a code block with its Copy button', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await send('markdown')
    await poll(() => lastReply().getAttribute('aria-busy')).toBe('false')
    const copy = lastReply().getByRole('button', { name: 'Copy code' })
    await copy.focus()
    await page.keyboard.press('Enter')
    await poll(() => copy.textContent()).toBe('Copied')
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe('const x = "<b>not bold</b>"')
  })

  it('works with the keyboard alone: Tab to the input, Shift+Enter, Enter, Escape to stop', async () => {
    for (let i = 0; i < 8 && (await focused()) !== 'textarea'; i++) await page.keyboard.press('Tab')
    expect(await focused()).toBe('textarea')
    await page.keyboard.type('line one')
    await page.keyboard.press('Shift+Enter')
    await page.keyboard.type('line two')
    await expect(input().inputValue()).resolves.toBe('line one\nline two')
    await page.keyboard.press('Enter')
    // innerText, not textContent: the rendered line break is what is checked.
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText() is the rendered text
    await poll(() => lastReply().locator('.text').innerText()).toBe('You said: line one\nline two')
    await poll(focused).toBe('textarea')

    const abortsBefore = server.aborts
    await page.keyboard.type('slow')
    await page.keyboard.press('Enter')
    await poll(() => lastReply().locator('.text').textContent()).toBe('This answer is long and slow')
    await page.keyboard.press('Escape')
    await poll(() => server.aborts).toBe(abortsBefore + 1)
    await poll(focused).toBe('textarea')

    // Tab order after the input reaches the send button, and Enter on it sends.
    await page.keyboard.type('via button')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('button.send')
    await page.keyboard.press('Enter')
    await poll(() => lastReply().locator('.text').textContent()).toBe('You said: via button')
    await poll(focused).toBe('textarea')
  })

  it('retries a connection that drops before any text, transparently', async () => {
    const before = server.requests.length
    await send('drop-once')
    await poll(() => lastReply().locator('.text').textContent()).toBe('You said: drop-once')
    expect(server.requests.length - before).toBe(2)
    await expect(page.getByRole('alert').isVisible()).resolves.toBe(false)
  })

  it('New chat clears the conversation', async () => {
    await send('first')
    await poll(() => lastReply().locator('.text').textContent()).toBe('You said: first')
    await page.getByRole('button', { name: 'New chat' }).click()
    await expect(page.locator('claude-chat .msg').count()).resolves.toBe(0)
    await send('second')
    await poll(() => lastReply().locator('.text').textContent()).toBe('You said: second')
    expect(server.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'second' }])
  })

  it('saves screenshots (light and dark) under test-results/', async () => {
    await send('tool')
    await poll(() => lastReply().locator('.tool').getAttribute('data-state')).toBe('output-available')
    await send('markdown')
    await poll(() => lastReply().getAttribute('aria-busy')).toBe('false')
    await send('rate')
    await poll(() => page.getByRole('alert').isVisible()).toBe(true)
    const light = await page.screenshot({ path: 'test-results/claude-chat.png', fullPage: true })
    await page.emulateMedia({ colorScheme: 'dark' })
    const dark = await page.screenshot({ path: 'test-results/claude-chat-dark.png', fullPage: true })
    expect(light.length).toBeGreaterThan(10_000)
    expect(dark.equals(light)).toBe(false)
  })
})
