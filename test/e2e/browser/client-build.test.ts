import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ASSETS_PATH, buildClient, gzipSize } from '../../../scripts/build-client.ts'

describe('client build', () => {
  it('src/demo/assets.ts matches the current client sources (run `npm run build:client` if not)', async () => {
    const { assets } = await buildClient()
    expect(readFileSync(ASSETS_PATH, 'utf8') === assets, 'src/demo/assets.ts is stale: run `npm run build:client`').toBe(true)
  })

  it('stays small: client under 6.5 KiB and widget under 20 KB, minified and gzipped; the highlighter apart', async () => {
    // Conversations (create, resume after a drop or a reload, stop, load) added about 0.6 / 1.3 KiB;
    // issue 19 (incremental rendering, copy, code labels, strings, suggestions…) about 4.9 KiB.
    const { client, widget, chunks } = await buildClient()
    expect(gzipSize(client)).toBeLessThan(6.5 * 1024)
    expect(gzipSize(widget)).toBeLessThan(20_000)
    // The highlighter is a file of its own, imported lazily from next to the widget.
    const [name, highlighter] = Object.entries(chunks).find(([file]) => file.startsWith('claude-chat-highlight-'))!
    expect(widget).toContain(`import("./${name}")`)
    expect(highlighter).toContain('jsdoc') // its grammars (33 languages)
    expect(widget).not.toContain('jsdoc')
    expect(gzipSize(highlighter)).toBeLessThan(10 * 1024)
  })
})
