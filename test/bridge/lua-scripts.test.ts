// The shebang rewrite on its own (the HTTP behaviour is in upstash-redis.test.ts / ratelimit.test.ts).
import { describe, expect, it } from 'vitest'
import { ScriptRegistry, rewriteScript, sha1 } from '../../scripts/lib/lua-scripts.ts'

describe('rewriteScript', () => {
  it('drops allow-key-locking and keeps the line count', () => {
    expect(rewriteScript('#!lua flags=allow-key-locking\nreturn 1')).toBe('#!lua\nreturn 1')
  })

  it('keeps flags Redis knows', () => {
    expect(rewriteScript('#!lua flags=no-writes,allow-key-locking\nreturn 1')).toBe('#!lua flags=no-writes\nreturn 1')
  })

  it('leaves other scripts alone', () => {
    for (const script of ['return 1', '#!lua\nreturn 1', '#!lua flags=no-writes\nreturn 1', '-- #!lua flags=allow-key-locking\nreturn 1']) {
      expect(rewriteScript(script)).toBe(script)
    }
  })
})

describe('ScriptRegistry', () => {
  it('maps the original SHA to the rewritten script once it was seen through EVAL', () => {
    const registry = new ScriptRegistry()
    const script = '#!lua flags=allow-key-locking\nreturn 1'
    const original = sha1(script)
    expect(registry.translate(['EVALSHA', original, '0'])).toEqual(['EVALSHA', original, '0'])
    expect(registry.translate(['EVAL', script, '0'])).toEqual(['EVAL', '#!lua\nreturn 1', '0'])
    expect(registry.translate(['evalsha', original, '0'])).toEqual(['evalsha', sha1('#!lua\nreturn 1'), '0'])
  })

  it('answers SCRIPT LOAD with the SHA of the script as sent', () => {
    const registry = new ScriptRegistry()
    const script = '#!lua flags=allow-key-locking\nreturn 2'
    expect(registry.translate(['script', 'load', script])).toEqual(['script', 'load', '#!lua\nreturn 2'])
    expect(registry.originalSha(['script', 'load', script])).toBe(sha1(script))
  })
})
