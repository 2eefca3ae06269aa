// The local Workers runtime side: each Worker contender under its own `wrangler dev` (workerd), the
// workerd process found by its process group, its peak memory read from /proc (VmHWM).
import { readdirSync, readFileSync } from 'node:fs'
import { startWranglerDev, type WranglerDev } from '../../test/support/wrangler-dev.ts'
import { claudeEdgeEnv } from '../contenders/claude-edge.ts'
import type { ContenderName } from './contenders.ts'

export interface RuntimeContender {
  name: ContenderName
  url: string
  /** The workerd process serving it (undefined for `direct`). */
  workerdPid?: number
  close(): Promise<void>
}

const CONFIGS: Record<Exclude<ContenderName, 'direct'>, string> = {
  'hand-written': 'bench/wrangler/hand-written.toml',
  'ai-sdk': 'bench/wrangler/ai-sdk.toml',
  'claude-edge (memory)': 'bench/wrangler/claude-edge.toml',
  'claude-edge (upstash)': 'bench/wrangler/claude-edge.toml',
}

/** The wrangler config of a Worker contender, relative to the repo root. */
export const configOf = (name: Exclude<ContenderName, 'direct'>) => CONFIGS[name]

export async function startRuntimeContender(
  name: Exclude<ContenderName, 'direct'>,
  simulatorUrl: string,
  upstash: { url: string; token: string },
): Promise<RuntimeContender> {
  const vars = name.startsWith('claude-edge')
    ? claudeEdgeEnv({ baseURL: simulatorUrl, ...(name === 'claude-edge (upstash)' && { upstash }) })
    : { ANTHROPIC_BASE_URL: simulatorUrl, ANTHROPIC_API_KEY: 'sk-ant-bench' }
  const dev: WranglerDev = await startWranglerDev({ config: CONFIGS[name], vars, readyTimeoutMs: 240_000 })
  return { name, url: dev.url, workerdPid: workerdOf(dev.port), close: () => dev.close() }
}

function stat(pid: string): { comm: string; ppid: number; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = text.lastIndexOf(')')
    const fields = text.slice(close + 2).split(' ')
    return { comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(fields[1]), pgrp: Number(fields[2]) }
  } catch {
    return undefined
  }
}

/** The workerd in the same process group as the wrangler listening on `port`. */
function workerdOf(port: number): number | undefined {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p))
  const wrangler = pids.find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      return argv.some((a) => a.endsWith('wrangler.js')) && argv.includes('--port') && argv[argv.indexOf('--port') + 1] === String(port)
    } catch {
      return false
    }
  })
  const group = wrangler && stat(wrangler)?.pgrp
  if (!group) return undefined
  const found = pids.find((pid) => {
    const s = stat(pid)
    return s?.comm === 'workerd' && s.pgrp === group
  })
  return found ? Number(found) : undefined
}

/** Peak resident memory of a process so far, in MB (VmHWM), or undefined if unknown. */
export function peakRssMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}
