import type { Catalogue } from '../models/catalogue.ts'
import type { MeteredCall } from '../observability/meter.ts'
import type { ReserveOutcome } from './schedule.ts'

/** Output tokens a request's calls generated, per rate-limit group (what its reservations are settled with). */
export function outputByGroup(catalogue: Catalogue, calls: readonly MeteredCall[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const call of calls) {
    const group = catalogue.get(call.model)?.rateLimitGroup ?? call.model
    out.set(group, (out.get(group) ?? 0) + call.usage.output_tokens)
  }
  return out
}

/**
 * One request's share of the pace (`c.get('pace')`): who it counts as for fairness, the slot its
 * admission reserved for the first model call, and the output tokens its calls reserved, given
 * back once it is done (`Pacer.settle`).
 */
export class RequestPace {
  readonly #who: () => string
  #reserved: { group: string; outcome: ReserveOutcome } | undefined
  /** Output tokens reserved (`max_tokens`) per model group, by every call of the request. */
  readonly heldOutput = new Map<string, number>()
  /** Groups whose output the limits settle gives back in its own write (`Pacer.settle` skips them). */
  readonly givenBackByLimits = new Set<string>()

  /** `who` is read when needed: the caller is known only once `authenticate` ran. */
  constructor(who: () => string) {
    this.#who = who
  }

  get who(): string {
    return this.#who()
  }

  /** Admission reserved (or estimated) the first call's turn in `group`. */
  reserved(group: string, outcome: ReserveOutcome): void {
    this.#reserved = { group, outcome }
  }

  /** The admission's outcome for a call in `group`, once: later calls and retries ask again. */
  takeReserved(group: string): ReserveOutcome | undefined {
    const reserved = this.#reserved
    if (reserved?.group !== group) return undefined
    this.#reserved = undefined
    return reserved.outcome
  }

  hold(group: string, outputTokens: number): void {
    this.heldOutput.set(group, (this.heldOutput.get(group) ?? 0) + outputTokens)
  }
}
