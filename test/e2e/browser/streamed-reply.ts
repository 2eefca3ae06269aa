import type { Locator } from 'playwright-core'
import { expect } from 'vitest'

/**
 * Watches a `<claude-chat>` reply until it is no longer busy. Returns its final text and every
 * earlier text seen while it streamed, so a test can check the reply arrived in visible steps.
 */
export async function watchStreamedReply(reply: Locator, timeoutMs: number): Promise<{ final: string; intermediate: string[] }> {
  const states = new Set<string>()
  await expect
    .poll(
      async () => {
        const text =
          (await reply
            .locator('.text')
            .textContent()
            .catch(() => null)) ?? ''
        if (text) states.add(text)
        return reply.getAttribute('aria-busy')
      },
      { timeout: timeoutMs, interval: 10 },
    )
    .toBe('false')
  const final = (await reply.locator('.text').textContent()) ?? ''
  return { final, intermediate: [...states].filter((s) => s !== final) }
}
