import { Command, type CommandType } from './ioredis.ts'

// ioredis reshapes some replies per command name (HGETALL → object, ZRANGE … WITHSCORES → pairs,
// XREAD → nested pairs). Upstash returns what Redis sent, so the bridge uses commands that skip
// those transformers and keep every string a Buffer.
class RawCommand extends Command {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result
  }
}

export function rawCommand(name: string, args: string[]): CommandType {
  return new RawCommand(name, args, { replyEncoding: null })
}
