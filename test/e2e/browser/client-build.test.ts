import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ASSETS_PATH, buildClient, gzipSize } from '../../../scripts/build-client.ts'

describe('client build', () => {
  it('src/demo/assets.ts matches the current client sources (run `npm run build:client` if not)', async () => {
    const { assets } = await buildClient()
    expect(readFileSync(ASSETS_PATH, 'utf8') === assets, 'src/demo/assets.ts is stale: run `npm run build:client`').toBe(true)
  })

  it('stays small: client under 6.5 KiB and widget under 15 KiB, minified and gzipped', async () => {
    // Conversations (create, resume after a drop or a reload, stop, load) added about 0.6 / 1.3 KiB.
    const { client, widget } = await buildClient()
    expect(gzipSize(client)).toBeLessThan(6.5 * 1024)
    expect(gzipSize(widget)).toBeLessThan(15 * 1024)
  })
})
