import type { Redis } from '@upstash/redis/cloudflare'
import { ASSISTANT_STATS_TTL_MS, assistantStatsKey, dayTtlMs, limitKeys, windowTtlMs } from './keys.ts'
import { LIMITS_SCRIPT, LIMITS_SCRIPT_SHA1, scriptArgv } from './script.ts'
import { windowAt } from './sliding-window.ts'
import { RedisPaceStore, paceKeys, reserveArgs, reserveOutcome } from '../pace/redis-store.ts'
import type { PaceArgs } from '../pace/script.ts'
import type { PaceStore } from '../pace/store.ts'
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

const REFUSED: Record<number, RefusedBy | undefined> = { 1: 'budget', 2: 'global_budget', 3: 'requests', 4: 'tokens', 5: 'pace' }

/** Limits on Upstash Redis: every operation is one script call, so one round trip. */
export class RedisStore implements LimitStore {
  readonly kind = 'upstash'
  readonly #redis: ScriptRedis
  readonly #prefix: string

  constructor(redis: ScriptRedis, prefix = 'claude-edge') {
    this.#redis = redis
    this.#prefix = prefix
  }

  /** Same Redis, same prefix: the pace keys can go into the admission's script call. */
  foldsPace(pace: PaceStore): boolean {
    return pace instanceof RedisPaceStore && pace.redis === this.#redis && pace.prefix === this.#prefix
  }

  async admit(input: AdmitInput): Promise<AdmitOutcome> {
    const { keys, windows } = this.#read(input)
    const { requests: r, tokens: t, pace } = input
    if (pace) keys.push(...paceKeys(this.#prefix, pace.group, pace.who))
    const args = scriptArgv('admit', {
      req_limit: r?.limit ?? 0,
      req_weight: windows.requests?.weight ?? 1,
      req_take: r?.take ?? 0,
      req_ttl_ms: windowTtlMs(r?.windowMs ?? 0),
      tok_limit: t?.limit ?? 0,
      tok_weight: windows.tokens?.weight ?? 1,
      tok_take: t?.take ?? 0,
      tok_ttl_ms: windowTtlMs(t?.windowMs ?? 0),
      budget_nanos: input.budget?.limitNanos ?? -1,
      global_budget_nanos: input.globalBudget?.limitNanos ?? -1,
      reserve_nanos: input.reserveNanos,
      day_ttl_ms: dayTtlMs(input.dayEndsAt, input.now),
      day_requests: input.countDay === false ? 0 : 1,
      ...(pace && prefixed(reserveArgs(pace.input))),
    })
    const reply = await this.#run(keys, args)
    const refusedBy = REFUSED[reply[0] ?? 0]
    return {
      allowed: !refusedBy,
      ...(refusedBy && { refusedBy }),
      ...counters(reply, input),
      ...(pace && { pace: reserveOutcome(reply.slice(11, 14)) }),
    }
  }

  async settle(input: SettleInput): Promise<void> {
    const k = limitKeys(this.#prefix, input.who)
    const t = input.tokens
    const keys = [t ? k.tokens(t.windowMs, t.index) : k.tokens(0, 0), k.day(input.day), k.global(input.day)]
    const s = input.stats
    if (s) keys.push(assistantStatsKey(this.#prefix, s.assistant, s.version, input.day))
    const pace = input.pace
    if (pace) keys.push(paceKeys(this.#prefix, pace.group)[0]!)
    const args = scriptArgv('settle', {
      tok_delta: t?.delta ?? 0,
      day_tokens: input.dayTokensDelta,
      reserved_nanos: input.reservedNanos,
      actual_nanos: input.actualNanos,
      day_ttl_ms: dayTtlMs(input.dayEndsAt, input.now),
      global_held: input.globalHeld ? 1 : 0,
      ...(s && {
        errors: s.errors,
        latency_ms: Math.round(s.latencyMs),
        input_tokens: s.inputTokens,
        output_tokens: s.outputTokens,
        stats_ttl_ms: ASSISTANT_STATS_TTL_MS,
      }),
      ...(pace && { pace_now: pace.now, pace_otpm: pace.otpm, pace_unused: pace.unusedOutput }),
    })
    await this.#run(keys, args)
  }

  async assistantStats(assistant: string, version: string, day: string): Promise<AssistantStats> {
    const reply = await this.#run([assistantStatsKey(this.#prefix, assistant, version, day)], scriptArgv('stats', {}))
    const at = { r: 0, e: 1, c: 2, l: 3, i: 4, o: 5 } as const
    return statsOf((field) => Number(reply[at[field]] ?? 0))
  }

  async hold(input: HoldInput): Promise<HoldOutcome> {
    const k = limitKeys(this.#prefix, input.who)
    const args = scriptArgv('hold', {
      delta_nanos: input.deltaNanos,
      budget_nanos: input.budget?.limitNanos ?? -1,
      global_budget_nanos: input.globalBudget?.limitNanos ?? -1,
      day_ttl_ms: dayTtlMs(input.dayEndsAt, input.now),
      global_held: input.globalHeld ? 1 : 0,
    })
    const reply = await this.#run([k.day(input.day), k.global(input.day)], args)
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

/** The pace reservation's arguments as the limits script names them (`pace_now`, …). */
function prefixed(args: PaceArgs<'reserve'>): Record<`pace_${keyof PaceArgs<'reserve'>}`, number> {
  return Object.fromEntries(Object.entries(args).map(([name, value]) => [`pace_${name}`, value])) as never
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
