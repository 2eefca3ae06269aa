import Redis from 'ioredis'
import type { Command as IORedisCommand } from 'ioredis'

// ioredis reshapes some replies per command name (HGETALL → object, ZRANGE … WITHSCORES → pairs,
// XREAD → nested pairs). Upstash returns what Redis sent, so the bridge uses commands that skip
// those transformers and keep every string a Buffer.
const { Command } = Redis as unknown as { Command: typeof IORedisCommand }

class RawCommand extends Command {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result
  }
}

export function rawCommand(name: string, args: string[]): IORedisCommand {
  return new RawCommand(name, args, { replyEncoding: null })
}
