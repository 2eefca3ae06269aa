/**
 * `npm run check:package`: the package as a user installs it (issue 17).
 *
 *   1. `npm pack` (its `prepack` runs `npm run build`): file count and size; fails if a test or a
 *      TypeScript source is in the tarball, or a file that package.json "exports" names is not.
 *   2. A fresh Worker project in a temp folder, outside this repository: the tarball + hono, zod and
 *      @cloudflare/workers-types (this repo's versions) from the npm registry, an ordinary strict
 *      tsconfig (no special flags, skipLibCheck off), and a Worker that mounts createApp (and the same parts composed: gateway, authenticate, limits, handlers) with a
 *      tool of its own inside its own Hono app; a second file uses claude-edge/client and
 *      claude-edge/testing, a third (browser tsconfig: DOM, no Workers types) the widget's types.
 *   3. `tsc` there (must be clean); the three runtime entries imported in Node; `wrangler deploy
 *      --dry-run --minify` with this repo's wrangler: the bundle's size and gzip size (goal: under
 *      150 KiB gzip; reported, not enforced), and proof that it bundled the installed package.
 *
 * Exits non-zero with the failing step's output. Needs the npm registry (only); removes its temp folders.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = resolve(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const GZIP_GOAL = 150 * 1024

class CheckFailed extends Error {
  override name = 'CheckFailed'
}

/** Runs a command; throws CheckFailed with its output when it fails. */
function run(step: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 })
  if (result.error) throw new CheckFailed(`${step}: could not run ${command}: ${result.error.message}`)
  if (result.status !== 0) {
    throw new CheckFailed(`${step} failed (${[command, ...args].join(' ')}, exit ${result.status}):\n${result.stdout}${result.stderr}`)
  }
  return result.stdout
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

const installedVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version

type PackResult = { filename: string; entryCount: number; size: number; unpackedSize: number; files: { path: string }[] }
type ExportTarget = string | { [condition: string]: ExportTarget }

/** Every file package.json "exports" can resolve to. */
function exportTargets(target: ExportTarget): string[] {
  return typeof target === 'string' ? [target.replace(/^\.\//, '')] : Object.values(target).flatMap(exportTargets)
}

function pack(into: string): string {
  console.log('npm pack (prepack: npm run build)…')
  mkdirSync(into, { recursive: true })
  const out = run('npm pack', 'npm', ['pack', '--json', '--pack-destination', into], root)
  // prepack's output comes first on stdout; the JSON report is the rest.
  const start = out.search(/^\[\s*$/m)
  if (start < 0) throw new CheckFailed(`npm pack: no JSON report in its output:\n${out}`)
  const [report] = JSON.parse(out.slice(start)) as [PackResult]
  const paths = report.files.map((f) => f.path)
  console.log(`  ${report.filename}: ${report.entryCount} files, ${kib(report.size)} packed, ${kib(report.unpackedSize)} unpacked`)

  const unwanted = paths.filter(
    (p) =>
      /(^|\/)(test|tests|__tests__)\//.test(p) ||
      /\.(test|spec)\.[cm]?[jt]sx?$/.test(p) ||
      (/\.[cm]?tsx?$/.test(p) && !/\.d\.[cm]?ts$/.test(p)),
  )
  if (unwanted.length) throw new CheckFailed(`the tarball holds tests or TypeScript sources:\n  ${unwanted.join('\n  ')}`)
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, ExportTarget>
    main: string
    types: string
  }
  const wanted = [...Object.values(manifest.exports).flatMap(exportTargets), manifest.main, manifest.types].map((p) =>
    p.replace(/^\.\//, ''),
  )
  const missing = [...new Set(wanted)].filter((p) => !paths.includes(p))
  if (missing.length) throw new CheckFailed(`package.json names files the tarball lacks (did the build run?):\n  ${missing.join('\n  ')}`)
  return join(into, report.filename)
}

// The fresh project: what a user writes, using only what 'claude-edge' exports.
const WORKER = `import { Hono } from 'hono'
import {
  authenticate,
  chatHandler,
  chatStreamHandler,
  conversationObject,
  createApp,
  defineTool,
  gateway,
  gatewayErrorHandler,
  limits,
  parseConfig,
  requestBodyLimit,
  ToolError,
  usageHandler,
  type GatewayEnv,
} from 'claude-edge'
import { costOf, ZERO_USAGE } from 'claude-edge/models'
import * as z from 'zod/mini'

type Env = { SHOP_NAME?: string; [name: string]: unknown }

const orderStatus = defineTool({
  name: 'order_status',
  description: 'Looks up the status of a customer order by its id, e.g. A-1001.',
  input: z.object({ order_id: z.string() }),
  timeoutMs: 2000,
  async execute({ order_id }, { env, signal }) {
    signal.throwIfAborted()
    if (order_id !== 'A-1001') throw new ToolError(\`no order \${order_id}\`)
    const shop = typeof env.SHOP_NAME === 'string' ? env.SHOP_NAME : 'the shop'
    return { order_id, status: 'shipped', shop }
  },
})

let site: Hono<{ Bindings: Env }> | undefined

function build(env: Env): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>()
  app.get('/', (c) => c.text(\`Hello from \${c.env.SHOP_NAME ?? 'my Worker'}\`))
  app.route('/ai', createApp({ config: parseConfig(env), tools: [orderStatus] }))
  return app
}

/** Resumable generations and conversations: the class wrangler.toml binds as CONVERSATIONS. */
export const ConversationObject = conversationObject({ tools: [orderStatus] })

/** The same gateway composed from its exported parts, in an app typed with its variables. */
export const composed = new Hono<{ Bindings: Env } & GatewayEnv>()
composed.use('/own/*', gateway({ tools: [orderStatus] }))
composed.use('/own/v1/*', authenticate(), limits())
composed.post('/own/v1/chat', requestBodyLimit(), chatHandler)
composed.post('/own/v1/chat/stream', requestBodyLimit(), chatStreamHandler)
composed.get('/own/v1/usage', usageHandler)
composed.get('/own/cost', (c) => c.json({ usd: costOf(c.get('config').catalogue.get('fast')!, { ...ZERO_USAGE, output_tokens: 1000 }) }))
composed.onError(gatewayErrorHandler)

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname.startsWith('/own/')) return composed.fetch(request, env, ctx)
    site ??= build(env)
    return site.fetch(request, env, ctx)
  },
} satisfies ExportedHandler<Env>
`

const ENTRIES = `import { ChatError, createChatClient, type ChatResult } from 'claude-edge/client'
import { createSimulator, type SimulatorOptions } from 'claude-edge/testing'

/** A test of your own: the chat client against the simulator, offline. */
export async function ask(question: string, options: SimulatorOptions = {}): Promise<ChatResult> {
  const simulator = createSimulator(options)
  const client = createChatClient({ endpoint: 'https://worker.example/ai/v1/chat/stream', fetch: simulator.fetch })
  try {
    return await client.send(question).result
  } catch (error) {
    if (ChatError.isInstance(error)) console.error(error.type, error.requestId)
    throw error
  }
}
`

const BROWSER = `import type { ClaudeChatElement } from 'claude-edge/claude-chat.js'
import 'claude-edge/client/claude-chat'
import { createChatClient } from 'claude-edge/client'

const chat: ClaudeChatElement | null = document.querySelector('claude-chat')
if (chat) chat.getToken = async () => 'session-token'
export const client = createChatClient({ endpoint: '/ai/v1/chat/stream' })
`

const tsconfig = (compilerOptions: Record<string, unknown>, include: string[]) =>
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        ...compilerOptions,
      },
      include,
    },
    null,
    2,
  )}\n`

function wranglerToml(): string {
  const repo = readFileSync(join(root, 'wrangler.toml'), 'utf8')
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(repo)?.[1]
  if (!date) throw new CheckFailed('wrangler.toml: no compatibility_date')
  // The Durable Object blocks a user copies from docs/conversations.md.
  const conversations =
    '\n[[durable_objects.bindings]]\nname = "CONVERSATIONS"\nclass_name = "ConversationObject"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["ConversationObject"]\n'
  return `name = "fresh-worker"\nmain = "src/index.ts"\ncompatibility_date = "${date}"\ncompatibility_flags = ["nodejs_compat"]\n${conversations}`
}

function freshProject(dir: string, tarball: string): void {
  write(dir, {
    'package.json': `${JSON.stringify({ name: 'fresh-worker', private: true, type: 'module' }, null, 2)}\n`,
    'tsconfig.json': tsconfig({ lib: ['ES2022'], types: ['@cloudflare/workers-types'] }, ['src']),
    'tsconfig.browser.json': tsconfig({ lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [] }, ['browser']),
    'wrangler.toml': wranglerToml(),
    'src/index.ts': WORKER,
    'src/entries.ts': ENTRIES,
    'browser/widget.ts': BROWSER,
  })
  const deps = ['hono', 'zod', '@cloudflare/workers-types'].map((name) => `${name}@${installedVersion(name)}`)
  console.log(`fresh Worker project: npm install <tarball> ${deps.join(' ')}…`)
  // Under `npm run`, npm_config_local_prefix names this repository: the install belongs to `dir`.
  run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...deps], dir, {
    npm_config_local_prefix: undefined,
  })
}

function typecheck(dir: string): void {
  for (const project of ['tsconfig.json', 'tsconfig.browser.json']) {
    run(`tsc -p ${project}`, bin('tsc'), ['-p', project], dir)
    console.log(`  tsc -p ${project}: clean`)
  }
}

function importInNode(dir: string): void {
  // The widget entries need a DOM (HTMLElement); they are type-checked above and bundled by the build.
  const code = `for (const s of ['claude-edge', 'claude-edge/testing', 'claude-edge/client']) await import(s)`
  run('import in Node', process.execPath, ['--input-type=module', '-e', code], dir)
  console.log('  import claude-edge, claude-edge/testing, claude-edge/client in Node: ok')
}

function bundle(dir: string): void {
  run(
    'wrangler deploy --dry-run',
    process.execPath,
    [join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--outdir', 'dist', '--minify'],
    dir,
    {
      WRANGLER_SEND_METRICS: 'false',
      CI: '1',
    },
  )
  const file = join(dir, 'dist', 'index.js')
  if (!existsSync(file)) throw new CheckFailed('wrangler deploy --dry-run wrote no dist/index.js')
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }
  if (!map.sources.some((s) => s.includes('node_modules/claude-edge/dist/'))) {
    throw new CheckFailed('the bundle does not contain node_modules/claude-edge/dist: it did not use the installed package')
  }
  const code = readFileSync(file)
  const gzip = gzipSync(code, { level: 9 }).length
  const goal =
    gzip <= GZIP_GOAL ? `within the ${kib(GZIP_GOAL)} goal` : `goal ${kib(GZIP_GOAL)}: over by ${kib(gzip - GZIP_GOAL)}, not enforced`
  console.log(`  wrangler deploy --dry-run --minify: ${kib(code.length)}, gzip -9 ${kib(gzip)} (${goal})`)
}

const temp = mkdtempSync(join(tmpdir(), 'claude-edge-package-'))
const cleanup = () => rmSync(temp, { recursive: true, force: true })
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup()
    process.exit(130)
  })
}
try {
  const tarball = pack(join(temp, 'pack'))
  const project = join(temp, 'fresh-worker')
  freshProject(project, tarball)
  typecheck(project)
  importInNode(project)
  bundle(project)
  console.log('check:package passed')
} catch (error) {
  console.error(
    `\ncheck:package FAILED: ${error instanceof CheckFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
  process.exitCode = 1
} finally {
  cleanup()
}
