import { describe, expect, it } from 'vitest'

// Everything under src/ ends up in the Worker bundle (budget: 150 KB gzip). Two imports alone would
// add ~150 KB gzip: classic zod (use `import * as z from 'zod/mini'` + src/validation/zod.ts) and the SDK's root entry
// (its `Anthropic` class pulls every API resource; use UpstreamClient and subpath imports).
const sources = import.meta.glob('../src/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

describe('bundle hygiene', () => {
  it('finds the sources', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10)
  })

  it.each(Object.entries(sources))('%s imports no classic zod and no SDK root value', (_file, text) => {
    expect(text).not.toMatch(/from ['"]zod['"]/)
    expect(text).not.toMatch(/from ['"]zod\/v4['"]/)
    expect(text).not.toMatch(/^import (?!type )[^\n]*from ['"]@anthropic-ai\/sdk['"]/m)
    // Re-exporting the zod namespace as a value makes esbuild keep all of it (+100 KB).
    expect(text).not.toMatch(/export \{ z \}/)
  })
})
