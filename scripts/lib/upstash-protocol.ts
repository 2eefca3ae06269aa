// Translation between the Upstash REST wire format and Redis, as @upstash/redis 1.39 speaks it
// (node_modules/@upstash/redis/chunk-*.mjs: HttpClient.request, decode, Pipeline.exec).

/** A command as the bridge sends it to Redis: name first, every argument a string. */
export type RedisCommand = [name: string, ...args: string[]]

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/**
 * Turns a JSON command array into Redis arguments. Upstash accepts strings, numbers and
 * booleans and stores their text form; anything else is a client error.
 */
export function parseCommand(value: unknown): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProtocolError('ERR a command must be a non-empty JSON array')
  }
  const args = value.map((arg) => {
    if (typeof arg === 'string') return arg
    if (typeof arg === 'number' && Number.isFinite(arg)) return String(arg)
    if (typeof arg === 'boolean') return String(arg)
    throw new ProtocolError(`ERR unsupported argument type in command: ${JSON.stringify(arg)}`)
  })
  return args as RedisCommand
}

/** A Redis reply as ioredis returns it with buffer replies. */
export type RedisReply = Buffer | string | number | null | RedisReply[]

/**
 * Encodes a Redis reply for JSON. With `Upstash-Encoding: base64` every string is base64 except
 * exactly `OK` (the client's `decode` leaves `"OK"` alone); integers stay numbers, arrays
 * recurse, nil stays null. Without it, strings are sent as UTF-8 text.
 */
export function encodeReply(reply: RedisReply, base64: boolean): unknown {
  if (reply === null || typeof reply === 'number') return reply
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64))
  const bytes = typeof reply === 'string' ? Buffer.from(reply) : reply
  if (!base64) return bytes.toString('utf8')
  return bytes.length === 2 && bytes[0] === 0x4f && bytes[1] === 0x4b ? 'OK' : bytes.toString('base64')
}

/** Commands that change the connection's state: one shared connection cannot serve them. */
const CONNECTION_COMMANDS = new Set([
  'auth',
  'client',
  'discard',
  'exec',
  'hello',
  'monitor',
  'multi',
  'psubscribe',
  'psync',
  'punsubscribe',
  'quit',
  'readonly',
  'readwrite',
  'reset',
  'select',
  'shutdown',
  'ssubscribe',
  'subscribe',
  'sunsubscribe',
  'sync',
  'unsubscribe',
  'unwatch',
  'wait',
  'watch',
])

export function assertAllowed(command: RedisCommand): void {
  const name = command[0].toLowerCase()
  if (CONNECTION_COMMANDS.has(name)) {
    throw new ProtocolError(`ERR command is not available on the REST bridge: '${command[0]}'`)
  }
}
