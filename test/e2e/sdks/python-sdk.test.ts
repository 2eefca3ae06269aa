// The Python `anthropic` SDK against the Worker under wrangler dev, as a Python user runs it.
// PyPI is not reachable here; this machine's pip has a local index that serves `anthropic`. The
// SDK goes into a throwaway venv in this test's temp folder, never into the project. Where it
// cannot be installed, the test is reported as skipped with the reason (it never passes empty).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TEST_CLIENT_KEY } from '../../support/credentials.ts'
import { startWranglerDev, type WranglerDev } from '../../support/wrangler-dev.ts'

const run = promisify(execFile)
const LOCAL_INDEX = ['--index-url', 'file:///opt/pypi/simple', '--extra-index-url', 'file:///opt/pypi-more/simple']

let dev: WranglerDev
let dir: string
let python: string | undefined
let unavailable = ''

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-edge-python-sdk-'))
  const installing = (async () => {
    try {
      await run('python3', ['-m', 'venv', join(dir, 'venv')], { timeout: 120_000 })
      await run(join(dir, 'venv', 'bin', 'pip'), ['install', '--quiet', ...LOCAL_INDEX, 'anthropic'], { timeout: 240_000 })
      python = join(dir, 'venv', 'bin', 'python')
    } catch (error) {
      unavailable = `the Python SDK could not be installed here: ${String((error as Error).message).split('\n')[0]}`
    }
  })()
  dev = await startWranglerDev({ vars: { UPSTREAM: 'simulator' } })
  await installing
}, 300_000)

afterAll(async () => {
  await dev?.close()
  rmSync(dir, { recursive: true, force: true })
})

const SCRIPT = `
import json, sys, time, anthropic
client = anthropic.Anthropic(base_url=sys.argv[1], api_key=sys.argv[2])
out = {"version": anthropic.__version__}
m = client.messages.create(model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "Hi [sim tokens=3]"}])
out["text"] = m.content[0].text
out["request_id"] = m._request_id
with client.messages.stream(model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "Hi [sim tokens=4]"}]) as stream:
    out["streamed"] = stream.get_final_text()
try:
    client.messages.create(model="claude-nope", max_tokens=20, messages=[{"role": "user", "content": "Hi"}])
except anthropic.NotFoundError as e:
    out["not_found"] = {"request_id": e.request_id, "type": e.body["error"]["type"]}
started = time.time()
try:
    client.messages.create(model="claude-haiku-5-5", max_tokens=20, messages=[{"role": "user", "content": "Hi [sim status=529]"}])
except anthropic.APIStatusError as e:
    out["overloaded"] = {"class": type(e).__name__, "status": e.status_code, "request_id": e.request_id, "seconds": time.time() - started}
print(json.dumps(out))
`

it('the Python SDK: create, stream, _request_id, NotFoundError, OverloadedError without stacked retries', async (ctx) => {
  if (!python) return ctx.skip(unavailable)
  writeFileSync(join(dir, 'client.py'), SCRIPT)
  const { stdout } = await run(python, [join(dir, 'client.py'), dev.url, TEST_CLIENT_KEY], { timeout: 120_000 })
  const out = JSON.parse(stdout)
  console.log(`[python-sdk] anthropic ${out.version}: overload surfaced after ${out.overloaded.seconds.toFixed(1)} s`)
  expect(out.text).toMatch(/\w/)
  expect(out.streamed).toMatch(/\w/)
  expect(out.request_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(out.not_found).toMatchObject({ type: 'not_found_error', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
  expect(out.overloaded).toMatchObject({ class: 'OverloadedError', status: 529, request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) })
}, 180_000)
