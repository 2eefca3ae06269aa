import type { ClientKey } from '../config.ts'
import { digestsEqual, fromHex, sha256 } from './hash.ts'

/**
 * The configured client keys, looked up by the SHA-256 of a presented key. Every configured
 * digest is compared (in constant time) on every lookup, so the time taken does not depend on
 * which key, if any, matched.
 */
export class SecretKeys {
  readonly #entries: { key: ClientKey; digest: Uint8Array }[]

  constructor(keys: readonly ClientKey[]) {
    this.#entries = keys.map((key) => ({ key, digest: fromHex(key.sha256) }))
  }

  get size(): number {
    return this.#entries.length
  }

  async find(presented: string): Promise<ClientKey | undefined> {
    if (!this.#entries.length) return undefined
    const digest = await sha256(presented)
    let found: ClientKey | undefined
    for (const entry of this.#entries) {
      if (digestsEqual(digest, entry.digest) && !found) found = entry.key
    }
    return found
  }
}
