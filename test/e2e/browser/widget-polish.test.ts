import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_STRINGS } from '../../../client/widget/strings.ts'
import { buildClient } from '../../../scripts/build-client.ts'
import { launchChromium } from './browser.ts'
import { type ScriptedServer, startScriptedServer } from './scripted-server.ts'

/**
 * `<claude-chat>`'s product polish in Chromium (issue 19): configurable strings, touch-aware input,
 * empty-state suggestions, regenerate (stored conversation and plain history), the queued state
 * and the phone layout, against a scripted server (scripted-server.ts, its `polish` scripts).
 */
let server: ScriptedServer
let browser: Browser
let context: BrowserContext
let page: Page
let pageErrors: string[]

beforeAll(async () => {
  const { widget } = await buildClient()
  server = await startScriptedServer({ scripts: 'polish', page: 'blank', conversations: true, widgetJs: widget })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

afterEach(async () => {
  await context?.close()
  server.conversations = true
  expect(pageErrors.filter((e) => !/status of (404|429|529)/.test(e))).toEqual([])
})

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 5000, interval: 20 })

/** A fresh visitor (own storage) with one `<claude-chat>` carrying `attributes`. */
async function open(attributes: Record<string, string> = {}, options: Parameters<Browser['newContext']>[0] = {}) {
  context = await browser.newContext({ viewport: { width: 900, height: 700 }, ...options })
  page = await context.newPage()
  pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()))
  await page.goto(server.url)
  await page.evaluate((attrs) => {
    const chat = document.createElement('claude-chat')
    for (const [name, value] of Object.entries(attrs)) chat.setAttribute(name, value)
    document.body.append(chat)
  }, attributes)
  await page.locator('claude-chat textarea').waitFor()
}

const chat = () => page.locator('claude-chat')
const input = () => chat().locator('textarea')
const replies = () => chat().locator('.msg.assistant')
const replyTexts = () => chat().locator('.msg.assistant .text').allTextContents()
const userTexts = () => chat().locator('.msg.user > div').allTextContents()
const idle = () => poll(() => chat().getAttribute('busy')).toBeNull()

async function send(text: string) {
  await input().fill(text)
  await input().press('Enter')
  await poll(() => userTexts().then((t) => t.at(-1))).toBe(text)
  await idle()
}

describe('strings: every visible text is configurable', () => {
  it('a custom heading alone does not keep "Ask Claude anything…" as the placeholder', async () => {
    await open({ heading: 'Ask Acme' })
    await expect(chat().getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Ask Acme')
    await expect(input().getAttribute('placeholder')).resolves.toBe('Write a message…')
    await chat().evaluate((el) => el.setAttribute('assistant-name', 'Acme'))
    await expect(input().getAttribute('placeholder')).resolves.toBe('Ask Acme anything…')
    await expect(page.getByRole('textbox', { name: 'Message to Acme' }).isVisible()).resolves.toBe(true)
  })

  it('the strings property replaces every text of the shell, errors included; attributes win over it', async () => {
    // Each string becomes «key» (keeping its {placeholders}), so any text left in English shows.
    const marked = Object.fromEntries(
      Object.entries(DEFAULT_STRINGS).map(([key, value]) => [
        key,
        key === 'name' ? 'Acme' : `«${key}»${(value.match(/\{(?!name)\w+\}/g) ?? []).map((token) => ` ${token}`).join('')}`,
      ]),
    )
    await open({ suggestions: 'queued|fail' })
    await chat().evaluate((el, strings) => {
      ;(el as HTMLElement & { strings: unknown }).strings = strings
    }, marked)
    await expect(chat().getByRole('heading', { level: 2 }).textContent()).resolves.toBe('«heading»')
    await expect(input().getAttribute('placeholder')).resolves.toBe('«placeholder»')
    await expect(chat().getByRole('textbox', { name: '«inputLabel»' }).isVisible()).resolves.toBe(true)
    await expect(chat().getByRole('button', { name: '«send»' }).getAttribute('title')).resolves.toBe('«sendTitle»')
    await expect(chat().getByRole('list', { name: '«suggestions»' }).isVisible()).resolves.toBe(true)

    await send('hello')
    await input().fill('fail')
    await input().press('Enter')
    await poll(() => chat().locator('.notice p').textContent()).toBe('«errorOverloaded»«reference» req_polish_529')
    await expect(chat().getByRole('alert').getByRole('button').textContent()).resolves.toBe('«tryAgain»')
    await expect(chat().getByRole('button', { name: '«regenerate»' }).isVisible()).resolves.toBe(true)
    await expect(chat().locator('.msg.user h3').first().textContent()).resolves.toBe('«you»')
    await expect(chat().locator('#status').textContent()).resolves.toBe('')

    // What the widget shows or labels besides the turns' own text: only marked strings.
    const shell = await chat().evaluate((el) => {
      const root = el.shadowRoot!
      const texts: string[] = []
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent!.trim() || node.parentElement?.closest('style, .text, .msg.user > div')) continue
        texts.push(node.textContent!.trim())
      }
      for (const element of root.querySelectorAll('[aria-label], [title], [placeholder]')) {
        for (const name of ['aria-label', 'title', 'placeholder']) if (element.hasAttribute(name)) texts.push(element.getAttribute(name)!)
      }
      return texts
    })
    const strange = shell.filter((text) => !/^(«\w+»|req_polish_529|queued|fail|\s)+$/.test(text))
    expect(strange).toEqual([])

    await chat().evaluate((el) => el.setAttribute('heading', 'Acme Hilfe'))
    await expect(chat().getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Acme Hilfe')
    await expect(input().getAttribute('placeholder')).resolves.toBe('«placeholder»')
  })

  it('durations in errors follow the page language', async () => {
    await open()
    await page.evaluate(() => document.documentElement.setAttribute('lang', 'de'))
    await input().fill('rate')
    await input().press('Enter')
    await poll(() => chat().locator('.notice p').textContent()).toBe(
      "You've sent too many messages in a short time. You can send again in 30 Sekunden.Reference: req_polish_429",
    )
  })
})

describe('touch-aware input', () => {
  it('on a touch screen: no "Enter to send" hint, Enter adds a line, the send button sends', async () => {
    await open({}, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
    await expect(chat().locator('.hint').isVisible()).resolves.toBe(false)
    const before = server.requests.length
    await input().tap()
    await page.keyboard.type('first line')
    await page.keyboard.press('Enter')
    await page.keyboard.type('second line')
    await expect(input().inputValue()).resolves.toBe('first line\nsecond line')
    expect(server.requests.length).toBe(before)
    await chat().getByRole('button', { name: 'Send message' }).tap()
    await poll(() => server.requests.length).toBe(before + 1)
    expect(server.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'first line\nsecond line' }])
    await idle()
    await expect(replies().count()).resolves.toBe(1)
  })

  it('with a mouse and keyboard: the hint shows and Enter sends', async () => {
    await open()
    await expect(chat().locator('.hint').textContent()).resolves.toBe('Enter to send · Shift+Enter for a new line')
    await expect(chat().locator('.hint').isVisible()).resolves.toBe(true)
    await send('desktop')
    await expect(replies().count()).resolves.toBe(1)
  })
})

describe('empty state with suggestions', () => {
  it('shows the suggestions (attribute: JSON or "|"; property: labels and prompts); a click sends one; New chat brings them back', async () => {
    await open({ greeting: 'Hi there.', suggestions: '["What time is it?", "Tell me a joke"]' })
    const buttons = () => chat().getByRole('list', { name: 'Suggestions' }).getByRole('button')
    await poll(() => buttons().allTextContents()).toEqual(['What time is it?', 'Tell me a joke'])
    await chat().evaluate((el) => el.setAttribute('suggestions', 'One | Two|Three'))
    await poll(() => buttons().allTextContents()).toEqual(['One', 'Two', 'Three'])
    await chat().evaluate((el) => {
      ;(el as HTMLElement & { suggestions: unknown }).suggestions = [
        { label: 'The time, please', prompt: 'What time is it in Paris?' },
        'Plain',
      ]
    })
    await poll(() => buttons().allTextContents()).toEqual(['The time, please', 'Plain'])
    await expect(chat().locator('.greeting').textContent()).resolves.toBe('Hi there.')

    await buttons().first().click()
    await poll(userTexts).toEqual(['What time is it in Paris?'])
    await idle()
    await expect(chat().locator('.empty').isVisible()).resolves.toBe(false)
    await chat().getByRole('button', { name: 'New chat' }).click()
    await poll(() => buttons().allTextContents()).toEqual(['The time, please', 'Plain'])
    await expect(chat().locator('.empty').isVisible()).resolves.toBe(true)
  })
})

describe('regenerate', () => {
  it('in a stored conversation: posts trigger "regenerate-message" with the last question, and replaces the answer', async () => {
    await open()
    await expect(chat().getByRole('button', { name: 'Regenerate' }).isVisible()).resolves.toBe(false)
    await send('hello')
    const first = server.requests.length
    const id = await chat().evaluate((el) => (el as HTMLElement & { conversationId?: string }).conversationId)
    expect(id).toMatch(/^conv_polish_/)
    const firstAnswer = (await replyTexts())[0]!

    await chat().getByRole('button', { name: 'Regenerate' }).click()
    await poll(() => server.requests.length).toBe(first + 1)
    expect(server.requests.at(-1)!.body).toEqual({
      conversation_id: id,
      trigger: 'regenerate-message',
      messages: [{ role: 'user', content: 'hello' }],
    })
    await idle()
    const answers = await replyTexts()
    expect(answers).toHaveLength(1)
    expect(answers[0]).not.toBe(firstAnswer)
    expect(answers[0]).toMatch(/^You said: hello \(answer \d+\)$/)
    await expect(userTexts()).resolves.toEqual(['hello'])
    expect(server.stored.get(id!)).toEqual([
      { role: 'user', text: 'hello' },
      { role: 'assistant', text: answers[0] },
    ])
    await expect(chat().evaluate((el) => (el as HTMLElement & { messages: unknown }).messages)).resolves.toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: answers[0] },
    ])

    // The next message sends only itself, as before.
    await send('next')
    expect(server.requests.at(-1)!.body).toEqual({ conversation_id: id, messages: [{ role: 'user', content: 'next' }] })
  })

  it('picks up an answer being regenerated after a reload, in place of the old one', async () => {
    await open()
    await input().fill('queued')
    await input().press('Enter')
    server.release()
    await idle()
    const first = (await replyTexts())[0]
    await chat().getByRole('button', { name: 'Regenerate' }).click()
    await poll(() => chat().locator('.queued').isVisible()).toBe(true) // the new answer waits for a slot
    await page.reload()
    await page.evaluate(() => document.body.append(document.createElement('claude-chat')))
    await poll(() => chat().locator('.queued').isVisible()).toBe(true)
    await expect(userTexts()).resolves.toEqual(['queued'])
    server.release()
    await poll(replyTexts).toEqual([expect.stringMatching(/^You said: queued \(answer \d+\)$/)])
    await idle()
    expect((await replyTexts())[0]).not.toBe(first)
    await expect(replies().count()).resolves.toBe(1)
  })

  it('without a stored conversation: sends the history again without the last answer', async () => {
    server.conversations = false
    await open()
    await send('one')
    await send('two')
    const [a1, a2] = await replyTexts()
    await chat().getByRole('button', { name: 'Regenerate' }).click()
    await idle()
    expect(server.requests.at(-1)!.body).toEqual({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: a1 },
        { role: 'user', content: 'two' },
      ],
    })
    const after = await replyTexts()
    expect(after[0]).toBe(a1)
    expect(after[1]).not.toBe(a2)
    await expect(userTexts()).resolves.toEqual(['one', 'two'])
  })
})

describe('queued state', () => {
  it('shows "Waiting for a free slot…" for a data-queued part until the reply starts', async () => {
    await open()
    await input().fill('queued')
    await input().press('Enter')
    const queued = chat().locator('.queued')
    await poll(() => queued.textContent()).toBe('Waiting for a free slot…')
    await expect(queued.isVisible()).resolves.toBe(true)
    await expect(chat().getAttribute('queued')).resolves.toBe('')
    server.release()
    await poll(replyTexts).toEqual([expect.stringMatching(/^You said: queued/)])
    await expect(queued.count()).resolves.toBe(0)
    await expect(chat().getAttribute('queued')).resolves.toBeNull()
  })
})

describe('phone layout (390 × 844)', () => {
  it('keeps most of the screen for the transcript, also with an error notice', async () => {
    await open({ style: '--claude-chat-height: 100dvh' }, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })
    for (const text of ['hello', 'and more']) {
      await input().fill(text)
      await chat().getByRole('button', { name: 'Send message' }).tap()
      await idle()
    }
    const height = (selector: string) =>
      chat()
        .locator(selector)
        .evaluate((el) => el.getBoundingClientRect().height)
    expect(await height('header')).toBeLessThanOrEqual(48)
    expect(await height('.log')).toBeGreaterThan(0.75 * 844)

    await input().fill('fail')
    await chat().getByRole('button', { name: 'Send message' }).tap()
    await poll(() => chat().getByRole('alert').isVisible()).toBe(true)
    expect(await height('.notice')).toBeLessThanOrEqual(90)
    expect(await height('.log')).toBeGreaterThan(0.6 * 844)
  })
})
