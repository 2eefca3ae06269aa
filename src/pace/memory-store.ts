import { emptyGroup, giveBack, learn, reserve, type GroupState } from './schedule.ts'
import type { PaceStore } from './store.ts'

/** Most callers' latest slots remembered; past slots are dropped first when it fills. */
const MAX_CALLERS = 10_000

/** Pace in this isolate's memory: exact for one isolate (tests, `npm start`), per isolate in production. */
export class MemoryPaceStore implements PaceStore {
  readonly kind = 'memory'
  readonly #groups = new Map<string, GroupState>()
  readonly #callers = new Map<string, number>()

  async reserve(...[group, who, input]: Parameters<PaceStore['reserve']>) {
    const key = `${group}\u0000${who}`
    const { outcome, callerSlot } = reserve(this.#group(group), this.#callers.get(key) ?? 0, input)
    if (outcome.kind === 'slot') this.#remember(key, callerSlot, input.now)
    return outcome
  }

  async learn(...[group, input]: Parameters<PaceStore['learn']>) {
    learn(this.#group(group), input)
  }

  async giveBack(...[group, input]: Parameters<PaceStore['giveBack']>) {
    giveBack(this.#group(group), input)
  }

  async peek(groups: readonly string[]) {
    return groups.map((g) => structuredClone(this.#groups.get(g) ?? emptyGroup()))
  }

  #group(name: string): GroupState {
    let state = this.#groups.get(name)
    if (!state) this.#groups.set(name, (state = emptyGroup()))
    return state
  }

  #remember(key: string, slot: number, now: number): void {
    this.#callers.delete(key)
    if (this.#callers.size >= MAX_CALLERS) {
      for (const [k, at] of this.#callers) if (at <= now) this.#callers.delete(k)
      // Still full of future slots: forget the oldest (insertion order), as a bounded map would.
      if (this.#callers.size >= MAX_CALLERS) this.#callers.delete(this.#callers.keys().next().value!)
    }
    this.#callers.set(key, slot)
  }
}
