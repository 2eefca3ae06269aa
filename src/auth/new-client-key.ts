import { sha256, toHex } from './hash.ts'

/** Prefix of every claude-edge secret key, so a leaked one is recognisable (and scannable). */
export const CLIENT_KEY_PREFIX = 'ce_sk_'

export interface NewClientKey {
  /** The key itself: give it to the client once, store it nowhere else. */
  key: string
  /** Lower-case hex SHA-256 of the key: what goes into CLIENT_KEYS. */
  sha256: string
  /** The CLIENT_KEYS entry for this key. */
  entry: { id: string; sha256: string }
}

/** A fresh secret client key: `ce_sk_` + 32 random bytes (base64url), with its CLIENT_KEYS entry. */
export async function newClientKey(id: string): Promise<NewClientKey> {
  if (!/^[\w.-]{1,64}$/.test(id)) throw new TypeError('key id: letters, digits, _ . - (1-64 characters)')
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const key =
    CLIENT_KEY_PREFIX +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  const digest = toHex(await sha256(key))
  return { key, sha256: digest, entry: { id, sha256: digest } }
}
