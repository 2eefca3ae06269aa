import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Full path of an executable on PATH, or undefined. */
export function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

export class MissingPackageError extends Error {
  override name = 'MissingPackageError'
}

/**
 * Makes sure a Debian package's binary is available: returns its path, installs the package with
 * apt-get when running as root, and otherwise throws with the exact command to run.
 * `binary` defaults to the package name (e.g. `ensureAptPackage('chromium')`).
 */
export function ensureAptPackage(pkg: string, binary = pkg): string {
  const found = which(binary)
  if (found) return found
  const command = `apt-get install -y ${pkg}`
  if (process.getuid?.() !== 0) {
    throw new MissingPackageError(`${binary} is not installed. Run: sudo ${command}`)
  }
  console.error(`[deps] ${binary} not found: running \`${command}\``)
  // Wait for another apt/dpkg run to finish rather than failing on its lock.
  const install = () => apt(['install', '-y', '-o', 'DPkg::Lock::Timeout=600', pkg])
  if (install() !== 0) {
    apt(['update', '-o', 'DPkg::Lock::Timeout=600'])
    if (install() !== 0) throw new MissingPackageError(`\`${command}\` failed; install ${pkg} and retry`)
  }
  const installed = which(binary)
  if (!installed) throw new MissingPackageError(`${pkg} installed but ${binary} is not on PATH`)
  return installed
}

function apt(args: string[]): number {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  return result.status ?? 1
}
