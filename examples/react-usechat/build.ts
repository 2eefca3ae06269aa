// Builds the app with esbuild into a static bundle: dist/index.html + dist/app.js.
//
//   node examples/react-usechat/build.ts [https://chat.example.com]   (default http://127.0.0.1:8787)
//
// The Worker's URL is compiled in as CHAT_API (`<worker>/v1/chat/stream`).
import { build } from 'esbuild'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = import.meta.dirname

export interface ReactAppBuild {
  html: string
  js: string
}

export async function buildReactApp(options: { workerUrl: string }): Promise<ReactAppBuild> {
  const result = await build({
    entryPoints: [join(here, 'src/main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    define: {
      CHAT_API: JSON.stringify(`${options.workerUrl.replace(/\/$/, '')}/v1/chat/stream`),
      'process.env.NODE_ENV': '"production"',
    },
  })
  return { html: readFileSync(join(here, 'index.html'), 'utf8'), js: result.outputFiles[0]!.text }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const workerUrl = process.argv[2] ?? 'http://127.0.0.1:8787'
  const { html, js } = await buildReactApp({ workerUrl })
  const out = join(here, 'dist')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'index.html'), html)
  writeFileSync(join(out, 'app.js'), js)
  console.log(`examples/react-usechat/dist/: index.html, app.js (${(js.length / 1024).toFixed(1)} KiB) → ${workerUrl}/v1/chat/stream`)
}
