import type Anthropic from '@anthropic-ai/sdk'
import { messageTokens, type Tokenizer } from '../context/estimate-tokens.ts'
import type { ConversationBounds } from './types.ts'

type MessageParam = Anthropic.MessageParam

export interface PruneResult {
  /** The pruned conversation: the input array itself when nothing was dropped. */
  messages: MessageParam[]
  /** How many messages were dropped (0 when within the bounds). */
  dropped: number
}

/**
 * Where a prune cuts down to, as a share of each bound. Why not cut to the bound itself: every
 * prune changes the history after the first turn, so the next request cannot reuse the prompt
 * cache past that turn and writes the whole rest of the history to the cache again (1.25× the
 * input price instead of 0.1×). Cutting to exactly the bound would make every later turn go over
 * it again and prune again: a cache miss on every turn. Cutting to 75 % leaves a quarter of the
 * bounds for the following turns, which then extend a byte-identical prefix and read it from the
 * cache; one re-write per prune, paid back over the turns that follow.
 */
export const PRUNE_TARGET = 0.75

/**
 * Keeps a stored conversation within `maxMessages` messages and `maxTokens` estimated tokens
 * (`messageTokens` of src/context/estimate-tokens.ts, per message, role overhead included).
 *
 * Within both bounds: unchanged (the same array). Over either: drops the oldest messages after
 * the first user turn, down to about `PRUNE_TARGET` (75 %) of both bounds (see above), as
 * `[first user turn, …messages.slice(cut)]`, where `cut` is always an assistant message. That one
 * rule gives every guarantee the Messages API needs:
 * - the result starts with the user turn and still alternates (user, assistant, user …);
 * - tool pairs stay whole: a `tool_result` answers the assistant message right before it, which
 *   is then kept too (the kept tail is contiguous from an assistant message), and a kept
 *   `tool_use` keeps the user message after it, the one that holds its `tool_result`;
 * - a conversation made only of tool turns can still be cut (at any of its assistant messages).
 *
 * `src/context/fit-context.ts` cuts the request window differently: it may land on a user
 * message and leaves the two user turns to the API, which merges them, and it cuts to the limit
 * exactly (it runs on every request and must not drop more than that request needs). A stored
 * conversation is re-sent turn after turn, so here the roles alternate and the cut goes deeper.
 *
 * Best effort when the bounds cannot be met: if even the first user turn plus the shortest valid
 * tail (from the last assistant message) is over a bound, that shortest tail is returned (e.g.
 * `maxMessages: 2` with a conversation that ends on a user turn keeps 3 messages). The request
 * itself is still fitted to `MAX_INPUT_TOKENS` by `fitContext`.
 *
 * @param estimate the tokenizer of the model (`classic`, `v2`), or a function that estimates one
 *   message (e.g. `(m) => messageTokens(m, tokenizer)`).
 */
export function pruneConversation(
  messages: MessageParam[],
  bounds: Pick<ConversationBounds, 'maxMessages' | 'maxTokens'>,
  estimate: Tokenizer | ((message: MessageParam) => number),
): PruneResult {
  const size = typeof estimate === 'function' ? estimate : (m: MessageParam) => messageTokens(m, estimate)
  const sizes = messages.map(size)
  const total = sizes.reduce((a, b) => a + b, 0)
  if (messages.length <= bounds.maxMessages && total <= bounds.maxTokens) return { messages, dropped: 0 }

  const head = messages.findIndex((m) => m.role === 'user')
  if (head === -1) return { messages, dropped: 0 }
  // suffix[i]: tokens of messages[i…].
  const suffix = new Array<number>(messages.length + 1).fill(0)
  for (let i = messages.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + sizes[i]!
  const cuts: number[] = []
  for (let i = head + 2; i < messages.length; i++) if (messages[i]!.role === 'assistant') cuts.push(i)
  if (!cuts.length) return { messages, dropped: 0 }

  const fits = (cut: number, maxMessages: number, maxTokens: number) =>
    1 + messages.length - cut <= maxMessages && sizes[head]! + suffix[cut]! <= maxTokens
  const target = (bound: number) => Math.floor(bound * PRUNE_TARGET)
  const cut =
    cuts.find((c) => fits(c, target(bounds.maxMessages), target(bounds.maxTokens))) ??
    cuts.find((c) => fits(c, bounds.maxMessages, bounds.maxTokens)) ??
    cuts.at(-1)!
  const kept = [messages[head]!, ...messages.slice(cut)]
  return { messages: kept, dropped: messages.length - kept.length }
}
