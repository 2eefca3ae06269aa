// Prints a fresh claude-edge client key and the CLIENT_KEYS entry for it: `npm run keys:new [id]`.
// Only the SHA-256 goes into the Worker's configuration; the key itself is shown once, here.
import { newClientKey } from '../src/auth/new-client-key.ts'

const id = process.argv[2] ?? `key-${new Date().toISOString().slice(0, 10)}`
const { key, entry } = await newClientKey(id)

console.log(`Key (give it to the client, store it in its secret manager; it is not shown again):

  ${key}

CLIENT_KEYS entry (add it to the JSON array; keep the old entry until its clients have switched):

  ${JSON.stringify(entry)}

Set it with:  npx wrangler secret put CLIENT_KEYS   (paste the whole array, e.g. [${JSON.stringify(entry)}])
Add optional fields to the entry: "scopes", "models", "max_tokens", "rate_limit", "token_limit", "daily_budget_usd".`)
