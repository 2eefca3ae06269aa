import type { Redis } from '@upstash/redis/cloudflare'
import type { Conversation, ConversationPage, ConversationStore, ConversationSummary } from '../types.ts'
import { decodeCursor, encodeCursor, isExpired, keyPart, pageSize, summaryOf } from './common.ts'

/** The narrowest Redis the store needs: `@upstash/redis` (any `automaticDeserialization`), or a fake. */
export type ConversationRedis = Pick<Redis, 'get' | 'evalsha' | 'eval'>

export interface RedisConversationStoreOptions {
  /** Idle time after which a conversation is gone (`CONVERSATION_TTL`), in ms. */
  ttlMs: number
  /** Prefix of every key. Default: `claude-edge`. */
  prefix?: string
  /** Clock in epoch ms. Default: `Date.now`. */
  now?: () => number
}

/**
 * Expired index entries (score = updatedAt at or below ARGV[n], i.e. `now - ttl`) leave the index
 * and the summaries, at most 100 per call: the index never grows with dead conversations, and
 * each call's work stays bounded. Their conversation keys expire on their own (PX).
 */
const DROP_EXPIRED = (index: string, summaries: string, cutoff: string) => `
local expired = redis.call('ZRANGEBYSCORE', ${index}, '-inf', ${cutoff}, 'LIMIT', 0, 100)
for _, member in ipairs(expired) do
  redis.call('ZREM', ${index}, member)
  redis.call('HDEL', ${summaries}, member)
end`

/**
 * KEYS conversation, index, summaries
 * ARGV conversation JSON, ttl ms, updatedAt (score), member, summary JSON, now - ttl
 */
const PUT_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
${DROP_EXPIRED('KEYS[2]', 'KEYS[3]', 'ARGV[6]')}
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1
`

/**
 * KEYS index, summaries
 * ARGV highest score ('+inf', or the cursor's), count, now - ttl, '1' with a cursor
 * → {member, score, summary JSON (nil when missing), …}, newest first, live conversations only.
 * With a cursor, the conversations of the cursor's score come first, some already shown: the
 * page takes that many more (ZCOUNT), and the caller skips those at or after the cursor's member.
 */
const LIST_SCRIPT = `
${DROP_EXPIRED('KEYS[1]', 'KEYS[2]', 'ARGV[3]')}
local count = tonumber(ARGV[2])
if ARGV[4] == '1' then count = count + redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) end
local page = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '(' .. ARGV[3], 'WITHSCORES', 'LIMIT', 0, count)
local out = {}
for i = 1, #page, 2 do
  out[#out + 1] = page[i]
  out[#out + 1] = page[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], page[i])
end
return out
`

/**
 * KEYS conversation, index, summaries
 * ARGV member, now - ttl → 1 when a live conversation was deleted, else 0
 */
const DELETE_SCRIPT = `
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
local existed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if existed == 0 or not score or tonumber(score) <= tonumber(ARGV[2]) then return 0 end
return 1
`

/**
 * A cursor's text: the score and the (encoded) id of the last conversation shown. The next page
 * starts right after it in the index order (score descending, then id descending), so pages stay
 * exact when conversations are updated (moved to the top) or deleted between two calls.
 */
const CURSOR = /^(-?\d{1,16}(?:\.\d{1,6})?):([^:]{1,1000})$/

/**
 * Conversations on Upstash Redis.
 *
 * Layout (owner and id are `keyPart`-encoded, so neither can reach another key space):
 * - `<prefix>:conv:<owner>:<id>` → the conversation as JSON, `PX` = the TTL from its last put;
 * - `<prefix>:convs:<owner>` → sorted set of the owner's ids, score = `updatedAt`, `PEXPIRE` = TTL
 *   from the owner's last put (so it outlives every conversation it lists);
 * - `<prefix>:convsum:<owner>` → hash id → summary JSON (what `list` shows, without reading the
 *   conversations themselves, which can be megabytes), same `PEXPIRE`.
 *
 * Expiry follows the store's clock (`now`): a conversation is gone for `get`, `list` and `delete`
 * from `updatedAt + ttl` on, and Redis drops its key by `PX` at about the same time. The index
 * and the summaries are written in the same script as the conversation, so they never disagree.
 *
 * Round trips (each script is sent as EVALSHA; the first call after Redis lost its script cache
 * gets NOSCRIPT and costs one more, an EVAL):
 * - `get`: 1 (GET).
 * - `put`: 1 (one script, atomic: SET PX, ZADD, HSET, PEXPIRE both, and drops up to 100 expired
 *   index entries). One script rather than MULTI: the cleanup needs the ids it finds.
 * - `list`: 1 (one script: drops expired entries, ZREVRANGEBYSCORE one page + 1, HGET each).
 * Every key a script touches is passed in KEYS (the conversation keys of expired entries are left
 * to their PX), as Upstash's key-based locking and Redis Cluster require.
 * - `delete`: 1 (one script: DEL, ZREM, HDEL).
 * A conversation turn therefore costs 2: a `get` before the model call, a `put` after it.
 *
 * The whole conversation is one value: Upstash's request and record size limits (the plan's max
 * request size) bound a conversation with large images.
 */
export class RedisConversationStore implements ConversationStore {
  readonly kind = 'upstash'
  readonly #redis: ConversationRedis
  readonly #prefix: string
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(redis: ConversationRedis, options: RedisConversationStoreOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError(`ttlMs: expected a positive number of ms, got ${options.ttlMs}`)
    this.#redis = redis
    this.#prefix = options.prefix ?? 'claude-edge'
    this.#ttlMs = Math.ceil(options.ttlMs)
    this.#now = options.now ?? Date.now
  }

  async get(owner: string, id: string): Promise<Conversation | undefined> {
    const conversation = parsed<Conversation>(await this.#redis.get<unknown>(this.#keys(owner, id).conversation))
    if (!conversation) return undefined
    if (conversation.owner !== owner || conversation.id !== id) return undefined
    if (isExpired(conversation.updatedAt, this.#ttlMs, this.#now())) return undefined
    return conversation
  }

  async put(conversation: Conversation): Promise<void> {
    const keys = this.#keys(conversation.owner, conversation.id)
    await this.#run(
      PUT_SCRIPT,
      [keys.conversation, keys.index, keys.summaries],
      [
        JSON.stringify(conversation),
        String(this.#ttlMs),
        String(conversation.updatedAt),
        keys.member,
        JSON.stringify(summaryOf(conversation)),
        String(this.#cutoff()),
      ],
    )
  }

  async list(owner: string, options: { limit: number; cursor?: string }): Promise<ConversationPage> {
    const limit = pageSize(options.limit)
    let after: { score: number; member: string } | undefined
    if (options.cursor !== undefined) {
      const [, score, member] = CURSOR.exec(decodeCursor(options.cursor, CURSOR))!
      after = { score: Number(score), member: member! }
    }
    const keys = this.#keys(owner, '')
    const reply = (await this.#run(
      LIST_SCRIPT,
      [keys.index, keys.summaries],
      [after ? String(after.score) : '+inf', String(limit + 1), String(this.#cutoff()), after ? '1' : '0'],
    )) as unknown[]
    const entries: { member: string; score: number; summary: ConversationSummary | undefined }[] = []
    for (let i = 0; i + 2 < reply.length; i += 3) {
      // String(): automatic deserialization may have read an id such as "12345678" as a number (losslessly).
      const entry = { member: String(reply[i]), score: Number(reply[i + 1]), summary: parsed<ConversationSummary>(reply[i + 2]) }
      // Ids compare as Redis orders them: encoded ids are ASCII, so code units are bytes.
      if (after && entry.score === after.score && entry.member >= after.member) continue
      entries.push(entry)
    }
    const page = entries.slice(0, limit)
    const conversations = page.flatMap((e) => (e.summary ? [e.summary] : []))
    if (entries.length <= limit) return { conversations }
    const last = page.at(-1)!
    return { conversations, nextCursor: encodeCursor(`${last.score}:${last.member}`) }
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const keys = this.#keys(owner, id)
    const deleted = await this.#run(DELETE_SCRIPT, [keys.conversation, keys.index, keys.summaries], [keys.member, String(this.#cutoff())])
    return Number(deleted) === 1
  }

  /** Index scores at or below this are expired conversations. */
  #cutoff(): number {
    return this.#now() - this.#ttlMs
  }

  #keys(owner: string, id: string) {
    const o = keyPart(owner)
    const member = keyPart(id)
    return {
      member,
      conversation: `${this.#prefix}:conv:${o}:${member}`,
      index: `${this.#prefix}:convs:${o}`,
      summaries: `${this.#prefix}:convsum:${o}`,
    }
  }

  /** EVALSHA first (Redis usually has the script); EVAL once if it answers NOSCRIPT. */
  async #run(script: string, keys: string[], args: string[]): Promise<unknown> {
    const sha = await sha1(script)
    try {
      return await this.#redis.evalsha(sha, keys, args)
    } catch (error) {
      if (!String((error as Error)?.message ?? error).includes('NOSCRIPT')) throw error
      return await this.#redis.eval(script, keys, args)
    }
  }
}

/** A JSON value from a reply: parsed already by `@upstash/redis` (automatic deserialization), or still text. */
function parsed<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

const shas = new Map<string, Promise<string>>()

/** SHA-1 of a script in hex, as Redis names it (computed once per script and isolate). */
export function sha1(script: string): Promise<string> {
  let sha = shas.get(script)
  if (!sha) {
    sha = crypto.subtle
      .digest('SHA-1', new TextEncoder().encode(script))
      .then((digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(''))
    shas.set(script, sha)
  }
  return sha
}

/** The scripts, for tests (e.g. `SCRIPT LOAD` before counting round trips). */
export const CONVERSATION_SCRIPTS = { put: PUT_SCRIPT, list: LIST_SCRIPT, delete: DELETE_SCRIPT } as const
