import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import { INTERNAL_ROUTE, isNamespace, type ObjectNamespace } from './internal.ts'
import type { TurnRecord } from './hooks.ts'
import { nextConversation } from './turn.ts'
import { redisConversationStore } from './store/create-store.ts'
import type { Conversation, ConversationPage, ConversationStore } from './types.ts'

type Operation = 'get' | 'put' | 'list' | 'delete'

/**
 * Conversations kept in Durable Object storage, for a Worker without Upstash: one object per
 * owner (`store:<owner>`) holds that owner's conversations and their index, reached with a fetch.
 */
export class ObjectConversationStore implements ConversationStore {
  constructor(private readonly namespace: ObjectNamespace) {}

  get(owner: string, id: string): Promise<Conversation | undefined> {
    return this.#call(owner, 'get', [owner, id])
  }
  put(conversation: Conversation): Promise<void> {
    return this.#call(conversation.owner, 'put', [conversation])
  }
  list(owner: string, options: { limit: number; cursor?: string }): Promise<ConversationPage> {
    return this.#call(owner, 'list', [owner, options])
  }
  delete(owner: string, id: string): Promise<boolean> {
    return this.#call(owner, 'delete', [owner, id])
  }

  async #call<T>(owner: string, op: Operation, args: unknown[]): Promise<T> {
    const object = this.namespace.get(this.namespace.idFromName(`store:${owner}`))
    const response = await object.fetch('https://conversations.internal/store', {
      method: 'POST',
      headers: { [INTERNAL_ROUTE]: 'store', 'content-type': 'application/json' },
      body: JSON.stringify({ op, args }),
    })
    if (!response.ok) throw new Error(`conversation store: ${op} failed with ${response.status}`)
    const { result } = (await response.json()) as { result: T }
    return result ?? (undefined as T)
  }
}

/** The owner object's side of `ObjectConversationStore`: one operation on its own storage. */
export async function storeRequest(store: ConversationStore, request: Request): Promise<Response> {
  const { op, args } = (await request.json()) as { op: Operation; args: unknown[] }
  const call = store[op] as (...a: unknown[]) => Promise<unknown>
  if (typeof call !== 'function') return Response.json({ error: `unknown operation ${op}` }, { status: 400 })
  return Response.json({ result: (await call.apply(store, args)) ?? null })
}

const redisStores = new WeakMap<Config, ConversationStore | undefined>()

/** Where this Worker keeps conversations: Upstash when configured, else Durable Objects, else nowhere. */
export function conversationStore(config: Config, env: unknown): ConversationStore | undefined {
  if (config.upstash) {
    // One client per configuration, as the limiter has.
    let store = redisStores.get(config)
    if (!store) redisStores.set(config, (store = redisConversationStore(config)))
    return store
  }
  const namespace = (env as Record<string, unknown> | undefined)?.[config.conversationsBinding]
  return isNamespace(namespace) ? new ObjectConversationStore(namespace) : undefined
}

/** Stores a turn a stop or a restart cut short: the request's messages and what was written of the answer. */
export async function interruptedTurn(config: Config, env: unknown, turn: TurnRecord, answer: string): Promise<void> {
  const store = conversationStore(config, env)
  if (!store) throw new GatewayError('api_error', 'conversation store: not configured')
  const now = Date.now()
  const conversation = (await store.get(turn.owner, turn.id)) ?? {
    id: turn.id,
    owner: turn.owner,
    createdAt: now,
    updatedAt: now,
    title: '',
    messages: [],
  }
  const reply = answer ? [{ role: 'assistant' as const, content: answer }] : []
  const { tokenizer } = config.catalogue.get(config.defaultModel)!
  const base = { ...conversation, messages: conversation.messages.slice(0, turn.base) }
  await store.put(nextConversation({ conversation: base, added: turn.added }, reply, config.conversations, tokenizer, now))
}
