import type Anthropic from '@anthropic-ai/sdk'
import type { Conversation, ConversationPage, ConversationStore, ConversationSummary } from '../types.ts'
import { decodeCursor, encodeCursor, isExpired, keyPart, pageSize, summaryOf } from './common.ts'

type MessageParam = Anthropic.MessageParam
type Obj = Record<string, unknown>

/**
 * The part of Durable Object storage the store uses: the key-value API of `ctx.storage`
 * (`DurableObjectStorage` fits it as is; on a SQLite-backed object each value may be up to 2 MB).
 * Only the array form of `delete` is used. A `Map` is enough for a fake.
 */
export interface ConversationStorage {
  get<T = unknown>(key: string): Promise<T | undefined>
  put<T>(key: string, value: T): Promise<void>
  delete(keys: string[]): Promise<number>
  list<T = unknown>(options: { prefix: string; startAfter?: string; limit?: number }): Promise<Map<string, T>>
}

export interface StorageConversationStoreOptions {
  /** Idle time after which a conversation is gone (`CONVERSATION_TTL`), in ms. */
  ttlMs: number
  /** Clock in epoch ms. Default: `Date.now`. */
  now?: () => number
}

/** Image and document `data` longer than this is stored by reference, once per conversation. */
export const INLINE_DATA_LIMIT = 64 * 1024
/** Largest stored piece of a referenced string (UTF-8 bytes). */
export const CHUNK_BYTES = 1024 * 1024
/**
 * A message row longer than this (JSON characters, after large data went by reference) is itself
 * stored by reference: a JS string may take 2 bytes per character once stored, so this keeps
 * every row far below the 2 MB a value may take (e.g. a message with 40 images of 60 KiB each).
 */
export const ROW_INLINE_CHARS = 512 * 1024
/** Most keys one `delete` call takes on Durable Object storage. */
const DELETE_BATCH = 128

/** A string stored elsewhere: its SHA-256 (hex) names its chunks `<conversation>:b:<sha256>:<n>`. */
interface BlobRef {
  $blob: string
  bytes: number
  chunks: number
}

/** A message row: the message (large data as `BlobRef`s), or a `BlobRef` to its JSON when still too large. */
type Row = Obj | BlobRef

interface Meta {
  v: 1
  id: string
  owner: string
  createdAt: number
  updatedAt: number
  title: string
  /** A digest of each message row in order: a put rewrites only the rows that changed. */
  rows: string[]
  /** SHA-256 → chunk count of every string the rows reference. */
  blobs: Record<string, number>
  /** This conversation's key in the owner index. */
  index: string
}

/** Serialises the operations on one conversation (per storage object): a put awaits hashing between its read and its writes. */
const LOCKS = new WeakMap<object, Map<string, Promise<void>>>()

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const isBlobRef = (v: unknown): v is BlobRef => isObj(v) && typeof v.$blob === 'string'

/** Cursor text: the index key after the owner prefix (inverted updatedAt and encoded id). */
const CURSOR = /^\d{16}:[^:]+$/

/**
 * Conversations in Durable Object storage, for a Worker without Upstash (local development):
 * never in a Worker isolate's memory. The caller decides which object holds the store (e.g. one
 * per owner); keys carry the owner anyway, `keyPart`-encoded so neither owner nor id can reach
 * another key space.
 *
 * Layout, per conversation `c` = `conv:<owner>:<id>`:
 * - `c:meta` → `Meta` (dates, title, a digest per row, the referenced blobs, its index key);
 * - `c:m:<000000>` → one row per message;
 * - `c:b:<sha256>:<0000>` → chunks (≤ 1 MiB, UTF-8 bytes) of a string kept by reference: image
 *   and document `data` over 64 KiB (also inside `tool_result`s), stored once per conversation
 *   however many turns re-send it, and rows still over `ROW_INLINE_CHARS`. A 5 MB image becomes
 *   5 chunks and a 100-byte reference in its row;
 * - `convs:<owner>:<inverted updatedAt>:<id>` → the summary: the owner's index, newest first in
 *   key order.
 *
 * A put writes only the rows, blobs and index entry that changed, all without an await in
 * between, so Durable Object storage commits them as one atomic batch. TTL: a conversation whose
 * `updatedAt` is `ttlMs` old or more is gone for `get`, `list` and `delete`, and its rows are
 * deleted when one of them meets it (no alarms).
 */
export class StorageConversationStore implements ConversationStore {
  readonly kind = 'durable-object'
  readonly #storage: ConversationStorage
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(storage: ConversationStorage, options: StorageConversationStoreOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError(`ttlMs: expected a positive number of ms, got ${options.ttlMs}`)
    this.#storage = storage
    this.#ttlMs = options.ttlMs
    this.#now = options.now ?? Date.now
  }

  get(owner: string, id: string): Promise<Conversation | undefined> {
    const c = conversationKey(owner, id)
    return this.#locked(c, async () => {
      const meta = await this.#storage.get<Meta>(`${c}:meta`)
      if (!meta) return undefined
      if (isExpired(meta.updatedAt, this.#ttlMs, this.#now())) {
        await this.#remove(c, meta)
        return undefined
      }
      const [rows, chunks] = await Promise.all([
        this.#storage.list<Row>({ prefix: `${c}:m:` }),
        Object.keys(meta.blobs).length ? this.#storage.list<Uint8Array>({ prefix: `${c}:b:` }) : new Map<string, Uint8Array>(),
      ])
      const ordered = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row)
      if (ordered.length !== meta.rows.length) {
        throw new Error(`conversation store: ${c} has ${ordered.length} message rows, its metadata lists ${meta.rows.length}`)
      }
      const text = blobReader(c, chunks)
      const messages = ordered.map((row) => restoreMessage(isBlobRef(row) ? (JSON.parse(text(row)) as Obj) : row, text))
      const { createdAt, updatedAt, title } = meta
      return { id: meta.id, owner: meta.owner, createdAt, updatedAt, title, messages }
    })
  }

  put(conversation: Conversation): Promise<void> {
    const c = conversationKey(conversation.owner, conversation.id)
    return this.#locked(c, async () => {
      const old = await this.#storage.get<Meta>(`${c}:meta`)
      const blobs = new Map<string, Uint8Array>()
      const rows: { row: Row; digest: string }[] = []
      for (const message of conversation.messages) {
        let row: Row = await externalizeMessage(message, blobs)
        const json = JSON.stringify(row)
        if (json.length > ROW_INLINE_CHARS) row = await blobOf(json, blobs)
        rows.push({ row, digest: isBlobRef(row) ? row.$blob.slice(0, 32) : await digest(json) })
      }
      const index = indexKey(conversation.owner, conversation.updatedAt, conversation.id)
      const meta: Meta = {
        v: 1,
        id: conversation.id,
        owner: conversation.owner,
        createdAt: conversation.createdAt,
        updatedAt: conversation.updatedAt,
        title: conversation.title,
        rows: rows.map((r) => r.digest),
        blobs: Object.fromEntries([...blobs].map(([hash, bytes]) => [hash, chunkCount(bytes)])),
        index,
      }

      // From here on no await until every write is issued: one atomic batch.
      const writes: Promise<unknown>[] = []
      const deletes: string[] = []
      rows.forEach(({ row, digest }, i) => {
        if (old?.rows[i] !== digest) writes.push(this.#storage.put(rowKey(c, i), row))
      })
      for (let i = rows.length; i < (old?.rows.length ?? 0); i++) deletes.push(rowKey(c, i))
      for (const [hash, bytes] of blobs) {
        if (old?.blobs[hash] !== undefined) continue
        for (let n = 0; n < chunkCount(bytes); n++) {
          writes.push(this.#storage.put(chunkKey(c, hash, n), bytes.slice(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES)))
        }
      }
      for (const [hash, chunks] of Object.entries(old?.blobs ?? {})) {
        if (!blobs.has(hash)) for (let n = 0; n < chunks; n++) deletes.push(chunkKey(c, hash, n))
      }
      if (old && old.index !== index) deletes.push(old.index)
      writes.push(this.#storage.put(index, summaryOf(conversation)))
      writes.push(this.#storage.put(`${c}:meta`, meta))
      for (let i = 0; i < deletes.length; i += DELETE_BATCH) writes.push(this.#storage.delete(deletes.slice(i, i + DELETE_BATCH)))
      await Promise.all(writes)
    })
  }

  async list(owner: string, options: { limit: number; cursor?: string }): Promise<ConversationPage> {
    const limit = pageSize(options.limit)
    const prefix = `convs:${keyPart(owner)}:`
    const after = options.cursor === undefined ? undefined : prefix + decodeCursor(options.cursor, CURSOR)
    const entries = await this.#storage.list<ConversationSummary>({ prefix, limit: limit + 1, ...(after && { startAfter: after }) })
    const now = this.#now()
    const live: [key: string, summary: ConversationSummary][] = []
    const expired: [key: string, summary: ConversationSummary][] = []
    for (const [key, summary] of entries) {
      // Newest first: once one is expired, all the rest are too.
      if (expired.length || isExpired(summary.updatedAt, this.#ttlMs, now)) expired.push([key, summary])
      else live.push([key, summary])
    }
    for (const [key, summary] of expired) await this.#removeExpired(owner, summary.id, key)
    const page = live.slice(0, limit)
    const conversations = page.map(([, summary]) => summary)
    if (live.length <= limit) return { conversations }
    return { conversations, nextCursor: encodeCursor(page.at(-1)![0].slice(prefix.length)) }
  }

  delete(owner: string, id: string): Promise<boolean> {
    const c = conversationKey(owner, id)
    return this.#locked(c, async () => {
      const meta = await this.#storage.get<Meta>(`${c}:meta`)
      if (!meta) return false
      await this.#remove(c, meta)
      return !isExpired(meta.updatedAt, this.#ttlMs, this.#now())
    })
  }

  /** Deletes an expired conversation met in the index (its index entry alone if it has no metadata). */
  #removeExpired(owner: string, id: string, index: string): Promise<void> {
    const c = conversationKey(owner, id)
    return this.#locked(c, async () => {
      const meta = await this.#storage.get<Meta>(`${c}:meta`)
      if (!meta || meta.index !== index) await this.#storage.delete([index])
      else if (isExpired(meta.updatedAt, this.#ttlMs, this.#now())) await this.#remove(c, meta)
    })
  }

  /** Every key of a conversation, in batches the storage accepts (issued together: one atomic write). */
  async #remove(c: string, meta: Meta): Promise<void> {
    const keys = [`${c}:meta`, meta.index, ...meta.rows.map((_, i) => rowKey(c, i))]
    for (const [hash, chunks] of Object.entries(meta.blobs)) for (let n = 0; n < chunks; n++) keys.push(chunkKey(c, hash, n))
    const batches: Promise<number>[] = []
    for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push(this.#storage.delete(keys.slice(i, i + DELETE_BATCH)))
    await Promise.all(batches)
  }

  async #locked<T>(key: string, run: () => Promise<T>): Promise<T> {
    let locks = LOCKS.get(this.#storage)
    if (!locks) LOCKS.set(this.#storage, (locks = new Map()))
    const previous = locks.get(key) ?? Promise.resolve()
    const result = previous.then(run)
    const tail = result.then(
      () => {},
      () => {},
    )
    locks.set(key, tail)
    try {
      return await result
    } finally {
      if (locks.get(key) === tail) locks.delete(key)
    }
  }
}

function conversationKey(owner: string, id: string): string {
  return `conv:${keyPart(owner)}:${keyPart(id)}`
}

function rowKey(c: string, index: number): string {
  return `${c}:m:${String(index).padStart(6, '0')}`
}

function chunkKey(c: string, hash: string, n: number): string {
  return `${c}:b:${hash}:${String(n).padStart(4, '0')}`
}

/** Newest first in key order: 16 digits of (MAX_SAFE_INTEGER − updatedAt), then the id. */
function indexKey(owner: string, updatedAt: number, id: string): string {
  const at = Math.min(Math.max(Math.floor(updatedAt), 0), Number.MAX_SAFE_INTEGER)
  return `convs:${keyPart(owner)}:${String(Number.MAX_SAFE_INTEGER - at).padStart(16, '0')}:${keyPart(id)}`
}

function chunkCount(bytes: Uint8Array): number {
  return Math.max(1, Math.ceil(bytes.byteLength / CHUNK_BYTES))
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', bytes)
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** 128 bits of SHA-256 of a row's JSON: enough to tell a changed row from an unchanged one. */
async function digest(json: string): Promise<string> {
  return (await sha256(new TextEncoder().encode(json))).slice(0, 32)
}

/** Puts `text` in `blobs` under its SHA-256 and returns the reference. */
async function blobOf(text: string, blobs: Map<string, Uint8Array>): Promise<BlobRef> {
  const bytes = new TextEncoder().encode(text)
  const hash = await sha256(bytes)
  blobs.set(hash, bytes)
  return { $blob: hash, bytes: bytes.byteLength, chunks: chunkCount(bytes) }
}

/** Reads referenced strings back from a conversation's chunks (each decoded once). */
function blobReader(c: string, chunks: Map<string, Uint8Array>): (ref: BlobRef) => string {
  const cache = new Map<string, string>()
  return (ref) => {
    let text = cache.get(ref.$blob)
    if (text !== undefined) return text
    const bytes = new Uint8Array(ref.bytes)
    let offset = 0
    for (let n = 0; n < ref.chunks; n++) {
      const chunk = chunks.get(chunkKey(c, ref.$blob, n))
      if (!chunk) throw new Error(`conversation store: ${c} is missing chunk ${n} of ${ref.$blob}`)
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    if (offset !== ref.bytes) throw new Error(`conversation store: ${c}: ${ref.$blob} has ${offset} bytes, expected ${ref.bytes}`)
    text = new TextDecoder().decode(bytes)
    cache.set(ref.$blob, text)
    return text
  }
}

/** The message with every image/document `data` over `INLINE_DATA_LIMIT` replaced by a `BlobRef`. */
async function externalizeMessage(message: MessageParam, blobs: Map<string, Uint8Array>): Promise<Obj> {
  if (typeof message.content === 'string') return { ...message }
  const content: unknown[] = []
  for (const block of message.content as unknown[]) content.push(await externalizeBlock(block, blobs))
  return { ...message, content }
}

async function externalizeBlock(block: unknown, blobs: Map<string, Uint8Array>): Promise<unknown> {
  if (!isObj(block)) return block
  if ((block.type === 'image' || block.type === 'document') && isObj(block.source)) {
    const data = block.source.data
    if (typeof data === 'string' && data.length > INLINE_DATA_LIMIT) {
      return { ...block, source: { ...block.source, data: await blobOf(data, blobs) } }
    }
    return block
  }
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    const content: unknown[] = []
    for (const inner of block.content) content.push(await externalizeBlock(inner, blobs))
    return { ...block, content }
  }
  return block
}

/** The inverse of `externalizeMessage`, at the same places only (a tool's input may hold anything). */
function restoreMessage(row: Obj, text: (ref: BlobRef) => string): MessageParam {
  if (!Array.isArray(row.content)) return row as unknown as MessageParam
  return { ...row, content: row.content.map((block) => restoreBlock(block, text)) } as unknown as MessageParam
}

function restoreBlock(block: unknown, text: (ref: BlobRef) => string): unknown {
  if (!isObj(block)) return block
  if ((block.type === 'image' || block.type === 'document') && isObj(block.source) && isBlobRef(block.source.data)) {
    return { ...block, source: { ...block.source, data: text(block.source.data) } }
  }
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    return { ...block, content: block.content.map((inner) => restoreBlock(inner, text)) }
  }
  return block
}
