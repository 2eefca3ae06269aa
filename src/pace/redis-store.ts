import type { Redis } from '@upstash/redis/cloudflare'
import { PACE_SCRIPT, PACE_SCRIPT_SHA1, paceArgv, type PaceArgs, type PaceMode } from './script.ts'
import type { GroupState, ReserveInput, ReserveOutcome } from './schedule.ts'
import type { PaceStore } from './store.ts'

export type PaceRedis = Pick<Redis, 'evalsha' | 'eval'>

/** The Redis keys of a group and of a caller's latest slot in it. */
export function paceKeys(prefix: string, group: string, who?: string): string[] {
  const hash = `${prefix}:pace:{${group}}`
  return who === undefined ? [hash] : [hash, `${hash}:w:${who}`]
}

/** The arguments reserve and learn share: the clock, the configured ceilings, the bucket sizes. */
function groupArgs(input: Pick<ReserveInput, 'now' | 'configured' | 'burstMs'>) {
  const [rpm, itpm, otpm] = input.configured
  return { now: input.now, rpm, itpm, otpm, burst_r: input.burstMs[0], burst_t: input.burstMs[1] }
}

/** The script's arguments for a reservation (the limits script sends the same ones, prefixed). */
export function reserveArgs(input: ReserveInput): PaceArgs<'reserve'> {
  return {
    ...groupArgs(input),
    cost_r: input.cost[0],
    cost_i: input.cost[1],
    cost_o: input.cost[2],
    max_at: input.maxAt,
    ahead: input.ahead,
  }
}

/** A reservation's reply, `{kind, at, check}`, as an outcome. */
export function reserveOutcome(reply: readonly unknown[]): ReserveOutcome {
  const [kind, at, check] = reply.map(Number) as [number, number, number]
  if (kind === 1) return { kind: 'slot', at }
  if (kind === 2) return { kind: 'later', at, check }
  if (kind === 3) return { kind: 'refused', at }
  return { kind: 'free' }
}

/** Pace on Upstash: every operation is one script call (one round trip). */
export class RedisPaceStore implements PaceStore {
  readonly kind = 'upstash'
  readonly redis: PaceRedis
  readonly prefix: string

  constructor(redis: PaceRedis, prefix = 'claude-edge') {
    this.redis = redis
    this.prefix = prefix
  }

  async reserve(...[group, who, input]: Parameters<PaceStore['reserve']>) {
    return reserveOutcome(await this.#run('reserve', paceKeys(this.prefix, group, who), reserveArgs(input)))
  }

  async learn(...[group, input]: Parameters<PaceStore['learn']>) {
    await this.#run('learn', paceKeys(this.prefix, group), {
      ...groupArgs(input),
      lim_r: input.limits[0],
      lim_i: input.limits[1],
      lim_o: input.limits[2],
      rem_r: input.remaining[0],
      rem_i: input.remaining[1],
      rem_o: input.remaining[2],
      retry_ms: input.retryAfterMs,
    })
  }

  async giveBack(...[group, input]: Parameters<PaceStore['giveBack']>) {
    await this.#run('give', paceKeys(this.prefix, group), { now: input.now, otpm: input.configured[2], unused: input.unusedOutput })
  }

  async peek(groups: readonly string[]): Promise<GroupState[]> {
    if (!groups.length) return []
    const reply = (
      await this.#run(
        'peek',
        groups.map((g) => paceKeys(this.prefix, g)[0]!),
        {},
      )
    ).map(Number)
    return groups.map((_, i) => {
      const n = (k: number) => reply[i * 7 + k] ?? 0
      return { tat: [n(0), n(1), n(2)], blockedUntil: n(3), learned: [n(4), n(5), n(6)] }
    })
  }

  /** EVALSHA first; EVAL once if Redis answers NOSCRIPT. */
  async #run<M extends PaceMode>(mode: M, keys: string[], args: PaceArgs<M>): Promise<unknown[]> {
    const argv = paceArgv(mode, args)
    try {
      return (await this.redis.evalsha(PACE_SCRIPT_SHA1, keys, argv)) as unknown[]
    } catch (error) {
      if (!String((error as Error)?.message ?? error).includes('NOSCRIPT')) throw error
      return (await this.redis.eval(PACE_SCRIPT, keys, argv)) as unknown[]
    }
  }
}
