import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis, ReplyError, type CommandType } from './ioredis.ts'
import { FAULT_PREFIX, NO_FAULTS, isFaultMode, parseFaultSpec, type FaultMode, type Faults } from './faults.ts'
import { ScriptRegistry } from './lua-scripts.ts'
import { rawCommand } from './raw-command.ts'
import { ProtocolError, assertAllowed, encodeReply, parseCommand, type RedisCommand, type RedisReply } from './upstash-protocol.ts'

export type BridgeOptions = {
  /** Redis to forward to, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string
  /** Bearer token clients must send (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string
  /** Port to listen on. Default: a free port chosen by the OS. */
  port?: number
  /** Interface to listen on. Default: `127.0.0.1`. */
  host?: string
}

export type Bridge = {
  /** Base URL for `UPSTASH_REDIS_REST_URL`, e.g. `http://127.0.0.1:41234`. */
  url: string
  token: string
  /** Delays every (non-admin) request by `ms` before it runs; 0 turns it off. */
  setLatency(ms: number): void
  /** Makes every (non-admin) request fail the given way; `none` restores normal service. */
  setFault(mode: FaultMode): void
  /** Stops listening, drops open connections and disconnects from Redis. */
  close(): Promise<void>
}

const MAX_BODY_BYTES = 64 * 1024 * 1024
const MAX_SCRIPT_SCOPES = 100

type Reply = { status: number; body: unknown }

/**
 * Starts an HTTP server that speaks the Upstash Redis REST API in front of a real Redis:
 * `POST /` (one command), `/pipeline`, `/multi-exec`, path-style `GET /get/key`, bearer auth,
 * `Upstash-Encoding: base64`. See docs/development.md#local-upstash for the fault-injection hooks.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { redisUrl, token, port = 0, host = '127.0.0.1' } = options
  // RESP2: Upstash answers in RESP2 shapes (flat WITHSCORES arrays, doubles as strings).
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, protocol: 2 })
  await redis.connect()
  const sharedScripts = new ScriptRegistry()
  const scopedScripts = new Map<string, ScriptRegistry>()
  function scriptRegistry(name: string | undefined): ScriptRegistry {
    if (!name) return sharedScripts
    let registry = scopedScripts.get(name)
    if (!registry) {
      registry = new ScriptRegistry()
      scopedScripts.set(name, registry)
      if (scopedScripts.size > MAX_SCRIPT_SCOPES) scopedScripts.delete(scopedScripts.keys().next().value!)
    }
    return registry
  }
  let global: Faults = { ...NO_FAULTS }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: `ERR bridge: ${String(error)}` } })
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge')
    if (!authorized(req, url, token)) {
      return send(res, { status: 401, body: { error: 'Unauthorized' } })
    }
    const body = await readBody(req)
    if (url.pathname.startsWith('/__admin/')) return send(res, admin(url.pathname, body))

    let path = url.pathname
    let faults = global
    if (path.startsWith(FAULT_PREFIX)) {
      const rest = path.slice(FAULT_PREFIX.length)
      const slash = rest.indexOf('/')
      const scoped = parseFaultSpec(slash === -1 ? rest : rest.slice(0, slash))
      if (!scoped) return send(res, { status: 400, body: { error: 'ERR malformed fault spec' } })
      faults = scoped
      path = slash === -1 ? '/' : rest.slice(slash)
    }

    if (faults.latencyMs > 0) {
      await sleep(faults.latencyMs)
      if (res.destroyed) return // the client gave up: do not run the command
    }
    if (faults.mode === 'reset') return void req.socket.destroy()
    if (faults.mode === 'hang') return
    if (faults.mode === 'error') {
      return send(res, { status: 500, body: { error: 'ERR bridge fault injection: error mode' } })
    }

    const base64 = req.headers['upstash-encoding'] === 'base64'
    try {
      send(res, await route(path, body, req.method ?? 'POST', base64, scriptRegistry(faults.scripts)))
    } catch (error) {
      if (error instanceof ProtocolError) return send(res, { status: 400, body: { error: error.message } })
      if (error instanceof SyntaxError) return send(res, { status: 400, body: { error: 'ERR failed to parse command' } })
      throw error
    }
  }

  async function route(path: string, body: Buffer, method: string, base64: boolean, scripts: ScriptRegistry): Promise<Reply> {
    if (path === '/' || path === '') return single(parseCommand(JSON.parse(body.toString('utf8'))), base64, scripts)
    if (path === '/pipeline' || path === '/multi-exec') {
      const list: unknown = JSON.parse(body.toString('utf8'))
      if (!Array.isArray(list) || list.length === 0) {
        throw new ProtocolError('ERR a pipeline must be a non-empty JSON array of commands')
      }
      const commands = list.map(parseCommand)
      return batch(commands, path === '/multi-exec', base64, scripts)
    }
    // Path style, as in Upstash's curl examples: GET /set/key/value, POST /set/key <value body>.
    const segments = path
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment))
    if (method === 'POST' && body.length > 0) segments.push(body.toString('utf8'))
    return single(parseCommand(segments), base64, scripts)
  }

  async function single(command: RedisCommand, base64: boolean, scripts: ScriptRegistry): Promise<Reply> {
    assertAllowed(command)
    const [name, ...args] = scripts.translate(command)
    try {
      const reply = (await redis.sendCommand(rawCommand(name, args))) as RedisReply
      return { status: 200, body: { result: encodeReply(scripts.originalSha(command) ?? reply, base64) } }
    } catch (error) {
      return { status: isReplyError(error) ? 400 : 500, body: { error: errorText(error) } }
    }
  }

  async function batch(commands: RedisCommand[], atomic: boolean, base64: boolean, scripts: ScriptRegistry): Promise<Reply> {
    commands.forEach(assertAllowed)
    // A Pipeline (also in MULTI mode); its typings only show the chainable command methods.
    const queue = (atomic ? redis.multi() : redis.pipeline()) as ReturnType<typeof redis.pipeline> & {
      sendCommand(command: CommandType): unknown
    }
    for (const command of commands) {
      const [name, ...args] = scripts.translate(command)
      queue.sendCommand(rawCommand(name, args))
    }
    let results: [Error | null, unknown][] | null
    try {
      results = await queue.exec()
    } catch (error) {
      // EXECABORT (a command was rejected while queuing) or a lost connection.
      return { status: isReplyError(error) ? 400 : 500, body: { error: errorText(error) } }
    }
    if (!results) return { status: 500, body: { error: 'ERR transaction aborted' } }
    const body = results.map(([error, reply], i) =>
      error ? { error: errorText(error) } : { result: encodeReply(scripts.originalSha(commands[i]!) ?? (reply as RedisReply), base64) },
    )
    return { status: 200, body }
  }

  function admin(path: string, body: Buffer): Reply {
    let input: Record<string, unknown> = {}
    try {
      if (body.length) input = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    } catch {
      return { status: 400, body: { error: 'ERR admin body must be JSON' } }
    }
    if (path === '/__admin/latency') {
      const ms = input.ms
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) {
        return { status: 400, body: { error: 'ERR expected {"ms": <non-negative integer>}' } }
      }
      global = { ...global, latencyMs: ms }
    } else if (path === '/__admin/fault') {
      if (!isFaultMode(input.mode)) {
        return { status: 400, body: { error: 'ERR expected {"mode": "none"|"error"|"reset"|"hang"}' } }
      }
      global = { ...global, mode: input.mode }
    } else if (path === '/__admin/reset') {
      global = { ...NO_FAULTS }
    } else if (path !== '/__admin/state') {
      return { status: 404, body: { error: 'ERR unknown admin endpoint' } }
    }
    return { status: 200, body: { result: global } }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo

  return {
    url: `http://${host}:${address.port}`,
    token,
    setLatency(ms) {
      global = { ...global, latencyMs: Math.max(0, Math.round(ms)) }
    },
    setFault(mode) {
      global = { ...global, mode }
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      redis.disconnect()
    },
  }
}

function authorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer ')) return header.slice(7) === token
  return url.searchParams.get('_token') === token
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new ProtocolError('ERR request body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** An error Redis answered (ERR, NOSCRIPT, WRONGTYPE, EXECABORT…), not a connection problem. */
function isReplyError(error: unknown): boolean {
  return error instanceof (ReplyError as ErrorConstructor)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
