// Runs a real nginx (Debian package) as a reverse proxy in front of a local URL, configured like a
// typical deployment: default proxy buffering, HTTP/1.1 to the upstream, and the given
// proxy_read_timeout. Files live in a temp dir; close() stops the master process.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureAptPackage } from '../../support/apt.ts'
import { freePort } from '../../support/ports.ts'

export type Nginx = { url: string; errorLog(): string; close(): Promise<void> }

export async function startNginx(options: { upstream: string; proxyReadTimeout: string }): Promise<Nginx> {
  const binary = ensureAptPackage('nginx')
  const dir = mkdtempSync(join(tmpdir(), 'claude-edge-nginx-'))
  const port = await freePort()
  const upstream = new URL(options.upstream)
  writeFileSync(
    join(dir, 'nginx.conf'),
    `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://${upstream.host};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # proxy_buffering stays at its default (on): the Worker's x-accel-buffering: no turns it off
      # for its streams. The timeout is shorter than the stalls the tests simulate.
      proxy_read_timeout ${options.proxyReadTimeout};
    }
  }
}
`,
  )
  const test = spawnSync(binary, ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' })
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`)
  const child = spawn(binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}`)
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}: ${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url,
    errorLog: () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8')
      } catch {
        return ''
      }
    },
    close: () =>
      new Promise<void>((done) => {
        const finish = () => {
          rmSync(dir, { recursive: true, force: true })
          done()
        }
        if (child.exitCode !== null) return finish()
        child.once('exit', finish)
        child.kill('SIGQUIT')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }),
  }
}
