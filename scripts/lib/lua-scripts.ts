import { createHash } from 'node:crypto'
import type { RedisCommand } from './upstash-protocol.ts'

// @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`, an Upstash-only flag
// that Redis 7 rejects ("Unexpected flag in script shebang"). The bridge drops that flag, which
// changes the script's SHA1: an EVALSHA of the original SHA is answered with Redis's own
// NOSCRIPT until the script has been seen through EVAL or SCRIPT LOAD, after which the original
// SHA is mapped to the rewritten one. @upstash/ratelimit's safeEval falls back to EVAL on NOSCRIPT.

const UPSTASH_ONLY_FLAGS = new Set(['allow-key-locking'])
const SHEBANG = /^#!lua(?:[ \t]+flags=([^\r\n]*))?[ \t]*(?=\r?\n|$)/

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

/** Drops Upstash-only shebang flags; returns the script unchanged when there are none. */
export function rewriteScript(script: string): string {
  const match = SHEBANG.exec(script)
  if (!match?.[1]) return script
  const flags = match[1]
    .split(',')
    .map((flag) => flag.trim())
    .filter(Boolean)
  const kept = flags.filter((flag) => !UPSTASH_ONLY_FLAGS.has(flag))
  if (kept.length === flags.length) return script
  // Keep a shebang (and so the line count) so Redis error line numbers still match the source.
  const shebang = kept.length ? `#!lua flags=${kept.join(',')}` : '#!lua'
  return shebang + script.slice(match[0].length)
}

const MAX_MAPPED_SCRIPTS = 1000

/** Remembers original SHA → rewritten SHA (bounded: oldest entries are dropped first). */
export class ScriptRegistry {
  readonly #rewritten = new Map<string, string>()

  /** Returns the command to send to Redis instead of `command`. */
  translate(command: RedisCommand): RedisCommand {
    const name = command[0].toLowerCase()
    if ((name === 'eval' || name === 'eval_ro') && command.length > 1) {
      return [command[0], this.#remember(command[1]!), ...command.slice(2)]
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && command.length > 1) {
      const sha = command[1]!.toLowerCase()
      return [command[0], this.#rewritten.get(sha) ?? sha, ...command.slice(2)]
    }
    if (name === 'script' && command[1]?.toLowerCase() === 'load' && command.length === 3) {
      return [command[0], command[1], this.#remember(command[2]!)]
    }
    if (name === 'script' && command[1]?.toLowerCase() === 'exists') {
      return [command[0], command[1], ...command.slice(2).map((sha) => this.#rewritten.get(sha.toLowerCase()) ?? sha)]
    }
    return command
  }

  /** SCRIPT LOAD answers the SHA the client computed: the original script's. */
  originalSha(command: RedisCommand): string | undefined {
    const isLoad = command[0].toLowerCase() === 'script' && command[1]?.toLowerCase() === 'load'
    return isLoad && command.length === 3 ? sha1(command[2]!) : undefined
  }

  #remember(script: string): string {
    const rewritten = rewriteScript(script)
    if (rewritten !== script) {
      const original = sha1(script)
      this.#rewritten.delete(original)
      this.#rewritten.set(original, sha1(rewritten))
      if (this.#rewritten.size > MAX_MAPPED_SCRIPTS) {
        this.#rewritten.delete(this.#rewritten.keys().next().value!)
      }
    }
    return rewritten
  }
}
