/**
 * `npm run build` (also `prepack`, so `npm pack` / `npm publish` always ship fresh output): the
 * installable package.
 *
 *   dist/lib/src/…               ES modules + .d.ts: 'claude-edge', 'claude-edge/testing' (tsconfig.build.json)
 *   dist/lib/client/…            ES modules + .d.ts: 'claude-edge/client', 'claude-edge/client/claude-chat'
 *                                (client/tsconfig.build.json: browser types, no Workers types)
 *   dist/client/claude-chat.js   'claude-edge/claude-chat.js': the <claude-chat> widget as one
 *                                minified module (scripts/build-client.ts, which also refreshes
 *                                src/demo/assets.ts before tsc compiles it)
 *
 * tsc with `rewriteRelativeImportExtensions` turns the sources' `./x.ts` imports into `./x.js` in
 * the JavaScript; the .d.ts keep `./x.ts`, which TypeScript resolves to `./x.d.ts` in declaration
 * files without any consumer flag (`npm run check:package` type-checks them from a fresh project).
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { writeClient } from './build-client.ts'

const root = resolve(import.meta.dirname, '..')
const tsc = join(root, 'node_modules', '.bin', 'tsc')

rmSync(join(root, 'dist', 'lib'), { recursive: true, force: true })
rmSync(join(root, 'dist', 'client'), { recursive: true, force: true })
await writeClient()
for (const project of ['tsconfig.build.json', 'client/tsconfig.build.json']) {
  const { status } = spawnSync(tsc, ['-p', project], { cwd: root, stdio: 'inherit' })
  if (status !== 0) {
    console.error(`build: tsc -p ${project} failed`)
    process.exit(1)
  }
}
console.log('dist/lib: ES modules and .d.ts for claude-edge, claude-edge/testing, claude-edge/client')
