import { describe, expect, it } from 'vitest'
import { LIMITS_SCRIPT, LIMITS_SCRIPT_SHA1 } from '../../src/limits/script.ts'

describe('limits Lua script', () => {
  it('matches its precomputed SHA-1 (EVALSHA would miss forever if they drifted)', async () => {
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(LIMITS_SCRIPT))
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
    expect(hex).toBe(LIMITS_SCRIPT_SHA1)
  })

  it('has no shebang flags line (a real Redis 7 rejects `#!lua flags=allow-key-locking`)', () => {
    expect(LIMITS_SCRIPT.startsWith('#!')).toBe(false)
  })
})
