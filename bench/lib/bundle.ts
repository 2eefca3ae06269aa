// Minified gzip size of a contender's Worker: `wrangler deploy --dry-run --minify` into a temp dir.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'

const root = resolve(import.meta.dirname, '..', '..')

/** KB (1024 bytes) of the gzipped minified bundle (every .js/.mjs module wrangler writes). */
export async function bundleGzipKb(config: string): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'claude-edge-bench-bundle-'))
  try {
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        out,
        '--minify',
        '--config',
        config,
      ],
      {
        cwd: root,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
        timeout: 180_000,
      },
    )
    let bytes = 0
    for (const file of readdirSync(out, { recursive: true }) as string[]) {
      if (/\.m?js$/.test(file)) bytes += gzipSync(readFileSync(join(out, file)), { level: 9 }).length
    }
    return bytes / 1024
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
