import type { GroupState, LearnInput, PerMinute, ReserveInput, ReserveOutcome } from './schedule.ts'

/** Output tokens to give back to one group's pace: reserved as `max_tokens`, not generated. */
export interface PaceGiveBack {
  group: string
  now: number
  /** The configured output ceiling (0: the learned one). */
  otpm: number
  unusedOutput: number
}

/**
 * Where the pace of each model group lives: in Redis (every isolate and instance shares it) or in
 * memory (one isolate). Both run schedule.ts's arithmetic; test/pace runs the same cases on each.
 */
export interface PaceStore {
  readonly kind: 'upstash' | 'memory'
  /** Reserves the next slot of `group` for caller `who` (see `ReserveOutcome`). */
  reserve(group: string, who: string, input: ReserveInput): Promise<ReserveOutcome>
  /** Records what a response's `anthropic-ratelimit-*` headers (or a 429) said. */
  learn(group: string, input: LearnInput): Promise<void>
  /** Gives back output tokens that were reserved but not generated. */
  giveBack(group: string, input: { now: number; configured: PerMinute; unusedOutput: number }): Promise<void>
  /** The state of each group (an empty state for a group never used). */
  peek(groups: readonly string[]): Promise<GroupState[]>
}
