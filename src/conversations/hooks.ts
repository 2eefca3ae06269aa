import type Anthropic from '@anthropic-ai/sdk'
import type { Ticket } from '../limits/limiter.ts'

/** A reservation as the Durable Object keeps it, so a generation cut short can still be billed. */
export interface AdmittedRecord {
  ticket: Omit<Ticket, 'store'>
  /** The model of the first call, to price what was generated. */
  model: string
  /** Estimated input tokens of the first call. */
  inputTokens: number
}

/** The turn a generation adds to a conversation, kept so an interrupted one is still stored. */
export interface TurnRecord {
  owner: string
  id: string
  /** How many stored messages the turn builds on (fewer than stored when it regenerates the last answer). */
  base: number
  added: Anthropic.MessageParam[]
}

/**
 * Set on the context only inside the conversation's Durable Object: the admission and the chat
 * route report what the object must keep in its storage to end a generation a restart cut short
 * (billed for what it generated, the conversation kept consistent).
 */
export interface GenerationHooks {
  admitted(record: AdmittedRecord): void
  turn(record: TurnRecord): void
  /** The chat route stored the whole turn itself: nothing to keep for it any more. */
  saved(): void
}
