// Checks (and as root installs) the system packages the tests need.
//
//   node scripts/ensure-deps.ts                  redis-server (what `npm test` needs)
//   node scripts/ensure-deps.ts nginx chromium   more packages (package[:binary])
import { MissingPackageError, ensureAptPackage } from './lib/apt.ts'

const wanted = process.argv.slice(2)
const specs = wanted.length ? wanted : ['redis-server']
let failed = false
for (const spec of specs) {
  const [pkg, binary] = spec.split(':') as [string, string | undefined]
  try {
    console.log(`${pkg}: ${ensureAptPackage(pkg, binary ?? pkg)}`)
  } catch (error) {
    if (!(error instanceof MissingPackageError)) throw error
    console.error(error.message)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
