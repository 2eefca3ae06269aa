import type { Redis } from '@upstash/redis/cloudflare'
import { ASSISTANT_STATS_TTL_MS, assistantStatsKey, dayTtlMs, limitKeys, windowTtlMs } from './keys.ts'
import { LIMITS_SCRIPT, LIMITS_SCRIPT_SHA1 } from './script.ts'
import { windowAt } from './sliding-window.ts'
import {
  statsOf,
  type AdmitInput,
  type AdmitOutcome,
  type AssistantStats,
  type Counters,
  type HoldInput,
  type HoldOutcome,
  type LimitStore,
  type RefusedBy,
  type SettleInput,
} from './store.ts'

/** The narrowest Redis the store needs: a fake is trivial, the real one is `@upstash/redis`. */
export type ScriptRedis = Pick<Redis, 'evalsha' | 'eval'>

const REFUSED: Record<number, RefusedBy | undefined> = { 1: 'budget', 2: 'global_budget', 3: 'requests', 4: 'tokens' }

/** Limits on Upstash Redis: every operation is one script call, so one round trip. */
export class RedisStore implements LimitStore {
  readonly kind = 'upstash'
  readonly #redis: ScriptRedis
  readonly #prefix: string

  constructor(redis: ScriptRedis, prefix = 'claude-edge') {
    this.#redis = redis
    this.#prefix = prefix
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { keys, windows } = this.#read(input)
    const { requests: r, tokens: t } = input
    const args = [
      'admit',
      r?.limit ?? 0,
      windows.requests?.weight ?? 1,
      r?.take ?? 0,
      windowTtlMs(r?.windowMs ?? 0),
      t?.limit ?? 0,
      windows.tokens?.weight ?? 1,
      t?.take ?? 0,
      windowTtlMs(t?.windowMs ?? 0),
      input.budget?.limitNanos ?? -1,
      input.globalBudget?.limitNanos ?? -1,
      input.reserveNanos,
      dayTtlMs(input.dayEndsAt, input.now),
      input.countDay === false ? 0 : 1,
    ].map(String)
    const reply = await this.#run(keys, args)
    const refusedBy = REFUSED[reply[0] ?? 0]
    return { allowed: !refusedBy, ...(refusedBy && { refusedBy }), ...counters(reply, input) }
  }

  async settle(input: SettleInput): Promise<void> {
    const k = limitKeys(this.#prefix, input.who)
    const t = input.tokens
    const keys = [t ? k.tokens(t.windowMs, t.index) : k.tokens(0, 0), k.day(input.day), k.global(input.day)]
    const args: (string | number)[] = [
      'settle',
      t?.delta ?? 0,
      input.dayTokensDelta,
      input.reservedNanos,
      input.actualNanos,
      dayTtlMs(input.dayEndsAt, input.now),
      input.globalHeld ? 1 : 0,
    ]
    const s = input.stats
    if (s) {
      keys.push(assistantStatsKey(this.#prefix, s.assistant, s.version, input.day))
      args.push(s.errors, Math.round(s.latencyMs), s.inputTokens, s.outputTokens, ASSISTANT_STATS_TTL_MS)
    }
    await this.#run(keys, args.map(String))
  }

  async assistantStats(assistant: string, version: string, day: string): Promise<AssistantStats> {
    const reply = await this.#run([assistantStatsKey(this.#prefix, assistant, version, day)], ['stats'])
    const at = { r: 0, e: 1, c: 2, l: 3, i: 4, o: 5 } as const
    return statsOf((field) => Number(reply[at[field]] ?? 0))
  }

  async hold(input: HoldInput): Promise<HoldOutcome> {
    const k = limitKeys(this.#prefix, input.who)
    const args = [
      'hold',
      input.deltaNanos,
      input.budget?.limitNanos ?? -1,
      input.globalBudget?.limitNanos ?? -1,
      dayTtlMs(input.dayEndsAt, input.now),
      input.globalHeld ? 1 : 0,
    ]
    const reply = await this.#run([k.day(input.day), k.global(input.day)], args.map(String))
    const n = (i: number) => Number(reply[i] ?? 0)
    const refusedBy = n(0) === 1 ? 'budget' : n(0) === 2 ? 'global_budget' : undefined
    return {
      allowed: !refusedBy,
      ...(refusedBy && { refusedBy }),
      day: { spentNanos: n(1), heldNanos: n(2) },
      global: { spentNanos: n(3), heldNanos: n(4) },
    }
  }

  #read(input: AdmitInput) {
    const k = limitKeys(this.#prefix, input.who)
    const rw = input.requests && windowAt(input.now, input.requests.windowMs)
    const tw = input.tokens && windowAt(input.now, input.tokens.windowMs)
    const rMs = input.requests?.windowMs ?? 0
    const tMs = input.tokens?.windowMs ?? 0
    const keys = [
      k.requests(rMs, rw?.index ?? 0),
      k.requests(rMs, (rw?.index ?? 0) - 1),
      k.tokens(tMs, tw?.index ?? 0),
      k.tokens(tMs, (tw?.index ?? 0) - 1),
      k.day(input.day),
      k.global(input.day),
    ]
    return { keys, windows: { requests: rw, tokens: tw } }
  }

  /** EVALSHA first (the script is usually cached by Redis); EVAL once if Redis answers NOSCRIPT. */
  async #run(keys: string[], args: string[]): Promise<number[]> {
    try {
      return (await this.#redis.evalsha(LIMITS_SCRIPT_SHA1, keys, args)) as number[]
    } catch (error) {
      if (!String((error as Error)?.message ?? error).includes('NOSCRIPT')) throw error
      return (await this.#redis.eval(LIMITS_SCRIPT, keys, args)) as number[]
    }
  }
}

function counters(reply: number[], input: { requests?: unknown; tokens?: unknown }): Counters {
  const n = (i: number) => Number(reply[i] ?? 0)
  return {
    ...(input.requests ? { requests: { current: n(1), previous: n(2) } } : {}),
    ...(input.tokens ? { tokens: { current: n(3), previous: n(4) } } : {}),
    day: { requests: n(5), tokens: n(6), spentNanos: n(7), heldNanos: n(8) },
    global: { spentNanos: n(9), heldNanos: n(10) },
  }
}
