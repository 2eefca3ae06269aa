// No import runs back up a layer (docs/architecture.md): every module of src/ has a layer, and may
// import only modules of its own layer or below. Run by `npm run lint`; prints each offending
// import and exits 1. The simulator is a separate program (the library's users get it through
// `claude-edge/testing`): it may import only the leaf modules it shares.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')

/** Layers from the top (the deployable Worker) down to the leaves; the first matching pattern wins. */
const LAYERS: [name: string, patterns: RegExp[]][] = [
  ['worker', [/^worker\.ts$/, /^worker-app\.ts$/, /^demo\//]],
  ['library entry', [/^index\.ts$/, /^app\.ts$/, /^conversation-object\.ts$/]],
  ['gateway context', [/^gateway\//]],
  [
    'routes',
    [
      /^chat\//,
      /^health\//,
      /^messages\//,
      /^openai\//,
      /^models\/routes\.ts$/,
      /^limits\/(usage-handler|read-limit|index)\.ts$/,
      /^conversations\/(forward|routes)\.ts$/,
      /^models\/index\.ts$/,
    ],
  ],
  ['tool loop and streams', [/^tools\/(tool-loop|run-tool-call|repair-history|index)\.ts$/, /^tools\/demo\//, /^stream\//]],
  [
    'middleware and policy',
    [/^limits\//, /^conversations\//, /^assistants\/(bind-assistant|registry)\.ts$/, /^auth\/(?!identity|scopes|hash)/],
  ],
  ['admission', [/^admission\//]],
  ['upstream calls', [/^upstream\//]],
  ['upstream pace', [/^pace\//]],
  ['observability', [/^observability\//]],
  ['context window', [/^context\//]],
  [
    'definitions',
    [
      /^config\.ts$/,
      /^models\//,
      /^assistants\/define-assistant\.ts$/,
      /^tools\//,
      /^auth\/(identity|scopes|hash)\.ts$/,
      /^logger\//,
      /^upstash\//,
      /^structured\//,
    ],
  ],
  ['leaves', [/^wire\//, /^errors\.ts$/, /^marker\.ts$/, /^media\//, /^validation\//, /^background\//, /^abort\//]],
]

function layerOf(path: string): number {
  const index = LAYERS.findIndex(([, patterns]) => patterns.some((p) => p.test(path)))
  if (index === -1) throw new Error(`${path}: no layer (add it to LAYERS in scripts/check-layers.ts)`)
  return index
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/g

const problems: string[] = []
for (const file of files(src)) {
  const from = relative(src, file)
  if (from === 'demo/assets.ts') continue
  const simulator = from.startsWith('simulator/')
  const text = readFileSync(file, 'utf8')
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3]!
    const to = relative(src, resolve(dirname(file), spec))
    if (to.startsWith('..')) continue
    if (simulator) {
      if (!to.startsWith('simulator/') && layerOf(to) !== LAYERS.length - 1)
        problems.push(`${from} -> ${to}: the simulator imports only leaves`)
      continue
    }
    if (to.startsWith('simulator/') && layerOf(from) !== 0) {
      problems.push(`${from} -> ${to}: only the deployable Worker bundles the simulator`)
      continue
    }
    if (to.startsWith('simulator/')) continue
    const [a, b] = [layerOf(from), layerOf(to)]
    if (b < a) problems.push(`${from} (${LAYERS[a]![0]}) -> ${to} (${LAYERS[b]![0]}): an import back up a layer`)
  }
}

// The browser client (outside src/) shares only leaves: the wire contract and dependency-free helpers.
const client = join(root, 'client')
for (const file of files(client)) {
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const to = relative(src, resolve(dirname(file), match[1] ?? match[2] ?? match[3]!))
    if (!to.startsWith('..') && layerOf(to) !== LAYERS.length - 1) {
      problems.push(`client/${relative(client, file)} -> src/${to}: the browser client imports only leaves of src/`)
    }
  }
}

if (problems.length) {
  console.error(`check-layers: ${problems.length} import(s) run back up a layer (see docs/architecture.md):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`check-layers: ${files(src).length} modules and the browser client, no import runs back up a layer`)
