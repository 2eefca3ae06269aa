import { createRequire } from 'node:module'

// ioredis is CommonJS whose module.exports is the Redis class with the named exports attached.
// `import { Redis } from 'ioredis'` breaks under Vite's SSR transform (vitest globalSetup) and the
// default import is typed differently from what Node returns, so load it with require.
const ioredis = createRequire(import.meta.url)('ioredis') as typeof import('ioredis')

export const { Redis, Command, ReplyError } = ioredis
export type { Command as CommandType, Redis as RedisType } from 'ioredis'
